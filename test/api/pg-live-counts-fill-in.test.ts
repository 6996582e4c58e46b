/**
 * Issue 17: PostgreSQL migration 3 keeps each flow's live conversation count in
 * `live_counts`, and fills it in for a database an older Mnemo left with conversations in
 * it. Built here at migration 2 (live and trashed conversations in several flows, a key
 * trashed and live again, a flow with only trashed ones, one with none), then served by the
 * current store: every count the API reports must be exact, and stay so as it changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/main/store/postgres/db';
import { flowQueries } from '../../src/main/store/postgres/flows';
import { migrate } from '../../src/main/store/postgres/migrations';
import { sessionQueries } from '../../src/main/store/postgres/sessions';
import { transferQueries } from '../../src/main/store/postgres/transfer';
import type { SessionList, TrashList } from '../../src/shared/schemas/sessions';
import { createTestDatabase, onPostgres, type TestDatabase } from '../helpers/pg-database';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson } from '../helpers/sessions';

/** Per flow: conversations made at migration 2, and which of them were then moved to the trash. */
const BUILT: Record<string, { made: string[]; trashed: string[] }> = {
  default: { made: ['d0', 'd1'], trashed: [] },
  alpha: { made: ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6'], trashed: ['a6'] },
  // b0 is trashed, then a new live conversation takes its key (made again below).
  beta: { made: ['b0', 'b1', 'b2', 'b3', 'b4'], trashed: ['b0', 'b2', 'b4'] },
  gone: { made: ['g0', 'g1'], trashed: ['g0', 'g1'] },
  empty: { made: [], trashed: [] },
};
const MADE_AGAIN = { flowId: 'beta', sessionId: 'b0' };

interface Counts {
  live: Map<string, number>;
  trash: Map<string, number>;
}

/** One conversation of one message, as an import brings it (writes of migration 1's tables only). */
const conversation = (flowId: string, sessionId: string) => ({
  flowId,
  sessionId,
  messages: [
    {
      role: 'user' as const,
      content: `${flowId} ${sessionId}`,
      createdAt: Date.now(),
      chatType: 'EXTERNAL' as const,
    },
  ],
});

let database: TestDatabase;
let server: TestServer;

/** The database as Mnemo at schema version 2 left it (no live_counts yet). */
async function buildAtVersion2(url: string): Promise<Counts> {
  const db = openDatabase(url, { origin: 1, max: 2 });
  try {
    expect(await migrate(db, 'the test database', 2)).toEqual({ from: 0, to: 2 });
    const flows = flowQueries(db);
    const transfer = transferQueries(db);
    const sessions = sessionQueries(db);
    const counts: Counts = { live: new Map(), trash: new Map() };
    for (const [flowId, built] of Object.entries(BUILT)) {
      await flows.createFlow({ id: flowId, name: `Flow ${flowId}`, responder: { kind: 'echo' } });
      await transfer.bulkInsert(built.made.map((sessionId) => conversation(flowId, sessionId)));
      for (const sessionId of built.trashed) {
        expect(await sessions.deleteSession(flowId, sessionId, { hard: false, now: Date.now() })).toBe(true);
      }
      counts.live.set(flowId, built.made.length - built.trashed.length);
      counts.trash.set(flowId, built.trashed.length);
    }
    await transfer.bulkInsert([conversation(MADE_AGAIN.flowId, MADE_AGAIN.sessionId)]);
    counts.live.set(MADE_AGAIN.flowId, (counts.live.get(MADE_AGAIN.flowId) ?? 0) + 1);
    return counts;
  } finally {
    await db.end();
  }
}

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Every count the API reports: list totals (all and per flow), flows' session counts, the trash's totals. */
async function expectCounts(expected: Counts): Promise<void> {
  const total = async (path: string) => {
    const res = await getJson<SessionList | TrashList>(server, path);
    expect(res.status, path).toBe(200);
    return res.body.total;
  };
  expect(await total('/api/v1/sessions')).toBe(sum(expected.live));
  expect(await total('/api/v1/trash')).toBe(sum(expected.trash));
  const flows = await getJson<{ items: Array<{ id: string; sessionCount: number }> }>(
    server,
    '/api/v1/flows',
  );
  expect(flows.body.items.map((f) => f.id).sort()).toEqual([...expected.live.keys()].sort());
  for (const flow of flows.body.items) {
    const live = expected.live.get(flow.id);
    expect(flow.sessionCount, `${flow.id} in the flow list`).toBe(live);
    expect(await total(`/api/v1/sessions?flowId=${flow.id}`), `${flow.id} list total`).toBe(live);
    expect(await total(`/api/v1/trash?flowId=${flow.id}`), `${flow.id} trash total`).toBe(
      expected.trash.get(flow.id),
    );
  }
}

// PostgreSQL only: it tests PostgreSQL's migration 3 (SQLite's own count migration is covered in test/unit).
describe.skipIf(!onPostgres())(
  'PostgreSQL migration 3 fills in the live counts of an existing database',
  () => {
    let expected: Counts;
    beforeAll(async () => {
      database = await createTestDatabase({ empty: true });
      expected = await buildAtVersion2(database.url);
      server = await startTestServer({ databaseUrl: database.url });
    });
    afterAll(async () => {
      await server?.close();
      await database?.drop();
    });

    it('reports exact counts once migrated, and keeps them as conversations come and go', async () => {
      expect(await server.mnemo.store.schemaVersion()).toBeGreaterThanOrEqual(3);
      await expectCounts(expected);

      const add = await server.request('/api/memory', {
        method: 'POST',
        json: { conversationId: 'a-new', blockId: 'alpha', role: 'user', content: 'after the migration' },
      });
      expect(add.status).toBeLessThan(300);
      expected.live.set('alpha', (expected.live.get('alpha') ?? 0) + 1);
      const del = await server.request('/api/v1/sessions/beta/b1', { method: 'DELETE' });
      expect(del.status).toBeLessThan(300);
      expected.live.set('beta', (expected.live.get('beta') ?? 0) - 1);
      expected.trash.set('beta', (expected.trash.get('beta') ?? 0) + 1);
      await expectCounts(expected);
    });
  },
);
