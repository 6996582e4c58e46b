/**
 * A damaged page of the database file: Status says so soon after start (and the log has
 * one line), and an export that runs into it ends with an error the client sees, never a
 * clean-looking cut.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Mnemo, startMnemo } from '../../src/main/core';
import { DATABASE_FILE, type SqliteStore } from '../../src/main/store';
import { onPostgres } from '../helpers/pg-database';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer | undefined;
let again: Mnemo | undefined;
afterEach(async () => {
  await again?.close();
  await server?.close();
  again = undefined;
  server = undefined;
  vi.restoreAllMocks();
});

const serverInfo = async (url: string, key: string) =>
  (await (await fetch(`${url}/api/v1/server`, { headers: { authorization: `Bearer ${key}` } })).json()) as {
    integrity: { state: string; checkedAt: string | null; message: string | null };
  };

/** Reads a response body to its end or its error, keeping the text that came. */
async function readAll(res: Response): Promise<{ text: string; error?: unknown }> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode() };
      text += decoder.decode(value, { stream: true });
    }
  } catch (error) {
    return { text, error };
  }
}

/** Writes garbage over one leaf page of the messages table, in the middle of it. */
function damageMessagesTable(file: string): number {
  const db = new Database(file);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const leaves = db
    .prepare("SELECT pageno FROM dbstat WHERE name = 'messages' AND pagetype = 'leaf' ORDER BY pageno")
    .pluck()
    .all() as number[];
  db.close();
  expect(leaves.length).toBeGreaterThan(10);
  const page = leaves[Math.floor(leaves.length / 2)] as number;
  const fd = fs.openSync(file, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  fs.closeSync(fd);
  return page;
}

// SQLite only: it damages the database file's pages; a PostgreSQL server has no file of Mnemo's to check.
describe.skipIf(onPostgres())('the integrity check at start', () => {
  it('says ok for a sound database', async () => {
    server = await startTestServer();
    await (server.mnemo.store as SqliteStore).integrityChecked();
    const info = await serverInfo(server.url, server.key);
    expect(info.integrity).toMatchObject({ state: 'ok', message: null });
    expect(Date.parse(info.integrity.checkedAt ?? '')).not.toBeNaN();
  });

  it('finds a damaged page: Status says damaged, the log has one line, and exports end in an error', async () => {
    server = await startTestServer();
    const text = (i: number) => `message ${i} `.repeat(80);
    await server.mnemo.store.bulkInsert(
      Array.from({ length: 200 }, (_, c) => ({
        flowId: 'default',
        sessionId: `s${c}`,
        messages: [0, 1, 2].map((i) => ({
          role: 'user' as const,
          content: text(c * 3 + i),
          chatType: 'EXTERNAL' as const,
        })),
      })),
    );
    await server.mnemo.close(); // checkpoints the WAL into the file
    damageMessagesTable(path.join(server.dataDir, DATABASE_FILE));

    const warn = vi.spyOn(console, 'warn');
    again = await startMnemo(
      { host: '127.0.0.1', port: 0, dataDir: server.dataDir, corsOrigins: [] },
      { env: {} },
    );
    const key = again.apiKey();
    await (again.store as SqliteStore).integrityChecked();
    const info = await serverInfo(again.address.url, key);
    expect(info.integrity.state).toBe('damaged');
    expect(info.integrity.message).toBeTruthy();
    const lines = warn.mock.calls.map((call) => String(call[0])).filter((line) => line.includes('damaged'));
    expect(lines).toHaveLength(1);

    const json = await fetch(`${again.address.url}/api/v1/export`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(json.status).toBe(200);
    const jsonBody = await readAll(json);
    expect(jsonBody.error, 'the response must not end cleanly').toBeDefined();
    expect(() => JSON.parse(jsonBody.text)).toThrow();
    expect(jsonBody.text).toMatch(
      /\n\{"error":"export incomplete: the export stopped after \d+ conversations and \d+ messages: database disk image is malformed"\}\n$/,
    );

    const md = await fetch(`${again.address.url}/api/v1/export?format=markdown`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const mdBody = await readAll(md);
    expect(mdBody.error, 'the response must not end cleanly').toBeDefined();
    expect(mdBody.text).toMatch(
      /\*\*Export incomplete:\*\* the file stops here because the export stopped after/,
    );
  });
});
