/**
 * Sim's own Memory tools (simstudioai/sim, apps/sim/tools/memory) against Mnemo, unchanged:
 * each request is replayed as the tool builds it (method, path, query, Content-Type, body)
 * and each answer is read through exactly the fields the tool reads.
 * - block era (becd19bc50, Nov 2025): key "<conv>:<block>", workflowId, get by `query`.
 * - thread era (8c2c49eb14, d3d6012d5c): key = conversation id, workspaceId, get by `query`.
 * - today (5cf1f9be84): as the thread era, but get is GET /api/memory/<conversationId>.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

// biome-ignore lint/suspicious/noExplicitAny: the tools read the answer as untyped JSON; so does this replay
type Json = Record<string, any>;
const WORKFLOW = 'wf-7f3c';
const WORKSPACE = '2f0c8e3e-5d7a-4a53-9d52-0b7f7f2d9a11';

/** A request as the tools send it: only `Content-Type: application/json` (and Mnemo's key). */
async function tool(
  method: string,
  pathAndQuery: string,
  body?: Json,
): Promise<{ status: number; result: Json }> {
  const res = await server.request(pathAndQuery, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, result: (await res.json()) as Json };
}

/** The tools build their URLs with URLSearchParams, in this order. */
const url = (path: string, params: Array<[string, string]>) => `${path}?${new URLSearchParams(params)}`;

// What each tool's transformResponse takes from the answer.
const addReads = (result: Json) => {
  const data = result.data || result;
  return Array.isArray(data.data) ? data.data : [data.data];
};
const blockGetReads = (result: Json) => result.data?.memories || [];
const todayGetReads = (result: Json) => (result.data ? [result.data] : []);
const getAllReads = (result: Json) => {
  const data = result.data || result;
  return data.memories || data || [];
};
const deleteReads = (result: Json) => ({
  success: result.success !== false,
  message: (result.data || result).message,
});

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Date.now()}`;

/** Where a memory really is, asked in SPEC 4.2's flat shape. */
async function stored(conversationId: string, blockId: string) {
  const res = await server.request(
    url('/api/memory', [
      ['conversationId', conversationId],
      ['blockId', blockId],
    ]),
  );
  const answer = (await res.json()) as {
    memories: Array<{ data: Array<{ role: string; content: string }> }>;
  };
  return answer.memories.flatMap((m) => m.data.map(({ role, content }) => ({ role, content })));
}

/** Seeds through SPEC 4.2's flat add, so a get or delete test fails only on its own request. */
async function seed(conversationId: string, blockId: string, content: string) {
  const res = await server.request('/api/memory', {
    method: 'POST',
    json: { conversationId, blockId, role: 'user', content },
  });
  expect(res.status).toBe(200);
}

const blockEraAdd = (key: string, role: string, content: string) =>
  tool('POST', '/api/memory', { key, workflowId: WORKFLOW, data: { role, content } });
const threadEraAdd = (key: string, role: string, content: string) =>
  tool('POST', '/api/memory', { key, workspaceId: WORKSPACE, data: { role, content } });

describe('add (POST /api/memory {key, workflowId | workspaceId, data})', () => {
  it('block era, key "<conv>:<block>": the answer\'s data.data is the conversation, oldest first', async () => {
    const conv = unique('conv');
    expect((await blockEraAdd(`${conv}:agent1`, 'user', 'hello')).status).toBe(200);
    const { status, result } = await blockEraAdd(`${conv}:agent1`, 'assistant', 'hi there');
    expect(status).toBe(200);
    expect(result.success).toBe(true);
    expect(addReads(result)).toEqual([
      { role: 'user', content: 'hello' },
      { role: 'assistant', content: 'hi there' },
    ]);
    expect(result.data).toMatchObject({ key: `${conv}:agent1`, conversationId: conv, blockId: 'agent1' });
    expect(await stored(conv, 'agent1')).toHaveLength(2);
  });

  it('today, key = the conversation id (no colon): block "default"', async () => {
    const conv = unique('thread');
    const { status, result } = await threadEraAdd(conv, 'user', 'remember me');
    expect(status).toBe(200);
    expect(addReads(result)).toEqual([{ role: 'user', content: 'remember me' }]);
    expect(result.data).toMatchObject({ conversationId: conv, blockId: 'default' });
    expect(await stored(conv, 'default')).toEqual([{ role: 'user', content: 'remember me' }]);
  });

  it('key "a:b:c" splits on the last colon: conversation "a:b", block "c"', async () => {
    const conv = `${unique('user')}:42`;
    const { status, result } = await blockEraAdd(`${conv}:blk`, 'user', 'colons');
    expect(status).toBe(200);
    expect(result.data).toMatchObject({ conversationId: conv, blockId: 'blk' });
    expect(await stored(conv, 'blk')).toEqual([{ role: 'user', content: 'colons' }]);
  });

  it('data may be an array of messages: all appended, in order', async () => {
    const conv = unique('many');
    const messages = [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'one' },
      { role: 'assistant', content: 'two' },
    ];
    const { status, result } = await tool('POST', '/api/memory', {
      key: `${conv}:b1`,
      workflowId: WORKFLOW,
      data: messages,
    });
    expect(status).toBe(200);
    expect(addReads(result)).toEqual(messages);
    expect(await stored(conv, 'b1')).toEqual(messages);
  });

  it('a bad key or message is a 400 naming the field, and nothing is stored', async () => {
    const conv = unique('bad');
    const endsInColon = await blockEraAdd(`${conv}:`, 'user', 'x');
    expect(endsInColon.status).toBe(400);
    expect(endsInColon.result).toEqual({ success: false, error: expect.stringContaining('"key"') });
    const badRole = await blockEraAdd(`${conv}:b`, 'robot', 'x');
    expect(badRole.status).toBe(400);
    expect(badRole.result.error).toContain('"data.role"');
    expect(await stored(conv, 'b')).toEqual([]);
  });
});

describe('get', () => {
  const conv = unique('g');
  const other = unique('g-other');
  beforeAll(async () => {
    await seed(conv, 'blockA', 'a1');
    await seed(conv, 'blockB', 'b1');
    await seed(other, 'blockA', 'a2');
  });
  const keysOf = (memories: Json[]) => memories.map((m) => `${m.conversationId}:${m.blockId}`).sort();
  const blockEraGet = (query: string) =>
    tool(
      'GET',
      url('/api/memory', [
        ['workflowId', WORKFLOW],
        ['query', query],
        ['limit', '1000'],
      ]),
    );

  it('block era, query "<conv>:<block>": exactly that memory', async () => {
    const { status, result } = await blockEraGet(`${conv}:blockA`);
    expect(status).toBe(200);
    const memories = blockGetReads(result);
    expect(keysOf(memories)).toEqual([`${conv}:blockA`]);
    expect(memories[0].data).toEqual([{ role: 'user', content: 'a1' }]);
  });

  it('block era, query "<conv>:": that conversation in every block', async () => {
    const { result } = await blockEraGet(`${conv}:`);
    expect(keysOf(blockGetReads(result))).toEqual([`${conv}:blockA`, `${conv}:blockB`]);
  });

  it('block era, query ":<block>": every conversation of that block', async () => {
    const { result } = await blockEraGet(':blockA');
    const keys = keysOf(blockGetReads(result));
    expect(keys).toEqual(expect.arrayContaining([`${conv}:blockA`, `${other}:blockA`]));
    expect(keys.every((k) => k.endsWith(':blockA'))).toBe(true);
  });

  it('block era, blockName alone (no query): every conversation of the blocks so named', async () => {
    const { status, result } = await tool(
      'GET',
      url('/api/memory', [
        ['workflowId', WORKFLOW],
        ['blockName', 'blockB'],
        ['limit', '1000'],
      ]),
    );
    expect(status).toBe(200);
    expect(keysOf(blockGetReads(result))).toEqual([`${conv}:blockB`]);
  });

  it('thread era (8c2c49eb14, d3d6012d5c), query = the conversation id', async () => {
    const { status, result } = await tool(
      'GET',
      url('/api/memory', [
        ['workspaceId', WORKSPACE],
        ['query', other],
        ['limit', '1000'],
      ]),
    );
    expect(status).toBe(200);
    expect(keysOf(blockGetReads(result))).toEqual([`${other}:blockA`]);
  });

  it('today, GET /api/memory/<conversationId>: data is that memory; an unknown one is data null', async () => {
    const thread = unique('today');
    await seed(thread, 'default', 'by id');
    const path = (id: string) => url(`/api/memory/${encodeURIComponent(id)}`, [['workspaceId', WORKSPACE]]);
    const found = await tool('GET', path(thread));
    expect(found.status).toBe(200);
    const memories = todayGetReads(found.result);
    expect(memories).toHaveLength(1);
    expect(memories[0]).toMatchObject({ conversationId: thread, data: [{ role: 'user', content: 'by id' }] });
    const missing = await tool('GET', path(unique('never')));
    expect(missing.status).toBe(200);
    expect(missing.result).toEqual({ success: true, data: null });
    expect(todayGetReads(missing.result)).toEqual([]);
  });

  it('a query Mnemo cannot parse, or a misspelled filter, is a 400 naming it (never every memory)', async () => {
    const colonOnly = await blockEraGet(':');
    expect(colonOnly.status).toBe(400);
    expect(colonOnly.result).toEqual({ success: false, error: expect.stringContaining('"query"') });
    const misspelled = await tool(
      'GET',
      url('/api/memory', [
        ['workflowId', WORKFLOW],
        ['conversationID', conv],
      ]),
    );
    expect(misspelled.status).toBe(400);
    expect(misspelled.result.error).toContain('conversationID');
    const conflicting = await tool(
      'GET',
      url('/api/memory', [
        ['query', `${conv}:blockA`],
        ['blockId', 'blockB'],
      ]),
    );
    expect(conflicting.status).toBe(400);
    expect(conflicting.result.error).toContain('"query"');
  });
});

describe('get_all (GET /api/memory?workflowId= | ?workspaceId=)', () => {
  for (const [era, scope, value] of [
    ['block era', 'workflowId', WORKFLOW],
    ['today', 'workspaceId', WORKSPACE],
  ] as Array<[string, string, string]>) {
    it(`${era}: every memory, in Sim's data envelope`, async () => {
      const conv = unique('all');
      await seed(conv, 'default', 'in the list');
      const { status, result } = await tool('GET', `/api/memory?${scope}=${encodeURIComponent(value)}`);
      expect(status).toBe(200);
      expect(Array.isArray(result.data?.memories)).toBe(true);
      const memories = getAllReads(result) as Json[];
      expect(memories.find((m) => m.conversationId === conv)?.data).toEqual([
        { role: 'user', content: 'in the list' },
      ]);
    });
  }
});

describe('delete (DELETE /api/memory?..., Content-Type: application/json, no body)', () => {
  it('block era: by conversationId and blockId; the answer says how many', async () => {
    const conv = unique('del');
    await seed(conv, 'keep', 'stays');
    await seed(conv, 'drop', 'goes');
    const { status, result } = await tool(
      'DELETE',
      url('/api/memory', [
        ['workflowId', WORKFLOW],
        ['conversationId', conv],
        ['blockId', 'drop'],
      ]),
    );
    expect(status).toBe(200);
    expect(deleteReads(result)).toEqual({ success: true, message: 'Successfully deleted 1 memories' });
    expect(await stored(conv, 'drop')).toEqual([]);
    expect(await stored(conv, 'keep')).toEqual([{ role: 'user', content: 'stays' }]);
  });

  it('today: by workspaceId and conversationId', async () => {
    const conv = unique('del-today');
    await seed(conv, 'default', 'bye');
    const { status, result } = await tool(
      'DELETE',
      url('/api/memory', [
        ['workspaceId', WORKSPACE],
        ['conversationId', conv],
      ]),
    );
    expect(status).toBe(200);
    expect(deleteReads(result)).toEqual({ success: true, message: 'Successfully deleted 1 memories' });
    expect(await stored(conv, 'default')).toEqual([]);
  });

  it('without a filter (only the workflow), or with a misspelled one: 400, nothing deleted', async () => {
    const conv = unique('kept');
    await seed(conv, 'b', 'still here');
    const none = await tool('DELETE', url('/api/memory', [['workflowId', WORKFLOW]]));
    expect(none.status).toBe(400);
    expect(none.result).toEqual({ success: false, error: expect.stringContaining('conversationId') });
    const misspelled = await tool(
      'DELETE',
      url('/api/memory', [
        ['workflowId', WORKFLOW],
        ['conversation', conv],
      ]),
    );
    expect(misspelled.status).toBe(400);
    expect(misspelled.result.error).toContain('conversation');
    expect(await stored(conv, 'b')).toEqual([{ role: 'user', content: 'still here' }]);
  });
});
