import type { SessionDetail } from '../../src/shared/schemas/sessions';
import { startFakeOpenAi } from '../helpers/fake-openai';
import { apiGet, remember } from './data';
import { expect, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

test('a conversation shows roles, times and Markdown; copy its id and rename it', async ({
  page,
  context,
  mnemo,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const sessionId = 'conv/with spaces & ünïcode';
  await remember(mnemo, sessionId, 'system', 'You are terse.');
  await remember(
    mnemo,
    sessionId,
    'user',
    'Show me **bold**, a [link](https://example.com) and <b>raw html</b>',
  );
  await remember(mnemo, sessionId, 'assistant', '- item one\n- item two\n\n`code`');
  await page.goto(mnemo.webUrl);
  await sessionList(page).getByRole('option').first().click();

  const conversation = page.getByRole('region', { name: /^Conversation / });
  const messages = conversation.getByRole('article');
  await expect(messages).toHaveCount(3);
  await expect(messages.nth(0)).toHaveAccessibleName(/^System message, /);
  await expect(messages.nth(1)).toHaveAccessibleName(/^User message, /);
  await expect(messages.nth(2)).toHaveAccessibleName(/^Assistant message, /);
  await expect(messages.nth(1).locator('strong')).toHaveText('bold');
  await expect(messages.nth(1).getByRole('link', { name: 'link' })).toHaveAttribute(
    'href',
    'https://example.com',
  );
  // Raw HTML is shown as text, never rendered.
  await expect(messages.nth(1).locator('b')).toHaveCount(0);
  await expect(messages.nth(1)).toContainText('<b>raw html</b>');
  await expect(messages.nth(2).getByRole('listitem')).toHaveCount(2);
  await expect(messages.nth(2).locator('code')).toHaveText('code');

  await conversation.getByRole('button', { name: 'Conversation details' }).click();
  await expect(conversation.getByTestId('session-id')).toHaveText(sessionId);
  await conversation.getByRole('button', { name: 'Copy session ID' }).click();
  await expect(conversation.getByRole('button', { name: 'Session ID copied' })).toBeVisible();
  expect(await page.evaluate('navigator.clipboard.readText()')).toBe(sessionId);

  await conversation.getByRole('button', { name: 'Rename conversation' }).click();
  await conversation.getByRole('textbox', { name: 'New title' }).fill('Markdown showcase');
  await conversation.getByRole('button', { name: 'Save' }).click();
  await expect(conversation.getByRole('heading', { name: 'Markdown showcase' })).toBeVisible();
  await expect.poll(() => rowTitles(page)).toEqual(['Markdown showcase']);
  const stored = await apiGet<SessionDetail>(
    mnemo,
    `/api/v1/sessions/default/${encodeURIComponent(sessionId)}`,
  );
  expect(stored.title).toBe('Markdown showcase');
});

test('continue a conversation through the echo responder; the answer is stored as INTERNAL', async ({
  page,
  mnemo,
}) => {
  await remember(mnemo, 'chat', 'user', 'Hello there');
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  await sessionList(page).getByRole('option').first().click();
  const conversation = page.getByRole('region', { name: /^Conversation / });
  await conversation
    .getByRole('textbox', { name: 'Message to continue the conversation' })
    .fill('What did I say?');
  await conversation.getByRole('button', { name: 'Send' }).click();

  const messages = conversation.getByRole('article');
  await expect(messages).toHaveCount(3);
  await expect(messages.nth(2)).toContainText(
    'You said: "What did I say?" (1 earlier message in this session)',
  );
  await expect(messages.nth(2)).toContainText('from this window');
  await expect(
    conversation.getByRole('textbox', { name: 'Message to continue the conversation' }),
  ).toHaveValue('');
  const stored = await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/default/chat');
  expect(stored.messages.map((m) => `${m.role}:${m.chatType}`)).toEqual([
    'user:EXTERNAL',
    'user:INTERNAL',
    'assistant:INTERNAL',
  ]);
  await expect(sessionList(page).getByRole('option').first()).toContainText('3 messages');
});

test('the answer streams in as the responder produces it; an upstream error stores nothing', async ({
  page,
  mnemo,
}) => {
  const upstream = await startFakeOpenAi();
  try {
    const created = await mnemo.api('/api/v1/flows', {
      json: {
        id: 'slow',
        name: 'Slow model',
        responder: { kind: 'openai-compatible', baseUrl: upstream.baseUrl, model: 'fake', timeoutMs: 2000 },
      },
    });
    expect(created.status).toBe(200);
    await remember(mnemo, 'streamed', 'user', 'Tell me a story', 'slow');
    await page.goto(mnemo.webUrl);
    await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
    await sessionList(page).getByRole('option').first().click();
    const conversation = page.getByRole('region', { name: /^Conversation / });
    const composer = conversation.getByRole('textbox', { name: 'Message to continue the conversation' });

    // The upstream sends two pieces and then stalls: they show while the call is still open.
    upstream.behave({ kind: 'stall', pieces: ['Once upon', ' a time'] });
    await composer.fill('Go on');
    await conversation.getByRole('button', { name: 'Send' }).click();
    await expect(conversation.getByTestId('streaming-answer')).toContainText('Once upon a time');
    await expect(composer).toBeDisabled();
    // The responder's timeout ends the call; the window then shows what the server kept.
    await expect(composer).toBeEnabled({ timeout: 10_000 });
    await expect(conversation.getByTestId('streaming-answer')).toHaveCount(0);
    const kept = (await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/slow/streamed')).messages.length;
    await expect(conversation.getByRole('article')).toHaveCount(kept);

    // An upstream error: a clear message, the draft kept, nothing stored.
    upstream.behave({ kind: 'status', status: 500, message: 'model exploded' });
    await composer.fill('Again');
    await conversation.getByRole('button', { name: 'Send' }).click();
    await expect(conversation.getByRole('alert')).toBeVisible();
    await expect(composer).toHaveValue('Again');
    await expect(conversation.getByRole('article')).toHaveCount(kept);
    expect((await apiGet<SessionDetail>(mnemo, '/api/v1/sessions/slow/streamed')).messages).toHaveLength(
      kept,
    );

    upstream.behave({ kind: 'answer', pieces: ['The', ' end.'] });
    await conversation.getByRole('button', { name: 'Send' }).click();
    await expect(conversation.getByRole('article')).toHaveCount(kept + 2);
    await expect(conversation.getByRole('article').last()).toContainText('The end.');
    await expect(conversation.getByRole('alert')).toHaveCount(0);
  } finally {
    await upstream.close();
  }
});
