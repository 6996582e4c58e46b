/**
 * Issue 19: what an agent writes through MCP shows up in the open window at once, like
 * any script's write: over /mcp on the running server, and over stdio from a separate
 * process on the same data dir (out/main/mcp.js, as Claude Desktop starts it).
 */
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { remember } from './data';
import { expect, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

const MCP = path.resolve(__dirname, '../../out/main/mcp.js');
const SHOTS = '/tmp/shots/doors19';

test('appends and deletes by an agent over MCP (HTTP and stdio) appear in the open window without a reload', async ({
  page,
  mnemo,
}) => {
  await remember(mnemo, 'first', 'user', 'The first conversation');
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  await expect.poll(() => rowTitles(page)).toEqual(['The first conversation']);

  const overHttp = new Client({ name: 'e2e-http', version: '1.0.0' });
  await overHttp.connect(
    new StreamableHTTPClientTransport(new URL(`${mnemo.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${mnemo.key}` } },
    }),
  );
  const overStdio = new Client({ name: 'e2e-stdio', version: '1.0.0' });
  await overStdio.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [MCP, '--data-dir', mnemo.dataDir],
      stderr: 'ignore',
    }),
  );
  try {
    await overHttp.callTool({
      name: 'append_message',
      arguments: { sessionId: 'agent-notes', role: 'user', content: 'Noted by an agent over HTTP' },
    });
    await expect
      .poll(() => rowTitles(page))
      .toEqual(['Noted by an agent over HTTP', 'The first conversation']);

    await sessionList(page)
      .getByRole('option', { name: /Noted by an agent over HTTP/ })
      .click();
    const conversation = page.getByRole('region', { name: /Conversation Noted by an agent over HTTP/ });
    await expect(conversation.getByRole('article')).toHaveCount(1);
    await overStdio.callTool({
      name: 'append_message',
      arguments: { sessionId: 'agent-notes', role: 'assistant', content: 'And **answered** over stdio' },
    });
    await expect(conversation.getByRole('article')).toHaveCount(2);
    await expect(conversation.getByRole('article').nth(1).locator('strong')).toHaveText('answered');
    await page.screenshot({ path: `${SHOTS}/mcp-appended-live.png` });

    await overStdio.callTool({ name: 'delete_conversation', arguments: { sessionId: 'first' } });
    await expect.poll(() => rowTitles(page)).toEqual(['Noted by an agent over HTTP']);
  } finally {
    await overHttp.close();
    await overStdio.close();
  }
});
