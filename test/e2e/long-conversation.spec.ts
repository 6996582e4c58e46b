import type { Locator, Page } from '@playwright/test';
import { remember, seedAt } from './data';
import { expect, test } from './serve-fixture';
import { sessionList } from './ui';

const MINUTE = 60_000;

/** One conversation of `count` messages "message 1" … "message N", a minute apart, ending an hour ago. */
const seedNumbered = (count: number) => (dataDir: string) => {
  const start = Date.now() - 60 * MINUTE - count * MINUTE;
  return seedAt(dataDir, [
    {
      sessionId: 'long',
      messages: Array.from({ length: count }, (_, i) => ({
        role: i % 2 ? ('assistant' as const) : ('user' as const),
        content: `message ${i + 1}`,
        at: start + i * MINUTE,
      })),
    },
  ]);
};

const messagePane = (page: Page) => page.getByTestId('message-pane');
const message = (page: Page, n: number) => messagePane(page).getByText(`message ${n}`, { exact: true });

async function openLong(page: Page) {
  await sessionList(page).getByRole('option').first().click();
  await expect(messagePane(page).getByRole('article').first()).toBeVisible();
}

/** The numbers of the messages in the DOM, top to bottom. */
function numbersInDom(pane: Locator): Promise<number[]> {
  return pane.getByRole('article').evaluateAll((articles) =>
    articles
      .map((a) => ({
        y: a.getBoundingClientRect().top,
        n: Number(/message (\d+)$/.exec(a.textContent ?? '')?.[1]),
      }))
      .sort((a, b) => a.y - b.y)
      .map((a) => a.n),
  );
}

/** The message at the top edge of the pane (the first one whose bottom is below the pane's top) and its y. */
function topOfPane(pane: Locator): Promise<{ n: number; y: number }> {
  return pane.evaluate((el) => {
    const top = el.getBoundingClientRect().top;
    const rows = Array.from(el.querySelectorAll('article'))
      .map((a) => ({ box: a.getBoundingClientRect(), text: a.textContent ?? '' }))
      .filter((r) => r.box.bottom > top + 1)
      .sort((a, b) => a.box.top - b.box.top);
    const first = rows[0];
    if (!first) throw new Error('no message in the pane');
    return { n: Number(/message (\d+)$/.exec(first.text)?.[1]), y: first.box.top };
  });
}

/** Two frames: whatever a change scheduled has been laid out and painted. */
const settle = (page: Page) =>
  page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

test('a 600-message conversation opens at its newest message with only a screenful of rows in the DOM', async ({
  page,
  startMnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const mnemo = await startMnemo(seedNumbered(600));
  await page.goto(mnemo.webUrl);
  await openLong(page);
  await expect(message(page, 600)).toBeInViewport();
  const pane = messagePane(page);
  const numbers = await numbersInDom(pane);
  expect(numbers.length).toBeLessThan(60);
  expect(numbers.at(-1)).toBe(600);
  await expect(pane).toHaveAccessibleName('Messages');
  await expect(pane).toHaveAttribute('tabindex', '0');
  await expect(page.getByRole('button', { name: /^Jump to newest/ })).toHaveCount(0);
});

test('scrolling to the top loads older pages until message 1 without moving the message being read; Jump to newest goes back', async ({
  page,
  startMnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const mnemo = await startMnemo(seedNumbered(600));
  // Older pages wait for the test's go-ahead, so what was on screen before one arrives can be read.
  let release: () => void = () => {};
  await page.route(
    (url) => url.pathname === '/api/v1/sessions/default/long' && url.searchParams.has('cursor'),
    async (route) => {
      await new Promise<void>((go) => {
        release = go;
      });
      await route.continue();
    },
  );
  await page.goto(mnemo.webUrl);
  await openLong(page);
  await expect(message(page, 600)).toBeInViewport();
  const pane = messagePane(page);
  const jump = page.getByRole('button', { name: /^Jump to newest/ });

  let pages = 0;
  for (;;) {
    await pane.evaluate((el) => {
      el.scrollTop = 0;
    });
    await settle(page);
    if (await message(page, 1).count()) break;
    expect(pages, 'older pages needed to reach message 1').toBeLessThan(5);
    await expect(page.getByRole('status', { name: 'Loading older messages' })).toBeVisible();
    await expect(jump).toBeVisible();
    await settle(page);
    const before = await topOfPane(pane);
    release();
    await expect.poll(async () => (await numbersInDom(pane))[0]).toBeLessThan(before.n);
    await settle(page);
    const after = await pane.getByText(`message ${before.n}`, { exact: true }).evaluate((p) => {
      return p.closest('article')?.getBoundingClientRect().top ?? Number.NaN;
    });
    expect(
      Math.abs(after - before.y),
      `message ${before.n} moved from y=${before.y} to y=${after}`,
    ).toBeLessThanOrEqual(2);
    pages += 1;
  }
  expect(pages).toBe(2); // 100 newest, then pages of 300
  await expect(message(page, 1)).toBeInViewport();
  await expect(page.getByRole('status', { name: 'Loading older messages' })).toHaveCount(0);

  await jump.click();
  await expect(message(page, 600)).toBeInViewport();
  await expect(jump).toHaveCount(0);
});

test('a message a script appends shows at the bottom when you are there, and does not move you when you read further up', async ({
  page,
  startMnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const mnemo = await startMnemo(seedNumbered(600));
  await page.goto(mnemo.webUrl);
  await expect(page.getByRole('status', { name: 'Live updates: Live' })).toBeVisible();
  await openLong(page);
  await expect(message(page, 600)).toBeInViewport();

  await remember(mnemo, 'long', 'user', 'message 601');
  await expect(message(page, 601)).toBeInViewport();

  // Read a few screens up.
  const pane = messagePane(page);
  await pane.evaluate((el) => {
    el.scrollTop -= 3 * el.clientHeight;
  });
  const jump = page.getByRole('button', { name: /^Jump to newest/ });
  await expect(jump).toBeVisible();
  await settle(page);
  const before = await topOfPane(pane);
  await remember(mnemo, 'long', 'assistant', 'message 602');
  await expect(jump).toHaveAccessibleName(/new messages/);
  await settle(page);
  expect(await topOfPane(pane)).toEqual(before);
  await expect(message(page, 602)).not.toBeInViewport();

  await jump.click();
  await expect(message(page, 602)).toBeInViewport();
  await expect(jump).toHaveCount(0);
});

test('a 5,000-message conversation opens at its newest message and scrolls with a screenful of rows', async ({
  page,
  startMnemo,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const mnemo = await startMnemo(seedNumbered(5000));
  await page.goto(mnemo.webUrl);
  await openLong(page);
  await expect(message(page, 5000)).toBeInViewport();
  const pane = messagePane(page);
  expect((await numbersInDom(pane)).length).toBeLessThan(60);

  // The wheel over the pane, past the first page: an older one arrives as the top comes near, and the DOM stays small.
  await pane.hover();
  await expect(async () => {
    await page.mouse.wheel(0, -3000);
    expect((await numbersInDom(pane))[0]).toBeLessThan(4900);
  }).toPass();
  expect((await numbersInDom(pane)).length).toBeLessThan(60);
});
