/// <reference lib="dom" />
import type { Page } from '@playwright/test';
import { type Conversation, seedAt } from './data';
import { expect, test } from './serve-fixture';
import { rowTitles, sessionList } from './ui';

const now = Date.now();
const DAY = 86_400_000;
const LONG_TITLE =
  'Planning the quarterly migration of the billing database to the new cluster without any downtime';

/** One long conversation with a long title, the newest, and 30 short ones: half from today, half from 10 days ago. */
const conversations: Conversation[] = [
  {
    flowId: 'research',
    sessionId: 'migration-plan-2026-with-a-rather-long-session-identifier',
    messages: Array.from({ length: 40 }, (_, i) => ({
      role: i % 2 ? ('assistant' as const) : ('user' as const),
      content: i === 0 ? LONG_TITLE : `Step ${i}: move the next table, check the row counts and go on.`,
      at: now - 39 * 60_000 + i * 60_000,
    })),
  },
  ...Array.from({ length: 30 }, (_, i) => ({
    flowId: i % 3 ? 'default' : 'research',
    sessionId: `short-${i}`,
    messages: [
      {
        role: 'user' as const,
        content: i < 15 ? `Fresh question ${i}` : `Old question ${i}`,
        at: i < 15 ? now - 1000 - i : now - 10 * DAY - i * 60_000,
      },
    ],
  })),
];

const SIZES = [
  { width: 800, height: 600 },
  { width: 1024, height: 640 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

const conversation = (page: Page) => page.getByRole('region', { name: /^Conversation / });

async function openLongConversation(page: Page) {
  await sessionList(page)
    .getByRole('option', { name: /Planning the quarterly migration/ })
    .click();
  await expect(conversation(page).getByRole('article').first()).toBeVisible();
}

/**
 * Visible controls (buttons, links, tabs, labels) whose text does not fit: the element, or a
 * block inside it that holds text (Mantine's label spans hide their overflow), is wider inside
 * than its box. Also the page itself when it scrolls sideways.
 */
function clippedText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const shown = (el: Element) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden';
    };
    const clipped: string[] = [];
    for (const control of Array.from(
      document.querySelectorAll('button, a, [role=button], [role=tab], label'),
    )) {
      if (!shown(control)) continue;
      for (const el of [control, ...Array.from(control.querySelectorAll('*'))]) {
        if (!(el instanceof HTMLElement) || !shown(el)) continue;
        if (el !== control && !el.textContent?.trim()) continue;
        if (getComputedStyle(el).display === 'inline') continue;
        if (el.scrollWidth > el.clientWidth + 1) {
          clipped.push(
            `${control.tagName} "${control.textContent?.trim() || control.getAttribute('aria-label')}"`,
          );
          break;
        }
      }
    }
    if (document.documentElement.scrollWidth > window.innerWidth)
      clipped.push(`the page: ${document.documentElement.scrollWidth} px wide in ${window.innerWidth}`);
    return clipped;
  });
}

for (const size of SIZES) {
  test(`at ${size.width}x${size.height} no control's text is clipped, in the list and with a conversation open`, async ({
    page,
    startMnemo,
  }) => {
    await page.setViewportSize(size);
    const mnemo = await startMnemo((dir) => seedAt(dir, conversations));
    await page.goto(mnemo.webUrl);
    await expect(page.getByTestId('match-count')).toHaveText('31 conversations');
    await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
    expect(await clippedText(page)).toEqual([]);

    await openLongConversation(page);
    expect(await clippedText(page)).toEqual([]);
  });
}

for (const size of [
  { width: 1024, height: 640 },
  { width: 1280, height: 800 },
]) {
  test(`at ${size.width}x${size.height} the open conversation's messages get at least 55% of the window's height`, async ({
    page,
    startMnemo,
  }) => {
    await page.setViewportSize(size);
    const mnemo = await startMnemo((dir) => seedAt(dir, conversations));
    await page.goto(mnemo.webUrl);
    await openLongConversation(page);
    const pane = page.getByTestId('message-pane');
    await expect(pane).toBeVisible();
    const box = await pane.boundingBox();
    expect(box?.height).toBeGreaterThanOrEqual(0.55 * size.height);
  });
}

test('below 1100 px one pane shows at a time: opening a conversation replaces the list, Back (in the window or the browser) returns; the sidebar is a drawer', async ({
  page,
  startMnemo,
}) => {
  await page.setViewportSize({ width: 1024, height: 640 });
  const mnemo = await startMnemo((dir) => seedAt(dir, conversations));
  await page.goto(mnemo.webUrl);
  await expect(page.getByTestId('match-count')).toHaveText('31 conversations');

  await openLongConversation(page);
  await expect(sessionList(page)).toBeHidden();
  expect(new URL(page.url()).searchParams.get('sid')).toBe(
    'migration-plan-2026-with-a-rather-long-session-identifier',
  );
  await conversation(page).getByRole('button', { name: 'Back to the list' }).click();
  await expect(conversation(page)).toBeHidden();
  await expect(sessionList(page)).toBeVisible();
  expect(new URL(page.url()).searchParams.get('sid')).toBeNull();

  await openLongConversation(page);
  await expect(sessionList(page)).toBeHidden();
  await page.goBack();
  await expect(conversation(page)).toBeHidden();
  await expect(sessionList(page)).toBeVisible();
  expect(new URL(page.url()).searchParams.get('sid')).toBeNull();
  // Forward opens it again.
  await page.goForward();
  await expect(conversation(page)).toBeVisible();
  await expect(sessionList(page)).toBeHidden();

  const sections = page.getByRole('navigation', { name: 'Sections' });
  await expect(sections).not.toBeInViewport();
  await page.getByRole('button', { name: 'Open navigation' }).click();
  await expect(sections).toBeInViewport();
  await sections.getByRole('button', { name: 'Trash' }).click();
  await expect(page.getByRole('heading', { name: 'The trash is empty' })).toBeVisible();
  await expect(sections).not.toBeInViewport();
});

test('Esc closes the open conversation, but first closes an open popover and leaves typed text alone', async ({
  page,
  startMnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const mnemo = await startMnemo((dir) => seedAt(dir, conversations));
  await page.goto(mnemo.webUrl);
  await openLongConversation(page);

  await conversation(page).getByRole('button', { name: 'Conversation details' }).click();
  const details = conversation(page).getByTestId('session-id');
  await expect(details).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(details).toBeHidden();
  await expect(conversation(page)).toBeVisible();

  const composer = conversation(page).getByRole('textbox', { name: 'Message to continue the conversation' });
  await composer.fill('half a thought');
  await composer.press('Escape');
  await expect(conversation(page)).toBeVisible();
  await expect(composer).toHaveValue('half a thought');

  await composer.fill('');
  await composer.press('Escape');
  await expect(conversation(page)).toBeHidden();
  await expect(page.getByRole('heading', { name: 'No conversation open' })).toBeVisible();
  expect(new URL(page.url()).searchParams.get('sid')).toBeNull();
});

test('wide: beside an open conversation the filters fold into one row above the list and still filter it', async ({
  page,
  startMnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const mnemo = await startMnemo((dir) => seedAt(dir, conversations));
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('button', { name: 'From date' })).toBeVisible();
  await openLongConversation(page);

  // Folded: no date fields in sight, one short row, and the conversation starts at the top of the main area.
  await expect(page.getByRole('button', { name: 'From date' })).toBeHidden();
  const row = page.getByTestId('compact-filters');
  expect((await row.boundingBox())?.height).toBeLessThan(48);
  const header = await page.getByRole('banner').boundingBox();
  const region = await conversation(page).boundingBox();
  const headerBottom = (header?.y ?? 0) + (header?.height ?? 0);
  expect((region?.y ?? 0) - headerBottom).toBeLessThan(24);
  expect(region?.height).toBeGreaterThan(0.9 * (800 - headerBottom));

  await row.getByRole('button', { name: 'Filters' }).click();
  await page.getByRole('radiogroup', { name: 'Date range' }).getByText('Today', { exact: true }).click();
  await expect(page.getByTestId('match-count')).toHaveText('16 conversations');
  await expect
    .poll(async () => (await rowTitles(page)).some((t) => t.startsWith('Old question')))
    .toBe(false);
  await page.keyboard.press('Escape');
  await expect(page.getByRole('radiogroup', { name: 'Date range' })).toBeHidden();
  await expect(conversation(page)).toBeVisible();

  await row.getByRole('button', { name: 'Remove filter Today' }).click();
  await expect(page.getByTestId('match-count')).toHaveText('31 conversations');
  await expect(row.getByRole('button', { name: 'Filters' })).toHaveAccessibleName('Filters');
});
