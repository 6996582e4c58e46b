/** Issue 16: one search language for GET /api/v1/search and GET /api/v1/sessions?q=, and where matches are inside a conversation. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIGHLIGHT_END, HIGHLIGHT_START, type MatchPositions } from '../../src/shared/schemas/sessions';
import { startTestServer, type TestServer } from '../helpers/server';
import { getJson, listAll, putConversation } from '../helpers/sessions';

let server: TestServer;
const LONG = 'long';
const LONG_COUNT = 1_000;
/** Messages of the long conversation that hold the word, oldest first (by index). */
const LONG_HITS = [3, 400, 998];

beforeAll(async () => {
  server = await startTestServer();
  await putConversation(server, 'py', 'asyncio', [
    { content: 'How do I cancel an asyncio task?', at: '2026-01-01T00:00:00.000Z' },
    { content: 'Call task.cancel() inside the event loop.', at: '2026-01-01T00:01:00.000Z' },
  ]);
  await putConversation(server, 'py', 'async', [
    { content: 'async and await keywords', at: '2026-01-02T00:00:00.000Z' },
  ]);
  await putConversation(server, 'py', 'loop', [
    { content: 'the loop of events, not an event loop', at: '2026-01-03T00:00:00.000Z' },
  ]);
  await putConversation(server, 'py', 'scripts', [
    { content: 'Café crème in Zürich, 東京都 and Ελληνικά', at: '2026-01-04T00:00:00.000Z' },
    { content: 'c++ vs c# and node.js, e-mail: a@b.example', at: '2026-01-04T00:01:00.000Z' },
  ]);
  await putConversation(
    server,
    'py',
    LONG,
    Array.from({ length: LONG_COUNT }, (_, i) => ({
      content: LONG_HITS.includes(i) ? `message ${i} mentions the needle` : `message ${i} about nothing`,
      at: Date.parse('2026-02-01T00:00:00.000Z') + i * 1000,
    })),
  );
});
afterAll(() => server.close());

const hits = async (q: string) => {
  const res = await getJson<{ items: Array<{ sessionId: string; snippet: string }> }>(
    server,
    `/api/v1/search?q=${encodeURIComponent(q)}&flowId=py`,
  );
  expect(res.status, q).toBe(200);
  return res.body.items;
};
const found = async (q: string) => [...new Set((await hits(q)).map((h) => h.sessionId))].sort();
const listed = async (q: string) =>
  (await listAll(server, { q, flowId: 'py' })).map((s) => s.sessionId).sort();
const marked = (word: string) => `${HIGHLIGHT_START}${word}${HIGHLIGHT_END}`;

/** Both routes must find the same conversations for the same text. */
async function expectBoth(q: string, sessions: string[]) {
  expect(await found(q), `search ${q}`).toEqual(sessions);
  expect(await listed(q), `sessions ${q}`).toEqual(sessions);
}

describe('the search language, the same on /search and /sessions?q=', () => {
  it('matches the last word as the start of a word while it is typed', async () => {
    await expectBoth('asyn', ['async', 'asyncio']);
    await expectBoth('asynci', ['asyncio']);
    await expectBoth('task asyn', ['asyncio']);
    expect((await hits('asyn')).map((h) => h.snippet)).toContain(
      `How do I cancel an ${marked('asyncio')} task?`,
    );
  });

  it('matches a word followed by a space, or any word but the last, whole', async () => {
    await expectBoth('asyn ', []);
    await expectBoth('async ', ['async']);
    await expectBoth('asyn task', []);
  });

  it('waits for three letters before matching a start: shorter last words match whole', async () => {
    await expectBoth('as', []);
    await expectBoth('an', ['asyncio', 'loop']);
  });

  it('matches quoted words as an exact phrase, in order', async () => {
    await expectBoth('"event loop"', ['asyncio', 'loop']);
    await expectBoth('"loop event"', []);
    await expectBoth('"asyn"', []);
    await expectBoth('"the event loop', ['asyncio']);
    expect((await hits('"event loop"')).map((h) => h.snippet)).toContain(
      `Call task.cancel() inside the ${marked('event loop')}.`,
    );
  });

  it('reads punctuation as text: never an error, words around it still found', async () => {
    await expectBoth('c++', ['scripts']);
    await expectBoth('node.js', ['scripts']);
    await expectBoth('task.cancel()', ['asyncio']);
    await expectBoth('e-mail: a@b', ['scripts']);
    for (const q of ['"', '*', 'NEAR(', 'a AND', '"""', '-', ':', '^*', '(((', '""x']) {
      await hits(q);
      await listed(q);
    }
  });

  it('keeps diacritics, Chinese and Japanese, Greek, mixed in one text', async () => {
    await expectBoth('cafe zurich', ['scripts']);
    await expectBoth('Zür', ['scripts']);
    await expectBoth('東京', []);
    await expectBoth('東京都', ['scripts']);
    await expectBoth('ελλην', ['scripts']);
    await expectBoth('café 東京都 ελληνικά', ['scripts']);
    expect((await hits('creme zür')).map((h) => h.snippet)).toEqual([
      `Café ${marked('crème')} in ${marked('Zürich')}, 東京都 and Ελληνικά`,
    ]);
  });
});

describe('GET /api/v1/sessions/:flowId/:sessionId/matches', () => {
  const matches = (sessionId: string, query: string) =>
    getJson<MatchPositions & { message?: string }>(
      server,
      `/api/v1/sessions/py/${sessionId}/matches?${query}`,
    );

  it('gives each matching message with its place counted from the newest, newest first', async () => {
    const res = await matches(LONG, 'q=needl');
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(3);
    expect(res.body.matches.map((m) => m.position)).toEqual(
      [...LONG_HITS].reverse().map((i) => LONG_COUNT - 1 - i),
    );
    // The place is where the message is in the conversation's sort=DESC pages.
    const [oldest] = res.body.matches.slice(-1);
    const page = await getJson<{ messages: Array<{ id: string; content: string }> }>(
      server,
      `/api/v1/sessions/py/${LONG}?sort=DESC&limit=1000`,
    );
    const message = page.body.messages[oldest?.position ?? -1];
    expect(message?.id).toBe(oldest?.messageId);
    expect(message?.content).toBe('message 3 mentions the needle');
  });

  it('takes the same language: phrase, whole words, punctuation', async () => {
    expect((await matches('asyncio', 'q=%22event%20loop%22')).body.total).toBe(1);
    expect((await matches('asyncio', 'q=asyn%20')).body.total).toBe(0);
    expect((await matches('asyncio', `q=${encodeURIComponent('task.cancel() NEAR(')}`)).body.total).toBe(0);
    expect((await matches('asyncio', 'q=task')).body.total).toBe(2);
    // Another conversation's messages never count.
    expect((await matches('async', 'q=task')).body).toEqual({ total: 0, matches: [] });
  });

  it('limits the list but not the total', async () => {
    const res = await matches(LONG, 'q=message&limit=10');
    expect(res.body.total).toBe(LONG_COUNT);
    expect(res.body.matches.map((m) => m.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('400 naming the field for bad input, 404 for no such conversation', async () => {
    for (const [query, field] of [
      ['', 'q'],
      ['q=', 'q'],
      [`q=${'x'.repeat(1001)}`, 'q'],
      ['q=a&limit=0', 'limit'],
      ['q=a&limit=10001', 'limit'],
      ['q=a&limit=ten', 'limit'],
    ] as const) {
      const res = await matches(LONG, query);
      expect(res.status, query).toBe(400);
      expect(res.body.message, query).toContain(field);
    }
    const missing = await matches('nobody', 'q=a');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('nobody');
  });
});
