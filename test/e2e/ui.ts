import type { Page } from '@playwright/test';

/** The session list and what it shows, for the e2e tests. */
export const sessionList = (page: Page) => page.getByRole('listbox', { name: 'Conversations' });

/** The titles of the rendered rows, top to bottom. */
export async function rowTitles(page: Page): Promise<string[]> {
  return sessionList(page)
    .getByRole('option')
    .evaluateAll((rows) =>
      rows
        .map((row) => ({
          pos: Number(row.getAttribute('aria-posinset')),
          title: row.querySelector('[data-testid="row-title"]')?.textContent ?? '',
        }))
        .sort((a, b) => a.pos - b.pos)
        .map((r) => r.title),
    );
}

/** Opens the list header's "More list actions" menu and picks its "Delete N matching" item (`name`: its label's start). */
export async function chooseDeleteMatching(page: Page, name: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: 'More list actions' }).click();
  const item = page.getByRole('menuitem', {
    name: typeof name === 'string' ? new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`) : name,
  });
  await item.click();
}
