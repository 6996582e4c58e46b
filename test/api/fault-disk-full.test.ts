/**
 * The server on a full disk (a real 16 MiB tmpfs): writes answer 507 naming the disk,
 * the background tasks (index merge, checkpoint) fail without taking the process down,
 * reads keep working, and once space is back writes and background work resume with no
 * restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Mnemo, startMnemo } from '../../src/main/core';
import { eventually } from '../helpers/eventually';
import { messagesInMainFile, onOwnConnection, searchSegments } from '../helpers/main-file';
import { onPostgres } from '../helpers/pg-database';
import { mountTmpfs, type Tmpfs, tmpfsUnavailable } from '../helpers/tmpfs';

// SQLite only: the database file on a full disk; a PostgreSQL server's disk is its own.
const skipped = tmpfsUnavailable || onPostgres();

let disk: Tmpfs;
let dataDir: string;
let mnemo: Mnemo;

beforeAll(async () => {
  if (skipped) return;
  disk = mountTmpfs(16);
  dataDir = path.join(disk.dir, 'data');
  mnemo = await startMnemo({ host: '127.0.0.1', port: 0, dataDir, corsOrigins: [] }, { env: {} });
});
afterAll(async () => {
  if (skipped) return;
  for (const file of fs.readdirSync(disk.dir))
    if (file.startsWith('filler')) fs.rmSync(path.join(disk.dir, file));
  await mnemo.close();
  disk.unmount();
});

function request(pathAndQuery: string, json?: unknown): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${mnemo.apiKey()}` };
  if (json === undefined) return fetch(mnemo.address.url + pathAndQuery, { headers });
  headers['content-type'] = 'application/json';
  return fetch(mnemo.address.url + pathAndQuery, { method: 'POST', headers, body: JSON.stringify(json) });
}

const simAdd = (conversationId: string, content: string) =>
  request('/api/memory', { conversationId, role: 'user', content });

describe.skipIf(skipped)('a full disk', () => {
  it('answers writes 507 naming the disk, stays up for reads, and works again once space is back', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // Segments for the index merge to work on once writes pause.
      for (let i = 0; i < 30; i++) expect((await simAdd(`c${i % 5}`, `note ${i} harbour`)).status).toBe(200);
      // An empty WAL, then no space: any new page has nowhere to go.
      onOwnConnection(dataDir, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
      const filler = disk.fill();

      const sim = await simAdd('c1', 'one more harbour note');
      expect(sim.status).toBe(507);
      const simBody = (await sim.json()) as { success: boolean; error: string };
      expect(simBody.success).toBe(false);
      expect(simBody.error).toBe(
        `the disk holding ${dataDir} is full; free some space and retry; nothing was stored`,
      );
      const native = await request('/api/v1/sessions/default/c1/messages', { content: 'still there?' });
      expect(native.status).toBe(507);
      expect(((await native.json()) as { message: string }).message).toMatch(/^the disk holding .* is full/);

      // Past the merge's quiet second and several checkpoint intervals: the process is up.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(
        warn.mock.calls.some((call) => String(call[0]).includes('merging the search index failed')),
      ).toBe(true);
      expect((await fetch(`${mnemo.address.url}/api/v1/health`)).status).toBe(200);
      const list = await request('/api/v1/sessions');
      expect(list.status).toBe(200);
      expect(((await list.json()) as { total: number }).total).toBe(5);
      expect(searchSegments(dataDir)).toBeGreaterThan(4);

      fs.rmSync(filler);
      const again = await simAdd('c1', 'one more harbour note');
      expect(again.status).toBe(200);
      // The merge resumes on its own, and the checkpoint worker empties the WAL into the file.
      expect(await eventually(() => searchSegments(dataDir) <= 4, 10_000)).toBe(true);
      expect(await eventually(() => messagesInMainFile(dataDir) === 31, 10_000)).toBe(true);
    } finally {
      warn.mockRestore();
    }
  }, 30_000);
});
