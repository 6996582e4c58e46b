import type { z } from 'zod';
import type { TrashList as TrashListSchema } from '../../src/shared/schemas/sessions';
import { apiGet, seedAt } from './data';
import { expect, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

type TrashList = z.infer<typeof TrashListSchema>;

test('keyboard: / focuses search, arrows move, Enter opens, Delete deletes', async ({ page, startMnemo }) => {
  const now = Date.now();
  const mnemo = await startMnemo((dir) =>
    seedAt(
      dir,
      ['First', 'Second', 'Third'].map((title, i) => ({
        sessionId: title.toLowerCase(),
        messages: [{ role: 'user' as const, content: `${title} question`, at: now - i * 60_000 }],
      })),
    ),
  );
  await page.goto(mnemo.webUrl);
  await expect.poll(() => rowTitles(page)).toEqual(['First question', 'Second question', 'Third question']);

  await page.locator('body').press('/');
  const search = page.getByRole('searchbox', { name: 'Search messages' });
  await expect(search).toBeFocused();
  await page.keyboard.type('Third');
  await expect.poll(() => rowTitles(page)).toEqual(['Third question']);
  await page.keyboard.press('Escape');
  await expect(search).toHaveValue('');
  await expect.poll(() => rowTitles(page)).toHaveLength(3);

  // Into the list with Tab; the first row is the current one.
  const list = sessionList(page);
  await list.focus();
  await expect(list).toHaveAttribute('aria-activedescendant', 'session-row-0');
  await page.keyboard.press('ArrowDown');
  await expect(list).toHaveAttribute('aria-activedescendant', 'session-row-1');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Conversation Second question' })).toBeVisible();
  await expect(list.getByRole('option', { name: /Second question/ })).toHaveAttribute(
    'aria-selected',
    'true',
  );

  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Conversation First question' })).toBeVisible();

  await page.keyboard.press('End');
  await expect(list).toHaveAttribute('aria-activedescendant', 'session-row-2');
  await page.keyboard.press('Delete');
  await expect.poll(() => rowTitles(page)).toEqual(['First question', 'Second question']);
  await expect(page.getByRole('alert').filter({ hasText: 'Moved to the trash' })).toContainText(
    'Third question',
  );
  // Focus stayed in the list: the next Delete takes the row now current.
  await expect(list).toHaveAttribute('aria-activedescendant', 'session-row-1');
  expect((await apiGet<TrashList>(mnemo, '/api/v1/trash')).items[0]?.title).toBe('Third question');
});
