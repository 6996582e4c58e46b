import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionDetail, TrashList } from '../../src/shared/schemas/sessions';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, listSessions, putConversation } from '../helpers/sessions';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(() => server.close());

const del = (flowId: string, sessionId: string) =>
  server.request(`/api/v1/sessions/${flowId}/${encodeURIComponent(sessionId)}`, { method: 'DELETE' });
const trash = async (query = '') => (await getJson<TrashList>(server, `/api/v1/trash${query}`)).body;
const restore = (ids: unknown) => server.request('/api/v1/trash/restore', { method: 'POST', json: { ids } });
const detail = async (flowId: string, sessionId: string) =>
  (await getJson<SessionDetail>(server, `/api/v1/sessions/${flowId}/${encodeURIComponent(sessionId)}`)).body;
const searchCount = async (q: string) =>
  (await getJson<{ items: unknown[] }>(server, `/api/v1/search?q=${encodeURIComponent(q)}`)).body.items
    .length;

describe('GET /api/v1/trash', () => {
  it('lists trashed conversations, most recently trashed first, with trashId and trashedAt, paged', async () => {
    for (const id of ['t1', 't2', 't3']) {
      await putConversation(server, 'default', id, [
        { content: `content of ${id}`, at: '2026-01-01T00:00:00.000Z' },
      ]);
    }
    const before = Date.now();
    for (const id of ['t2', 't1', 't3']) {
      await del('default', id);
      await new Promise((r) => setTimeout(r, 5));
    }
    const all = await trash();
    expect(all.total).toBe(3);
    expect(all.items.map((i) => i.sessionId)).toEqual(['t3', 't1', 't2']);
    const [first] = all.items;
    expect(first).toMatchObject({
      flowId: 'default',
      flowName: 'Default',
      title: 'content of t3',
      messageCount: 1,
    });
    expect(first?.trashId).toEqual(expect.any(Number));
    expect(Date.parse(first?.trashedAt ?? '')).toBeGreaterThanOrEqual(before - 1);

    const page1 = await trash('?limit=2');
    expect(page1.items.map((i) => i.sessionId)).toEqual(['t3', 't1']);
    const page2 = await trash(`?limit=2&cursor=${page1.nextCursor}`);
    expect(page2.items.map((i) => i.sessionId)).toEqual(['t2']);
    expect(page2.nextCursor).toBeNull();
  });

  it('400 for bad paging input', async () => {
    for (const query of [
      '?limit=0',
      '?limit=1001',
      '?cursor=@@',
      `?cursor=${Buffer.from('[1,2]').toString('base64url')}`,
    ]) {
      const res = await getJson<{ message: string }>(server, `/api/v1/trash${query}`);
      expect(res.status, query).toBe(400);
    }
  });

  it('forgets what was trashed more than 30 days ago', async () => {
    await putConversation(server, 'default', 'old', [{ content: 'old one', at: '2026-01-01T00:00:00.000Z' }]);
    await putConversation(server, 'default', 'recent', [
      { content: 'recent one', at: '2026-01-01T00:00:00.000Z' },
    ]);
    const day = 24 * 60 * 60 * 1000;
    await server.mnemo.store.deleteSession('default', 'old', { hard: false, now: Date.now() - 31 * day });
    await server.mnemo.store.deleteSession('default', 'recent', { hard: false, now: Date.now() - 29 * day });
    const stored = await server.mnemo.store.listTrash({ limit: 10 });
    const oldId = stored.items.find((i) => i.sessionId === 'old')?.id;
    expect(oldId).toEqual(expect.any(Number));
    const list = await trash();
    expect(list.items.map((i) => i.sessionId)).toEqual(['recent']);
    // Purged, not hidden: it can no longer be restored.
    expect(await (await restore([oldId])).json()).toEqual({ count: 0 });
  });
});

describe('POST /api/v1/trash/restore', () => {
  it('puts a conversation back as it was when its key is free', async () => {
    await putConversation(server, 'default', 'back', [
      { content: 'question', at: '2026-02-01T00:00:00.000Z' },
      { content: 'answer', at: '2026-02-01T00:00:01.000Z' },
    ]);
    const before = await detail('default', 'back');
    await del('default', 'back');
    const [item] = (await trash()).items;
    const res = await restore([item?.trashId]);
    expect(await res.json()).toEqual({ count: 1 });
    const after = await detail('default', 'back');
    expect(after).toEqual(before);
    expect((await trash()).total).toBe(0);
  });

  it('merges into a live conversation that took the key since, messages in time order', async () => {
    await putConversation(server, 'default', 'same', [
      { role: 'user', content: 'old question', at: '2026-03-01T10:00:00.000Z' },
      { role: 'assistant', content: 'old answer', at: '2026-03-01T10:02:00.000Z' },
      { role: 'user', content: 'old follow-up', at: '2026-03-03T10:00:00.000Z' },
    ]);
    await del('default', 'same');
    await putConversation(server, 'default', 'same', [
      { role: 'user', content: 'new question', at: '2026-03-02T10:00:00.000Z' },
      { role: 'assistant', content: 'new answer', at: '2026-03-04T10:00:00.000Z' },
    ]);
    const [item] = (await trash()).items;
    expect((await restore([item?.trashId]).then((r) => r.json())) as unknown).toEqual({ count: 1 });

    const merged = await detail('default', 'same');
    expect(merged.messages.map((m) => m.content)).toEqual([
      'old question',
      'old answer',
      'new question',
      'old follow-up',
      'new answer',
    ]);
    expect(merged).toMatchObject({
      messageCount: 5,
      title: 'old question',
      preview: 'new answer',
      createdAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-04T10:00:00.000Z',
    });
    expect((await trash()).total).toBe(0);
    const list = await listSessions(server);
    expect(list.items.filter((i) => i.sessionId === 'same')).toHaveLength(1);
  });

  it('a merge keeps a title a person gave, from either side, the live one first', async () => {
    await putConversation(server, 'default', 'named', [
      { content: 'first words', at: '2026-03-01T00:00:00.000Z' },
    ]);
    await server.request('/api/v1/sessions/default/named', {
      method: 'PATCH',
      json: { title: 'Named in trash' },
    });
    await del('default', 'named');
    await putConversation(server, 'default', 'named', [
      { content: 'newer words', at: '2026-03-02T00:00:00.000Z' },
    ]);
    const [item] = (await trash()).items;
    await restore([item?.trashId]);
    expect((await detail('default', 'named')).title).toBe('Named in trash');

    await del('default', 'named');
    await putConversation(server, 'default', 'named', [
      { content: 'third words', at: '2026-03-03T00:00:00.000Z' },
    ]);
    await server.request('/api/v1/sessions/default/named', {
      method: 'PATCH',
      json: { title: 'Named live' },
    });
    const [again] = (await trash()).items;
    await restore([again?.trashId]);
    expect((await detail('default', 'named')).title).toBe('Named live');
  });

  it('restores several with the same key into one conversation, and skips ids not in the trash', async () => {
    await putConversation(server, 'default', 'multi', [{ content: 'one', at: '2026-04-01T00:00:00.000Z' }]);
    await del('default', 'multi');
    await putConversation(server, 'default', 'multi', [{ content: 'two', at: '2026-04-02T00:00:00.000Z' }]);
    await del('default', 'multi');
    const ids = (await trash()).items.map((i) => i.trashId);
    const res = await restore([...ids, 999_999, ids[0]]);
    expect(await res.json()).toEqual({ count: 2 });
    expect((await detail('default', 'multi')).messages.map((m) => m.content)).toEqual(['one', 'two']);
    expect(await (await restore(ids)).json()).toEqual({ count: 0 });
  });

  it('400 naming ids for bad input', async () => {
    for (const ids of [[], [0], [-1], ['1'], [1.5], 'x', null]) {
      const res = await restore(ids);
      expect(res.status, JSON.stringify(ids)).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain('ids');
    }
    const none = await server.request('/api/v1/trash/restore', { method: 'POST', json: {} });
    expect(none.status).toBe(400);
  });
});

describe('DELETE /api/v1/trash (purge)', () => {
  beforeEach(async () => {
    for (const id of ['p1', 'p2', 'p3']) {
      await putConversation(server, 'default', id, [
        { content: `purgeword${id}`, at: '2026-01-01T00:00:00.000Z' },
      ]);
      await del('default', id);
    }
  });

  it('purges the given ids for good, and the search index with them', async () => {
    const items = (await trash()).items;
    const p1 = items.find((i) => i.sessionId === 'p1');
    const p2 = items.find((i) => i.sessionId === 'p2');
    expect(await searchCount('purgewordp1')).toBe(0); // trashed: not searchable
    const huge = await server.request('/api/v1/trash?ids=99999999999999999999999', { method: 'DELETE' });
    expect(await huge.json()).toEqual({ count: 0 });
    const res = await server.request(`/api/v1/trash?ids=${p1?.trashId},${p2?.trashId},424242`, {
      method: 'DELETE',
    });
    expect(await res.json()).toEqual({ count: 2 });
    expect((await trash()).items.map((i) => i.sessionId)).toEqual(['p3']);
    const ftsRows = server.mnemo.store.searchMessages('purgewordp1', { limit: 10 });
    expect(await ftsRows).toEqual([]);
    // Purged ids cannot be restored.
    expect(await (await restore([p1?.trashId])).json()).toEqual({ count: 0 });
  });

  it('without ids empties the whole trash and leaves live conversations alone', async () => {
    await putConversation(server, 'default', 'live', [{ content: 'stays', at: '2026-01-01T00:00:00.000Z' }]);
    const res = await server.request('/api/v1/trash', { method: 'DELETE' });
    expect(await res.json()).toEqual({ count: 3 });
    expect((await trash()).total).toBe(0);
    expect((await listSessions(server)).items.map((i) => i.sessionId)).toEqual(['live']);
  });

  it('400 naming ids for a malformed list, purging nothing', async () => {
    for (const ids of ['abc', '1,,2', '1,', '-1', '1;2', '']) {
      const res = await server.request(`/api/v1/trash?ids=${encodeURIComponent(ids)}`, { method: 'DELETE' });
      expect(res.status, ids).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain('ids');
    }
    expect((await trash()).total).toBe(3);
  });
});
