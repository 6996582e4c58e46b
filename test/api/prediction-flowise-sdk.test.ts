import { randomUUID } from 'node:crypto';
import { FlowiseClient } from 'flowise-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

interface StreamEvent {
  event: string;
  data: unknown;
}

interface FlowiseMessage {
  id: string;
  role: string;
  content: string;
  chatId: string;
  sessionId: string;
}

let server: TestServer;
let client: FlowiseClient;
beforeAll(async () => {
  server = await startTestServer();
  client = new FlowiseClient({ baseUrl: server.url, apiKey: server.key });
});
afterAll(() => server.close());

const newSession = () => `sdk-${randomUUID()}`;

async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

const tokenText = (events: StreamEvent[]) =>
  events
    .filter((e) => e.event === 'token')
    .map((e) => e.data)
    .join('');

async function chatMessages(sessionId: string): Promise<FlowiseMessage[]> {
  const res = await server.request(`/api/v1/chatmessage/default?sessionId=${encodeURIComponent(sessionId)}`);
  expect(res.status).toBe(200);
  return (await res.json()) as FlowiseMessage[];
}

describe('the flowise-sdk against the default (echo) flow', () => {
  it('a JSON then a streamed prediction on one session: the second remembers the first, chatmessage lists all four', async () => {
    const sessionId = newSession();
    const first = await client.createPrediction({
      chatflowId: 'default',
      question: 'My name is Ada.',
      overrideConfig: { sessionId },
    });
    expect(first).toEqual({
      text: 'You said: "My name is Ada." (0 earlier messages in this session)',
      question: 'My name is Ada.',
      chatId: sessionId,
      sessionId,
      chatMessageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      memoryType: 'Mnemo',
    });

    const events = await collect(
      await client.createPrediction({
        chatflowId: 'default',
        question: 'What is my name?',
        overrideConfig: { sessionId },
        streaming: true,
      }),
    );
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('start');
    expect(names.slice(1, -2).every((n) => n === 'token')).toBe(true);
    expect(names.slice(-2)).toEqual(['metadata', 'end']);
    expect(names.filter((n) => n === 'token').length).toBeGreaterThan(3);
    // Flowise's start event carries the first token, which is also sent as a token.
    expect(events[0]?.data).toBe(events[1]?.data);
    const second = tokenText(events);
    expect(second).toBe(
      'You said: "What is my name?" (2 earlier messages in this session) Before that you said: "My name is Ada.".',
    );
    const metadata = events.at(-2)?.data as Record<string, unknown>;
    expect(metadata).toEqual({
      chatId: sessionId,
      sessionId,
      question: 'What is my name?',
      chatMessageId: expect.any(String),
      memoryType: 'Mnemo',
    });
    expect(events.at(-1)?.data).toBe('[DONE]');

    const messages = await chatMessages(sessionId);
    expect(messages.map((m) => [m.role, m.content])).toEqual([
      ['userMessage', 'My name is Ada.'],
      ['apiMessage', first.text],
      ['userMessage', 'What is my name?'],
      ['apiMessage', second],
    ]);
    expect(messages[1]?.id).toBe(first.chatMessageId);
    expect(messages[3]?.id).toBe(metadata.chatMessageId);
  });

  it('the SDK learns that the flow streams from chatflows-streaming, without a key', async () => {
    const res = await fetch(`${server.url}/api/v1/chatflows-streaming/default`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ isStreaming: true });
  });

  it('two concurrent predictions on one session store user, answer, user, answer, the second seeing the first', async () => {
    const sessionId = newSession();
    const ask = (question: string, streaming: boolean) =>
      client.createPrediction({ chatflowId: 'default', question, overrideConfig: { sessionId }, streaming });
    // One streams word by word (slow), the other answers at once: without the turn lock
    // the quick one would answer before the slow one stored its turn.
    const [streamed] = await Promise.all([
      ask('first, streamed', true).then((s) => collect(s as AsyncIterable<StreamEvent>)),
      ask('second, at once', false),
    ]);
    expect(streamed.at(-1)?.event).toBe('end');

    const messages = await chatMessages(sessionId);
    expect(messages.map((m) => m.role)).toEqual(['userMessage', 'apiMessage', 'userMessage', 'apiMessage']);
    const [q1, a1, q2, a2] = messages as [FlowiseMessage, FlowiseMessage, FlowiseMessage, FlowiseMessage];
    expect(a1.content).toBe(`You said: "${q1.content}" (0 earlier messages in this session)`);
    expect(a2.content).toBe(
      `You said: "${q2.content}" (2 earlier messages in this session) Before that you said: "${q1.content}".`,
    );
  });

  it('many concurrent predictions on one session never interleave', async () => {
    const sessionId = newSession();
    const questions = Array.from({ length: 8 }, (_, i) => `question ${i}`);
    await Promise.all(
      questions.map((question, i) =>
        i % 2
          ? client.createPrediction({ chatflowId: 'default', question, overrideConfig: { sessionId } })
          : client
              .createPrediction({
                chatflowId: 'default',
                question,
                overrideConfig: { sessionId },
                streaming: true,
              })
              .then((s) => collect(s as AsyncIterable<StreamEvent>)),
      ),
    );
    const messages = await chatMessages(sessionId);
    expect(messages).toHaveLength(16);
    messages.forEach((m, i) => {
      expect(m.role).toBe(i % 2 ? 'apiMessage' : 'userMessage');
      if (i % 2) expect(m.content).toContain(`You said: "${messages[i - 1]?.content}" (${i - 1} earlier`);
    });
  });
});

describe('session resolution', () => {
  const predict = (json: unknown) => server.request('/api/v1/prediction/default', { method: 'POST', json });

  it('overrideConfig.sessionId wins over chatId, and chatId is kept on the messages', async () => {
    const sessionId = newSession();
    const res = await predict({ question: 'hi', overrideConfig: { sessionId }, chatId: 'chat-7' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sessionId, chatId: 'chat-7' });
    const messages = await chatMessages(sessionId);
    expect(messages.map((m) => [m.sessionId, m.chatId])).toEqual([
      [sessionId, 'chat-7'],
      [sessionId, 'chat-7'],
    ]);
  });

  it('chatId alone names the session', async () => {
    const chatId = newSession();
    await predict({ question: 'one', chatId });
    const res = await predict({ question: 'two', chatId });
    expect(await res.json()).toMatchObject({
      sessionId: chatId,
      chatId,
      text: expect.stringContaining('(2 earlier'),
    });
  });

  it('without either, every prediction starts a new session with a UUID', async () => {
    const a = (await (await predict({ question: 'alone' })).json()) as { sessionId: string; chatId: string };
    const b = (await (await predict({ question: 'alone' })).json()) as { sessionId: string; chatId: string };
    expect(a.sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.chatId).toBe(a.sessionId);
    expect(b.sessionId).not.toBe(a.sessionId);
  });

  it("history (both of Flowise's shapes) is shown to the responder before the stored messages, and not stored", async () => {
    const sessionId = newSession();
    await predict({ question: 'stored question', overrideConfig: { sessionId } });
    const res = await predict({
      question: 'now',
      overrideConfig: { sessionId },
      history: [
        { role: 'userMessage', content: 'from history' },
        { type: 'apiMessage', message: 'noted' },
      ],
    });
    const { text } = (await res.json()) as { text: string };
    // history (2) + the stored turn (2); the last user message is the stored one.
    expect(text).toBe(
      'You said: "now" (4 earlier messages in this session) Before that you said: "stored question".',
    );
    expect((await chatMessages(sessionId)).map((m) => m.content)).not.toContain('from history');
    expect(await chatMessages(sessionId)).toHaveLength(4);
  });
});
