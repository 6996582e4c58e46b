import { seedDataDir } from '../helpers/seed';
import { expect, test } from './serve-fixture';
import { sessionList } from './ui';

const SESSIONS = 100_000;

test('100,000 conversations: first rows quickly, then scrolling to the very end', async ({
  page,
  startMnemo,
}) => {
  test.setTimeout(300_000);
  const mnemo = await startMnemo(async (dir) => {
    const seeded = await seedDataDir(dir, {
      sessions: SESSIONS,
      messages: 2 * SESSIONS,
      flows: 3,
      days: 365,
    });
    console.log(
      `seeded ${seeded.conversations.toLocaleString()} conversations (${seeded.messages.toLocaleString()} messages) in ${Math.round(seeded.ms)} ms`,
    );
  });
  await page.setViewportSize({ width: 1440, height: 900 });

  await page.goto(mnemo.webUrl);
  const list = sessionList(page);
  await expect(list.getByRole('option').first()).toBeVisible();
  // Milliseconds since the navigation started, measured by the page's own clock.
  const firstRows = await page.evaluate(() => performance.now());
  console.log(
    `first rows visible ${Math.round(firstRows)} ms after navigation start (${SESSIONS.toLocaleString()} sessions)`,
  );
  await expect(page.getByTestId('match-count')).toHaveText(`${SESSIONS.toLocaleString()} conversations`);
  await expect(
    page.getByRole('button', { name: `All flows, ${SESSIONS.toLocaleString()} conversations` }),
  ).toBeVisible();

  // End: the list jumps to the last row and loads the pages up to it by cursor.
  await list.focus();
  const started = Date.now();
  await page.keyboard.press('End');
  const last = list.locator(`[role="option"][aria-posinset="${SESSIONS}"]`);
  await expect(last).toBeVisible({ timeout: 240_000 });
  console.log(
    `scrolled to row ${SESSIONS.toLocaleString()}: every page loaded in ${Date.now() - started} ms`,
  );
  await expect(list).toHaveAttribute('aria-activedescendant', `session-row-${SESSIONS - 1}`);
  const requests = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/v1/sessions?'))
      .map((e) => e.duration)
      .sort((a, b) => a - b),
  );
  console.log(
    `${requests.length} list pages fetched; request time median ${Math.round(requests[Math.floor(requests.length / 2)] ?? 0)} ms, p95 ${Math.round(requests[Math.floor(requests.length * 0.95)] ?? 0)} ms`,
  );

  // Smoothness: wheel back up through loaded rows and time the frames.
  const frames = await page.evaluate(async () => {
    // Runs in the page (this tsconfig has no DOM types).
    const { document, requestAnimationFrame } = globalThis as unknown as {
      document: { querySelector(selector: string): { scrollTop: number } };
      requestAnimationFrame(callback: (now: number) => void): number;
    };
    const el = document.querySelector('[role="listbox"]');
    const gaps: number[] = [];
    let previous = performance.now();
    let running = true;
    const tick = (now: number) => {
      gaps.push(now - previous);
      previous = now;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    for (let i = 0; i < 120; i++) {
      el.scrollTop -= 600;
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
    running = false;
    gaps.sort((a, b) => a - b);
    return {
      count: gaps.length,
      p50: gaps[Math.floor(gaps.length * 0.5)] ?? 0,
      p95: gaps[Math.floor(gaps.length * 0.95)] ?? 0,
      max: gaps.at(-1) ?? 0,
    };
  });
  console.log(
    `scrolling 120 steps of 600 px: ${frames.count} frames, frame time p50 ${frames.p50.toFixed(1)} ms, p95 ${frames.p95.toFixed(1)} ms, max ${frames.max.toFixed(1)} ms`,
  );
  await expect(list.getByRole('option').first()).toBeVisible();
});
