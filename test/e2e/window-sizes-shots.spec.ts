/**
 * Screenshots of the window at the sizes people use, for a person to look at after a
 * layout change (they assert only that each view is there). Off by default, to keep CI
 * short: MNEMO_SCREENSHOTS=1 npx playwright test window-sizes-shots writes them to
 * test-results/screenshots/sizes/.
 */
import type { Page } from '@playwright/test';
import { type Conversation, seedAt } from './data';
import { expect, test } from './serve-fixture';
import { sessionList } from './ui';

const MINUTE = 60_000;
const now = Date.now();
const SIZES = [
  [800, 600],
  [1024, 640],
  [1280, 800],
  [1920, 1080],
] as const;

const RICH = [
  'Here is the **comparison** you asked for:',
  '',
  '| Store | Reads p95 | Writes/s |',
  '| --- | ---: | ---: |',
  '| SQLite | 1.2 ms | 48,000 |',
  '| PostgreSQL | 2.9 ms | 31,000 |',
  '',
  '- [x] measure on one machine',
  '- [ ] repeat under load',
  '',
  '```ts',
  'export async function read(id: string): Promise<Row | undefined> {',
  '  return db.prepare("SELECT * FROM rows WHERE id = ?").get(id); // one statement',
  '}',
  '```',
  '',
  'Sources: https://sqlite.org/fts5.html and ~~the old wiki~~.',
].join('\n');

const conversations: Conversation[] = [
  {
    flowId: 'research',
    sessionId: 'store-comparison',
    messages: [
      { role: 'user', content: 'Compare the two stores for me, with code.', at: now - 5 * MINUTE },
      { role: 'assistant', content: RICH, at: now - 4 * MINUTE },
      { role: 'user', content: 'مرحبا، هل يمكنك تلخيص ذلك بالعربية؟', at: now - 3 * MINUTE },
    ],
  },
  {
    sessionId: 'long-chat',
    messages: Array.from({ length: 600 }, (_, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content:
        i % 2
          ? `Answer ${i + 1}: here is a paragraph long enough to wrap on a narrow window, so the reading width shows.`
          : `Question ${i + 1}: what about this one?`,
      at: now - 2 * 60 * MINUTE - (600 - i) * MINUTE,
    })),
  },
  ...Array.from({ length: 20 }, (_, i) => ({
    flowId: i % 3 ? 'default' : 'research',
    sessionId: `script-${i + 1}`,
    messages: [
      {
        role: 'user' as const,
        content: `Invoice ${i + 1}: when does it ship?`,
        at: now - (i + 3) * 90 * MINUTE,
      },
      {
        role: 'assistant' as const,
        content: `It ships on day ${i + 2}.`,
        at: now - (i + 3) * 90 * MINUTE + 5000,
      },
    ],
  })),
];

const shoot = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screenshots/sizes/${name}.png` });

test.skip(!process.env.MNEMO_SCREENSHOTS, 'screenshots for people to look at: set MNEMO_SCREENSHOTS=1');

for (const scheme of ['light', 'dark'] as const) {
  test(`window at four sizes (${scheme}): list, a long conversation, a rich one`, async ({
    page,
    startMnemo,
  }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const mnemo = await startMnemo((dir) => seedAt(dir, conversations));
    for (const [width, height] of SIZES) {
      const size = `${width}x${height}-${scheme}`;
      await page.setViewportSize({ width, height });
      await page.goto(mnemo.webUrl);
      await expect(sessionList(page).getByRole('option').first()).toBeVisible();
      await shoot(page, `list-${size}`);

      await sessionList(page)
        .getByRole('option', { name: /^Question 1:/ })
        .click();
      await expect(page.getByTestId('message-pane').getByText('Answer 600:', { exact: false })).toBeVisible();
      await shoot(page, `long-${size}`);

      await page.goto(mnemo.webUrl);
      await sessionList(page)
        .getByRole('option', { name: /^Compare the two stores/ })
        .click();
      await expect(page.getByTestId('message-pane').getByRole('table')).toBeVisible();
      await shoot(page, `rich-${size}`);
    }
  });
}
