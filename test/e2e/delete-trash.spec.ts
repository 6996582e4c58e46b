import type { z } from 'zod';
import type { SessionList, TrashList as TrashListSchema } from '../../src/shared/schemas/sessions';
import { apiGet, remember } from './data';
import { expect, test } from './serve-fixture';
import { chooseDeleteMatching, rowTitles, sessionList } from './ui';

type TrashList = z.infer<typeof TrashListSchema>;

test('delete one conversation with the button, then Undo brings it back', async ({ page, mnemo }) => {
  await remember(mnemo, 'keep', 'user', 'Keep me');
  await remember(mnemo, 'drop', 'user', 'Delete me');
  await page.goto(mnemo.webUrl);
  await sessionList(page)
    .getByRole('option', { name: /Delete me/ })
    .click();
  await page.getByRole('button', { name: 'Delete conversation' }).click();

  await expect.poll(() => rowTitles(page)).toEqual(['Keep me']);
  await expect(page.getByText('No conversation open')).toBeVisible();
  const toast = page.getByRole('alert').filter({ hasText: 'Moved to the trash' });
  await expect(toast).toContainText('Delete me');
  const live = await apiGet<SessionList>(mnemo, '/api/v1/sessions');
  expect(live.total).toBe(1);

  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(() => rowTitles(page)).toEqual(['Delete me', 'Keep me']);
  const trash = await apiGet<TrashList>(mnemo, '/api/v1/trash');
  expect(trash.total).toBe(0);
  // It was open when deleted, so Undo opens it again.
  await expect(page.getByRole('heading', { name: 'Delete me', level: 2 })).toBeVisible();
  expect(new URL(page.url()).searchParams.get('sid')).toBe('drop');
});

test('Undo of a delete from the list (nothing open) leaves the list as it was, nothing opened', async ({
  page,
  mnemo,
}) => {
  await remember(mnemo, 'keep', 'user', 'Keep me');
  await remember(mnemo, 'drop', 'user', 'Delete me');
  await page.goto(mnemo.webUrl);
  await sessionList(page)
    .getByRole('option', { name: /Delete me/ })
    .focus();
  await page.keyboard.press('Delete');
  await expect.poll(() => rowTitles(page)).toEqual(['Keep me']);
  await page
    .getByRole('alert')
    .filter({ hasText: 'Moved to the trash' })
    .getByRole('button', { name: 'Undo' })
    .click();
  await expect.poll(() => rowTitles(page)).toEqual(['Delete me', 'Keep me']);
  await expect(page.getByText('No conversation open')).toBeVisible();
  expect(new URL(page.url()).searchParams.get('sid')).toBeNull();
});

test('"Delete N matching" is in the list menu, says which filter, and its Undo gives back exactly that set', async ({
  page,
  mnemo,
}) => {
  for (let i = 1; i <= 5; i++) await remember(mnemo, `red-${i}`, 'user', `red note ${i}`, 'red');
  for (let i = 1; i <= 3; i++) await remember(mnemo, `blue-${i}`, 'user', `blue note ${i}`, 'blue');
  // Already in the trash before: Undo must leave it there.
  await mnemo.api('/api/v1/sessions/blue/blue-3', { method: 'DELETE' });
  const keys = async () =>
    (await apiGet<SessionList>(mnemo, '/api/v1/sessions?limit=500')).items
      .map((s) => `${s.flowId}/${s.sessionId}`)
      .sort();
  const before = await keys();
  expect(before).toHaveLength(7);

  await page.goto(mnemo.webUrl);
  await page.getByRole('button', { name: /^Flow red/ }).click();
  await expect(page.getByTestId('match-count')).toHaveText('5 conversations');
  await page.getByRole('searchbox', { name: 'Search messages' }).fill('note');
  await expect(page.getByTestId('match-count')).toHaveText('5 conversations');
  // No red button any more: the action lives in the menu, with the filter in words.
  await expect(page.getByRole('button', { name: /Delete \d+ matching/ })).toHaveCount(0);
  await page.getByRole('button', { name: 'More list actions' }).click();
  const item = page.getByRole('menuitem', { name: /^Delete 5 matching/ });
  await expect(item.getByTestId('delete-matching-scope')).toHaveText(
    'Conversations in the flow “red”, containing “note”',
  );
  await item.click();
  const dialog = page.getByRole('dialog', { name: 'Delete 5 conversations?' });
  await expect(dialog.getByTestId('bulk-delete-count')).toHaveText('5 conversations');
  await dialog.getByRole('button', { name: 'Delete 5 conversations' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('No conversation matches')).toBeVisible();
  expect(await keys()).toEqual(['blue/blue-1', 'blue/blue-2']);
  expect((await apiGet<TrashList>(mnemo, '/api/v1/trash')).total).toBe(6);

  const toast = page.getByRole('alert').filter({ hasText: 'Moved to the trash' });
  await expect(toast).toContainText('5 conversations moved to the trash.');
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Restored 5 conversations' })).toBeVisible();
  await expect(page.getByTestId('match-count')).toHaveText('5 conversations');
  expect(await keys()).toEqual(before);
  const trash = await apiGet<TrashList>(mnemo, '/api/v1/trash');
  expect(trash.items.map((t) => t.sessionId)).toEqual(['blue-3']);
});

test('with no filter the menu says so: the delete means every conversation', async ({ page, mnemo }) => {
  for (let i = 1; i <= 3; i++) await remember(mnemo, `c-${i}`, 'user', `conversation ${i}`);
  await page.goto(mnemo.webUrl);
  await expect(page.getByTestId('match-count')).toHaveText('3 conversations');
  await page.getByRole('button', { name: 'More list actions' }).click();
  await expect(page.getByRole('menu')).toContainText('No filter set');
  await expect(
    page.getByRole('menuitem', { name: /^Delete 3 matching/ }).getByTestId('delete-matching-scope'),
  ).toHaveText('No filter: every conversation');
});

test('"Delete N matching" states N, deletes exactly those, and refuses when the list changed', async ({
  page,
  mnemo,
}) => {
  for (let i = 1; i <= 3; i++) await remember(mnemo, `alpha-${i}`, 'user', `alpha report ${i}`);
  await remember(mnemo, 'beta', 'user', 'beta notes');
  await page.goto(mnemo.webUrl);
  await expect(page.getByTestId('match-count')).toHaveText('4 conversations');

  await page.getByRole('searchbox', { name: 'Search messages' }).fill('alpha');
  await expect(page.getByTestId('match-count')).toHaveText('3 conversations');
  await chooseDeleteMatching(page, 'Delete 3 matching');
  const dialog = page.getByRole('dialog', { name: 'Delete 3 conversations?' });
  await expect(dialog.getByTestId('bulk-delete-count')).toHaveText('3 conversations');
  await expect(dialog).toContainText('containing “alpha”');

  // A script adds a fourth match while the dialog is open: nothing is deleted.
  await remember(mnemo, 'alpha-4', 'user', 'alpha report 4');
  await dialog.getByRole('button', { name: 'Delete 3 conversations' }).click();
  await expect(dialog.getByRole('alert')).toContainText('nothing was deleted');
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  expect((await apiGet<SessionList>(mnemo, '/api/v1/sessions')).total).toBe(5);

  await expect(page.getByTestId('match-count')).toHaveText('4 conversations');
  await chooseDeleteMatching(page, 'Delete 4 matching');
  await page.getByRole('dialog').getByRole('button', { name: 'Delete 4 conversations' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByText('No conversation matches')).toBeVisible();
  const left = await apiGet<SessionList>(mnemo, '/api/v1/sessions');
  expect(left.items.map((s) => s.title)).toEqual(['beta notes']);
  expect((await apiGet<TrashList>(mnemo, '/api/v1/trash')).total).toBe(4);
});

test('the Trash restores one conversation, purges another and empties the rest', async ({ page, mnemo }) => {
  for (const name of ['one', 'two', 'three']) {
    await remember(mnemo, name, 'user', `Conversation ${name}`);
    await mnemo.api(`/api/v1/sessions/default/${name}`, { method: 'DELETE' });
  }
  await page.goto(mnemo.webUrl);
  await expect(page.getByText('No conversations yet')).toBeVisible();
  await page.getByRole('button', { name: 'Trash' }).click();
  await expect(page.getByTestId('trash-count')).toHaveText('3 conversations in the trash');

  await page.getByRole('button', { name: 'Restore Conversation two' }).click();
  await expect(page.getByTestId('trash-count')).toHaveText('2 conversations in the trash');

  await page.getByRole('button', { name: 'Delete Conversation one for good' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete for good' }).click();
  await expect(page.getByTestId('trash-count')).toHaveText('1 conversation in the trash');

  await page.getByRole('button', { name: 'Empty trash' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Empty trash' }).click();
  await expect(page.getByRole('heading', { name: 'The trash is empty' })).toBeVisible();

  await page.getByRole('button', { name: /^All flows/ }).click();
  await expect.poll(() => rowTitles(page)).toEqual(['Conversation two']);
  expect((await apiGet<TrashList>(mnemo, '/api/v1/trash')).total).toBe(0);
});
