/** Issue 16: search as you type (word starts), snippets that show their match, and from a result to the match. */
import type { Page } from '@playwright/test';
import { seedAt } from './data';
import { expect, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

const SHOTS = process.env.MNEMO_SHOTS_DIR;
const shot = (page: Page, name: string) =>
  page.screenshot({ path: SHOTS ? `${SHOTS}/${name}` : test.info().outputPath(name) });

const T0 = Date.UTC(2026, 0, 1);
const MINUTE = 60_000;

test('typing "asyn" shows the asyncio conversations, with no empty list on the way', async ({
  page,
  startMnemo,
}) => {
  const mnemo = await startMnemo((dir) =>
    seedAt(dir, [
      { sessionId: 'a', messages: [{ role: 'user', content: 'Why is my asyncio loop blocked?', at: T0 }] },
      {
        sessionId: 'b',
        messages: [{ role: 'user', content: 'asyncio.gather or TaskGroup?', at: T0 + MINUTE }],
      },
      { sessionId: 'c', messages: [{ role: 'user', content: 'A recipe for bread', at: T0 + 2 * MINUTE }] },
    ]),
  );
  await page.goto(mnemo.webUrl);
  await expect(sessionList(page).getByRole('option')).toHaveCount(3);
  // Any moment the list says nothing matches, while typing, is recorded.
  await page.evaluate(() => {
    const seen = { empty: false };
    (window as unknown as { seen: typeof seen }).seen = seen;
    new MutationObserver(() => {
      if (document.body.textContent?.includes('No conversation matches')) seen.empty = true;
    }).observe(document.body, { childList: true, subtree: true, characterData: true });
  });

  const box = page.getByRole('searchbox', { name: 'Search messages' });
  // Slower than the box's pause (300 ms), so every prefix is searched on the way.
  await box.pressSequentially('as', { delay: 350 });
  await expect(page.getByRole('tooltip')).toContainText('first 3 letters');
  await expect(sessionList(page).getByRole('option')).toHaveCount(3);
  await box.pressSequentially('yn', { delay: 350 });
  await expect
    .poll(() => rowTitles(page))
    .toEqual(['asyncio.gather or TaskGroup?', 'Why is my asyncio loop blocked?']);
  await expect(page.getByRole('tooltip')).toBeHidden();
  await expect(sessionList(page).getByRole('option').first().locator('mark')).toHaveText('asyncio');
  expect(await page.evaluate(() => (window as unknown as { seen: { empty: boolean } }).seen.empty)).toBe(
    false,
  );
  await shot(page, 'typing-asyn.png');
});

test("a list row's highlighted match is inside the row, after an ellipsis when text was cut", async ({
  page,
  startMnemo,
}) => {
  const before = Array.from({ length: 40 }, (_, i) => `filler${i}`).join(' ');
  const mnemo = await startMnemo((dir) =>
    seedAt(dir, [
      {
        sessionId: 'long',
        messages: [{ role: 'user', content: `${before} then the zeppelin landed ${before}`, at: T0 }],
      },
    ]),
  );
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(mnemo.webUrl);
  await page.getByRole('searchbox', { name: 'Search messages' }).fill('zeppelin');
  const row = sessionList(page).getByRole('option').first();
  const mark = row.locator('mark');
  await expect(mark).toHaveText('zeppelin');
  await expect(row.getByTestId('row-preview')).toHaveText(/^…/);
  const preview = await row.getByTestId('row-preview').boundingBox();
  const marked = await mark.boundingBox();
  expect(preview && marked).toBeTruthy();
  if (!preview || !marked) return;
  expect(marked.x).toBeGreaterThanOrEqual(preview.x);
  expect(marked.x + marked.width).toBeLessThanOrEqual(preview.x + preview.width);
  expect(marked.y).toBeGreaterThanOrEqual(preview.y);
  expect(marked.y + marked.height).toBeLessThanOrEqual(preview.y + preview.height + 1);
  await shot(page, 'row-highlight.png');
});

/** The match the conversation's find is at: its text, whether it is on screen, and its message. */
const currentMatch = (page: Page) =>
  page.evaluate(() => {
    // The registry is map-like (this config's DOM types lack its iterable half).
    const registry = CSS.highlights as unknown as Map<string, Set<Range>>;
    const highlight = registry.get('mnemo-find-current');
    const all = registry.get('mnemo-find');
    const range = highlight ? ([...highlight][0] as Range | undefined) : undefined;
    const pane = document.querySelector('[data-testid="message-pane"]')?.getBoundingClientRect();
    if (!range || !pane) return null;
    const rect = range.getBoundingClientRect();
    return {
      text: range.toString(),
      onScreen: rect.height > 0 && rect.top >= pane.top && rect.bottom <= pane.bottom,
      message: range.startContainer.parentElement?.closest('article')?.textContent ?? '',
      marked: all?.size ?? 0,
    };
  });

const LONG_COUNT = 800;
/** Oldest first: the messages that hold the word. */
const NEEDLES = [5, 400, 790];

const longConversation = (dir: string) =>
  seedAt(dir, [
    {
      sessionId: 'long',
      messages: Array.from({ length: LONG_COUNT }, (_, i) => ({
        role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
        content: NEEDLES.includes(i) ? `Message ${i}: found the Needle here` : `Message ${i}: nothing to see`,
        at: T0 + i * MINUTE,
      })),
    },
    { sessionId: 'other', messages: [{ role: 'user', content: 'Another conversation', at: T0 }] },
  ]);

test('opening a result scrolls to the newest match, highlights it, and next/previous go through every match', async ({
  page,
  startMnemo,
}) => {
  test.setTimeout(60_000);
  const mnemo = await startMnemo(longConversation);
  await page.goto(mnemo.webUrl);
  const box = page.getByRole('searchbox', { name: 'Search messages' });
  await box.fill('needl');
  await expect.poll(() => rowTitles(page)).toEqual(['Message 0: nothing to see']);
  await sessionList(page).getByRole('option').first().click();

  const find = page.getByTestId('conversation-find');
  const status = find.getByTestId('find-status');
  await expect(status).toHaveText('3 of 3');
  await expect.poll(() => currentMatch(page)).toMatchObject({ text: 'Needle', onScreen: true });
  expect((await currentMatch(page))?.message).toContain('Message 790:');
  await shot(page, 'find-newest.png');

  // Enter / Shift+Enter in the search box: previous is the older match, 400 pages back.
  await box.press('Shift+Enter');
  await expect(status).toHaveText('2 of 3');
  await expect.poll(async () => (await currentMatch(page))?.message ?? '').toContain('Message 400:');
  expect(await currentMatch(page)).toMatchObject({ text: 'Needle', onScreen: true });

  // The oldest match is in a page not loaded yet: the list loads until it is there.
  await find.getByRole('button', { name: 'Previous match' }).click();
  await expect(status).toHaveText('1 of 3');
  await expect
    .poll(async () => (await currentMatch(page))?.message ?? '', { timeout: 15_000 })
    .toContain('Message 5:');
  expect(await currentMatch(page)).toMatchObject({ text: 'Needle', onScreen: true });
  await shot(page, 'find-oldest.png');

  // Next goes down again; F3 too; past the last it wraps to the first.
  await find.getByRole('button', { name: 'Next match' }).click();
  await expect(status).toHaveText('2 of 3');
  await expect.poll(async () => (await currentMatch(page))?.message ?? '').toContain('Message 400:');
  await page.keyboard.press('F3');
  await expect(status).toHaveText('3 of 3');
  await box.press('Enter');
  await expect(status).toHaveText('1 of 3');
  await expect.poll(async () => (await currentMatch(page))?.message ?? '').toContain('Message 5:');
});

test('Ctrl+F in the conversation finds in it without a global search', async ({ page, startMnemo }) => {
  // Seeding 800 messages and starting the server come first, as in the test above.
  test.setTimeout(60_000);
  const mnemo = await startMnemo(longConversation);
  await page.goto(mnemo.webUrl);
  await sessionList(page)
    .getByRole('option', { name: /Message 0/ })
    .click();
  const pane = page.getByTestId('message-pane');
  await pane.focus();
  await expect(page.getByTestId('conversation-find')).toBeHidden();
  await page.keyboard.press('Control+f');
  const input = page.getByRole('searchbox', { name: 'Find in this conversation' });
  await expect(input).toBeFocused();
  await input.fill('needle');
  const status = page.getByTestId('find-status');
  await expect(status).toHaveText('3 of 3');
  await expect.poll(() => currentMatch(page)).toMatchObject({ text: 'Needle', onScreen: true });
  // Every match on screen is marked, not only the current one.
  expect((await currentMatch(page))?.marked).toBeGreaterThanOrEqual(1);
  await input.press('Shift+Enter');
  await expect(status).toHaveText('2 of 3');
  await expect.poll(async () => (await currentMatch(page))?.message ?? '').toContain('Message 400:');
  await shot(page, 'find-ctrl-f.png');
  await input.press('Escape');
  await expect(page.getByTestId('conversation-find')).toBeHidden();
  expect(
    await page.evaluate(() => (CSS.highlights as unknown as Map<string, unknown>).has('mnemo-find')),
  ).toBe(false);
});
