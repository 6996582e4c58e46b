import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMnemo } from '../../src/main/core';
import { openConfiguredStore } from '../../src/main/store/open';
import type { Flow } from '../../src/shared/schemas/flows';
import type { TrashItem } from '../../src/shared/schemas/sessions';
import { createTestDatabase, onPostgres } from '../helpers/pg-database';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, listAll, putConversation } from '../helpers/sessions';
import { tempDir } from '../helpers/tmp';

const DAY = 86_400_000;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(): Promise<TestServer> {
  const s = await startTestServer();
  cleanups.push(() => s.close());
  return s;
}

const patchFlow = (s: TestServer, flowId: string, body: unknown) =>
  s.request(`/api/v1/flows/${flowId}`, { method: 'PATCH', json: body });
const trash = async (s: TestServer) =>
  (await getJson<{ items: TrashItem[] }>(s, '/api/v1/trash?limit=1000')).body.items;

describe("a flow's retentionDays", () => {
  it('is null by default, set and cleared through the flows API, kept by other edits', async () => {
    const s = await server();
    const created = await getJson<Flow>(s, '/api/v1/flows', {
      method: 'POST',
      json: { id: 'notes', name: 'Notes', retentionDays: 14 },
    });
    expect(created.body.retentionDays).toBe(14);
    expect((await getJson<{ items: Flow[] }>(s, '/api/v1/flows')).body.items[0]?.retentionDays).toBeNull();

    const patched = async (body: unknown) =>
      ((await (await patchFlow(s, 'notes', body)).json()) as Flow).retentionDays;
    expect(await patched({ name: 'Renamed' })).toBe(14);
    expect(await patched({ retentionDays: 365 })).toBe(365);
    expect(await patched({ retentionDays: null })).toBeNull();
  });

  it('400 naming retentionDays for values that are not a whole number of days from 1', async () => {
    const s = await server();
    for (const value of [0, -3, 1.5, '7', 36_501]) {
      const res = await patchFlow(s, 'default', { retentionDays: value });
      expect(res.status, String(value)).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain('"retentionDays"');
    }
  });
});

describe('the retention pass', () => {
  it('moves exactly the conversations idle longer than their flow allows to the trash, and purges old trash', async () => {
    const s = await server();
    const now = Date.now();
    const at = (daysAgo: number) => now - daysAgo * DAY;
    await s.mnemo.store.createFlow({
      id: 'short',
      name: 'Short',
      responder: { kind: 'echo' },
      retentionDays: 30,
    });
    await s.mnemo.store.createFlow({ id: 'keep', name: 'Keep', responder: { kind: 'echo' } });
    // short: idle 31 days (goes); active 29 days ago (stays, though it started long ago); exactly 30 days (stays)
    await putConversation(s, 'short', 'idle', [
      { content: 'old', at: at(40) },
      { content: 'older reply', at: at(31) },
    ]);
    await putConversation(s, 'short', 'active', [
      { content: 'long ago', at: at(400) },
      { content: 'recent', at: at(29) },
    ]);
    await putConversation(s, 'short', 'boundary', [{ content: 'thirty days', at: at(30) }]);
    // keep: no retention, however old
    await putConversation(s, 'keep', 'ancient', [{ content: 'years ago', at: at(2_000) }]);
    // the trash: one trashed 31 days ago (purged), one 29 days ago (kept)
    await putConversation(s, 'keep', 'trashed-long-ago', [{ content: 'a', at: at(50) }]);
    await putConversation(s, 'keep', 'trashed-lately', [{ content: 'b', at: at(50) }]);
    await s.mnemo.store.deleteSession('keep', 'trashed-long-ago', { hard: false, now: at(31) });
    await s.mnemo.store.deleteSession('keep', 'trashed-lately', { hard: false, now: at(29) });

    const result = await s.mnemo.retention.run(now);
    expect(result).toEqual({ trashed: 1, purged: 1 });
    const trashed = await trash(s);
    expect(trashed.map((t) => `${t.flowId}/${t.sessionId}`).sort()).toEqual([
      'keep/trashed-lately',
      'short/idle',
    ]);
    expect(trashed.find((t) => t.sessionId === 'idle')?.trashedAt).toBe(new Date(now).toISOString());
    const live = (await listAll(s)).map((x) => `${x.flowId}/${x.sessionId}`).sort();
    expect(live).toEqual(['keep/ancient', 'short/active', 'short/boundary']);

    // A pass a day later takes the one that reached its limit, and nothing else.
    expect(await s.mnemo.retention.run(now + DAY)).toEqual({ trashed: 1, purged: 0 });
    expect((await listAll(s)).map((x) => x.sessionId).sort()).toEqual(['active', 'ancient']);
    // Running again at the same time changes nothing.
    expect(await s.mnemo.retention.run(now + DAY)).toEqual({ trashed: 0, purged: 0 });
  });

  it('runs when the server starts', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const dataDir = path.join(tmp.dir, 'data');
    // The store the server will open: the data dir's SQLite, or a PostgreSQL database.
    const database = onPostgres() ? await createTestDatabase() : undefined;
    if (database) cleanups.push(() => database.drop());
    const where = { dataDir, ...(database ? { databaseUrl: database.url } : {}) };
    const store = await openConfiguredStore(where);
    await store.createFlow({ id: 'short', name: 'Short', responder: { kind: 'echo' }, retentionDays: 7 });
    const old = Date.now() - 8 * DAY;
    await store.bulkInsert([
      {
        flowId: 'short',
        sessionId: 'stale',
        messages: [{ role: 'user', content: 'x', createdAt: old, chatType: 'EXTERNAL' }],
      },
      {
        flowId: 'short',
        sessionId: 'fresh',
        messages: [{ role: 'user', content: 'y', createdAt: Date.now(), chatType: 'EXTERNAL' }],
      },
    ]);
    await store.close();

    const mnemo = await startMnemo({ host: '127.0.0.1', port: 0, ...where, corsOrigins: [] }, { env: {} });
    cleanups.push(() => mnemo.close());
    const items = await fetch(`${mnemo.address.url}/api/v1/trash`, {
      headers: { authorization: `Bearer ${mnemo.apiKey()}` },
    }).then((r) => r.json() as Promise<{ items: TrashItem[] }>);
    expect(items.items.map((i) => i.sessionId)).toEqual(['stale']);
  });
});
