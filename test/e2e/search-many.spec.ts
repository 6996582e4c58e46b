import type { z } from 'zod';
import type { TrashList as TrashListSchema } from '../../src/shared/schemas/sessions';
import { generateConversations, SEED_WORDS, seedDataDir } from '../helpers/seed';
import { apiGet } from './data';
import { expect, test } from './serve-fixture';
import { chooseDeleteMatching, sessionList } from './ui';

type TrashList = z.infer<typeof TrashListSchema>;

const SEED = { seed: 3, sessions: 3_000, messages: 30_000, flows: 3, days: 90 };
// In about three messages of four: more than the list counts before showing a page (search-list.ts).
const WORD = SEED_WORDS[0] as string;

test('a word in most messages: the list says "at least", and "Delete matching" counts before it deletes', async ({
  page,
  startMnemo,
}) => {
  test.setTimeout(120_000);
  const end = Date.now();
  const mnemo = await startMnemo((dir) => seedDataDir(dir, { ...SEED, end }));
  const matching = [...generateConversations({ ...SEED, end })].filter((c) =>
    c.messages.some((m) =>
      m.content
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .includes(WORD),
    ),
  ).length;

  await page.goto(mnemo.webUrl);
  // A space after it: the word whole (the last word alone also matches as a start: the1, the2…).
  await page.getByRole('searchbox', { name: 'Search messages' }).fill(`${WORD} `);
  await expect(page.getByTestId('match-count')).toHaveText(/^At least \d+ conversations$/);
  await expect(sessionList(page).getByRole('option').first()).toContainText(WORD);
  await page.screenshot({ path: test.info().outputPath('list-at-least.png') });

  await chooseDeleteMatching(page, 'Delete matching');
  const dialog = page.getByRole('dialog', { name: 'Delete the matching conversations?' });
  await expect(dialog.getByTestId('bulk-delete-count')).toHaveText(
    `${matching.toLocaleString()} conversations`,
  );
  await page.screenshot({ path: test.info().outputPath('delete-counted.png') });
  await dialog.getByRole('button', { name: `Delete ${matching.toLocaleString()} conversations` }).click();
  await expect(dialog).toBeHidden({ timeout: 30_000 });
  await expect(page.getByText('No conversation matches')).toBeVisible();
  expect((await apiGet<TrashList>(mnemo, '/api/v1/trash')).total).toBe(matching);
});
