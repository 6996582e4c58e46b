import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TrashList } from '../../src/shared/schemas/sessions';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, listSessions, putConversation } from '../helpers/sessions';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
  for (const flowId of ['red', 'blue']) {
    for (let i = 1; i <= 4; i++) {
      await putConversation(server, flowId, `${flowId}-${i}`, [
        { content: `message ${i} of ${flowId}`, at: Date.UTC(2026, 5, i, 12) },
      ]);
    }
  }
});
afterEach(() => server.close());

const bulkDelete = async (filter: Record<string, string>, expectedCount: number) =>
  (
    await getJson<{ count: number; batch: number | null }>(server, '/api/v1/sessions/delete', {
      method: 'POST',
      json: { filter, expectedCount },
    })
  ).body;
const restoreMatching = (body: unknown) =>
  server.request('/api/v1/trash/restore-matching', { method: 'POST', json: body });
const trash = async (query = '') => (await getJson<TrashList>(server, `/api/v1/trash${query}`)).body;
const live = async () => (await listSessions(server, { limit: 500 })).items.map((i) => i.sessionId).sort();
const del = (flowId: string, sessionId: string) =>
  server.request(`/api/v1/sessions/${flowId}/${sessionId}`, { method: 'DELETE' });

describe('bulk delete batches and POST /api/v1/trash/restore-matching', () => {
  it('a bulk delete names its batch; restoring the batch gives back exactly that set, nothing else', async () => {
    const before = await live();
    await del('blue', 'blue-4'); // trashed alone, before the bulk delete
    const bulk = await bulkDelete({ flowId: 'red' }, 4);
    expect(bulk).toEqual({ count: 4, batch: expect.any(Number) });
    await del('blue', 'blue-1'); // trashed alone, after it
    expect((await trash()).total).toBe(6);

    const res = await restoreMatching({ batch: bulk.batch });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: 4, remaining: 0 });
    expect(await live()).toEqual(before.filter((id) => id !== 'blue-1' && id !== 'blue-4'));
    expect((await trash()).items.map((i) => i.sessionId).sort()).toEqual(['blue-1', 'blue-4']);

    // Used up: a second undo restores nothing.
    expect(await (await restoreMatching({ batch: bulk.batch })).json()).toEqual({ count: 0, remaining: 0 });
  });

  it('two bulk deletes get different batches, even within one millisecond of each other', async () => {
    const first = await bulkDelete({ flowId: 'red' }, 4);
    const second = await bulkDelete({ flowId: 'blue' }, 4);
    expect(second.batch).toBeGreaterThan(first.batch ?? Number.POSITIVE_INFINITY);
    expect(await (await restoreMatching({ batch: second.batch })).json()).toEqual({ count: 4, remaining: 0 });
    expect(await live()).toEqual(['blue-1', 'blue-2', 'blue-3', 'blue-4']);
  });

  it('a bulk delete that matches nothing has no batch', async () => {
    expect(await bulkDelete({ q: 'nowhere-to-be-found' }, 0)).toEqual({ count: 0, batch: null });
  });

  it('a restored then re-trashed conversation is not in its old batch any more', async () => {
    const bulk = await bulkDelete({ flowId: 'red' }, 4);
    const redOne = (await trash()).items.find((i) => i.sessionId === 'red-1');
    await server.request('/api/v1/trash/restore', { method: 'POST', json: { ids: [redOne?.trashId] } });
    await del('red', 'red-1');
    expect(await (await restoreMatching({ batch: bulk.batch })).json()).toEqual({ count: 3, remaining: 0 });
    expect((await trash()).items.map((i) => i.sessionId)).toEqual(['red-1']);
  });

  it('by flow, in steps with limit, reporting what remains, until that flow is out of the trash', async () => {
    await bulkDelete({}, 8);
    const steps: Array<{ count: number; remaining: number }> = [];
    for (;;) {
      const step = (await (await restoreMatching({ flowId: 'blue', limit: 3 })).json()) as {
        count: number;
        remaining: number;
      };
      steps.push(step);
      if (step.remaining === 0 || step.count === 0) break;
    }
    expect(steps).toEqual([
      { count: 3, remaining: 1 },
      { count: 1, remaining: 0 },
    ]);
    expect(await live()).toEqual(['blue-1', 'blue-2', 'blue-3', 'blue-4']);
    expect((await trash('?flowId=red')).total).toBe(4);
    expect((await trash('?flowId=blue')).total).toBe(0);
  });

  it('without a filter restores the whole trash; a restore merges into a live conversation with the key', async () => {
    await bulkDelete({}, 8);
    await putConversation(server, 'red', 'red-2', [{ content: 'new red-2', at: Date.UTC(2026, 6, 1) }]);
    expect(await (await restoreMatching({})).json()).toEqual({ count: 8, remaining: 0 });
    expect((await trash()).total).toBe(0);
    const merged = (
      await getJson<{ messages: Array<{ content: string }> }>(server, '/api/v1/sessions/red/red-2')
    ).body;
    expect(merged.messages.map((m) => m.content)).toEqual(['message 2 of red', 'new red-2']);
    expect(await live()).toHaveLength(8);
  });

  it('400 naming the field for bad input, restoring nothing', async () => {
    await bulkDelete({}, 8);
    const bad: Array<[unknown, string]> = [
      [{ batch: 0 }, 'batch'],
      [{ batch: -5 }, 'batch'],
      [{ batch: 1.5 }, 'batch'],
      [{ batch: '12' }, 'batch'],
      [{ flowId: '../etc' }, 'flowId'],
      [{ flowId: '' }, 'flowId'],
      [{ limit: 0 }, 'limit'],
      [{ limit: 10_001 }, 'limit'],
      [{ limit: 'all' }, 'limit'],
    ];
    for (const [body, field] of bad) {
      const res = await restoreMatching(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { message: string }).message, JSON.stringify(body)).toContain(field);
    }
    const notJson = await server.request('/api/v1/trash/restore-matching', {
      method: 'POST',
      body: '[1,2]',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect((await trash()).total).toBe(8);
  });
});

describe('GET /api/v1/trash?flowId', () => {
  it("lists and counts only that flow's part of the trash, paged", async () => {
    await bulkDelete({}, 8);
    const blue = await trash('?flowId=blue&limit=3');
    expect(blue.total).toBe(4);
    expect(blue.items.every((i) => i.flowId === 'blue')).toBe(true);
    const rest = await trash(`?flowId=blue&limit=3&cursor=${blue.nextCursor}`);
    expect([...blue.items, ...rest.items].map((i) => i.sessionId).sort()).toEqual([
      'blue-1',
      'blue-2',
      'blue-3',
      'blue-4',
    ]);
    expect(rest.nextCursor).toBeNull();
    expect((await trash('?flowId=nosuchflow')).total).toBe(0);
  });

  it('400 naming flowId for a malformed one', async () => {
    const res = await server.request('/api/v1/trash?flowId=a%20b');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('flowId');
  });
});
