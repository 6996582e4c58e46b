import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MnemoEvent } from '../../src/shared/schemas/events';
import { startTestServer, type TestServer } from '../helpers/server';
import { putConversation } from '../helpers/sessions';
import { openSse, type SseMessage, type SseStream } from '../helpers/sse';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ corsOrigins: ['https://allowed.example'] });
});
afterAll(() => server.close());

const open = (headers: Record<string, string> = {}) =>
  openSse(`${server.url}/api/v1/events`, { authorization: `Bearer ${server.key}`, ...headers });
const isEvent = (type: MnemoEvent['type']) => (m: SseMessage) => m.event === type;
const dataOf = (m: SseMessage) => JSON.parse(m.data ?? 'null') as MnemoEvent;

/** Waits until the bus has `n` subscribers (a stream subscribes as it opens, leaves as it closes). */
async function subscribers(n: number): Promise<void> {
  const deadline = Date.now() + 3000;
  while (server.mnemo.events.subscribers !== n) {
    if (Date.now() > deadline)
      throw new Error(`subscribers: ${server.mnemo.events.subscribers}, wanted ${n}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GET /api/v1/events', () => {
  let stream: SseStream;
  beforeAll(async () => {
    stream = await open();
    await stream.next((m) => m.comment === 'connected');
  });
  afterAll(() => stream.close());

  it('is a text/event-stream that needs no reload', () => {
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('cache-control')).toBe('no-store');
  });

  it('tells of a message a script appends through the API', async () => {
    const res = await server.request('/api/memory', {
      method: 'POST',
      json: { conversationId: 'live-1', role: 'user', content: 'hello from a script', blockId: 'default' },
    });
    expect(res.status).toBe(200);
    const message = await stream.next(isEvent('session.changed'));
    expect(dataOf(message)).toEqual({ type: 'session.changed', flowId: 'default', sessionId: 'live-1' });
  });

  it('tells of a rename, a delete, a restore and a purge', async () => {
    await putConversation(server, 'default', 'evt', [{ content: 'x', at: '2026-01-01T00:00:00.000Z' }]);
    await server.request('/api/v1/sessions/default/evt', { method: 'PATCH', json: { title: 'renamed' } });
    expect(dataOf(await stream.next(isEvent('session.changed')))).toEqual({
      type: 'session.changed',
      flowId: 'default',
      sessionId: 'evt',
    });

    await server.request('/api/v1/sessions/default/evt', { method: 'DELETE' });
    expect(dataOf(await stream.next(isEvent('session.deleted')))).toEqual({
      type: 'session.deleted',
      flowId: 'default',
      sessionId: 'evt',
    });
    expect(dataOf(await stream.next(isEvent('trash.changed')))).toEqual({ type: 'trash.changed' });

    const trash = (await (await server.request('/api/v1/trash')).json()) as {
      items: Array<{ trashId: number }>;
    };
    await server.request('/api/v1/trash/restore', {
      method: 'POST',
      json: { ids: [trash.items[0]?.trashId] },
    });
    expect(dataOf(await stream.next(isEvent('session.changed')))).toMatchObject({ sessionId: 'evt' });
    await stream.next(isEvent('trash.changed'));

    await server.request('/api/v1/sessions/default/evt', { method: 'DELETE' });
    await stream.next(isEvent('trash.changed'));
    await server.request('/api/v1/trash', { method: 'DELETE' });
    await stream.next(isEvent('trash.changed'));
  });

  it('a bulk delete tells of each conversation', async () => {
    await putConversation(server, 'bulkflow', 'b1', [{ content: 'x', at: '2026-01-01T00:00:00.000Z' }]);
    await putConversation(server, 'bulkflow', 'b2', [{ content: 'y', at: '2026-01-01T00:00:00.000Z' }]);
    await server.request('/api/v1/sessions/delete', {
      method: 'POST',
      json: { filter: { flowId: 'bulkflow' }, expectedCount: 2 },
    });
    const ofBulk = (m: SseMessage) =>
      m.event === 'session.deleted' &&
      dataOf(m).type === 'session.deleted' &&
      m.data?.includes('"bulkflow"') === true;
    const deleted = [await stream.next(ofBulk), await stream.next(ofBulk)];
    expect(
      deleted
        .map((m) => dataOf(m))
        .map((e) => ('sessionId' in e ? e.sessionId : ''))
        .sort(),
    ).toEqual(['b1', 'b2']);
    await stream.next(isEvent('trash.changed'));
  });

  it('reaches every open stream, and a closed one stops listening', async () => {
    const base = server.mnemo.events.subscribers;
    const second = await open();
    await second.next((m) => m.comment === 'connected');
    await subscribers(base + 1);
    server.mnemo.events.publish({ type: 'flow.changed', flowId: 'default' });
    await stream.next(isEvent('flow.changed'));
    await second.next(isEvent('flow.changed'));
    second.close();
    await subscribers(base);
  });

  it('sends CORS headers to an allowlisted origin only', async () => {
    const allowed = await open({ origin: 'https://allowed.example' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://allowed.example');
    allowed.close();
    const other = await open({ origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    other.close();
  });
});

describe('the events route and its rules', () => {
  it('401 without the key, and nothing subscribes', async () => {
    await subscribers(0);
    const res = await fetch(`${server.url}/api/v1/events`);
    expect(res.status).toBe(401);
    expect(server.mnemo.events.subscribers).toBe(0);
  });

  it('is in the OpenAPI document', async () => {
    const doc = (await (await server.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    expect(doc.paths['/api/v1/events']?.get?.responses?.['200']?.content).toHaveProperty('text/event-stream');
  });

  it('a server with open streams still closes', async () => {
    const other = await startTestServer();
    const s = await openSse(`${other.url}/api/v1/events`, { authorization: `Bearer ${other.key}` });
    await s.next((m) => m.comment === 'connected');
    // The client never ends its stream: a close that waited for it would never return,
    // and the test's timeout would fail it (a time limit here measured the machine's load).
    await other.close();
    await expect(s.next(() => false, 2000)).rejects.toThrow(/ended/);
  });
});
