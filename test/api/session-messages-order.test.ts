import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionDetail } from '../../src/shared/schemas/sessions';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, putConversation } from '../helpers/sessions';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const detailPath = (sessionId: string, query: Record<string, string | number>) =>
  `/api/v1/sessions/order/${encodeURIComponent(sessionId)}?${new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  )}`;

/** Every message's content, page after page by nextCursor, and the cursors met on the way. */
async function readAll(sessionId: string, query: Record<string, string | number>) {
  const contents: string[] = [];
  const cursors: string[] = [];
  let cursor: string | null = null;
  do {
    const path = detailPath(sessionId, cursor ? { ...query, cursor } : query);
    const res: { status: number; body: SessionDetail } = await getJson<SessionDetail>(server, path);
    expect(res.status).toBe(200);
    contents.push(...res.body.messages.map((m) => m.content));
    cursor = res.body.nextCursor;
    if (cursor) cursors.push(cursor);
  } while (cursor);
  return { contents, cursors };
}

// In the past, so that messages a script appends now are the newest.
const base = Date.parse('2024-03-01T00:00:00.000Z');

describe('GET /api/v1/sessions/:flowId/:sessionId?sort=', () => {
  beforeAll(async () => {
    // 25 messages, inserted out of order, in groups of 5 sharing one time.
    const messages = Array.from({ length: 25 }, (_, i) => ({
      content: `m${String(i + 1).padStart(2, '0')}`,
      at: base + Math.floor(i / 5) * 1000,
    }));
    await putConversation(server, 'order', 'ties', [...messages.slice(10), ...messages.slice(0, 10)]);
  });

  it('DESC pages, concatenated, are the exact reverse of ASC, ties included', async () => {
    const asc = await readAll('ties', { limit: 4 });
    const ascDefault = await readAll('ties', { limit: 4, sort: 'ASC' });
    const desc = await readAll('ties', { limit: 4, sort: 'DESC' });
    expect(asc.contents).toHaveLength(25);
    expect(new Set(asc.contents).size).toBe(25);
    expect(ascDefault.contents).toEqual(asc.contents);
    expect(desc.contents).toEqual([...asc.contents].reverse());
    expect(desc.cursors).toHaveLength(6);
    // One page of everything: newest first.
    const whole = await getJson<SessionDetail>(server, detailPath('ties', { sort: 'DESC' }));
    expect(whole.body.messages.map((m) => m.content)).toEqual([...asc.contents].reverse());
    expect(whole.body.nextCursor).toBeNull();
  });

  it('a cursor from the other direction is a 400 naming cursor, not another page', async () => {
    const ascPage = await getJson<SessionDetail>(server, detailPath('ties', { limit: 4 }));
    const descPage = await getJson<SessionDetail>(server, detailPath('ties', { limit: 4, sort: 'DESC' }));
    const ascCursor = ascPage.body.nextCursor ?? '';
    const descCursor = descPage.body.nextCursor ?? '';
    expect(ascCursor).not.toBe('');
    expect(descCursor).not.toBe('');
    const wrongDirection: Record<string, string | number>[] = [
      { limit: 4, sort: 'DESC', cursor: ascCursor },
      { limit: 4, sort: 'ASC', cursor: descCursor },
      { limit: 4, cursor: descCursor },
    ];
    for (const query of wrongDirection) {
      const res = await getJson<{ message: string }>(server, detailPath('ties', query));
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.message).toMatch(/"cursor"/);
    }
  });

  it('a bad sort is a 400 naming sort', async () => {
    for (const sort of ['desc', 'NEWEST', '', 'DESC,ASC']) {
      const res = await getJson<{ message: string }>(server, detailPath('ties', { sort }));
      expect(res.status, sort).toBe(400);
      expect(res.body.message).toMatch(/sort/);
    }
  });

  it('paging back while a script appends neither repeats nor skips a message', async () => {
    await putConversation(
      server,
      'order',
      'growing',
      Array.from({ length: 30 }, (_, i) => ({
        content: `old ${i + 1}`,
        at: base + Math.floor(i / 3) * 1000,
      })),
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let appended = 0;
    do {
      const query: Record<string, string | number> = { limit: 7, sort: 'DESC' };
      if (cursor) query.cursor = cursor;
      const res = await getJson<SessionDetail>(server, detailPath('growing', query));
      expect(res.status).toBe(200);
      seen.push(...res.body.messages.map((m) => m.content));
      cursor = res.body.nextCursor;
      // A script adds to the conversation between the pages, as Sim's Memory block does.
      const added = await server.request('/api/memory', {
        method: 'POST',
        json: { conversationId: 'growing', role: 'user', content: `new ${++appended}`, blockId: 'order' },
      });
      expect(added.status).toBeLessThan(300);
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => `old ${30 - i}`));
    // The appended ones are there for the next reader, newest first.
    const fresh = await getJson<SessionDetail>(
      server,
      detailPath('growing', { limit: appended, sort: 'DESC' }),
    );
    expect(fresh.body.messages.map((m) => m.content)).toEqual(
      Array.from({ length: appended }, (_, i) => `new ${appended - i}`),
    );
  });
});
