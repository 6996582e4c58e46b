import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SessionDetail, TrashItem } from '../../src/shared/schemas/sessions';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, listSessions, putConversation } from '../helpers/sessions';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const sessionPath = (flowId: string, sessionId: string) =>
  `/api/v1/sessions/${encodeURIComponent(flowId)}/${encodeURIComponent(sessionId)}`;

async function trash(): Promise<TrashItem[]> {
  const res = await getJson<{ items: TrashItem[] }>(server, '/api/v1/trash');
  return res.body.items;
}

describe('GET /api/v1/sessions/:flowId/:sessionId', () => {
  const base = Date.parse('2026-05-01T00:00:00.000Z');
  beforeAll(async () => {
    // Inserted out of time order, with two messages sharing a time.
    await putConversation(server, 'detail', 'conv', [
      { role: 'assistant', content: 'third', at: base + 2000 },
      { role: 'user', content: 'first', at: base },
      { role: 'user', content: 'second (same time as tie)', at: base + 1000 },
      { role: 'assistant', content: 'tie', at: base + 1000 },
      { role: 'user', content: 'fourth', at: base + 3000 },
    ]);
  });

  it('answers the summary and the messages oldest first, ties in insertion order', async () => {
    const res = await getJson<SessionDetail>(server, sessionPath('detail', 'conv'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      flowId: 'detail',
      flowName: 'Flow detail',
      sessionId: 'conv',
      title: 'first',
      preview: 'fourth',
      messageCount: 5,
      createdAt: new Date(base).toISOString(),
      updatedAt: new Date(base + 3000).toISOString(),
      nextCursor: null,
    });
    expect(res.body.messages.map((m) => m.content)).toEqual([
      'first',
      'second (same time as tie)',
      'tie',
      'third',
      'fourth',
    ]);
    const [first] = res.body.messages;
    expect(first).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      role: 'user',
      content: 'first',
      createdAt: new Date(base).toISOString(),
      chatId: 'conv',
      chatType: 'EXTERNAL',
      metadata: null,
    });
  });

  it('pages the messages by cursor', async () => {
    const contents: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const res = await getJson<SessionDetail>(server, sessionPath('detail', 'conv') + query);
      expect(res.status).toBe(200);
      expect(res.body.messages.length).toBeLessThanOrEqual(2);
      contents.push(...res.body.messages.map((m) => m.content));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(contents).toEqual(['first', 'second (same time as tie)', 'tie', 'third', 'fourth']);
  });

  it('takes session ids verbatim: spaces, slashes, unicode, case', async () => {
    for (const sessionId of ['with space', 'a/b?c#d', 'ünï ☃ 😀', 'Conv', ' padded ']) {
      await putConversation(server, 'detail', sessionId, [{ content: `for ${sessionId}`, at: base }]);
      const res = await getJson<SessionDetail>(server, sessionPath('detail', sessionId));
      expect(res.status).toBe(200);
      expect(res.body.sessionId).toBe(sessionId);
      expect(res.body.messages.map((m) => m.content)).toEqual([`for ${sessionId}`]);
    }
  });

  it('404 for an unknown session or flow', async () => {
    for (const path of [
      sessionPath('detail', 'nope'),
      sessionPath('nope', 'conv'),
      sessionPath('detail', 'CONV'),
    ]) {
      const res = await getJson<{ statusCode: number; message: string }>(server, path);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ statusCode: 404, success: false });
    }
  });

  it('400 for bad paging input or a bad flow id', async () => {
    for (const query of ['?limit=0', '?limit=1001', '?limit=-5', '?cursor=***', `?cursor=${'e30'}`]) {
      const res = await getJson<{ message: string }>(server, sessionPath('detail', 'conv') + query);
      expect(res.status, query).toBe(400);
      expect(res.body.message).toMatch(/limit|cursor/);
    }
    const list = await listSessions(server, { limit: 1 });
    const wrongKind = await getJson<{ message: string }>(
      server,
      `${sessionPath('detail', 'conv')}?cursor=${list.nextCursor}`,
    );
    expect(wrongKind.status).toBe(400);
    const badFlow = await getJson<{ message: string }>(server, sessionPath('-bad', 'conv'));
    expect(badFlow.status).toBe(400);
    expect(badFlow.body.message).toContain('flowId');
  });
});

describe('PATCH /api/v1/sessions/:flowId/:sessionId (rename)', () => {
  beforeAll(async () => {
    await putConversation(server, 'rename', 'r1', [{ content: 'original question', at: Date.now() - 1000 }]);
  });

  it('sets the title and keeps it when messages are added later', async () => {
    const res = await server.request(sessionPath('rename', 'r1'), {
      method: 'PATCH',
      json: { title: '  My title  ' },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      sessionId: 'r1',
      title: 'My title',
      preview: 'original question',
    });
    await server.mnemo.store.appendMessages('rename', 'r1', [
      { role: 'user', content: 'a later question', chatType: 'EXTERNAL' },
    ]);
    const after = await getJson<SessionDetail>(server, sessionPath('rename', 'r1'));
    expect(after.body.title).toBe('My title');
    expect(after.body.preview).toBe('a later question');
  });

  it('404 for an unknown session', async () => {
    const res = await server.request(sessionPath('rename', 'nope'), {
      method: 'PATCH',
      json: { title: 'x' },
    });
    expect(res.status).toBe(404);
  });

  it('400 naming the title for an empty, blank, too long or missing title', async () => {
    for (const body of [{ title: '' }, { title: '   ' }, { title: 'x'.repeat(201) }, {}, { title: 5 }]) {
      const res = await server.request(sessionPath('rename', 'r1'), { method: 'PATCH', json: body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain('title');
    }
  });
});

describe('DELETE /api/v1/sessions/:flowId/:sessionId', () => {
  it('moves the conversation to the trash: gone from the list, kept with its messages', async () => {
    await putConversation(server, 'del', 'd1', [
      { content: 'to be trashed', at: '2026-01-01T00:00:00.000Z' },
      { content: 'reply', at: '2026-01-01T00:01:00.000Z' },
    ]);
    const res = await server.request(sessionPath('del', 'd1'), { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: 1 });
    expect((await listSessions(server, { flowId: 'del' })).items).toEqual([]);
    expect((await getJson(server, sessionPath('del', 'd1'))).status).toBe(404);
    const trashed = (await trash()).find((t) => t.sessionId === 'd1');
    expect(trashed).toMatchObject({ flowId: 'del', messageCount: 2, title: 'to be trashed' });
    const again = await server.request(sessionPath('del', 'd1'), { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('?hard=true deletes it for good, not to the trash', async () => {
    await putConversation(server, 'del', 'd2', [
      { content: 'uniquewordhard', at: '2026-01-02T00:00:00.000Z' },
    ]);
    const res = await server.request(`${sessionPath('del', 'd2')}?hard=true`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect((await trash()).some((t) => t.sessionId === 'd2')).toBe(false);
    const search = await getJson<{ items: unknown[] }>(server, '/api/v1/search?q=uniquewordhard');
    expect(search.body.items).toEqual([]);
  });

  it('400 for a hard value that is not true or false', async () => {
    await putConversation(server, 'del', 'd3', [{ content: 'kept', at: '2026-01-03T00:00:00.000Z' }]);
    const res = await server.request(`${sessionPath('del', 'd3')}?hard=yes`, { method: 'DELETE' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('hard');
    expect((await listSessions(server, { flowId: 'del' })).items.map((i) => i.sessionId)).toEqual(['d3']);
  });
});

describe('POST /api/v1/sessions/delete (bulk)', () => {
  let bulk: TestServer;
  const day = (d: number) => `2026-06-${String(d).padStart(2, '0')}T12:00:00.000Z`;
  beforeEach(async () => {
    bulk = await startTestServer();
    for (let d = 1; d <= 10; d++) {
      await putConversation(bulk, d % 2 ? 'odd' : 'even', `day${d}`, [
        { content: `note of day ${d} marker${d}`, at: day(d) },
      ]);
    }
  });
  const post = (body: unknown) => bulk.request('/api/v1/sessions/delete', { method: 'POST', json: body });
  const live = async () => (await listSessions(bulk, { limit: 500 })).items.map((i) => i.sessionId).sort();

  it('trashes exactly what the filter matches when expectedCount is right', async () => {
    const filter = { flowId: 'even', startDate: '2026-06-03', endDate: '2026-06-08' };
    const shown = await listSessions(bulk, filter);
    expect(shown.total).toBe(3);
    const res = await post({ filter, expectedCount: shown.total });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ count: 3, batch: expect.any(Number) });
    expect(await live()).toEqual(['day1', 'day10', 'day2', 'day3', 'day5', 'day7', 'day9']);
    const trashed = (await getJson<{ items: TrashItem[] }>(bulk, '/api/v1/trash')).body.items;
    expect(trashed.map((t) => t.sessionId).sort()).toEqual(['day4', 'day6', 'day8']);
    await bulk.close();
  });

  it('409 and nothing deleted when the count differs from expectedCount', async () => {
    for (const expectedCount of [4, 6, 0]) {
      const res = await post({ filter: { flowId: 'odd' }, expectedCount });
      expect(res.status).toBe(409);
      const body = (await res.json()) as { message: string; matched: number };
      expect(body).toMatchObject({ statusCode: 409, success: false, matched: 5 });
      expect(body.message).toMatch(/matches 5/);
    }
    expect(await live()).toHaveLength(10);
    expect((await getJson<{ total: number }>(bulk, '/api/v1/trash')).body.total).toBe(0);
    await bulk.close();
  });

  it('a search filter and the empty filter (everything)', async () => {
    const res = await post({ filter: { q: 'marker7' }, expectedCount: 1 });
    expect(await res.json()).toEqual({ count: 1, batch: expect.any(Number) });
    expect(await live()).not.toContain('day7');
    const all = await post({ filter: {}, expectedCount: 9 });
    expect(await all.json()).toEqual({ count: 9, batch: expect.any(Number) });
    expect(await live()).toEqual([]);
    await bulk.close();
  });

  it('400 naming the field for bad input, deleting nothing', async () => {
    const bad: Array<[unknown, string]> = [
      [{ filter: {} }, 'expectedCount'],
      [{ filter: {}, expectedCount: -1 }, 'expectedCount'],
      [{ filter: {}, expectedCount: 1.5 }, 'expectedCount'],
      [{ filter: {}, expectedCount: '10' }, 'expectedCount'],
      [{ expectedCount: 10 }, 'filter'],
      [{ filter: { startDate: 'June' }, expectedCount: 10 }, 'filter.startDate'],
      [{ filter: { startDate: '2026-06-05', endDate: '2026-06-01' }, expectedCount: 0 }, 'endDate'],
      [{ filter: { flowId: '../x' }, expectedCount: 10 }, 'filter.flowId'],
    ];
    for (const [body, field] of bad) {
      const res = await post(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { message: string }).message).toContain(field);
    }
    expect(await live()).toHaveLength(10);
    await bulk.close();
  });
});
