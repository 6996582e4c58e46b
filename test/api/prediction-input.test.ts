import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const predict = (json: unknown, flowId = 'default') =>
  server.request(`/api/v1/prediction/${flowId}`, { method: 'POST', json });

async function expectRefused(res: Response, status: number, ...words: string[]) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { statusCode: number; success: boolean; message: string };
  expect(body).toMatchObject({ statusCode: status, success: false });
  for (const word of words) expect(body.message).toContain(word);
}

describe('prediction: unknown flows', () => {
  it('404 for an unknown flow, JSON or streaming, naming it', async () => {
    await expectRefused(await predict({ question: 'hi' }, 'no-such-flow'), 404, 'no-such-flow');
    await expectRefused(
      await predict({ question: 'hi', streaming: true }, 'no-such-flow'),
      404,
      'no-such-flow',
    );
  });

  it('chatflows-streaming: 404 with isStreaming false for an unknown flow', async () => {
    const res = await fetch(`${server.url}/api/v1/chatflows-streaming/no-such-flow`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ isStreaming: false, statusCode: 404, success: false });
  });

  it('400 for a flow id that cannot exist, naming the path field', async () => {
    await expectRefused(await predict({ question: 'hi' }, '-starts-with-a-dash'), 400, 'flowId');
  });
});

describe('prediction: bad bodies get 400 naming the field, and store nothing', () => {
  const cases: Array<[string, unknown, string]> = [
    ['missing question', {}, 'question'],
    ['empty question', { question: '' }, 'question'],
    ['blank question', { question: ' \n\t ' }, 'question'],
    ['question not a string', { question: 42 }, 'question'],
    ['sessionId a number', { question: 'q', overrideConfig: { sessionId: 42 } }, 'overrideConfig.sessionId'],
    [
      'sessionId an object',
      { question: 'q', overrideConfig: { sessionId: { id: 'x' } } },
      'overrideConfig.sessionId',
    ],
    ['sessionId empty', { question: 'q', overrideConfig: { sessionId: '' } }, 'overrideConfig.sessionId'],
    [
      'sessionId with a control character',
      { question: 'q', overrideConfig: { sessionId: 'a\u0007b' } },
      'sessionId',
    ],
    [
      'sessionId longer than 255',
      { question: 'q', overrideConfig: { sessionId: 's'.repeat(256) } },
      'sessionId',
    ],
    ['overrideConfig not an object', { question: 'q', overrideConfig: 'session-1' }, 'overrideConfig'],
    ['chatId a number', { question: 'q', chatId: 7 }, 'chatId'],
    ['streaming not a boolean', { question: 'q', streaming: 'maybe' }, 'streaming'],
    ['history not an array', { question: 'q', history: { role: 'userMessage', content: 'x' } }, 'history'],
    ['history item a string', { question: 'q', history: ['hello'] }, 'history.0'],
    [
      'history item with an unknown role',
      { question: 'q', history: [{ role: 'robot', content: 'x' }] },
      'history.0',
    ],
    ['history item without a role', { question: 'q', history: [{ content: 'x' }] }, 'history.0'],
    ['history item without content', { question: 'q', history: [{ role: 'apiMessage' }] }, 'history.0'],
    [
      'history item with empty content',
      {
        question: 'q',
        history: [
          { role: 'userMessage', content: 'ok' },
          { role: 'apiMessage', content: '' },
        ],
      },
      'history.1',
    ],
    [
      'history item content not a string',
      { question: 'q', history: [{ role: 'apiMessage', content: 5 }] },
      'history.0',
    ],
  ];
  for (const [name, body, field] of cases) {
    it(name, async () => {
      await expectRefused(await predict(body), 400, field);
    });
  }

  it('none of them stored anything', async () => {
    expect(await server.mnemo.store.countMessages({ flowId: 'default' })).toEqual({
      messages: 0,
      sessions: 0,
    });
  });
});

describe('prediction: the rules of every route', () => {
  it('401 without the key (chatflows-streaming needs none)', async () => {
    const res = await fetch(`${server.url}/api/v1/prediction/default`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'hi' }),
    });
    expect(res.status).toBe(401);
  });

  it('unknown body keys (as the flowise-sdk sends) are ignored', async () => {
    const res = await predict({ question: 'hi', chatflowId: 'default', uploads: [], leadEmail: 'a@b.c' });
    expect(res.status).toBe(200);
  });

  it('both routes are in the OpenAPI document', async () => {
    const res = await server.request('/api/v1/openapi.json');
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/prediction/{flowId}', '/api/v1/chatflows-streaming/{flowId}']),
    );
  });
});
