import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START } from '../../src/shared/schemas/sessions';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, listSessions, putConversation } from '../helpers/sessions';

interface Hit {
  messageId: string;
  flowId: string;
  flowName: string;
  sessionId: string;
  title: string;
  role: string;
  createdAt: string;
  snippet: string;
}

const OPERATORS =
  'Try NEAR(x y) AND z OR NOT w -minus col:val ^caret star* "quoted words" {a b} (paren) + plus';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
  await putConversation(server, 'notes', 'syntax', [
    { content: OPERATORS, at: '2026-01-01T00:00:00.000Z' },
    { role: 'assistant', content: 'an answer about the zebra crossing', at: '2026-01-01T00:01:00.000Z' },
  ]);
  await putConversation(server, 'notes', 'cafe', [
    { content: 'meet at the Café Crème at noon', at: '2026-01-02T00:00:00.000Z' },
  ]);
  await putConversation(server, 'other', 'zebras', [
    { content: 'one zebra here', at: '2026-01-03T00:00:00.000Z' },
    { role: 'assistant', content: 'another zebra there', at: '2026-01-03T00:02:00.000Z' },
  ]);
  await putConversation(server, 'other', 'trashed', [
    { content: 'a zebra in the trash', at: '2026-01-04T00:00:00.000Z' },
  ]);
  await server.request('/api/v1/sessions/other/trashed', { method: 'DELETE' });
});
afterAll(() => server.close());

const search = async (q: string, extra = '') => {
  const res = await getJson<{ items: Hit[] }>(server, `/api/v1/search?q=${encodeURIComponent(q)}${extra}`);
  return res;
};
const marked = (word: string) => `${HIGHLIGHT_START}${word}${HIGHLIGHT_END}`;

describe('GET /api/v1/search', () => {
  it('finds messages of live conversations, newest first, with highlighted snippets', async () => {
    const res = await search('zebra');
    expect(res.status).toBe(200);
    expect(res.body.items.map((h) => h.sessionId)).toEqual(['zebras', 'zebras', 'syntax']);
    const [newest] = res.body.items;
    expect(newest).toEqual({
      messageId: expect.any(String),
      flowId: 'other',
      flowName: 'Flow other',
      sessionId: 'zebras',
      title: 'one zebra here',
      role: 'assistant',
      createdAt: '2026-01-03T00:02:00.000Z',
      snippet: `another ${marked('zebra')} there`,
    });
  });

  it('filters by flow and limits', async () => {
    expect((await search('zebra', '&flowId=notes')).body.items.map((h) => h.sessionId)).toEqual(['syntax']);
    expect((await search('zebra', '&limit=1')).body.items).toHaveLength(1);
  });

  it('needs every term, ignores case and diacritics', async () => {
    expect((await search('ZEBRA another')).body.items.map((h) => h.snippet)).toEqual([
      `${marked('another')} ${marked('zebra')} there`,
    ]);
    expect((await search('cafe creme')).body.items.map((h) => h.sessionId)).toEqual(['cafe']);
    expect((await search('zebra nowhere')).body.items).toEqual([]);
  });

  const literal: Array<[string, string]> = [
    ['"', 'a lone quote'],
    ['"quoted words"', 'quotes'],
    ['"unbalanced', 'an unbalanced quote'],
    ['star*', 'a star'],
    ['*', 'a lone star'],
    ['NEAR(x', 'NEAR('],
    ['NEAR(x y)', 'NEAR( … )'],
    ['AND', 'AND'],
    ['OR NOT', 'OR NOT'],
    ['-minus', 'a minus'],
    ['-', 'a lone minus'],
    ['col:val', 'a column filter'],
    [':', 'a lone colon'],
    ['^caret', 'a caret'],
    ['^', 'a lone caret'],
    ['{a b}', 'braces'],
    ['(paren)', 'parentheses'],
    ['+ plus', 'a plus'],
    ['\\', 'a backslash'],
    ["'", 'an apostrophe'],
    ['\u0000', 'a NUL'],
    ['x'.repeat(1000), 'a very long word'],
  ];
  for (const [q, what] of literal) {
    it(`never fails on ${what} (${JSON.stringify(q.slice(0, 20))})`, async () => {
      const res = await search(q);
      expect(res.status).toBe(200);
      const list = await getJson<{ items: unknown[] }>(server, `/api/v1/sessions?q=${encodeURIComponent(q)}`);
      expect(list.status).toBe(200);
    });
  }

  it('finds operator words and symbols-attached words as literal text', async () => {
    for (const q of [
      'NEAR(x',
      'AND',
      'OR NOT',
      '-minus',
      'col:val',
      '^caret',
      'star*',
      '"quoted words"',
      '{a b}',
      '(paren)',
    ]) {
      const res = await search(q);
      expect(
        res.body.items.map((h) => h.sessionId),
        q,
      ).toEqual(['syntax']);
    }
    // A symbol alone is no word: it matches nothing rather than everything.
    for (const q of ['*', '-', '"', '^']) expect((await search(q)).body.items, q).toEqual([]);
  });

  it('400 naming q when it is missing, empty or too long; flowId and limit checked', async () => {
    for (const query of [
      '',
      '?q=',
      `?q=${'x'.repeat(1001)}`,
      '?q=a&limit=0',
      '?q=a&limit=201',
      '?q=a&flowId=%20',
    ]) {
      const res = await getJson<{ message: string }>(server, `/api/v1/search${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.message).toMatch(/q|limit|flowId/);
    }
  });

  it('blank text finds nothing', async () => {
    expect((await search('   ')).body.items).toEqual([]);
  });
});

describe('GET /api/v1/sessions?q=', () => {
  it('lists conversations with a matching message, with a snippet, in the chosen sort', async () => {
    const list = await listSessions(server, { q: 'zebra' });
    expect(list.items.map((i) => i.sessionId)).toEqual(['zebras', 'syntax']);
    expect(list.total).toBe(2);
    expect(list.items[0]?.snippet).toBe(`another ${marked('zebra')} there`);
    const asc = await listSessions(server, { q: 'zebra', sort: 'ASC' });
    expect(asc.items.map((i) => i.sessionId)).toEqual(['syntax', 'zebras']);
  });

  it('matches titles too, and snippets each title when no message matches', async () => {
    await putConversation(server, 'notes', 'titled', [
      { content: 'nothing special', at: '2026-02-01T00:00:00.000Z' },
    ]);
    await putConversation(server, 'notes', 'titled2', [
      { content: 'nothing either', at: '2026-02-02T00:00:00.000Z' },
    ]);
    await server.request('/api/v1/sessions/notes/titled', {
      method: 'PATCH',
      json: { title: 'Quarterly kangaroo plan' },
    });
    await server.request('/api/v1/sessions/notes/titled2', {
      method: 'PATCH',
      json: { title: 'Kangaroo budget' },
    });
    const list = await listSessions(server, { q: 'kangaroo' });
    expect(list.items.map((i) => [i.sessionId, i.snippet])).toEqual([
      ['titled2', `${marked('Kangaroo')} budget`],
      ['titled', `Quarterly ${marked('kangaroo')} plan`],
    ]);
  });

  it('each row snippets its own newest matching message, and every page has the total', async () => {
    const list = await listSessions(server, { q: 'zebra', limit: 1 });
    const next = await listSessions(server, { q: 'zebra', limit: 1, cursor: list.nextCursor ?? '' });
    expect([...list.items, ...next.items].map((i) => [i.sessionId, i.snippet])).toEqual([
      ['zebras', `another ${marked('zebra')} there`],
      ['syntax', `an answer about the ${marked('zebra')} crossing`],
    ]);
    expect(next.total).toBe(2);
    expect(next.nextCursor).toBeNull();
  });

  it('combines with flow and date filters', async () => {
    expect(
      (await listSessions(server, { q: 'zebra', flowId: 'notes' })).items.map((i) => i.sessionId),
    ).toEqual(['syntax']);
    const dated = await listSessions(server, { q: 'zebra', startDate: '2026-01-03', endDate: '2026-01-03' });
    expect(dated.items.map((i) => i.sessionId)).toEqual(['zebras']);
    expect(dated.total).toBe(1);
  });

  it('blank text is no filter', async () => {
    const all = await listSessions(server);
    const blank = await listSessions(server, { q: '   ' });
    expect(blank.total).toBe(all.total);
    expect(blank.items.every((i) => i.snippet === undefined)).toBe(true);
  });
});
