import fs from 'node:fs';
import type { Download, Page } from '@playwright/test';
import type { z } from 'zod';
import type { FlowList as FlowListSchema } from '../../src/shared/schemas/flows';
import type { SessionList } from '../../src/shared/schemas/sessions';
import { apiGet, remember, seedAt } from './data';
import { expect, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

type FlowList = z.infer<typeof FlowListSchema>;

/** A Flowise View Messages export, as its dialog writes it. */
const FLOWISE = JSON.stringify(
  [
    {
      id: 'chat-1',
      source: 'API/Embed',
      sessionId: 'customer-7',
      memoryType: 'Buffer Memory',
      email: null,
      messages: [
        { content: 'Where is parcel 1182?', role: 'user', time: '2026-03-02T09:00:00.000Z' },
        { content: 'It left the depot this morning.', role: 'bot', time: '2026-03-02T09:00:04.000Z' },
      ],
    },
    {
      id: 'chat-2',
      source: 'UI',
      sessionId: null,
      memoryType: null,
      email: null,
      messages: [
        { content: 'Draft a refund note', role: 'user', time: '2026-03-03T15:30:00.000Z' },
        { content: 'Here is a draft…', role: 'bot', time: '2026-03-03T15:30:09.000Z' },
      ],
    },
  ],
  null,
  2,
);

async function read(download: Download): Promise<string> {
  const file = await download.path();
  return fs.readFileSync(file, 'utf8');
}

async function openImportDialog(page: Page) {
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  return page.getByRole('dialog', { name: 'Import conversations' });
}

test('import a Flowise export with the file picker, then the same file again (nothing added)', async ({
  page,
  mnemo,
}) => {
  await page.goto(mnemo.webUrl);
  await expect(page.getByText('No conversations yet')).toBeVisible();

  let dialog = await openImportDialog(page);
  await dialog.getByLabel('File to import').setInputFiles({
    name: 'support-bot-Message.json',
    mimeType: 'application/json',
    buffer: Buffer.from(FLOWISE),
  });
  // Flowise names the file after its chatflow: that is the flow offered.
  await expect(dialog.getByRole('combobox', { name: 'Flow for Flowise and Sim records' })).toHaveValue(
    'New flow “support-bot” (from the file name)',
  );
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByTestId('import-result')).toHaveText(
    /Added 4 messages in 2 conversations and 1 new flow\./,
  );
  await page.screenshot({ path: 'test-results/screenshots/import-done.png' });
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();

  await expect.poll(() => rowTitles(page)).toEqual(['Draft a refund note', 'Where is parcel 1182?']);
  await sessionList(page)
    .getByRole('option', { name: /parcel 1182/ })
    .click();
  await expect(page.getByRole('feed', { name: 'Messages' })).toContainText('It left the depot this morning.');

  dialog = await openImportDialog(page);
  await dialog.getByLabel('File to import').setInputFiles({
    name: 'support-bot-Message.json',
    mimeType: 'application/json',
    buffer: Buffer.from(FLOWISE),
  });
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByTestId('import-result')).toContainText(
    'Nothing new: all 4 messages were already here.',
  );
  const list = await apiGet<SessionList>(mnemo, '/api/v1/sessions?flowId=support-bot');
  expect(list.total).toBe(2);
});

/** A Flowise export of `chats` conversations, each message padded so the file is about `kb` KB. */
function bigFlowise(chats: number, kb: number): string {
  const pad = 'x'.repeat(Math.floor((kb * 1024) / chats / 2));
  return JSON.stringify(
    Array.from({ length: chats }, (_, i) => ({
      id: `chat-${i}`,
      source: 'API/Embed',
      sessionId: `big-${i}`,
      memoryType: null,
      email: null,
      messages: [
        { content: `question ${i} ${pad}`, role: 'user', time: '2026-03-02T09:00:00.000Z' },
        { content: `answer ${i} ${pad}`, role: 'bot', time: '2026-03-02T09:00:04.000Z' },
      ],
    })),
  );
}

/** Records every text the dialog's progress line shows, as it changes. */
async function recordProgress(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { importSeen: string[] }).importSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[aria-label="Import in progress"]')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { importSeen: string[] }).importSeen);
}

test('import into a flow picked from the existing ones, its size in MB and progress in percent', async ({
  page,
  startMnemo,
}) => {
  test.setTimeout(60_000);
  const mnemo = await startMnemo((dir) =>
    seedAt(dir, [
      {
        flowId: 'sales',
        sessionId: 'old',
        messages: [{ role: 'user', content: 'old sale', at: Date.UTC(2026, 0, 1) }],
      },
    ]),
  );
  await page.goto(mnemo.webUrl);
  const dialog = await openImportDialog(page);
  const content = bigFlowise(40, 1.5 * 1024);
  await dialog.getByLabel('File to import').setInputFiles({
    name: 'export.json',
    mimeType: 'application/json',
    buffer: Buffer.from(content),
  });
  const size = `${Number((Buffer.byteLength(content) / 1024 / 1024).toFixed(1))} MB`;
  await expect(dialog.getByTestId('import-drop-zone')).toContainText(size);
  const flow = dialog.getByRole('combobox', { name: 'Flow for Flowise and Sim records' });
  await expect(flow).toHaveValue('Default');
  await flow.click();
  await page.getByRole('option', { name: 'Flow sales', exact: true }).click();
  await expect(flow).toHaveValue('Flow sales');

  const seen = await recordProgress(page);
  // 1 MB/s up, as to a server across a slow network: the upload takes long enough to show its progress.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 1024 * 1024,
  });
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  // Long work: a 1.5 MB upload at 1 MB/s, then the import.
  await expect(dialog.getByTestId('import-result')).toHaveText(/Added 80 messages in 40 conversations\./, {
    timeout: 20_000,
  });
  expect(
    (await seen()).some((text) =>
      new RegExp(`^Uploading… \\d{1,3}% \\([\\d.,]+ (KB|MB) of ${size.replace('.', '\\.')}\\)$`).test(text),
    ),
  ).toBe(true);
  const sales = await apiGet<SessionList>(mnemo, '/api/v1/sessions?flowId=sales&limit=500');
  expect(sales.total).toBe(41);
  expect((await apiGet<SessionList>(mnemo, '/api/v1/sessions?flowId=default')).total).toBe(0);
});

test('import into a new flow created by the name typed in the picker', async ({ page, mnemo }) => {
  await page.goto(mnemo.webUrl);
  const dialog = await openImportDialog(page);
  await dialog.getByLabel('File to import').setInputFiles({
    name: 'chats.json',
    mimeType: 'application/json',
    buffer: Buffer.from(FLOWISE),
  });
  await expect(dialog.getByTestId('import-drop-zone')).toContainText(
    `${Number((Buffer.byteLength(FLOWISE) / 1024).toFixed(1))} KB`,
  );
  const flow = dialog.getByRole('combobox', { name: 'Flow for Flowise and Sim records' });
  await flow.click();
  await flow.fill('Customer care');
  await page.getByRole('option', { name: 'New flow “Customer care”' }).click();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByTestId('import-result')).toHaveText(/Added 4 messages in 2 conversations\./);
  const flows = await apiGet<FlowList>(mnemo, '/api/v1/flows');
  const created = flows.items.find((f) => f.name === 'Customer care');
  expect(created?.sessionCount).toBe(2);
  expect(flows.items).toHaveLength(2);
});

test('a Sim array dropped on the drop zone; a bad file is refused whole, naming its record and line', async ({
  page,
  mnemo,
}) => {
  await page.goto(mnemo.webUrl);
  const dialog = await openImportDialog(page);
  const zone = dialog.getByTestId('import-drop-zone');

  const bad = JSON.stringify(
    [
      { conversationId: 'ok', data: [{ role: 'user', content: 'fine' }] },
      { conversationId: 'broken', data: [{ role: 'robot', content: 'beep' }] },
    ],
    null,
    2,
  );
  const drop = async (name: string, text: string) => {
    // Evaluated in the page (as text: this file is type-checked without the DOM's types).
    const transfer = await page.evaluateHandle(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'application/json' }));
      return data;
    })()`);
    await zone.dispatchEvent('drop', { dataTransfer: transfer });
  };
  await drop('bad.json', bad);
  await expect(zone).toContainText('bad.json');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByRole('alert')).toContainText('record 1 (line 11), field "data.0.role"');
  expect((await apiGet<SessionList>(mnemo, '/api/v1/sessions')).total).toBe(0);

  const sim = JSON.stringify([
    {
      conversationId: 'conv-a',
      blockId: 'agent',
      blockName: 'Agent',
      data: [{ role: 'user', content: 'Sim says hi' }],
    },
  ]);
  await drop('memories.json', sim);
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByTestId('import-result')).toHaveText(
    /Added 1 message in 1 conversation and 1 new flow\./,
  );
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await expect.poll(() => rowTitles(page)).toEqual(['Sim says hi']);
});

test('export the current filter, everything, and one conversation', async ({ page, startMnemo }) => {
  const now = Date.now();
  const mnemo = await startMnemo((dir) =>
    seedAt(dir, [
      { sessionId: 'a1', messages: [{ role: 'user', content: 'alpha one', at: now - 3_000 }] },
      { sessionId: 'a2', messages: [{ role: 'user', content: 'alpha two', at: now - 2_000 }] },
      {
        flowId: 'other',
        sessionId: 'b1',
        messages: [
          { role: 'user', content: 'beta question', at: now - 1_000 },
          { role: 'assistant', content: 'beta **answer**', at: now - 500 },
        ],
      },
    ]),
  );
  await page.goto(mnemo.webUrl);
  await page.getByRole('searchbox', { name: 'Search messages' }).fill('alpha');
  await expect(page.getByTestId('match-count')).toHaveText('2 conversations');

  await page.getByRole('button', { name: 'Export', exact: true }).click();
  let downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Matching as JSON (importable)' }).click();
  let download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^mnemo-export-.*\.json$/);
  const matching = JSON.parse(await read(download));
  expect(matching.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(['a1', 'a2']);
  const exported = page.getByRole('dialog', { name: /Export the 2 conversations matching as JSON/ });
  await expect(exported.getByRole('status')).toContainText('Saved mnemo-export-');
  await page.screenshot({ path: 'test-results/screenshots/export-done.png' });
  await exported.getByRole('button', { name: 'Close', exact: true }).click();

  await page.getByRole('button', { name: 'Export', exact: true }).click();
  downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'Everything as Markdown (readable)' }).click();
  download = await downloading;
  const md = await read(download);
  expect(md.match(/^## /gm)).toHaveLength(3);
  expect(md).toContain('### Assistant');
  await page.getByRole('dialog').getByRole('button', { name: 'Close', exact: true }).click();

  await page.getByRole('searchbox', { name: 'Search messages' }).fill('');
  await sessionList(page)
    .getByRole('option', { name: /beta question/ })
    .click();
  await page.getByRole('button', { name: 'Export conversation' }).click();
  downloading = page.waitForEvent('download');
  await page.getByRole('menuitem', { name: 'As Markdown (readable)' }).click();
  download = await downloading;
  expect(download.suggestedFilename()).toBe('mnemo-other-b1.md');
  const one = await read(download);
  expect(one).toContain('## beta question');
  expect(one).toContain('beta **answer**');
  expect(one.match(/^## /gm)).toHaveLength(1);
});

test("Settings: a flow's retention is shown and editable", async ({ page, mnemo }) => {
  await remember(mnemo, 'x', 'user', 'hello');
  await page.goto(mnemo.webUrl);
  await page.getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByTestId('retention-default')).toHaveText('Kept');
  await page.getByRole('button', { name: 'Edit Default' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Move conversations with no activity to the trash').check();
  await dialog.getByLabel('Days without a new message').fill('45');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('retention-default')).toHaveText('Trash after 45 idle days');
  const flows = await apiGet<FlowList>(mnemo, '/api/v1/flows');
  expect(flows.items.find((f) => f.id === 'default')?.retentionDays).toBe(45);
  await page.screenshot({ path: 'test-results/screenshots/settings-retention.png' });

  await page.getByRole('button', { name: 'Edit Default' }).click();
  await page.getByRole('dialog').getByLabel('Move conversations with no activity to the trash').uncheck();
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('retention-default')).toHaveText('Kept');
});
