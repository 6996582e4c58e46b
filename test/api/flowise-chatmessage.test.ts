import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../../src/main/store';
import { rawRows } from '../helpers/raw-store';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface FlowiseMessage {
  id: string;
  role: string;
  chatflowid: string;
  content: string;
  chatType: string;
  chatId: string;
  sessionId: string;
  memoryType: string;
  createdDate: string;
}

const at = (iso: string) => Date.parse(iso);
const msg = (
  role: NewMessage['role'],
  content: string,
  iso: string,
  extra: Partial<NewMessage> = {},
): NewMessage => ({
  role,
  content,
  createdAt: at(iso),
  chatType: 'EXTERNAL',
  ...extra,
});

let flowCounter = 0;
/**
 * A fresh flow holding three conversations at known times:
 * s1 on 2026-01-10, s2 straddling midnight 2026-01-11/12, s3 (INTERNAL, chatId chat-x) on 2026-01-15.
 */
async function seedFlow(): Promise<string> {
  const flowId = `flow-${++flowCounter}`;
  const created = await server.request('/api/v1/chatflows', {
    method: 'POST',
    json: { id: flowId, name: flowId },
  });
  expect(created.status).toBe(200);
  const store = server.mnemo.store;
  await store.appendMessages(flowId, 's1', [
    msg('user', 's1 question', '2026-01-10T12:00:00.000Z'),
    msg('assistant', 's1 answer', '2026-01-10T12:00:01.000Z'),
  ]);
  await store.appendMessages(flowId, 's2', [
    msg('user', 's2 question', '2026-01-11T23:59:59.999Z'),
    msg('assistant', 's2 answer', '2026-01-12T00:00:00.000Z'),
  ]);
  await store.appendMessages(flowId, 's3', [
    msg('system', 's3 system', '2026-01-15T08:00:00.000Z', { chatType: 'INTERNAL', chatId: 'chat-x' }),
    msg('user', 's3 question', '2026-01-15T08:00:01.000Z', { chatType: 'INTERNAL', chatId: 'chat-x' }),
  ]);
  return flowId;
}

async function list(flowId: string, query = ''): Promise<FlowiseMessage[]> {
  const res = await server.request(`/api/v1/chatmessage/${flowId}${query ? `?${query}` : ''}`);
  expect(res.status).toBe(200);
  return (await res.json()) as FlowiseMessage[];
}
const contents = (messages: FlowiseMessage[]) => messages.map((m) => m.content);

describe('GET /api/v1/chatmessage/:flowId', () => {
  let flowId: string;
  beforeAll(async () => {
    flowId = await seedFlow();
  });

  it("answers Flowise's message shape, oldest first by default", async () => {
    const messages = await list(flowId);
    expect(contents(messages)).toEqual([
      's1 question',
      's1 answer',
      's2 question',
      's2 answer',
      's3 system',
      's3 question',
    ]);
    expect(messages[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/),
      role: 'userMessage',
      chatflowid: flowId,
      content: 's1 question',
      chatType: 'EXTERNAL',
      chatId: 's1',
      sessionId: 's1',
      memoryType: 'Mnemo',
      createdDate: '2026-01-10T12:00:00.000Z',
    });
    expect(messages.map((m) => m.role)).toEqual([
      'userMessage',
      'apiMessage',
      'userMessage',
      'apiMessage',
      'systemMessage',
      'userMessage',
    ]);
  });

  it('sorts with sort=DESC, its alias order, and either case', async () => {
    const newestFirst = ['s3 question', 's3 system', 's2 answer', 's2 question', 's1 answer', 's1 question'];
    expect(contents(await list(flowId, 'sort=DESC'))).toEqual(newestFirst);
    expect(contents(await list(flowId, 'order=DESC'))).toEqual(newestFirst);
    expect(contents(await list(flowId, 'sort=desc'))).toEqual(newestFirst);
    expect(contents(await list(flowId, 'sort=ASC&order=asc'))).toEqual([...newestFirst].reverse());
  });

  it('filters by sessionId, chatId and chatType (a value or a JSON array)', async () => {
    expect(contents(await list(flowId, 'sessionId=s2'))).toEqual(['s2 question', 's2 answer']);
    expect(contents(await list(flowId, 'chatId=chat-x'))).toEqual(['s3 system', 's3 question']);
    expect(contents(await list(flowId, 'chatId=s3'))).toEqual([]);
    expect(contents(await list(flowId, 'chatType=INTERNAL'))).toEqual(['s3 system', 's3 question']);
    expect(await list(flowId, 'chatType=EXTERNAL')).toHaveLength(4);
    expect(await list(flowId, `chatType=${encodeURIComponent('["INTERNAL"]')}`)).toHaveLength(2);
    expect(await list(flowId, `chatType=${encodeURIComponent('["EXTERNAL","INTERNAL"]')}`)).toHaveLength(6);
    expect(await list(flowId, 'sessionId=S2')).toEqual([]); // case-sensitive
  });

  it('bare dates are UTC days, both ends inclusive, a bare endDate covering its whole day', async () => {
    expect(contents(await list(flowId, 'startDate=2026-01-11&endDate=2026-01-11'))).toEqual(['s2 question']);
    expect(contents(await list(flowId, 'endDate=2026-01-10'))).toEqual(['s1 question', 's1 answer']);
    expect(contents(await list(flowId, 'startDate=2026-01-12'))).toEqual([
      's2 answer',
      's3 system',
      's3 question',
    ]);
  });

  it('ISO instants are exact and inclusive, offsets included', async () => {
    expect(
      contents(await list(flowId, 'startDate=2026-01-12T00:00:00.000Z&endDate=2026-01-15T08:00:00.000Z')),
    ).toEqual(['s2 answer', 's3 system']);
    expect(contents(await list(flowId, 'endDate=2026-01-10T12:00:00.000Z'))).toEqual(['s1 question']);
    const plusOne = encodeURIComponent('2026-01-12T01:00:00+01:00');
    expect(contents(await list(flowId, `startDate=${plusOne}&endDate=${plusOne}`))).toEqual(['s2 answer']);
  });

  it('a date range combines with sort=DESC and the other filters', async () => {
    expect(contents(await list(flowId, 'startDate=2026-01-10&endDate=2026-01-12&sort=DESC'))).toEqual([
      's2 answer',
      's2 question',
      's1 answer',
      's1 question',
    ]);
    expect(contents(await list(flowId, 'startDate=2026-01-11&sessionId=s2&order=DESC'))).toEqual([
      's2 answer',
      's2 question',
    ]);
  });

  it('pages with limit and a 1-based page', async () => {
    expect(contents(await list(flowId, 'limit=2'))).toEqual(['s1 question', 's1 answer']);
    expect(contents(await list(flowId, 'limit=2&page=1'))).toEqual(['s1 question', 's1 answer']);
    expect(contents(await list(flowId, 'limit=2&page=2'))).toEqual(['s2 question', 's2 answer']);
    expect(contents(await list(flowId, 'limit=4&page=2&sort=DESC'))).toEqual(['s1 answer', 's1 question']);
    expect(await list(flowId, 'limit=2&page=4')).toEqual([]);
    expect(await list(flowId, 'limit=10000')).toHaveLength(6);
  });

  it('an empty flow answers []', async () => {
    await server.request('/api/v1/chatflows', { method: 'POST', json: { id: 'empty-flow', name: 'Empty' } });
    expect(await list('empty-flow')).toEqual([]);
  });

  it('404 for an unknown flow', async () => {
    const res = await server.request('/api/v1/chatmessage/no-such-flow');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      statusCode: 404,
      success: false,
      message: expect.stringContaining('no-such-flow'),
    });
  });
});

/** Query strings the chat-message routes must refuse with 400, and the field the message must name. */
const BAD_FILTERS: Array<[string, string]> = [
  ['startDate=yesterday', 'startDate'],
  ['startDate=2026-02-30', 'startDate'],
  ['startDate=2026-1-5', 'startDate'],
  ['endDate=2026-01-01T25:00:00Z', 'endDate'],
  ['endDate=2026-01-01T10:00:00', 'endDate'],
  ['endDate=', 'endDate'],
  ['startDate=2026-01-02&endDate=2026-01-01', 'endDate'],
  ['chatType=BOTH', 'chatType'],
  ['chatType=%5B%5D', 'chatType'],
  [`chatType=${encodeURIComponent('["EXTERNAL","bogus"]')}`, 'chatType'],
  ['chatType=%5Bnot-json', 'chatType'],
  [`sessionId=${'s'.repeat(256)}`, 'sessionId'],
  ['sessionId=', 'sessionId'],
  ['sessionId=a%0Ab', 'sessionId'],
  ['chatId=a%7Fb', 'chatId'],
  ['sessionId=a&sessionId=b', 'sessionId'],
];

const BAD_LIST_ONLY: Array<[string, string]> = [
  ['sort=sideways', 'sort'],
  ['sort=', 'sort'],
  ['order=newest', 'order'],
  ['sort=ASC&order=DESC', 'order'],
  ['limit=0', 'limit'],
  ['limit=-5', 'limit'],
  ['limit=10001', 'limit'],
  ['limit=99999999999999999999', 'limit'],
  ['limit=1.5', 'limit'],
  ['limit=ten', 'limit'],
  ['limit=2&page=0', 'page'],
  ['limit=2&page=-1', 'page'],
  ['limit=2&page=1.5', 'page'],
  ['page=2', 'page'],
];

function expectBadRequest(body: unknown, field: string) {
  expect(body).toEqual({ statusCode: 400, success: false, message: expect.stringContaining(`"${field}"`) });
}

describe('GET /api/v1/chatmessage/:flowId: bad input is a 400 naming the field', () => {
  for (const [query, field] of [...BAD_FILTERS, ...BAD_LIST_ONLY]) {
    it(`?${query.slice(0, 60)}`, async () => {
      const res = await server.request(`/api/v1/chatmessage/default?${query}`);
      expect(res.status).toBe(400);
      expectBadRequest(await res.json(), field);
    });
  }

  it('a malformed flow id', async () => {
    const res = await server.request('/api/v1/chatmessage/-bad%20id');
    expect(res.status).toBe(400);
    expectBadRequest(await res.json(), 'flowId');
  });
});

describe('DELETE /api/v1/chatmessage/:flowId', () => {
  let flowId: string;
  beforeEach(async () => {
    flowId = await seedFlow();
  });
  const remove = async (query = '') => {
    const res = await server.request(`/api/v1/chatmessage/${flowId}${query ? `?${query}` : ''}`, {
      method: 'DELETE',
    });
    expect(res.status).toBe(200);
    return res.json();
  };
  const conversation = (sessionId: string) => server.mnemo.store.getConversation(flowId, sessionId);

  it('by sessionId: {"raw":[],"affected":N}, and the emptied conversation goes', async () => {
    expect(await remove('sessionId=s1')).toEqual({ raw: [], affected: 2 });
    expect(await conversation('s1')).toBeUndefined();
    expect(contents(await list(flowId))).toEqual(['s2 question', 's2 answer', 's3 system', 's3 question']);
  });

  it('by date range: only the matching messages; a conversation keeping some stays, recounted', async () => {
    expect(await remove('startDate=2026-01-12&endDate=2026-01-15T08:00:00.000Z')).toEqual({
      raw: [],
      affected: 2,
    });
    expect(contents(await list(flowId))).toEqual(['s1 question', 's1 answer', 's2 question', 's3 question']);
    expect(await conversation('s2')).toMatchObject({ messageCount: 1, preview: 's2 question' });
    expect(await conversation('s3')).toMatchObject({ messageCount: 1, title: 's3 question' });
  });

  it('by chatType and by chatId', async () => {
    expect(await remove('chatType=EXTERNAL&sessionId=s2')).toEqual({ raw: [], affected: 2 });
    expect(await remove('chatId=chat-x')).toEqual({ raw: [], affected: 2 });
    expect(contents(await list(flowId))).toEqual(['s1 question', 's1 answer']);
  });

  it('without a filter: every message of the flow, and no other flow', async () => {
    const other = await seedFlow();
    expect(await remove()).toEqual({ raw: [], affected: 6 });
    expect(await list(flowId)).toEqual([]);
    expect(await list(other)).toHaveLength(6);
  });

  it('nothing matching: affected 0', async () => {
    expect(await remove('sessionId=nobody')).toEqual({ raw: [], affected: 0 });
    expect(await list(flowId)).toHaveLength(6);
  });

  it('?trash=true moves whole matching conversations to the trash', async () => {
    // The range matches one message of s2 only: the whole of s2 goes to the trash.
    expect(await remove('trash=true&startDate=2026-01-12&endDate=2026-01-12')).toEqual({
      raw: [],
      affected: 2,
    });
    expect(contents(await list(flowId))).toEqual(['s1 question', 's1 answer', 's3 system', 's3 question']);
    expect(await conversation('s2')).toBeUndefined();

    const rows = (await rawRows(
      server,
      'SELECT session_id, message_count, trashed_at FROM conversations WHERE flow_id = ? ORDER BY session_id',
      [flowId],
    )) as Array<{ session_id: string; message_count: number; trashed_at: number | null }>;
    expect(rows.map((r) => [r.session_id, r.message_count, r.trashed_at !== null])).toEqual([
      ['s1', 2, false],
      ['s2', 2, true],
      ['s3', 2, false],
    ]);

    // A trashed conversation does not block a new one with the same session id.
    await server.mnemo.store.appendMessages(flowId, 's2', [
      msg('user', 'fresh start', '2026-01-20T00:00:00.000Z'),
    ]);
    expect(contents(await list(flowId, 'sessionId=s2'))).toEqual(['fresh start']);
  });

  it('?trash=false is a hard delete', async () => {
    expect(await remove('trash=false&sessionId=s3')).toEqual({ raw: [], affected: 2 });
    expect(await conversation('s3')).toBeUndefined();
  });

  it('404 for an unknown flow', async () => {
    const res = await server.request('/api/v1/chatmessage/no-such-flow?sessionId=s1', { method: 'DELETE' });
    expect(res.status).toBe(404);
  });

  const deleteOnly: Array<[string, string]> = [
    ['trash=yes', 'trash'],
    ['limit=1', 'limit'],
    ['page=1', 'page'],
  ];
  for (const [query, field] of [...BAD_FILTERS, ...deleteOnly]) {
    it(`400 naming the field, deleting nothing: ?${query.slice(0, 60)}`, async () => {
      const res = await server.request(`/api/v1/chatmessage/${flowId}?${query}`, { method: 'DELETE' });
      expect(res.status).toBe(400);
      expectBadRequest(await res.json(), field);
      expect(await list(flowId)).toHaveLength(6);
    });
  }
});

describe('GET /api/v1/stats/:flowId', () => {
  let flowId: string;
  beforeAll(async () => {
    flowId = await seedFlow();
  });
  const stats = async (query = '') => {
    const res = await server.request(`/api/v1/stats/${flowId}${query ? `?${query}` : ''}`);
    expect(res.status).toBe(200);
    return res.json();
  };

  it('counts messages and sessions with the chat-message filters', async () => {
    expect(await stats()).toEqual({ totalMessages: 6, totalSessions: 3 });
    expect(await stats('chatType=INTERNAL')).toEqual({ totalMessages: 2, totalSessions: 1 });
    expect(await stats('startDate=2026-01-11&endDate=2026-01-12')).toEqual({
      totalMessages: 2,
      totalSessions: 1,
    });
    expect(await stats('endDate=2026-01-12')).toEqual({ totalMessages: 4, totalSessions: 2 });
    expect(await stats('sessionId=nobody')).toEqual({ totalMessages: 0, totalSessions: 0 });
  });

  it('404 for an unknown flow', async () => {
    expect((await server.request('/api/v1/stats/no-such-flow')).status).toBe(404);
  });

  for (const [query, field] of BAD_FILTERS) {
    it(`400 naming the field: ?${query.slice(0, 60)}`, async () => {
      const res = await server.request(`/api/v1/stats/${flowId}?${query}`);
      expect(res.status).toBe(400);
      expectBadRequest(await res.json(), field);
    });
  }
});
