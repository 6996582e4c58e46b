/** A Sim block is a flow and a conversationId is a sessionId: each surface sees what the other wrote. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Memory {
  conversationId: string;
  blockId: string;
  data: Array<{ role: string; content: string }>;
}

const simAdd = (body: Record<string, unknown>) =>
  server.request('/api/memory', { method: 'POST', json: body });
const simGet = async (query: string) =>
  ((await (await server.request(`/api/memory?${query}`)).json()) as { memories: Memory[] }).memories;
const flowiseGet = async (flowId: string, query: string) =>
  (await (await server.request(`/api/v1/chatmessage/${flowId}?${query}`)).json()) as Array<{
    role: string;
    content: string;
    sessionId: string;
    chatflowid: string;
    chatType: string;
  }>;

it('a Sim write is read through Flowise, with the block as chatflow and the conversation as session', async () => {
  await simAdd({
    conversationId: 'user-42',
    blockId: 'agent-memory',
    blockName: 'Agent memory',
    role: 'user',
    content: 'q',
  });
  await simAdd({ conversationId: 'user-42', blockId: 'agent-memory', role: 'assistant', content: 'a' });
  const messages = await flowiseGet('agent-memory', 'sessionId=user-42');
  expect(messages.map((m) => [m.role, m.content, m.sessionId, m.chatflowid, m.chatType])).toEqual([
    ['userMessage', 'q', 'user-42', 'agent-memory', 'EXTERNAL'],
    ['apiMessage', 'a', 'user-42', 'agent-memory', 'EXTERNAL'],
  ]);
  const stats = await (await server.request('/api/v1/stats/agent-memory')).json();
  expect(stats).toEqual({ totalMessages: 2, totalSessions: 1 });
  const flow = await (await server.request('/api/v1/chatflows/agent-memory')).json();
  expect(flow).toMatchObject({ name: 'Agent memory', mnemo: { sessionCount: 1 } });
});

it('a Flowise prediction is read through Sim, and a Sim add continues the same session', async () => {
  const res = await server.request('/api/v1/prediction/default', {
    method: 'POST',
    json: { question: 'remember me', overrideConfig: { sessionId: 'shared-session' } },
  });
  expect(res.status).toBe(200);
  const [memory] = await simGet('conversationId=shared-session');
  expect(memory?.blockId).toBe('default');
  expect(memory?.data.map((m) => m.role)).toEqual(['user', 'assistant']);
  expect(memory?.data[0]?.content).toBe('remember me');

  await simAdd({ conversationId: 'shared-session', role: 'user', content: 'from sim' });
  const messages = await flowiseGet('default', 'sessionId=shared-session&sort=DESC');
  expect(messages).toHaveLength(3);
  expect(messages[0]?.content).toBe('from sim');
});

it('a Flowise delete is seen by Sim, and a Sim delete by Flowise', async () => {
  await simAdd({ conversationId: 'gone-1', blockId: 'cross-del', role: 'user', content: 'x' });
  await simAdd({ conversationId: 'gone-2', blockId: 'cross-del', role: 'user', content: 'y' });

  const flowiseDelete = await server.request('/api/v1/chatmessage/cross-del?sessionId=gone-1', {
    method: 'DELETE',
  });
  expect(await flowiseDelete.json()).toEqual({ raw: [], affected: 1 });
  expect((await simGet('blockId=cross-del')).map((m) => m.conversationId)).toEqual(['gone-2']);

  const simDelete = await server.request('/api/memory?conversationId=gone-2', { method: 'DELETE' });
  expect(await simDelete.json()).toMatchObject({ deletedCount: 1 });
  expect(await flowiseGet('cross-del', '')).toEqual([]);
});

it('a conversation trashed through Flowise is gone from Sim reads', async () => {
  await simAdd({ conversationId: 'trashed', blockId: 'cross-trash', role: 'user', content: 'x' });
  await server.request('/api/v1/chatmessage/cross-trash?trash=true', { method: 'DELETE' });
  expect(await simGet('conversationId=trashed')).toEqual([]);
  // And a Sim delete does not reach into the trash.
  const res = await server.request('/api/memory?blockId=cross-trash', { method: 'DELETE' });
  expect(await res.json()).toMatchObject({ deletedCount: 0 });
});

it('GET /api/v1/openapi.json lists every Flowise and Sim route with its tag and parameters', async () => {
  const doc = (await (await server.request('/api/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, { tags?: string[]; parameters?: Array<{ name: string }> }>>;
  };
  const routes: Array<[string, string, string]> = [
    ['/api/v1/chatmessage/{flowId}', 'get', 'flowise'],
    ['/api/v1/chatmessage/{flowId}', 'delete', 'flowise'],
    ['/api/v1/stats/{flowId}', 'get', 'flowise'],
    ['/api/v1/chatflows', 'get', 'flowise'],
    ['/api/v1/chatflows', 'post', 'flowise'],
    ['/api/v1/chatflows/{id}', 'get', 'flowise'],
    ['/api/v1/chatflows/{id}', 'put', 'flowise'],
    ['/api/v1/chatflows/{id}', 'delete', 'flowise'],
    ['/api/memory', 'post', 'sim'],
    ['/api/memory', 'get', 'sim'],
    ['/api/memory', 'delete', 'sim'],
    ['/api/memory/all', 'get', 'sim'],
  ];
  for (const [path, method, tag] of routes) {
    expect(doc.paths[path]?.[method]?.tags, `${method} ${path}`).toEqual([tag]);
  }
  const listParams = doc.paths['/api/v1/chatmessage/{flowId}']?.get?.parameters?.map((p) => p.name);
  expect(listParams).toEqual(
    expect.arrayContaining([
      'flowId',
      'sessionId',
      'chatId',
      'chatType',
      'startDate',
      'endDate',
      'sort',
      'order',
      'limit',
      'page',
    ]),
  );
  const simParams = doc.paths['/api/memory']?.delete?.parameters?.map((p) => p.name);
  expect(simParams).toEqual(expect.arrayContaining(['conversationId', 'id', 'blockId', 'blockName']));
});
