/**
 * Flowise's real chat widget (flowise-embed's browser build, from node_modules) on a page
 * served from another 127.0.0.1 port, chatting through a Mnemo flow opened to that page
 * (publicEmbed + the page's origin on the CORS allowlist): no key on the page.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect, test } from './serve-fixture';

const WIDGET = path.resolve('node_modules/flowise-embed/dist/web.js');

/** A page that embeds the full-page chat the way Flowise's docs show, pointed at Mnemo. */
async function startPage(apiHost: string, chatflowid: string) {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Widget page</title></head>
<body><flowise-fullchatbot></flowise-fullchatbot>
<script type="module">
  import Chatbot from './web.js';
  Chatbot.initFull(${JSON.stringify({ chatflowid, apiHost })});
</script></body></html>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/web.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      fs.createReadStream(WIDGET).pipe(res);
    } else if (req.url === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('the flowise-embed widget on another origin chats through a public flow: streamed answer, history after reload', async ({
  page,
  mnemo,
}) => {
  const flowId = 'widget-flow';
  const created = await mnemo.api('/api/v1/flows', {
    json: { id: flowId, name: 'Widget', publicEmbed: true },
  });
  expect(created.status).toBe(200);
  const pageServer = await startPage(mnemo.url, flowId);
  try {
    const settings = await mnemo.api('/api/v1/settings', {
      method: 'PUT',
      json: { corsOrigins: [pageServer.origin] },
    });
    expect(settings.status).toBe(200);

    const predictions: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/prediction/')) predictions.push(request.postData() ?? '');
    });
    const refused: string[] = [];
    page.on('response', (response) => {
      if (response.url().startsWith(mnemo.url) && response.status() >= 400) {
        refused.push(`${response.status()} ${response.url()}`);
      }
    });

    await page.goto(pageServer.origin);
    const input = page.getByPlaceholder(/type your question/i);
    await input.fill('Hello from the widget');
    await input.press('Enter');
    await expect(
      page.getByText('You said: "Hello from the widget" (0 earlier messages in this session)'),
    ).toBeVisible();
    // The widget streamed it: it asked with streaming true after chatflows-streaming said yes.
    expect(JSON.parse(predictions[0] ?? '{}')).toMatchObject({
      question: 'Hello from the widget',
      streaming: true,
    });
    const chatId = JSON.parse(predictions[0] ?? '{}').chatId as string;

    await input.fill('Second question');
    await input.press('Enter');
    await expect(
      page.getByText('You said: "Second question" (2 earlier messages in this session)'),
    ).toBeVisible();

    await page.reload();
    // The widget restores the conversation (its localStorage) and keeps its chatId, so Mnemo's memory continues.
    await expect(
      page.getByText('You said: "Hello from the widget" (0 earlier messages in this session)'),
    ).toBeVisible();
    await expect(page.getByText('Second question', { exact: true })).toBeVisible();
    const again = page.getByPlaceholder(/type your question/i);
    await again.fill('Third question');
    await again.press('Enter');
    await expect(
      page.getByText('You said: "Third question" (4 earlier messages in this session)'),
    ).toBeVisible();

    await page.screenshot({ path: '/tmp/shots/clients18/flowise-embed-widget.png', fullPage: true });
    expect(refused).toEqual([]);

    // Mnemo kept the conversation under the widget's chatId, as EXTERNAL messages.
    const stored = await mnemo.api(`/api/v1/chatmessage/${flowId}?chatId=${encodeURIComponent(chatId)}`);
    const messages = (await stored.json()) as Array<{ role: string; content: string; chatType: string }>;
    expect(messages.map((m) => m.role)).toEqual([
      'userMessage',
      'apiMessage',
      'userMessage',
      'apiMessage',
      'userMessage',
      'apiMessage',
    ]);
    expect(new Set(messages.map((m) => m.chatType))).toEqual(new Set(['EXTERNAL']));
  } finally {
    await pageServer.close();
  }
});

test('a flow that is not public: the widget without the key gets nothing and stores nothing', async ({
  page,
  mnemo,
}) => {
  const flowId = 'closed-flow';
  await mnemo.api('/api/v1/flows', { json: { id: flowId, name: 'Closed' } });
  const pageServer = await startPage(mnemo.url, flowId);
  try {
    await mnemo.api('/api/v1/settings', { method: 'PUT', json: { corsOrigins: [pageServer.origin] } });
    const statuses: number[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/api/v1/prediction/')) statuses.push(response.status());
    });
    await page.goto(pageServer.origin);
    const input = page.getByPlaceholder(/type your question/i);
    await input.fill('let me in');
    await input.press('Enter');
    await expect.poll(() => statuses).toEqual([401]);
    const stored = await mnemo.api(`/api/v1/chatmessage/${flowId}`);
    expect(await stored.json()).toEqual([]);
  } finally {
    await pageServer.close();
  }
});

test('Settings: a flow is opened to web pages with a switch in its form, and the flow list says so', async ({
  page,
  mnemo,
}) => {
  await page.goto(mnemo.webUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  const flows = page.getByRole('table', { name: 'Flows' });
  await expect(flows.getByRole('row', { name: /Default/ })).not.toContainText('Open to allowlisted pages');

  await page.getByRole('button', { name: 'Edit Default' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit flow “Default”' });
  const open = edit.getByRole('switch', { name: /Open to web pages without the key/ });
  await expect(open).not.toBeChecked();
  await open.check();
  await page.screenshot({ path: '/tmp/shots/clients18/flow-form-public.png' });
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(flows.getByRole('row', { name: /Default/ })).toContainText('Open to allowlisted pages');
  await page.screenshot({ path: '/tmp/shots/clients18/flows-card-public.png' });
  const stored = (await (await mnemo.api('/api/v1/flows')).json()) as {
    items: Array<{ id: string; publicEmbed: boolean }>;
  };
  expect(stored.items.find((f) => f.id === 'default')?.publicEmbed).toBe(true);
});
