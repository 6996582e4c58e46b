/**
 * Issue 19: MCP over stdio, as a desktop agent starts it (`node out/main/mcp.js
 * --data-dir DIR`), driven by the MCP SDK's own Client and StdioClientTransport. It
 * reads the data dir a running Mnemo serves, and what it appends reaches that Mnemo's
 * event bus (the window) through the store's change log. A bad argument is an MCP error
 * and the process lives on; nothing but the protocol is written to stdout.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MnemoEvent } from '../../src/shared/schemas/events';
import { startTestServer, type TestServer } from '../helpers/server';

// The built entry, as the README's agent configs name it (npm test builds before this runs).
const MCP = path.resolve(__dirname, '../../out/main/mcp.js');

let server: TestServer;
let client: Client;
let transport: StdioClientTransport;
let stderr = '';
const heard: MnemoEvent[] = [];

const call = async (name: string, args: Record<string, unknown>) =>
  (await client.callTool({ name, arguments: args })) as CallToolResult;
const text = (result: CallToolResult) => (result.content[0]?.type === 'text' ? result.content[0].text : '');

describe.skipIf(!fs.existsSync(MCP))('MCP over stdio (node out/main/mcp.js)', () => {
  beforeAll(async () => {
    server = await startTestServer();
    await server.mnemo.store.appendMessages('default', 'recipe', [
      { role: 'user', content: 'How long to boil an egg?', chatType: 'EXTERNAL' },
      { role: 'assistant', content: 'Nine minutes for a firm yolk.', chatType: 'EXTERNAL' },
    ]);
    server.mnemo.events.subscribe((event) => heard.push(event));
    transport = new StdioClientTransport({
      command: process.execPath,
      // On PostgreSQL runs, the database the running Mnemo serves (a team's shared store).
      args: [
        MCP,
        '--data-dir',
        server.dataDir,
        ...(server.databaseUrl ? ['--database-url', server.databaseUrl] : []),
      ],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    client = new Client({ name: 'mnemo-stdio-test', version: '1.0.0' });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it('lists the tools and searches and reads the data dir a running Mnemo serves', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('search_conversations');
    const found = JSON.parse(text(await call('search_conversations', { query: 'egg' })));
    expect(found.conversations.map((c: { sessionId: string }) => c.sessionId)).toEqual(['recipe']);
    const page = JSON.parse(text(await call('get_conversation', { sessionId: 'recipe' })));
    expect(page.messages.map((m: { content: string }) => m.content)).toEqual([
      'How long to boil an egg?',
      'Nine minutes for a firm yolk.',
    ]);
    expect(stderr).toContain(server.databaseUrl ? 'data: PostgreSQL postgresql://' : server.dataDir);
  });

  it("an append is stored in the shared data dir and the running Mnemo's window hears of it", async () => {
    const result = await call('append_message', {
      sessionId: 'recipe',
      role: 'user',
      content: 'And a soft one?',
    });
    expect(result.isError ?? false).toBe(false);
    const stored = await server.mnemo.store.listMessages(
      { flowId: 'default', sessionId: 'recipe' },
      { order: 'ASC' },
    );
    expect(stored.at(-1)?.content).toBe('And a soft one?');
    await expect
      .poll(() => heard.some((e) => e.type === 'session.changed' && e.sessionId === 'recipe'), {
        timeout: 10_000,
      })
      .toBe(true);
  });

  it('a bad argument is an MCP error, not a crash', async () => {
    const bad = await call('append_message', { sessionId: 'recipe', role: 'robot', content: 'beep' });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/role/);
    await expect(client.callTool({ name: 'no_such_tool', arguments: {} })).resolves.toMatchObject({
      isError: true,
    });
    expect(JSON.parse(text(await call('list_conversations', {}))).total).toBe(1);
  });
});
