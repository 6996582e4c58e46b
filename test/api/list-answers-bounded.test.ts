/**
 * Answers that list a conversation's messages are never built whole (SPEC 1: a message is
 * up to 1 MiB, so a conversation can pass V8's ~512 MiB string limit): the Flowise list and
 * Sim's add are written as they are read, and one conversation's detail pages by size.
 * Over 48 messages of 1 MiB each route answers 200 with every message exactly once.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

const MIB = 1024 * 1024;
const MESSAGES = 48;
let server: TestServer;

/** About 1 MiB, one long word repeated (few distinct tokens for the full-text index). */
const big = (n: number) => `${'mnemo '.repeat(MIB / 6 - 2)}n${String(n).padStart(6, '0')}`;
const hash = (text: string) => createHash('sha256').update(text).digest('hex');
const expected = (count: number) => Array.from({ length: count }, (_, i) => hash(big(i)));

beforeAll(async () => {
  server = await startTestServer();
  await server.mnemo.store.bulkInsert([
    {
      flowId: 'default',
      sessionId: 'big',
      messages: Array.from({ length: MESSAGES }, (_, i) => ({
        role: 'user' as const,
        content: big(i),
        chatType: 'EXTERNAL' as const,
        createdAt: Date.UTC(2026, 0, 1) + i,
      })),
    },
  ]);
}, 60_000);
afterAll(() => server.close());

type Store = TestServer['mnemo']['store'];

/** Counts the pieces a store method's answer gives as they are read, and whether it ended. */
function watchPieces<K extends 'streamChatMessages' | 'streamAddedMemory'>(name: K) {
  const seen = { pieces: 0, ended: false };
  const store = server.mnemo.store as Store & Record<K, (...args: unknown[]) => unknown>;
  const original = store[name].bind(store);
  async function* counted(pieces: AsyncGenerator<unknown>) {
    for await (const piece of pieces) {
      seen.pieces += 1;
      yield piece;
    }
    seen.ended = true;
  }
  const spy = vi.spyOn(store, name).mockImplementation(((...args: unknown[]) => {
    const result = original(...args) as
      | AsyncGenerator<unknown>
      | Promise<{ pieces: AsyncGenerator<unknown> }>;
    if (Symbol.asyncIterator in result) return counted(result);
    return result.then((r) => ({ ...r, pieces: counted(r.pieces) }));
  }) as never);
  return { seen, restore: () => spy.mockRestore() };
}

/**
 * Requests `path`, stops reading after the first bytes and gives the store a second to go
 * on: had the answer been built whole, every piece would have been read before a byte was
 * sent. Then reads the rest.
 */
function readWithPause(options: { method: string; path: string; body?: string }, seen: { ended: boolean }) {
  return new Promise<{
    status: number;
    headers: http.IncomingHttpHeaders;
    endedAtFirstBytes: boolean;
    body: string;
  }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method,
        path: options.path,
        headers: {
          authorization: `Bearer ${server.key}`,
          ...(options.body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let endedAtFirstBytes: boolean | undefined;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (endedAtFirstBytes !== undefined) return;
          res.pause();
          setTimeout(() => {
            endedAtFirstBytes = seen.ended;
            res.resume();
          }, 1000);
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            endedAtFirstBytes: endedAtFirstBytes ?? true,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

it('GET /api/v1/chatmessage/:flowId writes every message as it is read (48 MiB, not held whole)', async () => {
  const watch = watchPieces('streamChatMessages');
  try {
    const res = await readWithPause(
      { method: 'GET', path: '/api/v1/chatmessage/default?sessionId=big' },
      watch.seen,
    );
    expect(res.status).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.endedAtFirstBytes).toBe(false);
    expect(watch.seen.ended).toBe(true);
    expect(watch.seen.pieces).toBeGreaterThan(1);
    const messages = JSON.parse(res.body) as Array<{ content: string; role: string; sessionId: string }>;
    expect(messages.map((m) => hash(m.content))).toEqual(expected(MESSAGES));
    expect(messages.every((m) => m.role === 'userMessage' && m.sessionId === 'big')).toBe(true);
  } finally {
    watch.restore();
  }
}, 60_000);

it('the streamed Flowise list keeps sort and paging: DESC, limit 5, page 3', async () => {
  const res = await server.request('/api/v1/chatmessage/default?sessionId=big&order=DESC&limit=5&page=3');
  expect(res.status).toBe(200);
  const messages = (await res.json()) as Array<{ content: string }>;
  const newestFirst = expected(MESSAGES).reverse();
  expect(messages.map((m) => hash(m.content))).toEqual(newestFirst.slice(10, 15));
}, 60_000);

it('GET /api/v1/sessions/:flowId/:sessionId?limit=1000 pages by size: each page under 40 MiB, every message once', async () => {
  const hashes: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await server.request(`/api/v1/sessions/default/big?${query}`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeLessThan(40 * MIB);
    const page = JSON.parse(text) as { messages: Array<{ content: string }>; nextCursor: string | null };
    expect(page.messages.length).toBeGreaterThan(0);
    hashes.push(...page.messages.map((m) => hash(m.content)));
    cursor = page.nextCursor;
    pages += 1;
  } while (cursor !== null);
  expect(pages).toBeGreaterThan(1);
  expect(hashes).toEqual(expected(MESSAGES));
}, 60_000);

it("POST /api/memory answers with the whole memory written as it is read, after the commit, in Sim's shape", async () => {
  const watch = watchPieces('streamAddedMemory');
  try {
    const body = JSON.stringify({ conversationId: 'big', role: 'user', content: big(MESSAGES) });
    const res = await readWithPause({ method: 'POST', path: '/api/memory', body }, watch.seen);
    expect(res.status).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.endedAtFirstBytes).toBe(false);
    expect(watch.seen.ended).toBe(true);
    const answer = JSON.parse(res.body) as {
      success: boolean;
      memories: Array<{
        key: string;
        conversationId: string;
        blockId: string;
        blockName: string;
        data: unknown[];
      }>;
    };
    expect(Object.keys(answer)).toEqual(['success', 'memories']);
    expect(answer.success).toBe(true);
    expect(answer.memories).toHaveLength(1);
    const [memory] = answer.memories;
    expect({ ...memory, data: undefined }).toEqual({
      key: 'big:default',
      conversationId: 'big',
      blockId: 'default',
      blockName: 'Default',
      data: undefined,
    });
    const data = memory?.data as Array<{ role: string; content: string }>;
    expect(data.map((m) => hash(m.content))).toEqual(expected(MESSAGES + 1));
    expect(data.every((m) => Object.keys(m).join() === 'role,content')).toBe(true);
  } finally {
    watch.restore();
  }
}, 60_000);
