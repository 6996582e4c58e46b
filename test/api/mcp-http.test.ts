/**
 * Issue 19: the MCP server at /mcp, driven by the MCP SDK's own Client over streamable
 * HTTP: its tools list, search, read, append and delete (to the trash) against the real
 * store, a bad argument comes back as an MCP tool error naming the field (and the server
 * answers the next call), a write shows up on the event bus the window listens to, and
 * a conversation reads as a resource.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MnemoEvent } from '../../src/shared/schemas/events';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
let client: Client;

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-20T10:00:00.000Z');

beforeAll(async () => {
  server = await startTestServer();
  const { store } = server.mnemo;
  await store.createFlow({ id: 'notes', name: 'Notes', responder: { kind: 'echo' } });
  await store.appendMessages('default', 'trip-1', [
    { role: 'user', content: 'Plan a trip to Lisbon in spring', chatType: 'EXTERNAL', createdAt: T0 },
    {
      role: 'assistant',
      content: 'Lisbon in April: mild, few crowds.',
      chatType: 'EXTERNAL',
      createdAt: T0 + 1,
    },
  ]);
  await store.appendMessages('notes', 'groceries', [
    { role: 'user', content: 'Buy oat milk and lemons', chatType: 'EXTERNAL', createdAt: T0 + 2 * DAY },
  ]);
  const long = Array.from({ length: 30 }, (_, i) => ({
    role: (i % 2 === 0 ? 'user' : 'assistant') as 'user' | 'assistant',
    content: `message ${i} ${'x'.repeat(1000)}`,
    chatType: 'EXTERNAL' as const,
    createdAt: T0 + 3 * DAY + i,
  }));
  await store.appendMessages('default', 'long-one', long);

  client = new Client({ name: 'mnemo-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${server.key}` } },
    }),
  );
});
afterAll(async () => {
  await client?.close();
  await server.close();
});

const call = async (name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const text = (result: CallToolResult) => {
  const first = result.content[0];
  if (first?.type !== 'text') throw new Error('no text content');
  return first.text;
};
const data = <T>(result: CallToolResult): T => {
  expect(result.isError ?? false, text(result)).toBe(false);
  return JSON.parse(text(result)) as T;
};

interface Listed {
  conversations: Array<{
    flowId: string;
    sessionId: string;
    title: string;
    snippet?: string;
    preview?: string;
  }>;
  nextCursor: string | null;
  total: number;
}
interface Page {
  messages: Array<{ role: string; content: string; fullLength?: number }>;
  nextCursor: string | null;
  messageCount: number;
}

describe('MCP over streamable HTTP with the SDK Client', () => {
  it('lists the five tools, each with a description and a JSON schema from the shared zod schemas', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'append_message',
      'delete_conversation',
      'get_conversation',
      'list_conversations',
      'search_conversations',
    ]);
    for (const tool of tools) expect(tool.description?.length).toBeGreaterThan(40);
    const search = tools.find((t) => t.name === 'search_conversations');
    expect(search?.inputSchema.required).toEqual(['query']);
    const append = tools.find((t) => t.name === 'append_message');
    expect(append?.inputSchema.properties?.role).toMatchObject({ enum: ['user', 'assistant', 'system'] });
  });

  it('search finds conversations by their words, with the match marked in a snippet', async () => {
    const found = data<Listed>(await call('search_conversations', { query: 'lisbon' }));
    expect(found.conversations.map((c) => c.sessionId)).toEqual(['trip-1']);
    expect(found.conversations[0]?.snippet).toContain('**Lisbon**');

    const inFlow = data<Listed>(await call('search_conversations', { query: 'lemons', flowId: 'default' }));
    expect(inFlow.conversations).toEqual([]);
    const byDate = data<Listed>(
      await call('search_conversations', { query: 'lemons', startDate: '2026-11-22', endDate: '2026-11-22' }),
    );
    expect(byDate.conversations.map((c) => c.sessionId)).toEqual(['groceries']);
  });

  it('list pages with a cursor, sorted as the window sorts', async () => {
    const first = data<Listed>(await call('list_conversations', { limit: 2 }));
    expect(first.conversations.map((c) => c.sessionId)).toEqual(['long-one', 'groceries']);
    expect(first.total).toBe(3);
    const rest = data<Listed>(await call('list_conversations', { limit: 2, cursor: first.nextCursor }));
    expect(rest.conversations.map((c) => c.sessionId)).toEqual(['trip-1']);
    expect(rest.nextCursor).toBeNull();
    const oldest = data<Listed>(
      await call('list_conversations', { sort: 'ASC', limit: 1, flowId: 'default' }),
    );
    expect(oldest.conversations.map((c) => c.sessionId)).toEqual(['trip-1']);
  });

  it('get returns the newest messages, newest last, within the character budget, and pages back', async () => {
    const page = data<Page>(
      await call('get_conversation', { sessionId: 'long-one', limit: 50, maxChars: 5000 }),
    );
    // About 1,010 characters each: four fit in 5,000.
    expect(page.messages.map((m) => m.content.split(' ').slice(0, 2).join(' '))).toEqual([
      'message 26',
      'message 27',
      'message 28',
      'message 29',
    ]);
    expect(page.messageCount).toBe(30);
    const before = data<Page>(
      await call('get_conversation', { sessionId: 'long-one', maxChars: 5000, cursor: page.nextCursor }),
    );
    expect(before.messages.at(-1)?.content.startsWith('message 25 ')).toBe(true);

    const cut = data<Page>(await call('get_conversation', { sessionId: 'long-one', maxChars: 100 }));
    expect(cut.messages).toHaveLength(1);
    expect(cut.messages[0]?.content.length).toBeLessThanOrEqual(101);
    expect(cut.messages[0]?.fullLength).toBe(1011);
  });

  it('append adds to a conversation (creating it) and the window hears of it at once', async () => {
    const heard: MnemoEvent[] = [];
    const stop = server.mnemo.events.subscribe((event) => heard.push(event));
    try {
      const added = data<{ messageId: string }>(
        await call('append_message', {
          flowId: 'notes',
          sessionId: 'from-agent',
          role: 'user',
          content: 'Remember: dentist on Friday',
        }),
      );
      expect(added.messageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(heard).toContainEqual({ type: 'session.changed', flowId: 'notes', sessionId: 'from-agent' });
    } finally {
      stop();
    }
    const stored = await server.mnemo.store.listMessages(
      { flowId: 'notes', sessionId: 'from-agent' },
      { order: 'ASC' },
    );
    expect(stored.map((m) => [m.role, m.content, m.chatType])).toEqual([
      ['user', 'Remember: dentist on Friday', 'EXTERNAL'],
    ]);
    const found = data<Listed>(await call('search_conversations', { query: 'dentist' }));
    expect(found.conversations.map((c) => c.sessionId)).toEqual(['from-agent']);
  });

  it('delete moves the conversation to the trash, from where it can be restored', async () => {
    await call('append_message', { sessionId: 'doomed', role: 'user', content: 'short lived' });
    const deleted = data<{ trashed: boolean }>(await call('delete_conversation', { sessionId: 'doomed' }));
    expect(deleted.trashed).toBe(true);
    expect(data<Listed>(await call('search_conversations', { query: 'short lived' })).conversations).toEqual(
      [],
    );
    const trash = await server.request('/api/v1/trash');
    const items = ((await trash.json()) as { items: Array<{ sessionId: string; trashId: number }> }).items;
    const doomed = items.find((i) => i.sessionId === 'doomed');
    expect(doomed).toBeDefined();
    const restored = await server.request('/api/v1/trash/restore', {
      method: 'POST',
      json: { ids: [doomed?.trashId] },
    });
    expect(restored.status).toBe(200);
    expect(data<Page>(await call('get_conversation', { sessionId: 'doomed' })).messages).toHaveLength(1);
  });

  it('a bad argument is an MCP tool error naming the field, and the server goes on answering', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['search_conversations', {}, /query/],
      ['search_conversations', { query: 'x', startDate: 'yesterday' }, /startDate/],
      ['list_conversations', { limit: 10_000 }, /limit/],
      ['get_conversation', { sessionId: 'a\u0000b' }, /sessionId/],
      ['append_message', { sessionId: 's', role: 'robot', content: 'hi' }, /role/],
      ['append_message', { sessionId: 's', role: 'user', content: '' }, /content/],
      ['append_message', { flowId: '../etc', sessionId: 's', role: 'user', content: 'hi' }, /flowId/],
    ];
    for (const [name, args, field] of cases) {
      const result = await call(name, args);
      expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(text(result)).toMatch(field);
    }
    const missing = await call('get_conversation', { sessionId: 'no-such-session' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toMatch(/no conversation "no-such-session"/);
    const noFlow = await call('append_message', {
      flowId: 'nope',
      sessionId: 's',
      role: 'user',
      content: 'hi',
    });
    expect(noFlow.isError).toBe(true);
    expect(text(noFlow)).toMatch(/"nope" not found/);
    // Still serving.
    expect(data<Listed>(await call('search_conversations', { query: 'lisbon' })).conversations).toHaveLength(
      1,
    );
  });

  it('a conversation reads as a resource mnemo://flows/{flowId}/sessions/{sessionId}', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      'mnemo://flows/{flowId}/sessions/{sessionId}',
    ]);
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain('mnemo://flows/default/sessions/trip-1');
    expect(resources.find((r) => r.uri.endsWith('/trip-1'))?.name).toBe('Plan a trip to Lisbon in spring');
    const read = await client.readResource({ uri: 'mnemo://flows/default/sessions/trip-1' });
    const first = read.contents[0];
    const page = JSON.parse(first && 'text' in first ? first.text : '') as Page;
    expect(page.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
    await expect(client.readResource({ uri: 'mnemo://flows/default/sessions/absent' })).rejects.toThrow(
      /no conversation "absent"/,
    );
  });
});
