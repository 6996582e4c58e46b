import type { Page } from '@playwright/test';
import type { z } from 'zod';
import type { SessionList, TrashList as TrashListSchema } from '../../src/shared/schemas/sessions';
import { seedDataDir } from '../helpers/seed';
import { apiGet, remember } from './data';
import { expect, test } from './serve-fixture';

type TrashList = z.infer<typeof TrashListSchema>;

const trashTable = (page: Page) => page.getByRole('table', { name: 'Conversations in the trash' });
const trashTitles = (page: Page) =>
  trashTable(page)
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label') ?? ''));

test('Trash: a shift-click checks a range, "Restore selected" restores exactly those', async ({
  page,
  mnemo,
}) => {
  for (let i = 1; i <= 6; i++) {
    await remember(mnemo, `c${i}`, 'user', `Conversation ${i}`);
    await mnemo.api(`/api/v1/sessions/default/c${i}`, { method: 'DELETE' });
  }
  await page.goto(`${mnemo.url}/?view=trash${new URL(mnemo.webUrl).hash}`);
  await expect(page.getByTestId('trash-count')).toHaveText('6 conversations in the trash');
  const titles = await trashTitles(page);
  expect(titles).toEqual([6, 5, 4, 3, 2, 1].map((i) => `Conversation ${i}`));

  await page.getByRole('checkbox', { name: 'Select Conversation 5' }).click();
  await page.getByRole('checkbox', { name: 'Select Conversation 2' }).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('trash-selected')).toHaveText('4 selected');
  for (const i of [5, 4, 3, 2]) {
    await expect(page.getByRole('checkbox', { name: `Select Conversation ${i}` })).toBeChecked();
  }
  for (const i of [6, 1]) {
    await expect(page.getByRole('checkbox', { name: `Select Conversation ${i}` })).not.toBeChecked();
  }
  await expect(page.getByRole('checkbox', { name: 'Select all shown' })).toHaveAttribute(
    'data-indeterminate',
    'true',
  );
  // A shift-click on a checked row unchecks the range from the last click to it.
  await page.getByRole('checkbox', { name: 'Select Conversation 3' }).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('trash-selected')).toHaveText('2 selected');
  for (const i of [5, 4]) {
    await expect(page.getByRole('checkbox', { name: `Select Conversation ${i}` })).toBeChecked();
  }
  // Upwards from the last click (3) to an unchecked row: 6, 5, 4 and 3 checked.
  await page.getByRole('checkbox', { name: 'Select Conversation 6' }).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('trash-selected')).toHaveText('4 selected');

  await page.getByRole('button', { name: 'Restore selected' }).click();
  await expect(page.getByTestId('trash-count')).toHaveText('2 conversations in the trash');
  await expect.poll(() => trashTitles(page)).toEqual(['Conversation 2', 'Conversation 1']);
  const live = await apiGet<SessionList>(mnemo, '/api/v1/sessions');
  expect(live.items.map((s) => s.sessionId).sort()).toEqual(['c3', 'c4', 'c5', 'c6']);
  await expect(page.getByTestId('trash-selected')).toHaveCount(0);
});

test('Trash: filter by flow, then "Restore all" restores only that flow', async ({ page, mnemo }) => {
  for (const flow of ['alpha', 'beta']) {
    for (let i = 1; i <= 3; i++) await remember(mnemo, `${flow}-${i}`, 'user', `${flow} talk ${i}`, flow);
  }
  const bulk = await mnemo.api('/api/v1/sessions/delete', { json: { filter: {}, expectedCount: 6 } });
  expect(bulk.status).toBe(200);
  await page.goto(`${mnemo.url}/?view=trash${new URL(mnemo.webUrl).hash}`);
  await expect(page.getByTestId('trash-count')).toHaveText('6 conversations in the trash');

  await page.getByRole('combobox', { name: 'Show the trash of' }).click();
  await page.getByRole('option', { name: 'beta' }).click();
  await expect(page.getByTestId('trash-count')).toHaveText('3 conversations in the trash of “beta”');
  expect((await trashTitles(page)).sort()).toEqual(['beta talk 1', 'beta talk 2', 'beta talk 3']);

  await page.getByRole('button', { name: 'Restore all' }).click();
  await expect(page.getByRole('heading', { name: 'Nothing of “beta” in the trash' })).toBeVisible();
  const live = await apiGet<SessionList>(mnemo, '/api/v1/sessions');
  expect(live.items.map((s) => s.sessionId).sort()).toEqual(['beta-1', 'beta-2', 'beta-3']);
  expect((await apiGet<TrashList>(mnemo, '/api/v1/trash')).total).toBe(3);

  await page.getByRole('combobox', { name: 'Show the trash of' }).click();
  await page.getByRole('option', { name: 'All flows' }).click();
  await expect(page.getByTestId('trash-count')).toHaveText('3 conversations in the trash');
});

test('Trash: "Restore all" empties a trash of 2,000, showing progress as it goes', async ({
  page,
  startMnemo,
}) => {
  test.setTimeout(120_000);
  const mnemo = await startMnemo((dir) => seedDataDir(dir, { sessions: 2000, messages: 2000, flows: 2 }));
  const bulk = await mnemo.api('/api/v1/sessions/delete', { json: { filter: {}, expectedCount: 2000 } });
  expect(bulk.status).toBe(200);
  await page.goto(`${mnemo.url}/?view=trash${new URL(mnemo.webUrl).hash}`);
  await expect(page.getByTestId('trash-count')).toHaveText('2,000 conversations in the trash');

  // Every progress text the page shows, recorded as it changes.
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="restore-progress"]')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Restore all' }).click();
  await expect(page.getByRole('heading', { name: 'The trash is empty' })).toBeVisible({ timeout: 60_000 });

  expect((await apiGet<TrashList>(mnemo, '/api/v1/trash')).total).toBe(0);
  expect((await apiGet<SessionList>(mnemo, '/api/v1/sessions')).total).toBe(2000);
  const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
  // In steps of 250: each step's progress was on screen.
  expect(seen).toContain('Restored 250 of 2,000 conversations…');
  expect(seen).toContain('Restored 1,750 of 2,000 conversations…');
  await expect(page.getByTestId('restore-progress')).toHaveCount(0);
});
