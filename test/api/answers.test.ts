import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type IpcMainLike, registerIpc } from '../../src/main/ipc';
import { ipcChannel } from '../../src/shared/contract';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/fake-openai';
import { startTestServer, type TestServer } from '../helpers/server';

interface Message {
  id: string;
  role: string;
  content: string;
  chatType: string;
}
interface Detail {
  messages: Message[];
  messageCount: number;
}

let server: TestServer;
let upstream: FakeOpenAi;
beforeAll(async () => {
  upstream = await startFakeOpenAi();
  // Responders read a provider key variable from the process's environment.
  process.env.FAKE_UPSTREAM_API_KEY = 'from-the-variable';
  server = await startTestServer();
  const created = await server.request('/api/v1/flows', {
    method: 'POST',
    json: {
      id: 'model',
      name: 'Model',
      responder: { kind: 'openai-compatible', baseUrl: upstream.baseUrl, model: 'fake', timeoutMs: 5000 },
    },
  });
  expect(created.status).toBe(200);
});
afterAll(async () => {
  delete process.env.FAKE_UPSTREAM_API_KEY;
  await server.close();
  await upstream.close();
});
beforeEach(() => upstream.behave({ kind: 'answer', pieces: ['Hello', ' from', ' upstream'] }));

const json = async <T>(res: Response, status = 200): Promise<T> => {
  const body = await res.json();
  expect({ status: res.status, body }).toMatchObject({ status });
  return body as T;
};
const messagesOf = async (flowId: string, sessionId: string) =>
  (await json<Detail>(await server.request(`/api/v1/sessions/${flowId}/${encodeURIComponent(sessionId)}`)))
    .messages;
const say = (flowId: string, sessionId: string, content: string, requestId?: string) =>
  server.request(`/api/v1/sessions/${flowId}/${encodeURIComponent(sessionId)}/messages`, {
    method: 'POST',
    json: { content, requestId },
  });
const regenerate = (flowId: string, sessionId: string, body: unknown = {}) =>
  server.request(`/api/v1/sessions/${flowId}/${encodeURIComponent(sessionId)}/regenerate`, {
    method: 'POST',
    json: body,
  });
const waitFor = async (check: () => boolean) => {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('regenerateAnswer', () => {
  it('asks again with the memory the old answer had and replaces exactly that answer', async () => {
    await json(await say('model', 'r1', 'First question'));
    await json(await say('model', 'r1', 'Second question'));
    const before = await messagesOf('model', 'r1');
    expect(before.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);

    upstream.behave({ kind: 'answer', pieces: ['A better', ' answer'] });
    const seen = upstream.requests.length;
    const result = await json<{ answer: Message; replacedId: string }>(await regenerate('model', 'r1'));
    expect(result.replacedId).toBe(before[3]?.id);
    expect(result.answer).toMatchObject({
      role: 'assistant',
      content: 'A better answer',
      chatType: 'INTERNAL',
    });

    // The upstream saw the memory before the question, then the question: not the old answer.
    const asked = upstream.requests[seen]?.body.messages.map((m) => `${m.role}:${m.content}`);
    expect(asked).toEqual(['user:First question', 'assistant:Hello from upstream', 'user:Second question']);

    const after = await messagesOf('model', 'r1');
    expect(after).toHaveLength(4);
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
    expect(after[3]).toMatchObject({ id: result.answer.id, content: 'A better answer' });
    expect(after.some((m) => m.id === before[3]?.id)).toBe(false);
    const detail = await json<Detail>(await server.request('/api/v1/sessions/model/r1'));
    expect(detail.messageCount).toBe(4);

    // Flowise's read sees the same: the new answer, once.
    const flowise = await json<Array<{ content: string }>>(
      await server.request('/api/v1/chatmessage/model?sessionId=r1'),
    );
    expect(flowise.map((m) => m.content)).toEqual([
      'First question',
      'Hello from upstream',
      'Second question',
      'A better answer',
    ]);
  });

  it('keeps the old answer when the new one fails, and says why (errorKind)', async () => {
    await json(await say('model', 'r2', 'Question'));
    const before = await messagesOf('model', 'r2');
    upstream.behave({ kind: 'status', status: 401, message: 'bad key' });
    const failed = await json<{ message: string; errorKind: string }>(await regenerate('model', 'r2'), 502);
    expect(failed.errorKind).toBe('unauthorized');
    expect(failed.message).toMatch(/HTTP 401/);
    upstream.behave({ kind: 'status', status: 404, message: 'model "fake" not found' });
    expect((await json<{ errorKind: string }>(await regenerate('model', 'r2'), 502)).errorKind).toBe(
      'model-not-found',
    );
    expect(await messagesOf('model', 'r2')).toEqual(before);
  });

  it('stopped while it streams: the old answer stays, the caller hears 409 stopped', async () => {
    await json(await say('model', 'r3', 'Question'));
    const before = await messagesOf('model', 'r3');
    upstream.behave({ kind: 'stall', pieces: ['Half'] });
    const seen = upstream.requests.length;
    const pending = regenerate('model', 'r3', { requestId: 'regen-1' });
    await waitFor(() => upstream.requests.length > seen);
    const stopped = await json<{ stopped: boolean }>(
      await server.request('/api/v1/answers/stop', { method: 'POST', json: { requestId: 'regen-1' } }),
    );
    expect(stopped).toEqual({ stopped: true });
    const answer = await json<{ errorKind: string }>(await pending, 409);
    expect(answer.errorKind).toBe('stopped');
    await upstream.requests[seen]?.abandoned;
    expect(await messagesOf('model', 'r3')).toEqual(before);
  });

  it('refuses what cannot be regenerated with a clear 4xx', async () => {
    // No conversation.
    const missing = await json<{ message: string }>(await regenerate('model', 'nobody'), 404);
    expect(missing.message).toMatch(/no conversation "nobody"/);
    // Unknown flow.
    expect((await regenerate('no-such-flow', 'x')).status).toBe(404);
    // The last message is not an answer (a script stored a question only).
    await server.request('/api/memory', {
      method: 'POST',
      json: { conversationId: 'open-question-2', blockId: 'default', role: 'user', content: 'unanswered' },
    });
    const conflict = await json<{ message: string }>(await regenerate('default', 'open-question-2'), 409);
    expect(conflict.message).toMatch(/not an answer/);
    // Bad input: a requestId that is not a short string, an id with a control character.
    const bad = await json<{ message: string }>(await regenerate('model', 'r1', { requestId: 42 }), 400);
    expect(bad.message).toMatch(/body field "requestId"/);
    const long = await json<{ message: string }>(
      await regenerate('model', 'r1', { requestId: 'x'.repeat(101) }),
      400,
    );
    expect(long.message).toMatch(/requestId/);
    const badFlow = await json<{ message: string }>(await regenerate('not%20a%20flow', 'x'), 400);
    expect(badFlow.message).toMatch(/path field "flowId"/);
  });
});

describe('stopAnswer', () => {
  it('stops a continued conversation: nothing stored, the upstream request aborted', async () => {
    await json(await say('model', 's1', 'Before'));
    const before = await messagesOf('model', 's1');
    upstream.behave({ kind: 'stall', pieces: ['Once upon', ' a time'] });
    const seen = upstream.requests.length;
    const pending = say('model', 's1', 'Tell me a story', 'stop-me');
    await waitFor(() => upstream.requests.length > seen);
    expect(
      await json(
        await server.request('/api/v1/answers/stop', { method: 'POST', json: { requestId: 'stop-me' } }),
      ),
    ).toEqual({ stopped: true });
    const refused = await json<{ message: string; errorKind: string }>(await pending, 409);
    expect(refused).toMatchObject({
      errorKind: 'stopped',
      message: expect.stringMatching(/nothing was stored/),
    });
    await upstream.requests[seen]?.abandoned;
    expect(await messagesOf('model', 's1')).toEqual(before);
    // Stopping again (or an unknown id) stops nothing.
    expect(
      await json(
        await server.request('/api/v1/answers/stop', { method: 'POST', json: { requestId: 'stop-me' } }),
      ),
    ).toEqual({ stopped: false });
  });

  it('refuses a body without a usable requestId', async () => {
    for (const body of [{}, { requestId: '' }, { requestId: 7 }, { requestId: 'x'.repeat(101) }]) {
      const refused = await json<{ message: string }>(
        await server.request('/api/v1/answers/stop', { method: 'POST', json: body }),
        400,
      );
      expect(refused.message).toMatch(/body field "requestId"/);
    }
    expect((await server.request('/api/v1/answers/stop', { method: 'POST' })).status).toBe(400);
  });
});

describe('responder errors carry a kind the window can phrase', () => {
  it('unreachable and timeout', async () => {
    await json(
      await server.request('/api/v1/flows', {
        method: 'POST',
        json: {
          id: 'closed-port',
          name: 'Closed port',
          // Port 9 (discard) is closed here: the connection is refused.
          responder: {
            kind: 'openai-compatible',
            baseUrl: 'http://127.0.0.1:9/v1',
            model: 'x',
            timeoutMs: 5000,
          },
        },
      }),
    );
    const unreachable = await json<{ errorKind: string }>(await say('closed-port', 'e1', 'hi'), 502);
    expect(unreachable.errorKind).toBe('unreachable');

    await json(
      await server.request('/api/v1/flows', {
        method: 'POST',
        json: {
          id: 'hangs',
          name: 'Hangs',
          responder: { kind: 'openai-compatible', baseUrl: upstream.baseUrl, model: 'x', timeoutMs: 1000 },
        },
      }),
    );
    upstream.behave({ kind: 'hang' });
    const timeout = await json<{ errorKind: string }>(await say('hangs', 'e2', 'hi'), 504);
    expect(timeout.errorKind).toBe('timeout');
  });
});

describe('listModels', () => {
  it('lists what the server lists, with the key typed, named or stored for that same address', async () => {
    upstream.listModels(['zeta', 'alpha']);
    const listed = await json<{ items: Array<{ id: string }> }>(
      await server.request('/api/v1/models', { method: 'POST', json: { baseUrl: upstream.baseUrl } }),
    );
    expect(listed.items).toEqual([{ id: 'alpha' }, { id: 'zeta' }]);
    expect(upstream.modelRequests.at(-1)?.authorization).toBeUndefined();

    await json(
      await server.request('/api/v1/models', {
        method: 'POST',
        json: { baseUrl: upstream.baseUrl, apiKey: 'typed-key' },
      }),
    );
    expect(upstream.modelRequests.at(-1)?.authorization).toBe('Bearer typed-key');

    await json(
      await server.request('/api/v1/models', {
        method: 'POST',
        json: { baseUrl: upstream.baseUrl, apiKeyEnv: 'FAKE_UPSTREAM_API_KEY' },
      }),
    );
    expect(upstream.modelRequests.at(-1)?.authorization).toBe('Bearer from-the-variable');

    // A flow's variable is used for its own base URL only.
    await json(
      await server.request('/api/v1/flows/model', {
        method: 'PATCH',
        json: {
          responder: {
            kind: 'openai-compatible',
            baseUrl: upstream.baseUrl,
            model: 'fake',
            apiKeyEnv: 'FAKE_UPSTREAM_API_KEY',
            timeoutMs: 5000,
          },
        },
      }),
    );
    await json(
      await server.request('/api/v1/models', {
        method: 'POST',
        json: { baseUrl: upstream.baseUrl, flowId: 'model' },
      }),
    );
    expect(upstream.modelRequests.at(-1)?.authorization).toBe('Bearer from-the-variable');
    const elsewhere = upstream.baseUrl.replace('/v1', '/other/v1');
    await json(
      await server.request('/api/v1/models', {
        method: 'POST',
        json: { baseUrl: elsewhere, flowId: 'model' },
      }),
    );
    expect(upstream.modelRequests.at(-1)?.authorization).toBeUndefined();
  });

  it('says why the server did not list them, and refuses bad input', async () => {
    upstream.behave({ kind: 'status', status: 401, message: 'no key' });
    const refused = await json<{ errorKind: string }>(
      await server.request('/api/v1/models', { method: 'POST', json: { baseUrl: upstream.baseUrl } }),
      502,
    );
    expect(refused.errorKind).toBe('unauthorized');
    const unreachable = await json<{ errorKind: string }>(
      await server.request('/api/v1/models', { method: 'POST', json: { baseUrl: 'http://127.0.0.1:9/v1' } }),
      502,
    );
    expect(unreachable.errorKind).toBe('unreachable');

    for (const [body, field] of [
      [{}, 'baseUrl'],
      [{ baseUrl: 'ftp://example.com/v1' }, 'baseUrl'],
      [{ baseUrl: upstream.baseUrl, apiKeyEnv: 'PATH' }, 'apiKeyEnv'],
      [{ baseUrl: upstream.baseUrl, apiKey: '' }, 'apiKey'],
      [{ baseUrl: upstream.baseUrl, flowId: '../x' }, 'flowId'],
    ] as const) {
      const bad = await json<{ message: string }>(
        await server.request('/api/v1/models', { method: 'POST', json: body }),
        400,
      );
      expect(bad.message).toContain(`body field "${field}"`);
    }
  });
});

describe('the same operations over IPC', () => {
  const TRUSTED = 'file:///app/out/renderer/index.html';
  function ipc() {
    const listeners = new Map<string, (event: never, arg: unknown) => Promise<unknown>>();
    const ipcMain: IpcMainLike = { handle: (channel, listener) => void listeners.set(channel, listener) };
    registerIpc(ipcMain, server.mnemo.handlers, (url) => url === TRUSTED);
    return (name: 'regenerateAnswer' | 'stopAnswer', arg: unknown) =>
      listeners.get(ipcChannel(name))?.({ senderFrame: { url: TRUSTED } } as never, arg);
  }

  it('regenerates one answer, stops one, and passes the error kind as data', async () => {
    const call = ipc();
    await json(await say('model', 'ipc', 'Over IPC'));
    const before = await messagesOf('model', 'ipc');
    upstream.behave({ kind: 'answer', pieces: ['Regenerated', ' over IPC'] });
    const result = (await call('regenerateAnswer', { flowId: 'model', sessionId: 'ipc' })) as {
      ok: boolean;
      value: { answer: Message; replacedId: string };
    };
    expect(result.ok).toBe(true);
    expect(result.value.replacedId).toBe(before[1]?.id);
    const after = await messagesOf('model', 'ipc');
    expect(after.map((m) => m.content)).toEqual(['Over IPC', 'Regenerated over IPC']);

    upstream.behave({ kind: 'stall', pieces: ['Half'] });
    const seen = upstream.requests.length;
    const pending = call('regenerateAnswer', { flowId: 'model', sessionId: 'ipc', requestId: 'ipc-stop' });
    await waitFor(() => upstream.requests.length > seen);
    expect(await call('stopAnswer', { requestId: 'ipc-stop' })).toEqual({
      ok: true,
      value: { stopped: true },
    });
    expect(await pending).toMatchObject({ ok: false, status: 409, errorKind: 'stopped' });
    expect(await messagesOf('model', 'ipc')).toEqual(after);

    expect(await call('stopAnswer', {})).toMatchObject({ ok: false, status: 400 });
  });
});
