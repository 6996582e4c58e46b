import { randomUUID } from 'node:crypto';
import { FlowiseClient } from 'flowise-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MnemoEvent } from '../../src/shared/schemas/events';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/fake-openai';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let upstream: FakeOpenAi;
beforeAll(async () => {
  [server, upstream] = await Promise.all([startTestServer(), startFakeOpenAi()]);
});
afterAll(async () => {
  await Promise.all([server.close(), upstream.close()]);
});
afterEach(() => {
  upstream.behave({ kind: 'answer', pieces: ['Hello', ' from', ' upstream'] });
});

const KEY_VARIABLE = 'UPSTREAM_TEST_API_KEY';

/** A flow answered by the fake upstream, created through the store. */
async function openAiFlow(settings: Record<string, unknown> = {}): Promise<string> {
  const id = `oa-${randomUUID()}`;
  await server.mnemo.store.createFlow({
    id,
    name: id,
    responder: {
      kind: 'openai-compatible',
      baseUrl: upstream.baseUrl,
      model: 'fake-model',
      systemPrompt: 'You are a terse assistant.',
      temperature: 0.3,
      ...settings,
    },
  });
  return id;
}

const predict = (flowId: string, json: unknown) =>
  server.request(`/api/v1/prediction/${flowId}`, { method: 'POST', json });

const stored = (flowId: string, sessionId: string) =>
  server.mnemo.store.listMessages({ flowId, sessionId }, { order: 'ASC' });

const lastRequest = () => {
  const request = upstream.requests.at(-1);
  if (!request) throw new Error('the upstream received nothing');
  return request;
};

/** Reads a Flowise event stream until `until` says stop or the stream ends. */
async function readEvents(res: Response, until: (event: { event: string }) => boolean) {
  const events: Array<{ event: string; data: unknown }> = [];
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return events;
    const lines = (pending + decoder.decode(value, { stream: true })).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('data:')) continue;
      const event = JSON.parse(line.slice('data:'.length));
      events.push(event);
      if (until(event)) return events;
    }
  }
}

describe('openai-compatible responder: what the upstream receives', () => {
  it('system prompt, the windowed history (last N messages) and the question; no key header when none is set', async () => {
    const flowId = await openAiFlow({ memoryMessages: 2 });
    const sessionId = randomUUID();
    upstream.behave({ kind: 'answer', pieces: ['first answer'] });
    await predict(flowId, { question: 'first question', overrideConfig: { sessionId } });
    upstream.behave({ kind: 'answer', pieces: ['second answer'] });
    await predict(flowId, { question: 'second question', overrideConfig: { sessionId } });
    upstream.behave({ kind: 'answer', pieces: ['third answer'] });
    const res = await predict(flowId, { question: 'third question', overrideConfig: { sessionId } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ text: 'third answer', question: 'third question', sessionId });

    const request = lastRequest();
    expect(request.path).toBe('/v1/chat/completions');
    expect(request.body).toMatchObject({ model: 'fake-model', temperature: 0.3 });
    expect(request.body.stream).toBeFalsy();
    expect(request.body.messages).toEqual([
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'second question' },
      { role: 'assistant', content: 'second answer' },
      { role: 'user', content: 'third question' },
    ]);
    expect(request.headers.authorization).toBeUndefined();
    expect((await stored(flowId, sessionId)).map((m) => m.content)).toEqual([
      'first question',
      'first answer',
      'second question',
      'second answer',
      'third question',
      'third answer',
    ]);
  });

  it('a token budget keeps only the most recent messages that fit (chars/4 each)', async () => {
    const flowId = await openAiFlow({ memoryMessages: 20, memoryTokens: 25 });
    const sessionId = randomUUID();
    for (const [q, a] of [
      ['a', 'b'],
      ['c', 'd'],
    ] as const) {
      upstream.behave({ kind: 'answer', pieces: [a.repeat(40)] });
      await predict(flowId, { question: q.repeat(40), overrideConfig: { sessionId } });
    }
    await predict(flowId, { question: 'and now?', overrideConfig: { sessionId } });
    // Each earlier message costs 10; 25 holds the last two.
    expect(lastRequest().body.messages.map((m) => m.content)).toEqual([
      'You are a terse assistant.',
      'c'.repeat(40),
      'd'.repeat(40),
      'and now?',
    ]);
  });

  it('history comes after the system prompt and before the stored messages', async () => {
    const flowId = await openAiFlow();
    const sessionId = randomUUID();
    upstream.behave({ kind: 'answer', pieces: ['stored answer'] });
    await predict(flowId, { question: 'stored question', overrideConfig: { sessionId } });
    await predict(flowId, {
      question: 'the question',
      overrideConfig: { sessionId },
      history: [
        { role: 'userMessage', content: 'history question' },
        { role: 'apiMessage', content: 'history answer' },
      ],
    });
    expect(lastRequest().body.messages).toEqual([
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'history question' },
      { role: 'assistant', content: 'history answer' },
      { role: 'user', content: 'stored question' },
      { role: 'assistant', content: 'stored answer' },
      { role: 'user', content: 'the question' },
    ]);
  });

  it('never reads a variable that does not name a provider key, even one stored before that rule', async () => {
    process.env.MNEMO_API_KEY = 'mnemo-own-key';
    try {
      for (const name of ['PATH', 'MNEMO_API_KEY']) {
        const flowId = await openAiFlow({ apiKeyEnv: name });
        const res = await predict(flowId, { question: `through ${name}` });
        expect(res.status).toBe(200);
        expect(lastRequest().headers.authorization).toBeUndefined();
        // The flow still lists, without the refused name.
        const flow = (await (await server.request(`/api/v1/chatflows/${flowId}`)).json()) as {
          mnemo: { responder: Record<string, unknown> };
        };
        expect(flow.mnemo.responder.model).toBe('fake-model');
        expect(flow.mnemo.responder.apiKeyEnv).toBeUndefined();
      }
    } finally {
      delete process.env.MNEMO_API_KEY;
    }
  });

  it('sends the key from the environment variable the flow names', async () => {
    process.env[KEY_VARIABLE] = 'sk-from-env-123';
    try {
      const flowId = await openAiFlow({ apiKeyEnv: KEY_VARIABLE });
      const res = await predict(flowId, { question: 'with a key' });
      expect(res.status).toBe(200);
      expect(lastRequest().headers.authorization).toBe('Bearer sk-from-env-123');
    } finally {
      delete process.env[KEY_VARIABLE];
    }
  });

  it('streams through the flowise-sdk: the upstream is asked to stream and its pieces arrive as tokens', async () => {
    const flowId = await openAiFlow();
    const sessionId = randomUUID();
    upstream.behave({ kind: 'answer', pieces: ['Str', 'eam', 'ed ', 'answer'] });
    const client = new FlowiseClient({ baseUrl: server.url, apiKey: server.key });
    const events: Array<{ event: string; data: unknown }> = [];
    const stream = await client.createPrediction({
      chatflowId: flowId,
      question: 'stream please',
      overrideConfig: { sessionId },
      streaming: true,
    });
    for await (const event of stream) events.push(event);
    expect(lastRequest().body.stream).toBe(true);
    expect(events.map((e) => e.event)).toEqual([
      'start',
      'token',
      'token',
      'token',
      'token',
      'metadata',
      'end',
    ]);
    expect(events.filter((e) => e.event === 'token').map((e) => e.data)).toEqual([
      'Str',
      'eam',
      'ed ',
      'answer',
    ]);
    expect((await stored(flowId, sessionId)).map((m) => [m.role, m.content, m.chatType])).toEqual([
      ['user', 'stream please', 'EXTERNAL'],
      ['assistant', 'Streamed answer', 'EXTERNAL'],
    ]);
  });

  it('the raw stream is Flowise wire format: message: line, one-line JSON data, closed after end', async () => {
    const flowId = await openAiFlow();
    const res = await predict(flowId, { question: 'raw', streaming: true });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await res.text();
    const blocks = body.split('\n\n');
    expect(blocks.pop()).toBe('');
    for (const block of blocks) expect(block).toMatch(/^message:\ndata:\{"event":"[a-z]+","data":.*\}$/);
    expect(blocks.at(-1)).toBe('message:\ndata:{"event":"end","data":"[DONE]"}');
  });
});

describe('openai-compatible responder: failures store nothing', () => {
  it('an upstream 500 gives 502 naming the status, JSON and streaming', async () => {
    const flowId = await openAiFlow();
    const sessionId = randomUUID();
    upstream.behave({ kind: 'status', status: 500, message: 'model exploded' });
    for (const streaming of [false, true]) {
      const res = await predict(flowId, { question: 'fail', overrideConfig: { sessionId }, streaming });
      expect(res.status).toBe(502);
      const body = (await res.json()) as { message: string };
      expect(body).toMatchObject({ statusCode: 502, success: false });
      expect(body.message).toContain('HTTP 500');
      expect(body.message).toContain('model exploded');
      expect(body.message).toContain(upstream.baseUrl);
    }
    expect(await stored(flowId, sessionId)).toEqual([]);
    expect(await server.mnemo.store.getConversation(flowId, sessionId)).toBeUndefined();
  });

  it('an upstream that does not answer within timeoutMs gives 504', async () => {
    const flowId = await openAiFlow({ timeoutMs: 1000 });
    const sessionId = randomUUID();
    upstream.behave({ kind: 'hang' });
    const started = Date.now();
    const res = await predict(flowId, { question: 'slow', overrideConfig: { sessionId } });
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(((await res.json()) as { message: string }).message).toContain('1000 ms');
    await lastRequest().abandoned;
    expect(await stored(flowId, sessionId)).toEqual([]);
  });

  it('an upstream that refuses the connection gives 502', async () => {
    const closed = await startFakeOpenAi();
    await closed.close();
    const id = `oa-${randomUUID()}`;
    await server.mnemo.store.createFlow({
      id,
      name: id,
      responder: { kind: 'openai-compatible', baseUrl: closed.baseUrl, model: 'm' },
    });
    const res = await predict(id, { question: 'anyone?' });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { message: string }).message).toMatch(/could not reach .*ECONNREFUSED/);
  });

  it('an upstream that breaks mid-stream: error then end, nothing stored', async () => {
    const flowId = await openAiFlow();
    const sessionId = randomUUID();
    upstream.behave({ kind: 'break', pieces: ['half an ', 'answer'] });
    const client = new FlowiseClient({ baseUrl: server.url, apiKey: server.key });
    const events: Array<{ event: string; data: unknown }> = [];
    const stream = await client.createPrediction({
      chatflowId: flowId,
      question: 'break',
      overrideConfig: { sessionId },
      streaming: true,
    });
    for await (const event of stream) events.push(event);
    expect(events.map((e) => e.event)).toEqual(['start', 'token', 'token', 'error', 'end']);
    expect(String(events[3]?.data)).toContain(upstream.baseUrl);
    expect(await stored(flowId, sessionId)).toEqual([]);
  });

  it('a client that disconnects mid-stream aborts the upstream call and stores nothing', async () => {
    const flowId = await openAiFlow();
    const sessionId = randomUUID();
    upstream.behave({ kind: 'stall', pieces: ['never ', 'finished'] });
    const controller = new AbortController();
    const res = await server.request(`/api/v1/prediction/${flowId}`, {
      method: 'POST',
      json: { question: 'going away', overrideConfig: { sessionId }, streaming: true },
      signal: controller.signal,
    });
    const events = await readEvents(res, (e) => e.event === 'token');
    expect(events.map((e) => e.event)).toEqual(['start', 'token']);
    const abandoned = lastRequest().abandoned;
    controller.abort();
    await abandoned;

    // The next turn on the session waits for the aborted one to finish: after it, only its pair is stored.
    upstream.behave({ kind: 'answer', pieces: ['next answer'] });
    const next = await predict(flowId, { question: 'next', overrideConfig: { sessionId } });
    expect(next.status).toBe(200);
    expect(lastRequest().body.messages.map((m) => m.content)).not.toContain('going away');
    expect((await stored(flowId, sessionId)).map((m) => m.content)).toEqual(['next', 'next answer']);
  });

  it('a client that disconnects while waiting for a JSON answer stores nothing', async () => {
    const flowId = await openAiFlow();
    const sessionId = randomUUID();
    upstream.behave({ kind: 'hang' });
    const controller = new AbortController();
    const count = upstream.requests.length;
    const pending = server
      .request(`/api/v1/prediction/${flowId}`, {
        method: 'POST',
        json: { question: 'no patience', overrideConfig: { sessionId } },
        signal: controller.signal,
      })
      .catch((error: Error) => error.name);
    await expect.poll(() => upstream.requests.length).toBe(count + 1);
    controller.abort();
    expect(await pending).toBe('AbortError');
    await lastRequest().abandoned;
    upstream.behave({ kind: 'answer', pieces: ['ok'] });
    await predict(flowId, { question: 'after', overrideConfig: { sessionId } });
    expect((await stored(flowId, sessionId)).map((m) => m.content)).toEqual(['after', 'ok']);
  });
});

describe('the window: continueSession and testFlow', () => {
  it('continueSession stores an INTERNAL pair and streams answer.delta events for its requestId', async () => {
    const flowId = await openAiFlow();
    const sessionId = randomUUID();
    upstream.behave({ kind: 'answer', pieces: ['one ', 'two ', 'three'] });
    const seen: MnemoEvent[] = [];
    const unsubscribe = server.mnemo.events.subscribe((e) => seen.push(e));
    try {
      const res = await server.request(`/api/v1/sessions/${flowId}/${sessionId}/messages`, {
        method: 'POST',
        json: { content: 'from the window', requestId: 'req-1' },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        question: Record<string, unknown>;
        answer: Record<string, unknown>;
      };
      expect(body.question).toMatchObject({ role: 'user', content: 'from the window', chatType: 'INTERNAL' });
      expect(body.answer).toMatchObject({
        role: 'assistant',
        content: 'one two three',
        chatType: 'INTERNAL',
      });
      expect(body.answer.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    } finally {
      unsubscribe();
    }
    expect(seen.filter((e) => e.type === 'answer.delta')).toEqual([
      { type: 'answer.delta', requestId: 'req-1', text: 'one ' },
      { type: 'answer.delta', requestId: 'req-1', text: 'two ' },
      { type: 'answer.delta', requestId: 'req-1', text: 'three' },
    ]);
    expect(seen.at(-1)).toEqual({ type: 'session.changed', flowId, sessionId });
    expect((await stored(flowId, sessionId)).map((m) => m.chatType)).toEqual(['INTERNAL', 'INTERNAL']);
  });

  it('testFlow reports ok with the latency, and an upstream failure as ok:false (stores nothing)', async () => {
    const flowId = await openAiFlow();
    upstream.behave({ kind: 'answer', pieces: ['OK'] });
    const ok = await server.request(`/api/v1/flows/${flowId}/test`, { method: 'POST', json: {} });
    expect(await ok.json()).toEqual({
      ok: true,
      message: expect.stringContaining('OK'),
      latencyMs: expect.any(Number),
    });

    upstream.behave({ kind: 'status', status: 401, message: 'bad key' });
    const failed = await server.request(`/api/v1/flows/${flowId}/test`, { method: 'POST', json: {} });
    expect(failed.status).toBe(200);
    const result = (await failed.json()) as { ok: boolean; message: string };
    expect(result.ok).toBe(false);
    expect(result.message).toContain('HTTP 401');
    expect(result.message).toContain('bad key');
    expect(await server.mnemo.store.countMessages({ flowId })).toEqual({ messages: 0, sessions: 0 });
  });

  it('testFlow on the echo flow answers ok; on an unknown flow 404', async () => {
    const echo = await server.request('/api/v1/flows/default/test', { method: 'POST', json: {} });
    expect(await echo.json()).toMatchObject({ ok: true });
    const unknown = await server.request('/api/v1/flows/no-such-flow/test', { method: 'POST', json: {} });
    expect(unknown.status).toBe(404);
  });
});
