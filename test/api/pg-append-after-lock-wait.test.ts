/**
 * Issue 17: an append that waited for another process's append to the same conversation is
 * timed no earlier than that append's messages. PostgreSQL reads the newest message's time
 * in the statement that takes the conversation's lock, from that statement's snapshot: when
 * the lock was held by another transaction, whose messages it cannot see, the store must
 * read it again once locked, or the later append lands before the earlier one in the
 * conversation's (time, seq) order and a reader paging by that order skips it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../src/main/store/memory-store';
import { openPgStore } from '../../src/main/store/postgres';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/pg-database';

let database: TestDatabase;
let store: MemoryStore;
let other: pg.Client;

const message = (content: string) => ({ role: 'user' as const, content, chatType: 'EXTERNAL' as const });

/** Another process's append in progress: the conversation locked, a message timed a minute ahead, not committed. */
async function holdAppend(
  flowId: string,
  sessionId: string,
): Promise<{ time: number; commit(): Promise<void> }> {
  const time = Date.now() + 60_000;
  await other.query('BEGIN');
  const { rows } = await other.query<{ id: string }>(
    'SELECT id FROM conversations WHERE flow_id = $1 AND session_id = $2 AND trashed_at IS NULL FOR UPDATE',
    [flowId, sessionId],
  );
  const id = rows[0]?.id;
  await other.query(
    `INSERT INTO messages (id, conversation_id, role, content, created_at, chat_id, chat_type)
     VALUES ($1, $2, 'user', 'from the other process', $3, $4, 'EXTERNAL')`,
    [`other-${flowId}-${sessionId}`, id, time, sessionId],
  );
  await other.query(
    'UPDATE conversations SET updated_at = $2, message_count = message_count + 1 WHERE id = $1',
    [id, time],
  );
  return { time, commit: async () => void (await other.query('COMMIT')) };
}

/** Resolves once a backend other than `other` waits for a lock. */
const someoneWaits = () =>
  expect
    .poll(
      async () =>
        (
          await other.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          )
        ).rows.length,
      { timeout: 5000, interval: 20 },
    )
    .toBeGreaterThan(0);

// PostgreSQL only: SQLite serves one process, whose appends take turns before reading anything.
describe.skipIf(!onPostgres())('PostgreSQL append after waiting for another append', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPgStore({ url: database.url });
    other = new pg.Client({ connectionString: database.url });
    await other.connect();
  });
  afterAll(async () => {
    await other?.end();
    await store?.close();
    await database?.drop();
  });

  it('a Flowise-style append is timed no earlier than the append it waited for', async () => {
    await store.appendMessages('default', 'waits', [message('first')]);
    const held = await holdAppend('default', 'waits');
    const pending = store.appendMessages('default', 'waits', [message('after the other')]);
    await someoneWaits();
    await held.commit();
    const appended = await pending;
    expect(appended.messages[0]?.createdAt).toBeGreaterThanOrEqual(held.time);
    const listed = await store.listMessages({ flowId: 'default', sessionId: 'waits' }, { order: 'ASC' });
    expect(listed.map((m) => m.content)).toEqual(['first', 'from the other process', 'after the other']);
  });

  it('a Sim add is timed no earlier than the append it waited for', async () => {
    const block = { id: 'block-waits', name: 'Block' };
    await store.appendToBlock(block, 'waits', [message('first')]);
    const held = await holdAppend(block.id, 'waits');
    const pending = store.appendToBlock(block, 'waits', [message('after the other')]);
    await someoneWaits();
    await held.commit();
    const appended = await pending;
    expect(appended.messages[0]?.createdAt).toBeGreaterThanOrEqual(held.time);
    const listed = await store.listMessages({ flowId: block.id, sessionId: 'waits' }, { order: 'ASC' });
    expect(listed.map((m) => m.content)).toEqual(['first', 'from the other process', 'after the other']);
  });
});
