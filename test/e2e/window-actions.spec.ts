/**
 * Issue 15, first half: starting a conversation, Stop, Regenerate, the composer's keys,
 * drafts and errors, and the flows' test result and model list, in the real built window.
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import type { SessionDetail } from '../../src/shared/schemas/sessions';
import { type FakeOpenAi, startFakeOpenAi } from '../helpers/fake-openai';
import { apiGet, remember } from './data';
import { expect, type ServedMnemo, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

const SHOTS = '/tmp/shots/win15a';
fs.mkdirSync(SHOTS, { recursive: true });

const conversationRegion = (page: Page) => page.getByRole('region', { name: /^Conversation / });
const composerOf = (page: Page) =>
  conversationRegion(page).getByRole('textbox', { name: 'Message to continue the conversation' });

async function modelFlow(mnemo: ServedMnemo, upstream: FakeOpenAi, id = 'model', name = 'Model flow') {
  const created = await mnemo.api('/api/v1/flows', {
    json: {
      id,
      name,
      responder: { kind: 'openai-compatible', baseUrl: upstream.baseUrl, model: 'fake', timeoutMs: 10_000 },
    },
  });
  expect(created.status).toBe(200);
}

async function openFirst(page: Page, mnemo: ServedMnemo) {
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  await sessionList(page).getByRole('option').first().click();
  await expect(composerOf(page)).toBeVisible();
}

test('New conversation: pick the flow, type the first message; it streams, shows in the list and in the Flowise read', async ({
  page,
  mnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const created = await mnemo.api('/api/v1/flows', { json: { id: 'notes', name: 'Notes' } });
  expect(created.status).toBe(200);
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No conversations yet' })).toBeVisible();

  // From the list header: the flow in view ("All flows" → default) is picked.
  await page.getByRole('main').getByRole('button', { name: 'New conversation' }).click();
  const dialog = page.getByRole('dialog', { name: 'New conversation' });
  await expect(dialog.getByRole('combobox', { name: 'Flow' })).toHaveValue('Default (default)');
  await dialog.getByRole('combobox', { name: 'Flow' }).click();
  await page.getByRole('option', { name: 'Notes (notes)' }).click();
  await dialog.getByRole('textbox', { name: 'First message' }).fill('Remember the milk');

  // A typed session id is checked as the API checks it.
  await dialog.getByRole('button', { name: 'Advanced' }).click();
  const idField = dialog.getByRole('textbox', { name: 'Session ID' });
  await idField.fill('bad\u0001id');
  await expect(dialog.getByText('Session ID must not contain control characters')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Start conversation' })).toBeDisabled();
  await idField.fill('');
  await page.screenshot({ path: `${SHOTS}/new-conversation-dialog.png` });
  await dialog.getByRole('button', { name: 'Start conversation' }).click();
  await expect(dialog).toBeHidden();

  const conversation = conversationRegion(page);
  const messages = conversation.getByRole('article');
  await expect(messages).toHaveCount(2);
  await expect(messages.nth(0)).toContainText('Remember the milk');
  await expect(messages.nth(1)).toContainText('You said: "Remember the milk" (0 earlier messages');
  await expect(conversation.getByRole('heading', { name: 'Remember the milk' })).toBeVisible();
  await expect.poll(() => rowTitles(page)).toEqual(['Remember the milk']);

  const url = new URL(page.url());
  expect(url.searchParams.get('sf')).toBe('notes');
  const sessionId = url.searchParams.get('sid') ?? '';
  expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const flowise = await apiGet<Array<{ role: string; content: string; sessionId: string; chatType: string }>>(
    mnemo,
    '/api/v1/chatmessage/notes',
  );
  expect(flowise.map((m) => [m.role, m.sessionId, m.chatType])).toEqual([
    ['userMessage', sessionId, 'INTERNAL'],
    ['apiMessage', sessionId, 'INTERNAL'],
  ]);
});

test('New conversation with Ctrl+N and a typed session id; an id that exists is refused, not continued', async ({
  page,
  mnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const created = await mnemo.api('/api/v1/flows', { json: { id: 'notes', name: 'Notes' } });
  expect(created.status).toBe(200);
  await remember(mnemo, 'first', 'user', 'Remember the milk', 'notes');
  await openFirst(page, mnemo);
  const dialog = page.getByRole('dialog', { name: 'New conversation' });

  // Ctrl+N, from the composer, with a typed id; the flow in view (the open one's) is picked.
  await composerOf(page).click();
  await page.keyboard.press('Control+n');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('combobox', { name: 'Flow' })).toHaveValue('Notes (notes)');
  await dialog.getByRole('textbox', { name: 'First message' }).fill('Second one');
  await dialog.getByRole('button', { name: 'Advanced' }).click();
  await dialog.getByRole('textbox', { name: 'Session ID' }).fill('my own id');
  await dialog.getByRole('textbox', { name: 'First message' }).press('Control+Enter');
  await expect(dialog).toBeHidden();
  await expect(conversationRegion(page).getByRole('heading', { name: 'Second one' })).toBeVisible();
  await expect.poll(() => rowTitles(page)).toEqual(['Second one', 'Remember the milk']);
  const typed = await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/notes/my%20own%20id');
  expect(typed.messages).toHaveLength(2);

  // The sidebar's button; an id that exists is refused rather than continued.
  await page.getByRole('navigation').getByRole('button', { name: 'New conversation' }).click();
  await dialog.getByRole('textbox', { name: 'First message' }).fill('Third');
  await dialog.getByRole('button', { name: 'Advanced' }).click();
  await dialog.getByRole('textbox', { name: 'Session ID' }).fill('my own id');
  await dialog.getByRole('button', { name: 'Start conversation' }).click();
  await expect(dialog.getByRole('alert')).toContainText('already exists');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
});

test('Stop while an answer streams: nothing is stored and the draft is back', async ({ page, mnemo }) => {
  const upstream = await startFakeOpenAi();
  try {
    await modelFlow(mnemo, upstream);
    await remember(mnemo, 'story', 'user', 'Tell me a story', 'model');
    await openFirst(page, mnemo);
    const conversation = conversationRegion(page);
    const before = (await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/model/story')).messages;

    upstream.behave({ kind: 'stall', pieces: ['Once upon', ' a time'] });
    const asked = upstream.requests.length;
    await composerOf(page).fill('Go on, please');
    await composerOf(page).press('Enter');
    await expect(conversation.getByTestId('streaming-answer')).toContainText('Once upon a time');
    await expect(composerOf(page)).toHaveValue('');
    await page.screenshot({ path: `${SHOTS}/composer-streaming-stop.png` });
    await conversation.getByRole('button', { name: 'Stop' }).click();

    await expect(composerOf(page)).toHaveValue('Go on, please');
    await expect(composerOf(page)).toBeEnabled();
    await expect(conversation.getByTestId('streaming-answer')).toHaveCount(0);
    await expect(conversation.getByRole('alert')).toHaveCount(0);
    await upstream.requests[asked]?.abandoned;
    const after = (await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/model/story')).messages;
    expect(after).toEqual(before);
    await expect(conversation.getByRole('article')).toHaveCount(before.length);
  } finally {
    await upstream.close();
  }
});

test('Regenerate replaces exactly one message: the last answer', async ({ page, mnemo }) => {
  const upstream = await startFakeOpenAi();
  try {
    await modelFlow(mnemo, upstream);
    await remember(mnemo, 'regen', 'user', 'First question', 'model');
    await remember(mnemo, 'regen', 'assistant', 'First answer', 'model');
    await remember(mnemo, 'regen', 'user', 'Second question', 'model');
    await remember(mnemo, 'regen', 'assistant', 'A poor answer', 'model');
    const before = (await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/model/regen')).messages;
    await openFirst(page, mnemo);
    const conversation = conversationRegion(page);
    const messages = conversation.getByRole('article');
    await expect(messages).toHaveCount(4);

    upstream.behave({ kind: 'answer', pieces: ['A much', ' better answer'] });
    await conversation.getByRole('button', { name: 'Regenerate the last answer' }).click();
    await expect(messages.last()).toContainText('A much better answer');
    await expect(messages).toHaveCount(4);
    await expect(conversation.getByText('A poor answer')).toHaveCount(0);

    const after = (await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/model/regen')).messages;
    expect(after).toHaveLength(4);
    expect(after.slice(0, 3)).toEqual(before.slice(0, 3));
    expect(after[3]?.content).toBe('A much better answer');
    expect(after[3]?.id).not.toBe(before[3]?.id);
    // The responder was shown the memory before the question, then the question.
    expect(upstream.requests.at(-1)?.body.messages.map((m) => m.content)).toEqual([
      'First question',
      'First answer',
      'Second question',
    ]);

    // A regenerate that fails leaves the answer it would have replaced.
    upstream.behave({ kind: 'status', status: 500, message: 'model exploded' });
    await conversation.getByRole('button', { name: 'Regenerate the last answer' }).click();
    await expect(conversation.getByRole('alert')).toContainText('The flow’s server failed to answer');
    await expect(messages.last()).toContainText('A much better answer');
    expect((await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/model/regen')).messages).toEqual(after);
  } finally {
    await upstream.close();
  }
});

test('Enter sends, Shift+Enter adds a line; a draft stays with its conversation', async ({ page, mnemo }) => {
  await remember(mnemo, 'a', 'user', 'Conversation A');
  await remember(mnemo, 'b', 'user', 'Conversation B');
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  await sessionList(page)
    .getByRole('option', { name: /Conversation A/ })
    .click();
  const conversation = conversationRegion(page);
  const composer = composerOf(page);

  await composer.click();
  await page.keyboard.type('line one');
  await page.keyboard.press('Shift+Enter');
  await page.keyboard.type('line two');
  await expect(composer).toHaveValue('line one\nline two');
  await page.keyboard.press('Enter');
  await expect(conversation.getByRole('article')).toHaveCount(3);
  await expect(conversation.getByRole('article').nth(1)).toContainText('line two');
  await expect(composer).toHaveValue('');

  // A draft in A survives opening B and coming back.
  await composer.fill('half a thought');
  await sessionList(page)
    .getByRole('option', { name: /Conversation B/ })
    .click();
  await expect(page.getByRole('region', { name: 'Conversation Conversation B' })).toBeVisible();
  await expect(composerOf(page)).toHaveValue('');
  await sessionList(page)
    .getByRole('option', { name: /Conversation A/ })
    .click();
  await expect(page.getByRole('region', { name: 'Conversation Conversation A' })).toBeVisible();
  await expect(composerOf(page)).toHaveValue('half a thought');
});

test('the setting swaps the keys: Ctrl+Enter sends, Enter adds a line', async ({ page, mnemo }) => {
  await remember(mnemo, 'a', 'user', 'Conversation A');
  await openFirst(page, mnemo);

  // Settings: Ctrl+Enter sends, Enter adds a line (kept across a reload).
  await page.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('radio', { name: 'Ctrl+Enter (⌘+Enter) sends; Enter adds a line' }).check();
  await page.reload();
  await expect(
    page.getByRole('radio', { name: 'Ctrl+Enter (⌘+Enter) sends; Enter adds a line' }),
  ).toBeChecked();
  await page.goBack();
  await expect(composerOf(page)).toBeVisible();
  await composerOf(page).click();
  await page.keyboard.type('first');
  await page.keyboard.press('Enter');
  await page.keyboard.type('second');
  await expect(composerOf(page)).toHaveValue('first\nsecond');
  await expect(conversationRegion(page).getByRole('article')).toHaveCount(1);
  await page.keyboard.press('Control+Enter');
  await expect(conversationRegion(page).getByRole('article')).toHaveCount(3);
  await expect(conversationRegion(page).getByRole('article').nth(1)).toContainText('second');
});

/** A conversation in a flow whose upstream is a fake OpenAI server, open, with a failed send on screen. */
async function failedSend(page: Page, mnemo: ServedMnemo, upstream: FakeOpenAi) {
  await modelFlow(mnemo, upstream, 'keyed', 'Keyed model');
  await remember(mnemo, 'err', 'user', 'Hello model', 'keyed');
  await openFirst(page, mnemo);
  upstream.behave({ kind: 'status', status: 401, message: 'Incorrect API key provided' });
  await composerOf(page).fill('Are you there?');
  await composerOf(page).press('Enter');
  const alert = conversationRegion(page).getByRole('alert');
  await expect(alert).toContainText('The provider refused the API key (401)');
  return alert;
}

test('a responder error says in words what failed, with the server’s message as detail', async ({
  page,
  mnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const upstream = await startFakeOpenAi();
  try {
    const alert = await failedSend(page, mnemo, upstream);
    await expect(alert).toContainText('Set a valid API key in the flow’s settings.');
    await expect(alert.getByTestId('error-detail')).toContainText('Incorrect API key provided');
    await expect(composerOf(page)).toHaveValue('Are you there?');
    await page.screenshot({ path: `${SHOTS}/composer-error-alert.png` });
  } finally {
    await upstream.close();
  }
});

test('Retry asks again: another kind of failure, then the answer; Open flow settings opens the flow', async ({
  page,
  mnemo,
}) => {
  const upstream = await startFakeOpenAi();
  try {
    const alert = await failedSend(page, mnemo, upstream);
    upstream.behave({ kind: 'status', status: 404, message: 'model "fake" not found' });
    await alert.getByRole('button', { name: 'Retry' }).click();
    await expect(alert).toContainText('The model was not found');

    upstream.behave({ kind: 'answer', pieces: ['Yes', ', here'] });
    await alert.getByRole('button', { name: 'Retry' }).click();
    const conversation = conversationRegion(page);
    await expect(conversation.getByRole('article').last()).toContainText('Yes, here');
    await expect(conversation.getByRole('alert')).toHaveCount(0);
    await expect(composerOf(page)).toHaveValue('');
    const stored = await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/keyed/err');
    expect(stored.messages.map((m) => m.content)).toEqual(['Hello model', 'Are you there?', 'Yes, here']);

    // "Open flow settings" opens the flow's form.
    upstream.behave({ kind: 'status', status: 401, message: 'Incorrect API key provided' });
    await composerOf(page).fill('Again?');
    await composerOf(page).press('Enter');
    await conversation.getByRole('alert').getByRole('button', { name: 'Open flow settings' }).click();
    await expect(page.getByRole('dialog', { name: 'Edit flow “Keyed model”' })).toBeVisible();
  } finally {
    await upstream.close();
  }
});

test('Flows: a short test result, no test for the echo, the models the server lists', async ({
  page,
  mnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const upstream = await startFakeOpenAi();
  try {
    upstream.listModels(['llama3.2', 'qwen2.5-coder', 'mistral']);
    await modelFlow(mnemo, upstream, 'local', 'Local server');
    await page.goto(mnemo.webUrl);
    await page.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
    const flows = page.getByRole('table', { name: 'Flows' });
    await expect(flows.getByRole('row', { name: /Default/ })).toContainText('built-in · offline');
    await expect(page.getByRole('button', { name: 'Test connection of Default' })).toHaveCount(0);

    upstream.behave({ kind: 'answer', pieces: ['OK. And here is a long reply nobody asked for.'] });
    await page.getByRole('button', { name: 'Test connection of Local server' }).click();
    const row = flows.getByRole('row', { name: /Local server/ });
    await expect(row.getByRole('status')).toHaveAccessibleName(/^Test of Local server: Connected · \d+ ms$/);
    await expect(row).not.toContainText('nobody asked');

    upstream.behave({ kind: 'status', status: 401, message: 'no key' });
    await page.getByRole('button', { name: 'Test connection of Local server' }).click();
    await expect(row.getByRole('status')).toHaveAccessibleName(
      /^Test of Local server: The provider refused the API key \(401\) · \d+ ms$/,
    );
    await expect(row.getByRole('status')).toContainText('Failed');
    await page.screenshot({ path: `${SHOTS}/flows-test-result.png` });

    upstream.behave({ kind: 'answer', pieces: ['OK'] });
    await page.getByRole('button', { name: 'Edit Local server' }).click();
    const form = page.getByRole('dialog', { name: 'Edit flow “Local server”' });
    const model = form.getByRole('combobox', { name: 'Model' });
    await expect(form.getByText('3 models listed by the server')).toBeVisible();
    await model.fill('');
    await model.click();
    await expect(page.getByRole('option', { name: 'qwen2.5-coder' })).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/flows-model-list.png` });
    await page.getByRole('option', { name: 'qwen2.5-coder' }).click();
    await expect(model).toHaveValue('qwen2.5-coder');
    // Any other name can still be typed.
    await model.fill('my-custom-model');
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form).toBeHidden();
    await expect(row).toContainText('my-custom-model');
  } finally {
    await upstream.close();
  }
});
