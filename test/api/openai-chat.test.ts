/**
 * Issue 19: the OpenAI-compatible door, driven by the `openai` npm client with
 * baseURL = Mnemo + /v1 and Mnemo's key: models are the flows; chat completions stream
 * and not; without a session nothing is stored; with one (X-Session-Id or `user`), the
 * session's memory (here from an earlier Flowise prediction) comes before the messages
 * sent, and the turn is stored as a prediction stores it, one turn of a session at a
 * time. Errors come in OpenAI's shape, which the client turns into its own error classes.
 */
import { randomUUID } from 'node:crypto';
import { Validator } from '@seriousme/openapi-schema-validator';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/fake-openai';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let upstream: FakeOpenAi;
let openai: OpenAI;
beforeAll(async () => {
  [server, upstream] = await Promise.all([startTestServer(), startFakeOpenAi()]);
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.key, maxRetries: 0 });
});
afterAll(async () => {
  await Promise.all([server.close(), upstream.close()]);
});
afterEach(() => {
  upstream.behave({ kind: 'answer', pieces: ['Hello', ' from', ' upstream'] });
});

async function upstreamFlow(): Promise<string> {
  const id = `oa-${randomUUID()}`;
  await server.mnemo.store.createFlow({
    id,
    name: id,
    responder: {
      kind: 'openai-compatible',
      baseUrl: upstream.baseUrl,
      model: 'fake-model',
      systemPrompt: 'You are Mnemo.',
      memoryMessages: 20,
    },
  });
  return id;
}

const stored = (flowId: string, sessionId: string) =>
  server.mnemo.store.listMessages({ flowId, sessionId }, { order: 'ASC' });
const sessionCount = async () =>
  ((await (await server.request('/api/v1/sessions/count')).json()) as { total: number }).total;
const flowisePrediction = (flowId: string, sessionId: string, question: string) =>
  server.request(`/api/v1/prediction/${flowId}`, {
    method: 'POST',
    json: { question, overrideConfig: { sessionId } },
  });

describe('GET /v1/models', () => {
  it('lists the flows as models', async () => {
    const flowId = await upstreamFlow();
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toContain('default');
    expect(ids).toContain(flowId);
  });
});

describe('POST /v1/chat/completions without a session: stateless', () => {
  it('answers with the flow responder from the messages sent, and stores nothing', async () => {
    const before = await sessionCount();
    const completion = await openai.chat.completions.create({
      model: 'default',
      messages: [
        { role: 'system', content: 'Be kind.' },
        { role: 'user', content: 'My name is Ada.' },
        { role: 'assistant', content: 'Hello Ada.' },
        { role: 'user', content: [{ type: 'text', text: 'What is my name?' }] },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('default');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant' });
    expect(completion.choices[0]?.message.content).toBe(
      'You said: "What is my name?" (3 earlier messages in this session) Before that you said: "My name is Ada.".',
    );
    expect(await sessionCount()).toBe(before);
  });

  it('streams SSE chunks that the client joins into the same answer, ending in [DONE]', async () => {
    const before = await sessionCount();
    const stream = await openai.chat.completions.create({
      model: 'default',
      messages: [{ role: 'user', content: 'Stream this please' }],
      stream: true,
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(
      'You said: "Stream this please" (0 earlier messages in this session)',
    );
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(await sessionCount()).toBe(before);

    // On the wire: data lines, the last one [DONE].
    const raw = await server.request('/v1/chat/completions', {
      method: 'POST',
      json: { model: 'default', stream: true, messages: [{ role: 'user', content: 'raw' }] },
    });
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const body = await raw.text();
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(
      body
        .split('\n\n')
        .filter(Boolean)
        .every((event) => event.startsWith('data: ')),
    ).toBe(true);
  });
});

describe('POST /v1/chat/completions with a session: memory', () => {
  it('X-Session-Id: the memory of an earlier Flowise prediction comes before the messages sent; the turn is stored', async () => {
    const flowId = await upstreamFlow();
    const sessionId = `s-${randomUUID()}`;
    upstream.behave({ kind: 'answer', pieces: ['Paris, noted.'] });
    expect((await flowisePrediction(flowId, sessionId, 'My favourite city is Paris.')).status).toBe(200);

    upstream.behave({ kind: 'answer', pieces: ['You', ' said', ' Paris.'] });
    const completion = await openai.chat.completions.create(
      {
        model: flowId,
        messages: [
          { role: 'developer', content: 'Answer in one line.' },
          { role: 'user', content: 'Which city did I name?' },
        ],
      },
      { headers: { 'X-Session-Id': sessionId } },
    );
    expect(completion.choices[0]?.message.content).toBe('You said Paris.');
    expect(upstream.requests.at(-1)?.body.messages).toEqual([
      { role: 'system', content: 'You are Mnemo.' },
      { role: 'user', content: 'My favourite city is Paris.' },
      { role: 'assistant', content: 'Paris, noted.' },
      { role: 'system', content: 'Answer in one line.' },
      { role: 'user', content: 'Which city did I name?' },
    ]);
    const messages = await stored(flowId, sessionId);
    expect(messages.map((m) => [m.role, m.content, m.chatType])).toEqual([
      ['user', 'My favourite city is Paris.', 'EXTERNAL'],
      ['assistant', 'Paris, noted.', 'EXTERNAL'],
      ['user', 'Which city did I name?', 'EXTERNAL'],
      ['assistant', 'You said Paris.', 'EXTERNAL'],
    ]);
  });

  it('`user` names the session when no header does; streamed, then stored', async () => {
    const sessionId = `u-${randomUUID()}`;
    expect((await flowisePrediction('default', sessionId, 'I keep bees.')).status).toBe(200);
    const stream = await openai.chat.completions.create({
      model: 'default',
      user: sessionId,
      stream: true,
      messages: [{ role: 'user', content: 'What do I keep?' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(
      'You said: "What do I keep?" (2 earlier messages in this session) Before that you said: "I keep bees.".',
    );
    expect((await stored('default', sessionId)).map((m) => m.content)).toEqual([
      'I keep bees.',
      expect.stringContaining('You said: "I keep bees."'),
      'What do I keep?',
      text,
    ]);
  });

  it('the header wins over `user`', async () => {
    const header = `h-${randomUUID()}`;
    const user = `u-${randomUUID()}`;
    await openai.chat.completions.create(
      { model: 'default', user, messages: [{ role: 'user', content: 'where am I stored?' }] },
      { headers: { 'X-Session-Id': header } },
    );
    expect(await stored('default', header)).toHaveLength(2);
    expect(await stored('default', user)).toHaveLength(0);
  });

  it('turns of one session never interleave: the second waits for the first, and sees it', async () => {
    const flowId = await upstreamFlow();
    const sessionId = `c-${randomUUID()}`;
    upstream.behave({ kind: 'answer', pieces: ['slow answer'], delayMs: 150 });
    const ask = (content: string) =>
      openai.chat.completions.create(
        { model: flowId, messages: [{ role: 'user', content }] },
        { headers: { 'X-Session-Id': sessionId } },
      );
    const sent = upstream.requests.length;
    await Promise.all([ask('first'), ask('second')]);
    const [one, two] = upstream.requests.slice(sent);
    // The later turn's memory holds the whole earlier turn.
    expect(two?.body.messages.slice(1, 3).map((m) => m.content)).toEqual([
      one?.body.messages.at(-1)?.content,
      'slow answer',
    ]);
    const contents = (await stored(flowId, sessionId)).map((m) => m.content);
    expect(contents).toHaveLength(4);
    expect([contents[1], contents[3]]).toEqual(['slow answer', 'slow answer']);
    expect([contents[0], contents[2]].sort()).toEqual(['first', 'second']);
  });
});

describe('errors in OpenAI shape', () => {
  const post = (json: unknown, headers: Record<string, string> = {}) =>
    server.request('/v1/chat/completions', { method: 'POST', json, headers });

  it('an unknown model is a 404 the client reads as NotFoundError (code model_not_found)', async () => {
    const error = await openai.chat.completions
      .create({ model: 'no-such-flow', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    expect((error as Error).message).toMatch(/no-such-flow/);
  });

  it('bad input is a 400 naming the field, with the whole error shape', async () => {
    const cases: Array<[unknown, Record<string, string>, RegExp]> = [
      [{ model: 'default' }, {}, /messages/],
      [{ model: 'default', messages: [] }, {}, /messages/],
      [{ model: '../x', messages: [{ role: 'user', content: 'hi' }] }, {}, /model/],
      [{ model: 'default', messages: [{ role: 'wizard', content: 'hi' }] }, {}, /messages\.0\.role/],
      [
        { model: 'default', messages: [{ role: 'assistant', content: 'hi' }] },
        {},
        /messages\.0\.role.*last message/,
      ],
      [{ model: 'default', messages: [{ role: 'user', content: '' }] }, {}, /messages\.0\.content/],
      [
        { model: 'default', messages: [{ role: 'user', content: 'hi' }] },
        { 'x-session-id': 'x'.repeat(256) },
        /x-session-id/,
      ],
      [{ model: 'default', user: '', messages: [{ role: 'user', content: 'hi' }] }, {}, /user/],
    ];
    for (const [body, headers, field] of cases) {
      const res = await post(body, headers);
      expect(res.status, JSON.stringify(body)).toBe(400);
      const answer = (await res.json()) as { error: Record<string, unknown> };
      expect(Object.keys(answer.error).sort()).toEqual(['code', 'message', 'param', 'type']);
      expect(answer.error.type).toBe('invalid_request_error');
      expect(answer.error.message).toMatch(field);
    }
  });

  it('fields it does not know are ignored, not refused', async () => {
    const res = await post({
      model: 'default',
      messages: [{ role: 'user', content: 'hi', name: 'ada' }],
      temperature: 0.2,
      max_tokens: 10,
      n: 1,
      tools: [],
      stream_options: null,
      response_format: { type: 'text' },
      something_new: { nested: true },
    });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as OpenAI.Chat.Completions.ChatCompletion).choices[0]?.message.content,
    ).toMatch(/^You said: "hi"/);
  });

  it('an upstream failure is a 502 in OpenAI shape, and nothing is stored', async () => {
    const flowId = await upstreamFlow();
    const sessionId = `f-${randomUUID()}`;
    upstream.behave({ kind: 'status', status: 500, message: 'upstream exploded' });
    const error = await openai.chat.completions
      .create(
        { model: flowId, messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'X-Session-Id': sessionId } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 502 });
    expect(await stored(flowId, sessionId)).toEqual([]);
  });

  it('an upstream failure after the stream began ends it with an error event the client throws; nothing is stored', async () => {
    const flowId = await upstreamFlow();
    const sessionId = `b-${randomUUID()}`;
    upstream.behave({ kind: 'break', pieces: ['half', ' an'] });
    const stream = await openai.chat.completions.create(
      { model: flowId, stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'X-Session-Id': sessionId } },
    );
    let text = '';
    const error = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((e: unknown) => e);
    expect(text).toBe('half an');
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(await stored(flowId, sessionId)).toEqual([]);
  });

  it('a client that goes away mid-stream stops the upstream answer, and nothing is stored', async () => {
    const flowId = await upstreamFlow();
    const sessionId = `d-${randomUUID()}`;
    upstream.behave({ kind: 'stall', pieces: ['thinking'] });
    const controller = new AbortController();
    const stream = await openai.chat.completions.create(
      { model: flowId, stream: true, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'X-Session-Id': sessionId }, signal: controller.signal },
    );
    const sent = upstream.requests.at(-1);
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content === 'thinking') break;
    }
    controller.abort();
    await sent?.abandoned;
    expect(await stored(flowId, sessionId)).toEqual([]);
    // The session is free again: the next turn runs and is stored.
    upstream.behave({ kind: 'answer', pieces: ['done'] });
    await openai.chat.completions.create(
      { model: flowId, messages: [{ role: 'user', content: 'again' }] },
      { headers: { 'X-Session-Id': sessionId } },
    );
    expect((await stored(flowId, sessionId)).map((m) => m.content)).toEqual(['again', 'done']);
  });

  it('the wrong key is an AuthenticationError', async () => {
    const stranger = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'not-the-key', maxRetries: 0 });
    const error = await stranger.models.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ status: 401, type: 'authentication_error' });
  });
});

describe('OpenAPI', () => {
  it('describes /v1/models and /v1/chat/completions', async () => {
    const doc = (await (await server.request('/api/v1/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId?: string; requestBody?: unknown }>>;
    };
    expect(doc.paths['/v1/models']?.get?.operationId).toBe('openAiListModels');
    const chat = doc.paths['/v1/chat/completions']?.post;
    expect(chat?.operationId).toBe('openAiChatCompletion');
    expect(JSON.stringify(chat?.requestBody)).toContain('messages');
    expect(JSON.stringify(chat)).toContain('x-session-id');
    const checked = await new Validator().validate(doc as Parameters<Validator['validate']>[0]);
    expect(checked.errors ?? [], JSON.stringify(checked.errors)).toEqual([]);
    expect(checked.valid).toBe(true);
  });
});
