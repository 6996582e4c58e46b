import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

interface Memory {
  key: string;
  conversationId: string;
  blockId: string;
  blockName: string;
  data: Array<{ role: string; content: string; [key: string]: unknown }>;
}
interface MemoryAnswer {
  success: boolean;
  memories: Memory[];
  message?: string;
  nextCursor?: string | null;
  error?: string;
}

const add = (body: Record<string, unknown>) => server.request('/api/memory', { method: 'POST', json: body });
const get = async (query: string) => {
  const res = await server.request(`/api/memory?${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as MemoryAnswer;
};
const del = (query: string) => server.request(`/api/memory${query ? `?${query}` : ''}`, { method: 'DELETE' });
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Date.now()}`;

describe('POST /api/memory', () => {
  it('appends to a conversation and answers with its whole memory, oldest first', async () => {
    const conversationId = unique('conv');
    const first = await add({ conversationId, role: 'user', content: 'hello' });
    expect(first.status).toBe(200);
    const second = await add({ conversationId, role: 'assistant', content: 'hi there' });
    expect(await second.json()).toEqual({
      success: true,
      memories: [
        {
          key: `${conversationId}:default`,
          conversationId,
          blockId: 'default',
          blockName: 'Default',
          data: [
            { role: 'user', content: 'hello' },
            { role: 'assistant', content: 'hi there' },
          ],
        },
      ],
    });
  });

  it('takes the legacy id, and conversationId wins when both are given', async () => {
    const legacy = unique('legacy');
    const modern = unique('modern');
    const viaLegacy = (await (await add({ id: legacy, role: 'user', content: 'a' })).json()) as MemoryAnswer;
    expect(viaLegacy.memories[0]?.conversationId).toBe(legacy);
    const both = (await (
      await add({ conversationId: modern, id: legacy, role: 'user', content: 'b' })
    ).json()) as MemoryAnswer;
    expect(both.memories[0]?.conversationId).toBe(modern);
    expect((await get(`conversationId=${legacy}`)).memories[0]?.data).toHaveLength(1);
  });

  it('creates an unknown block as a flow named blockName (or its id), and leaves a known one as it is', async () => {
    const named = unique('blk');
    const res = await add({
      conversationId: 'c1',
      role: 'user',
      content: 'x',
      blockId: named,
      blockName: 'Agent notes',
    });
    expect(((await res.json()) as MemoryAnswer).memories[0]).toMatchObject({
      blockId: named,
      blockName: 'Agent notes',
    });
    const flow = await server.request(`/api/v1/chatflows/${named}`);
    expect(flow.status).toBe(200);
    expect(await flow.json()).toMatchObject({ id: named, name: 'Agent notes' });

    const bare = unique('bare');
    await add({ conversationId: 'c1', role: 'user', content: 'x', blockId: bare });
    expect(await (await server.request(`/api/v1/chatflows/${bare}`)).json()).toMatchObject({ name: bare });

    await add({
      conversationId: 'c2',
      role: 'user',
      content: 'y',
      blockId: named,
      blockName: 'Another name',
    });
    expect(await (await server.request(`/api/v1/chatflows/${named}`)).json()).toMatchObject({
      name: 'Agent notes',
    });
  });

  it('keeps extra keys with the message and gives them back in data', async () => {
    const conversationId = unique('extra');
    const res = await add({ conversationId, role: 'user', content: 'x', source: 'slack', tags: ['a', 'b'] });
    expect(((await res.json()) as MemoryAnswer).memories[0]?.data).toEqual([
      { role: 'user', content: 'x', source: 'slack', tags: ['a', 'b'] },
    ]);
  });

  it('stores the message as EXTERNAL, visible to Flowise under the block as flow', async () => {
    const conversationId = unique('ext');
    await add({ conversationId, role: 'system', content: 'be brief' });
    const res = await server.request(`/api/v1/chatmessage/default?sessionId=${conversationId}`);
    expect(await res.json()).toEqual([
      expect.objectContaining({ role: 'systemMessage', chatType: 'EXTERNAL', content: 'be brief' }),
    ]);
  });
});

describe('POST /api/memory: bad input answers 400 {success:false, error} naming the field', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['a role other than user/assistant/system', { conversationId: 'c', role: 'tool', content: 'x' }, 'role'],
    ['a missing role', { conversationId: 'c', content: 'x' }, 'role'],
    ['empty content', { conversationId: 'c', role: 'user', content: '' }, 'content'],
    ['missing content', { conversationId: 'c', role: 'user' }, 'content'],
    ['content that is not a string', { conversationId: 'c', role: 'user', content: 42 }, 'content'],
    ['no conversationId nor id', { role: 'user', content: 'x' }, 'conversationId'],
    ['an empty conversationId', { conversationId: '', role: 'user', content: 'x' }, 'conversationId'],
    [
      'a conversationId over 255 characters',
      { conversationId: 'c'.repeat(256), role: 'user', content: 'x' },
      'conversationId',
    ],
    ['a legacy id over 255 characters', { id: 'c'.repeat(256), role: 'user', content: 'x' }, 'id'],
    [
      'control characters in conversationId',
      { conversationId: 'a\u0001b', role: 'user', content: 'x' },
      'conversationId',
    ],
    ['DEL in conversationId', { conversationId: 'a\u007fb', role: 'user', content: 'x' }, 'conversationId'],
    [
      'a blockId over 128 characters',
      { conversationId: 'c', role: 'user', content: 'x', blockId: 'b'.repeat(129) },
      'blockId',
    ],
    [
      'a blockId with a slash',
      { conversationId: 'c', role: 'user', content: 'x', blockId: 'a/b' },
      'blockId',
    ],
    [
      'a blockName over 200 characters',
      { conversationId: 'c', role: 'user', content: 'x', blockId: 'nb', blockName: 'n'.repeat(201) },
      'blockName',
    ],
  ];
  for (const [what, body, field] of cases) {
    it(what, async () => {
      const res = await add(body);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { success: boolean; error: string };
      expect(answer.success).toBe(false);
      expect(answer.error).toContain(`"${field}"`);
      expect(Object.keys(answer).sort()).toEqual(['error', 'success']);
    });
  }

  it('content over 1 MiB of UTF-8', async () => {
    const res = await add({ conversationId: 'c', role: 'user', content: 'é'.repeat(600 * 1024) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('"content"');
  });

  it('malformed JSON, in the Sim error shape', async () => {
    const res = await server.request('/api/memory', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"conversationId":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ success: false, error: 'request body is not valid JSON' });
  });

  it('a refused add writes nothing', async () => {
    const conversationId = unique('refused');
    await add({ conversationId, role: 'robot', content: 'x' });
    expect((await get(`conversationId=${conversationId}`)).memories).toEqual([]);
  });
});

describe('GET /api/memory', () => {
  const conv = unique('shared');
  const other = unique('other');
  const block = unique('alpha');
  const twin = unique('twin');
  beforeAll(async () => {
    // conv in three blocks (two of them named "Twins"), other in one of them.
    await add({ conversationId: conv, role: 'user', content: 'in default' });
    await add({
      conversationId: conv,
      role: 'user',
      content: 'in alpha',
      blockId: block,
      blockName: 'Twins',
    });
    await add({ conversationId: other, role: 'user', content: 'other in alpha', blockId: block });
    await add({ conversationId: conv, role: 'user', content: 'in twin', blockId: twin, blockName: 'Twins' });
  });

  it('conversationId alone: that conversation in every block', async () => {
    const answer = await get(`conversationId=${conv}`);
    expect(answer.success).toBe(true);
    expect(answer.message).toBe('Found 3 memories');
    expect(answer.memories.map((m) => m.blockId).sort()).toEqual([block, 'default', twin].sort());
    expect(answer.memories.every((m) => m.conversationId === conv)).toBe(true);
  });

  it('the legacy id works as conversationId, and conversationId wins over it', async () => {
    expect((await get(`id=${conv}`)).memories).toHaveLength(3);
    expect((await get(`conversationId=${other}&id=${conv}`)).memories.map((m) => m.conversationId)).toEqual([
      other,
    ]);
  });

  it('blockId alone: every conversation of that block', async () => {
    const answer = await get(`blockId=${block}`);
    expect(answer.memories.map((m) => m.conversationId).sort()).toEqual([conv, other].sort());
    expect(answer.message).toBe('Found 2 memories');
  });

  it('blockName alone: every conversation of every block with that name', async () => {
    const answer = await get('blockName=Twins');
    expect(answer.memories.map((m) => m.key).sort()).toEqual(
      [`${conv}:${block}`, `${other}:${block}`, `${conv}:${twin}`].sort(),
    );
  });

  it('combined filters: the intersection', async () => {
    expect((await get(`conversationId=${conv}&blockId=${block}`)).memories.map((m) => m.key)).toEqual([
      `${conv}:${block}`,
    ]);
    expect((await get(`conversationId=${conv}&blockName=Twins`)).memories).toHaveLength(2);
    expect((await get(`blockId=${block}&blockName=Twins`)).memories).toHaveLength(2);
    expect((await get(`blockId=${block}&blockName=Default`)).memories).toHaveLength(0);
    expect((await get(`conversationId=${other}&blockId=${twin}`)).memories).toHaveLength(0);
  });

  it('no match: Found 0 memories (200)', async () => {
    const answer = await get(`conversationId=${unique('nobody')}`);
    expect(answer).toEqual({ success: true, memories: [], message: 'Found 0 memories' });
  });

  for (const [what, query, field] of [
    ['an over-long conversationId', `conversationId=${'x'.repeat(256)}`, 'conversationId'],
    ['an empty conversationId', 'conversationId=', 'conversationId'],
    ['a control character in id', 'id=a%01b', 'id'],
    ['a malformed blockId', 'blockId=-bad', 'blockId'],
    ['a repeated conversationId', 'conversationId=a&conversationId=b', 'conversationId'],
  ]) {
    it(`400 for ${what}`, async () => {
      const res = await server.request(`/api/memory?${query}`);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { success: boolean; error: string };
      expect(answer.success).toBe(false);
      expect(answer.error).toContain(`"${field}"`);
    });
  }
});

describe('GET /api/memory/all', () => {
  let local: TestServer;
  beforeAll(async () => {
    local = await startTestServer();
    for (let i = 0; i < 7; i++) {
      await local.request('/api/memory', {
        method: 'POST',
        json: { conversationId: `c${i}`, role: 'user', content: `m${i}`, blockId: i % 2 ? 'odd' : 'default' },
      });
    }
  });
  afterAll(() => local.close());

  const page = async (path: string) => {
    const res = await local.request(path);
    expect(res.status).toBe(200);
    return (await res.json()) as MemoryAnswer;
  };

  it('defaults to 100 per page: everything at once, no next cursor', async () => {
    const answer = await page('/api/memory/all');
    expect(answer.memories).toHaveLength(7);
    expect(answer.nextCursor).toBeNull();
    expect(answer.message).toBe('Found 7 memories');
  });

  it('pages with limit and cursor, each memory once', async () => {
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      const answer = await page(`/api/memory/all?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(answer.memories.length).toBeLessThanOrEqual(3);
      seen.push(...answer.memories.map((m) => m.key));
      cursor = answer.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('GET /api/memory without a filter is the same paged list', async () => {
    const answer = await page('/api/memory?limit=5');
    expect(answer.memories).toHaveLength(5);
    expect(typeof answer.nextCursor).toBe('string');
  });

  for (const [what, query, field] of [
    ['limit 0', 'limit=0', 'limit'],
    ['a negative limit', 'limit=-1', 'limit'],
    ['a limit over 1000', 'limit=1001', 'limit'],
    ['a non-integer limit', 'limit=2.5', 'limit'],
    ['a limit that is not a number', 'limit=ten', 'limit'],
    ['a malformed cursor', 'cursor=not-a-cursor', 'cursor'],
  ]) {
    it(`400 for ${what}`, async () => {
      const res = await local.request(`/api/memory/all?${query}`);
      expect(res.status).toBe(400);
      const answer = (await res.json()) as { success: boolean; error: string };
      expect(answer).toEqual({ success: false, error: expect.stringContaining(`"${field}"`) });
    });
  }
});

describe('DELETE /api/memory', () => {
  it('refuses to run without a filter', async () => {
    const res = await del('');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ success: false, error: expect.stringContaining('conversationId') });
  });

  it('deletes by conversationId in every block and reports the count', async () => {
    const conv = unique('del');
    await add({ conversationId: conv, role: 'user', content: 'a' });
    await add({ conversationId: conv, role: 'user', content: 'b', blockId: unique('delblk') });
    const res = await del(`conversationId=${conv}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      success: true,
      message: 'Successfully deleted 2 memories',
      deletedCount: 2,
      data: { message: 'Successfully deleted 2 memories', deletedCount: 2 },
    });
    expect((await get(`conversationId=${conv}`)).memories).toEqual([]);
  });

  it('deletes by blockId, by blockName, by the legacy id, and by their intersection only', async () => {
    const blk = unique('dblk');
    const keep = unique('keep');
    const drop = unique('drop');
    await add({ conversationId: keep, role: 'user', content: 'k', blockId: blk, blockName: 'Doomed' });
    await add({ conversationId: drop, role: 'user', content: 'd', blockId: blk });
    await add({ conversationId: drop, role: 'user', content: 'd' });

    const both = await del(`conversationId=${drop}&blockId=${blk}`);
    expect(((await both.json()) as { deletedCount: number }).deletedCount).toBe(1);
    expect((await get(`conversationId=${drop}`)).memories.map((m) => m.blockId)).toEqual(['default']);

    const byName = await del('blockName=Doomed');
    expect(((await byName.json()) as { deletedCount: number }).deletedCount).toBe(1);
    expect((await get(`blockId=${blk}`)).memories).toEqual([]);

    const legacy = await del(`id=${drop}`);
    expect(await legacy.json()).toMatchObject({
      deletedCount: 1,
      message: 'Successfully deleted 1 memories',
    });
  });

  it('nothing matching: deletedCount 0', async () => {
    const res = await del(`blockId=${unique('none')}`);
    expect(await res.json()).toEqual({
      success: true,
      message: 'Successfully deleted 0 memories',
      deletedCount: 0,
      data: { message: 'Successfully deleted 0 memories', deletedCount: 0 },
    });
  });

  it('400 for a malformed filter, deleting nothing', async () => {
    const conv = unique('safe');
    await add({ conversationId: conv, role: 'user', content: 'x' });
    const res = await del(`conversationId=${conv}&blockId=${'b'.repeat(200)}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain('"blockId"');
    expect((await get(`conversationId=${conv}`)).memories).toHaveLength(1);
  });
});

describe('the Sim routes need the key', () => {
  it('401 in the Sim error shape', async () => {
    const res = await fetch(`${server.url}/api/memory?conversationId=x`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ success: false, error: expect.stringContaining('API key') });
  });
});
