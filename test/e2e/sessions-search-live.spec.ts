import { remember } from './data';
import { expect, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

test('search finds the text of any message, highlights it, and survives a reload', async ({
  page,
  mnemo,
}) => {
  await remember(mnemo, 'trip', 'user', 'Plan a trip to Lisbon');
  await remember(mnemo, 'trip', 'assistant', 'Take the zeppelin over the river, then the tram.');
  await remember(mnemo, 'cooking', 'user', 'How long do I boil an egg?');
  await remember(mnemo, 'music', 'user', 'Recommend some jazz records');

  await page.goto(mnemo.webUrl);
  await expect(sessionList(page).getByRole('option')).toHaveCount(3);

  await page.getByRole('searchbox', { name: 'Search messages' }).fill('zeppelin');
  await expect.poll(() => rowTitles(page)).toEqual(['Plan a trip to Lisbon']);
  const mark = sessionList(page).getByRole('option').first().locator('mark');
  await expect(mark).toHaveText(/zeppelin/i);
  expect(page.url()).toContain('q=zeppelin');

  await page.reload();
  await expect(page.getByRole('searchbox', { name: 'Search messages' })).toHaveValue('zeppelin');
  await expect.poll(() => rowTitles(page)).toEqual(['Plan a trip to Lisbon']);

  // A word in no message: the empty state says so and offers to clear.
  await page.getByRole('searchbox', { name: 'Search messages' }).fill('xylophone');
  await expect(page.getByText('No conversation matches')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(sessionList(page).getByRole('option')).toHaveCount(3);
  await expect(page.getByRole('searchbox', { name: 'Search messages' })).toHaveValue('');
});

test('a message a script posts appears in the list and in the open conversation without a reload', async ({
  page,
  mnemo,
}) => {
  await remember(mnemo, 'first', 'user', 'The first conversation');
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  await expect.poll(() => rowTitles(page)).toEqual(['The first conversation']);

  await remember(mnemo, 'second', 'user', 'Written by a script just now');
  await expect
    .poll(() => rowTitles(page))
    .toEqual(['Written by a script just now', 'The first conversation']);
  await expect(page.getByRole('button', { name: /All flows, 2 conversations/ })).toBeVisible();

  await sessionList(page)
    .getByRole('option', { name: /The first conversation/ })
    .click();
  const conversation = page.getByRole('region', { name: /Conversation The first conversation/ });
  await expect(conversation.getByRole('article')).toHaveCount(1);
  await remember(mnemo, 'first', 'assistant', 'An answer that arrived **later**');
  await expect(conversation.getByRole('article')).toHaveCount(2);
  await expect(conversation.getByRole('article').nth(1).locator('strong')).toHaveText('later');
});
