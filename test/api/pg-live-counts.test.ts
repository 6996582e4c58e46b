/**
 * Issue 17: the session list's total and each flow's count on PostgreSQL are read from
 * trigger-kept counts (migration 3: per flow, spread over slots so processes creating
 * conversations at once do not queue on one row), not counted per request. They must stay
 * exactly what counting gives through every way a conversation appears, moves to and from
 * the trash, or goes, with two stores (two processes' pools) writing at once.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoryStore } from '../../src/main/store/memory-store';
import { openPgStore } from '../../src/main/store/postgres';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/pg-database';

let database: TestDatabase;
let one: MemoryStore;
let two: MemoryStore;
let client: pg.Client;

/** What counting gives: live conversations per flow. */
async function counted(): Promise<Map<string, number>> {
  const { rows } = await client.query<{ flow_id: string; n: string }>(
    'SELECT flow_id, count(*) AS n FROM conversations WHERE trashed_at IS NULL GROUP BY flow_id',
  );
  return new Map(rows.map((r) => [r.flow_id, Number(r.n)]));
}

/** The kept counts as both stores report them agree with counting, in total, per flow and in the flow list. */
async function expectExact(): Promise<number> {
  const truth = await counted();
  const total = [...truth.values()].reduce((a, b) => a + b, 0);
  for (const store of [one, two]) {
    expect(await store.countSessions({})).toBe(total);
    const page = await store.listSessions({}, { by: 'updated', sort: 'DESC', limit: 5 });
    expect(page.total).toBe(total);
    for (const flow of await store.listFlowsWithCounts()) {
      expect(flow.sessionCount, flow.id).toBe(truth.get(flow.id) ?? 0);
      expect(await store.countSessions({ flowId: flow.id })).toBe(truth.get(flow.id) ?? 0);
    }
  }
  return total;
}

const message = (content: string) => ({ role: 'user' as const, content, chatType: 'EXTERNAL' as const });

// PostgreSQL only: SQLite's live_counts (its migration 6) serve one process and are covered by the list tests.
describe.skipIf(!onPostgres())('PostgreSQL live conversation counts', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    one = await openPgStore({ url: database.url });
    two = await openPgStore({ url: database.url });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    for (const id of ['a', 'b']) await one.createFlow({ id, name: id, responder: { kind: 'echo' } });
  });
  afterAll(async () => {
    await client?.end();
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  it('stay exact through concurrent creation from two stores, trash, restore, deletes and imports', async () => {
    // 120 new conversations at once from both stores, over two flows.
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        (i % 2 ? one : two).appendMessages(i % 3 ? 'a' : 'b', `s${i}`, [message(`hello ${i}`)]),
      ),
    );
    expect(await expectExact()).toBe(120);
    // Appends to existing conversations change nothing.
    await Promise.all([1, 2, 4].map((i) => one.appendMessages('a', `s${i}`, [message('again')])));
    expect(await expectExact()).toBe(120);
    // Several backends wrote them: the count is spread over more than one slot.
    const slots = await client.query('SELECT DISTINCT slot FROM live_counts');
    expect(slots.rows.length).toBeGreaterThan(1);

    await one.bulkInsert(
      Array.from({ length: 30 }, (_, i) => ({
        flowId: i % 2 ? 'a' : 'b',
        sessionId: `bulk${i}`,
        messages: [{ ...message(`bulk ${i}`), createdAt: 1_700_000_000_000 + i }],
      })),
    );
    expect(await expectExact()).toBe(150);

    expect(await two.deleteSession('a', 's1', { hard: false, now: Date.now() })).toBe(true);
    expect(await one.deleteSession('a', 's2', { hard: true, now: Date.now() })).toBe(true);
    expect(await expectExact()).toBe(148);

    const before = await one.countSessions({ flowId: 'b' });
    const trashed = await two.trashMatching({ flowId: 'b' }, before, Date.now());
    expect(trashed.trashed?.length).toBe(before);
    expect(await expectExact()).toBe(148 - before);
    // Trashing what is already in the trash again changes nothing (trashed_at moves, not to NULL).
    await two.trashConversations({ flowId: 'b' });
    expect(await expectExact()).toBe(148 - before);

    const restored = await one.restoreTrashMatching({ batch: trashed.batch as number });
    expect(restored.restored.length).toBe(before);
    expect(await expectExact()).toBe(148);

    // Emptying a conversation of its messages deletes it.
    await one.deleteMessages({ flowId: 'a', sessionId: 's4' });
    expect(await expectExact()).toBe(147);
    // A conversation in the trash that is purged was not counted; purging changes nothing.
    await one.purgeTrash();
    expect(await expectExact()).toBe(147);

    // Deleting a flow takes its conversations (and their count) with it; a new flow of the same id starts at 0.
    await two.deleteFlow('b');
    const afterFlow = await expectExact();
    await one.createFlow({ id: 'b', name: 'b again', responder: { kind: 'echo' } });
    expect(await one.countSessions({ flowId: 'b' })).toBe(0);
    await one.appendMessages('b', 'fresh', [message('new')]);
    expect(await expectExact()).toBe(afterFlow + 1);
  });
});
