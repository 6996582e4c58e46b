/**
 * Flowise's embed widget (npm flowise-embed 3.1.x), replayed request by request as its
 * source sends them (src/queries/sendMessageQuery.ts, src/utils/index.ts sendRequest and
 * Bot.tsx's fetchEventSource): `mode: 'cors'`, a JSON content type only when there is a
 * body, no key unless the page's onRequest hook adds one. Each test checks the fields
 * the widget reads.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/fake-openai';
import { startTestServer, type TestServer } from '../helpers/server';

const PAGE = 'http://127.0.0.1:5599';
const OTHER_PAGE = 'http://127.0.0.1:5600';

let server: TestServer;
let upstream: FakeOpenAi;
beforeAll(async () => {
  server = await startTestServer({ corsOrigins: [PAGE] });
  upstream = await startFakeOpenAi();
});
afterAll(async () => {
  await server.close();
  await upstream.close();
});

async function createFlow(body: Record<string, unknown>): Promise<string> {
  const id = `embed-${randomUUID()}`;
  const res = await server.request('/api/v1/flows', { method: 'POST', json: { id, name: id, ...body } });
  expect(res.status).toBe(200);
  return id;
}

/** The widget's sendRequest: no key, a JSON content type only with a body. */
function widget(path: string, init: { method?: string; body?: unknown; origin?: string; key?: string } = {}) {
  const headers: Record<string, string> = { origin: init.origin ?? PAGE };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  return fetch(server.url + path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
}

interface WidgetEvent {
  event: string;
  data: unknown;
}

/** What @microsoft/fetch-event-source hands the widget's onmessage: each data line, parsed. */
function eventReader(res: Response) {
  const events: WidgetEvent[] = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let pending = '';
  return {
    events,
    /** Reads on until an event matches (or the stream ends); every event so far. */
    async until(match: (event: WidgetEvent) => boolean = () => false): Promise<WidgetEvent[]> {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return events;
        const lines = (pending + decoder.decode(value, { stream: true })).split('\n');
        pending = lines.pop() ?? '';
        let matched = false;
        for (const line of lines) {
          if (!line.startsWith('data:')) continue;
          const event = JSON.parse(line.slice('data:'.length)) as WidgetEvent;
          events.push(event);
          if (match(event)) matched = true;
        }
        if (matched) return events;
      }
    },
  };
}

const readEvents = (res: Response) => eventReader(res).until();

describe('a flow is closed to the widget until it opts in', () => {
  it('a new flow has publicEmbed false; its config and prediction need the key even from an allowlisted page', async () => {
    const flowId = await createFlow({});
    const flow = await (await server.request(`/api/v1/flows`)).json();
    expect(flow.items.find((f: { id: string }) => f.id === flowId).publicEmbed).toBe(false);

    const config = await widget(`/api/v1/public-chatbotConfig/${flowId}`);
    expect(config.status).toBe(401);
    expect(config.headers.get('access-control-allow-origin')).toBe(PAGE);
    const prediction = await widget(`/api/v1/prediction/${flowId}`, {
      method: 'POST',
      body: { question: 'hi', chatId: randomUUID(), streaming: true },
    });
    expect(prediction.status).toBe(401);
    expect((await prediction.json()).message).toMatch(/API key/);
  });

  it("with the key added by the widget's onRequest hook, a closed flow answers", async () => {
    const flowId = await createFlow({});
    const config = await widget(`/api/v1/public-chatbotConfig/${flowId}`, { key: server.key });
    expect(config.status).toBe(200);
    const chatId = randomUUID();
    const res = await widget(`/api/v1/prediction/${flowId}`, {
      method: 'POST',
      key: server.key,
      body: { question: 'with the key', chatId },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ text: expect.stringContaining('with the key'), chatId });
  });
});

describe('a public flow, called by the widget without the key', () => {
  let flowId: string;
  beforeAll(async () => {
    flowId = await createFlow({ publicEmbed: true });
  });

  it('startup: chatflows-streaming then public-chatbotConfig, read as the widget reads them', async () => {
    const streaming = await widget(`/api/v1/chatflows-streaming/${flowId}`);
    expect(streaming.status).toBe(200);
    expect(streaming.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect((await streaming.json()).isStreaming).toBe(true);

    const res = await widget(`/api/v1/public-chatbotConfig/${flowId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
    const config = await res.json();
    // The widget parses flowData's nodes, and reads uploads, starterPrompts, chatFeedback, leads...
    expect(JSON.parse(config.flowData).nodes).toEqual([]);
    expect(config.uploads).toMatchObject({ isImageUploadAllowed: false, isSpeechToTextEnabled: false });
    expect(config.isTTSEnabled).toBe(false);
    expect(config.starterPrompts).toBeUndefined();
  });

  it("the preflight of the widget's JSON POST is granted for the allowlisted page only", async () => {
    const preflight = (origin: string, method: string) =>
      fetch(`${server.url}/api/v1/prediction/${flowId}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': method,
          'access-control-request-headers': 'content-type',
        },
      });
    const granted = await preflight(PAGE, 'POST');
    expect(granted.status).toBe(204);
    expect(granted.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(granted.headers.get('access-control-allow-headers')).toMatch(/content-type/i);
    expect(granted.headers.get('access-control-allow-methods')).toMatch(/PUT/);
    const refused = await preflight(OTHER_PAGE, 'POST');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('a streamed answer (fetchEventSource with streaming: true): start, tokens, metadata with chatId and chatMessageId, end', async () => {
    const chatId = randomUUID();
    const res = await widget(`/api/v1/prediction/${flowId}`, {
      method: 'POST',
      body: { question: 'Hello widget', chatId, streaming: true },
    });
    expect(res.status).toBe(200);
    // onopen: response.ok and a content type starting with text/event-stream.
    expect(res.headers.get('content-type')?.startsWith('text/event-stream')).toBe(true);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
    const events = await readEvents(res);
    expect(events[0]?.event).toBe('start');
    expect(events.at(-1)).toEqual({ event: 'end', data: '[DONE]' });
    const text = events
      .filter((e) => e.event === 'token')
      .map((e) => e.data)
      .join('');
    expect(text).toBe('You said: "Hello widget" (0 earlier messages in this session)');
    const metadata = events.find((e) => e.event === 'metadata')?.data as Record<string, unknown>;
    expect(metadata).toMatchObject({ chatId, question: 'Hello widget', chatMessageId: expect.any(String) });

    // The widget keeps chatId in localStorage: the next question continues the session.
    const next = await widget(`/api/v1/prediction/${flowId}`, {
      method: 'POST',
      body: { question: 'again', chatId, streaming: true },
    });
    const tokens = (await readEvents(next)).filter((e) => e.event === 'token').map((e) => e.data);
    expect(tokens.join('')).toContain('(2 earlier messages in this session)');
  });

  it('a JSON answer (a flow that does not stream): the widget reads text and chatId', async () => {
    const chatId = randomUUID();
    const res = await widget(`/api/v1/prediction/${flowId}`, {
      method: 'POST',
      body: { question: 'no stream', chatId },
    });
    expect(res.status).toBe(200);
    const answer = await res.json();
    expect(answer).toMatchObject({ text: expect.stringContaining('no stream'), chatId });
  });

  it('the key is still needed from a page not on the allowlist, from no page, and on every other route of the flow', async () => {
    const body = { question: 'sneaky', chatId: randomUUID() };
    const fromOther = await widget(`/api/v1/prediction/${flowId}`, {
      method: 'POST',
      body,
      origin: OTHER_PAGE,
    });
    expect(fromOther.status).toBe(401);
    expect(fromOther.headers.get('access-control-allow-origin')).toBeNull();
    const noOrigin = await fetch(`${server.url}/api/v1/prediction/${flowId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(noOrigin.status).toBe(401);
    // Reading or deleting the flow's messages is never opened.
    expect((await widget(`/api/v1/chatmessage/${flowId}`)).status).toBe(401);
    expect((await widget(`/api/v1/chatmessage/${flowId}`, { method: 'DELETE' })).status).toBe(401);
    expect((await widget(`/api/v1/chatflows/${flowId}`)).status).toBe(401);
  });

  it('opened on the route the router runs, not the text sent: an escaped spelling of the path needs the key', async () => {
    const res = await widget(`/api/v1/public-chatbot%43onfig/${flowId}`);
    expect(res.status).toBe(401);
    const keyed = await widget(`/api/v1/public-chatbot%43onfig/${flowId}`, { key: server.key });
    expect(keyed.status).toBe(400);
  });

  it('an unknown flow is 404 with the key and 401 without (nothing is said about flows to a page)', async () => {
    expect((await widget('/api/v1/public-chatbotConfig/no-such-flow')).status).toBe(401);
    const keyed = await widget('/api/v1/public-chatbotConfig/no-such-flow', { key: server.key });
    expect(keyed.status).toBe(404);
    expect((await keyed.json()).message).toMatch(/no-such-flow/);
  });

  it('turning publicEmbed off closes the flow at once', async () => {
    const id = await createFlow({ publicEmbed: true });
    expect((await widget(`/api/v1/public-chatbotConfig/${id}`)).status).toBe(200);
    const res = await server.request(`/api/v1/flows/${id}`, {
      method: 'PATCH',
      json: { publicEmbed: false },
    });
    expect((await res.json()).publicEmbed).toBe(false);
    expect((await widget(`/api/v1/public-chatbotConfig/${id}`)).status).toBe(401);
  });
});

describe('the stop button: PUT /api/v1/chatmessage/abort/:flowId/:chatId', () => {
  async function slowPublicFlow(): Promise<string> {
    return createFlow({
      publicEmbed: true,
      responder: { kind: 'openai-compatible', baseUrl: upstream.baseUrl, model: 'fake-model' },
    });
  }

  it('stops a streamed answer: the stream ends with abort then end, and nothing of the turn is stored', async () => {
    const flowId = await slowPublicFlow();
    const chatId = randomUUID();
    upstream.behave({ kind: 'stall', pieces: ['half ', 'an answer'] });
    const res = await widget(`/api/v1/prediction/${flowId}`, {
      method: 'POST',
      body: { question: 'take your time', chatId, streaming: true },
    });
    const stream = eventReader(res);
    const first = await stream.until((e) => e.event === 'token');
    expect(first[0]?.event).toBe('start');

    // Exactly as abortMessageQuery sends it: PUT, no body, no content type, no key.
    const abort = await widget(`/api/v1/chatmessage/abort/${flowId}/${chatId}`, { method: 'PUT' });
    expect(abort.status).toBe(200);
    expect(abort.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(await abort.json()).toEqual({ status: 200, message: 'Chat message aborted', stopped: 1 });

    const events = await stream.until();
    expect(events.slice(-2).map((e) => e.event)).toEqual(['abort', 'end']);
    const stored = await server.request(`/api/v1/chatmessage/${flowId}?chatId=${chatId}`);
    expect(await stored.json()).toEqual([]);
  });

  it('stops a JSON answer: 409 saying it was stopped, nothing stored', async () => {
    const flowId = await slowPublicFlow();
    const chatId = randomUUID();
    upstream.behave({ kind: 'hang' });
    const count = upstream.requests.length;
    const pending = widget(`/api/v1/prediction/${flowId}`, {
      method: 'POST',
      body: { question: 'wait for it', chatId },
    });
    await expect.poll(() => upstream.requests.length).toBe(count + 1);
    const abort = await widget(`/api/v1/chatmessage/abort/${flowId}/${chatId}`, { method: 'PUT' });
    expect((await abort.json()).stopped).toBe(1);
    const res = await pending;
    expect(res.status).toBe(409);
    expect((await res.json()).message).toMatch(/stopped/);
    const stored = await server.request(`/api/v1/chatmessage/${flowId}?chatId=${chatId}`);
    expect(await stored.json()).toEqual([]);
  });

  it('nothing running: 200 with stopped 0 (as Flowise); unknown flow 404 with the key; a closed flow needs the key', async () => {
    const publicFlow = await createFlow({ publicEmbed: true });
    const none = await widget(`/api/v1/chatmessage/abort/${publicFlow}/${randomUUID()}`, { method: 'PUT' });
    expect(await none.json()).toEqual({ status: 200, message: 'Chat message aborted', stopped: 0 });
    const unknown = await widget(`/api/v1/chatmessage/abort/nope/${randomUUID()}`, {
      method: 'PUT',
      key: server.key,
    });
    expect(unknown.status).toBe(404);
    const closed = await createFlow({});
    expect((await widget(`/api/v1/chatmessage/abort/${closed}/x`, { method: 'PUT' })).status).toBe(401);
    expect(
      (await widget(`/api/v1/chatmessage/abort/${closed}/x`, { method: 'PUT', key: server.key })).status,
    ).toBe(200);
  });

  it('a chatId with a control character is refused with 400 naming the path field', async () => {
    const flowId = await createFlow({ publicEmbed: true });
    const res = await widget(`/api/v1/chatmessage/abort/${flowId}/a%01b`, { method: 'PUT', key: server.key });
    expect(res.status).toBe(400);
    expect((await res.json()).message).toMatch(/path field "chatId"/);
  });
});

describe('Flowise chatflow shape', () => {
  it("isPublic is the flow's publicEmbed, and PUT /api/v1/chatflows/:id sets it", async () => {
    const id = await createFlow({});
    const put = await server.request(`/api/v1/chatflows/${id}`, { method: 'PUT', json: { isPublic: true } });
    expect((await put.json()).isPublic).toBe(true);
    expect((await widget(`/api/v1/public-chatbotConfig/${id}`)).status).toBe(200);
  });
});
