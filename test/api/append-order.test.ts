/**
 * Issue 13: a conversation's messages are read in the order they were appended, also
 * when the system clock jumps back between two appends (NTP correction, a VM resumed,
 * a user fixing the date). The clock is faked (Date only) around each write; reads go
 * through the real HTTP API: Flowise chatmessage ASC/DESC and Sim get.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
afterEach(() => {
  vi.useRealTimers();
});

const T = Date.parse('2026-03-01T12:00:00.000Z');

/** Runs `write` with the system clock reading `time`. */
async function at<R>(time: number, write: () => Promise<R>): Promise<R> {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(time);
  try {
    return await write();
  } finally {
    vi.useRealTimers();
  }
}

interface FlowiseMessage {
  role: string;
  content: string;
  createdDate: string;
}

async function flowise(flowId: string, sessionId: string, sort: 'ASC' | 'DESC') {
  const res = await server.request(`/api/v1/chatmessage/${flowId}?sessionId=${sessionId}&sort=${sort}`);
  expect(res.status).toBe(200);
  return (await res.json()) as FlowiseMessage[];
}

async function simContents(conversationId: string): Promise<string[]> {
  const res = await server.request(`/api/memory?conversationId=${conversationId}`);
  expect(res.status).toBe(200);
  const { memories } = (await res.json()) as { memories: Array<{ data: Array<{ content: string }> }> };
  return memories[0]?.data.map((m) => m.content) ?? [];
}

const simAdd = (conversationId: string, content: string) =>
  server.request('/api/memory', {
    method: 'POST',
    json: { conversationId, blockId: 'clock', role: 'user', content },
  });

const times = (messages: FlowiseMessage[]) => messages.map((m) => Date.parse(m.createdDate));

describe('appends while the clock jumps back', () => {
  it('Sim adds come back in append order, each timed no earlier than the one before', async () => {
    expect((await at(T, () => simAdd('c1', 'first'))).status).toBe(200);
    // The clock jumps back 500 ms, then an hour.
    expect((await at(T - 500, () => simAdd('c1', 'second'))).status).toBe(200);
    expect((await at(T - 3_600_000, () => simAdd('c1', 'third'))).status).toBe(200);

    expect(await simContents('c1')).toEqual(['first', 'second', 'third']);
    const asc = await flowise('clock', 'c1', 'ASC');
    expect(asc.map((m) => m.content)).toEqual(['first', 'second', 'third']);
    expect(times(asc)).toEqual([T, T, T]);
    expect((await flowise('clock', 'c1', 'DESC')).map((m) => m.content)).toEqual([
      'third',
      'second',
      'first',
    ]);

    // Once the clock is past the conversation's last time again, that time is used.
    await at(T + 2_000, () => simAdd('c1', 'fourth'));
    expect(times(await flowise('clock', 'c1', 'ASC'))).toEqual([T, T, T, T + 2_000]);
  });

  it('Flowise predictions come back in turn order through Flowise and Sim', async () => {
    const predict = (question: string) =>
      server.request('/api/v1/prediction/default', {
        method: 'POST',
        json: { question, overrideConfig: { sessionId: 'p1' } },
      });
    expect((await at(T, () => predict('q1'))).status).toBe(200);
    expect((await at(T - 500, () => predict('q2'))).status).toBe(200);

    const asc = await flowise('default', 'p1', 'ASC');
    expect(asc.map((m) => [m.role, m.content.slice(0, 14)])).toEqual([
      ['userMessage', 'q1'],
      ['apiMessage', 'You said: "q1"'],
      ['userMessage', 'q2'],
      ['apiMessage', 'You said: "q2"'],
    ]);
    // The responder's memory window read the first turn before the second.
    expect(asc[3]?.content).toContain('Before that you said: "q1"');
    const [first, , second] = times(asc);
    expect(second).toBeGreaterThanOrEqual(first as number);
    expect((await simContents('p1')).map((c) => c.slice(0, 14))).toEqual([
      'q1',
      'You said: "q1"',
      'q2',
      'You said: "q2"',
    ]);
  });

  it('a new conversation takes the clock as it is', async () => {
    await at(T - 86_400_000, () => simAdd('c2', 'yesterday'));
    expect(times(await flowise('clock', 'c2', 'ASC'))).toEqual([T - 86_400_000]);
  });
});
