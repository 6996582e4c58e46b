/**
 * Issue 17: after a large insert (an import, a seed) the PostgreSQL store has the planner's
 * statistics taken at once, instead of planning on the empty tables' until autovacuum comes
 * round (the search and the list's first page then took 3 to 5 times as long, docs/PERFORMANCE.md).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../src/main/store/memory-store';
import { openPgStore } from '../../src/main/store/postgres';
import { ANALYZE_AFTER_MESSAGES } from '../../src/main/store/postgres/transfer';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/pg-database';

const TABLES = ['conversations', 'messages', 'message_terms'];
let database: TestDatabase;
let store: MemoryStore;

/** The tables among TABLES that ANALYZE (by hand, not autovacuum) has been run on. */
async function analyzed(): Promise<string[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ relname: string }>(
      'SELECT relname FROM pg_stat_user_tables WHERE relname = ANY($1) AND last_analyze IS NOT NULL ORDER BY relname',
      [TABLES],
    );
    return rows.map((r) => r.relname);
  } finally {
    await client.end();
  }
}

const conversations = (count: number, perConversation: number, tag: string) =>
  Array.from({ length: count }, (_, c) => ({
    flowId: 'default',
    sessionId: `${tag}-${c}`,
    messages: Array.from({ length: perConversation }, (_, m) => ({
      role: m % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `message ${m} of ${tag} ${c}`,
      createdAt: 1_700_000_000_000 + m,
      chatType: 'EXTERNAL' as const,
    })),
  }));

// PostgreSQL only: SQLite has no planner statistics to go stale (its search index is FTS5's).
describe.skipIf(!onPostgres())('PostgreSQL statistics after a large insert', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    store = await openPgStore({ url: database.url });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('a small insert leaves them to autovacuum; one of 10,000 messages or more takes them at once', async () => {
    await store.bulkInsert(conversations(10, 10, 'small'));
    expect(await analyzed()).toEqual([]);
    const perConversation = 10;
    const done = await store.bulkInsert(
      conversations(ANALYZE_AFTER_MESSAGES / perConversation, perConversation, 'large'),
    );
    expect(done.messages).toBe(ANALYZE_AFTER_MESSAGES);
    await expect.poll(analyzed, { timeout: 5000 }).toEqual([...TABLES].sort());
  });
});
