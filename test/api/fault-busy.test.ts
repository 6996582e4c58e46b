/**
 * Another process holding the database's write lock (a second Mnemo on the same data dir
 * in a long write): a write that cannot get the lock within busy_timeout answers 503 with
 * Retry-After, the event loop keeps serving meanwhile, the background merge survives, and
 * writes work again once the lock is given back.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATABASE_FILE } from '../../src/main/store';
import { BUSY_RETRY_AFTER_SECONDS } from '../../src/main/store/faults';
import { eventually } from '../helpers/eventually';
import { onPostgres } from '../helpers/pg-database';
import { startTestServer, type TestServer } from '../helpers/server';
import { writeLockHolder } from '../helpers/write-lock';

/** Longer than the 5 s a write waits for the lock. */
const HOLD_MS = 10_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

const simAdd = (conversationId: string, content: string) =>
  server.request('/api/memory', { method: 'POST', json: { conversationId, role: 'user', content } });

const segments = () => {
  const db = new Database(path.join(server.dataDir, DATABASE_FILE), { readonly: true });
  try {
    return db.prepare('SELECT count(DISTINCT segid) FROM messages_fts_idx').pluck().get() as number;
  } finally {
    db.close();
  }
};

/** Asks for the health route every 100 ms until `until` settles; the slowest answer (ms). */
async function slowestHealth(until: Promise<unknown>): Promise<number> {
  let done = false;
  void until.finally(() => {
    done = true;
  });
  let slowest = 0;
  while (!done) {
    const started = performance.now();
    const res = await fetch(`${server.url}/api/v1/health`);
    expect(res.status).toBe(200);
    slowest = Math.max(slowest, performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return slowest;
}

// SQLite only: it holds the database file's write lock; PostgreSQL locks rows, not the whole database.
describe.skipIf(onPostgres())('a database another process holds the write lock of', () => {
  it('answers a write 503 with Retry-After, keeps answering health, and writes again once released', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // The other process is started before the writes: the merge begins a second after the
      // last one, and on a busy machine starting a process takes longer than that.
      const holder = await writeLockHolder(path.join(server.dataDir, DATABASE_FILE));
      // Segments for the index merge, which then meets the lock once writes pause.
      for (let i = 0; i < 30; i++) expect((await simAdd(`c${i % 5}`, `note ${i} harbour`)).status).toBe(200);
      await holder.lock(HOLD_MS);

      const write = simAdd('c1', 'a note that waits');
      const slowest = await slowestHealth(write);
      const refused = await write;
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe(String(BUSY_RETRY_AFTER_SECONDS));
      const body = (await refused.json()) as { success: boolean; error: string };
      expect(body.success).toBe(false);
      expect(body.error).toMatch(/is busy: another process .* holds its write lock; nothing was stored/);
      // The wait for the lock never held the event loop: health answered throughout.
      expect(slowest).toBeLessThan(1000);
      // Reads do not need the lock.
      expect((await server.request('/api/v1/sessions')).status).toBe(200);
      // The merge waits for a quiet second after the refused write, then meets the lock and lives on.
      const mergeFailed = () =>
        warn.mock.calls.some((call) => String(call[0]).includes('merging the search index failed'));
      expect(await eventually(mergeFailed, HOLD_MS)).toBe(true);

      await holder.released;
      expect((await simAdd('c1', 'a note after the lock')).status).toBe(200);
      expect(await eventually(() => segments() <= 4, 15_000)).toBe(true);
    } finally {
      warn.mockRestore();
    }
  }, 40_000);
});
