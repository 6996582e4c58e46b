/**
 * SPEC 9's window figure: how long after navigation the first rows of the session list
 * are visible, in Chromium driven by Playwright against the served web UI.
 */
import { chromium } from '@playwright/test';
import { sessionList } from '../e2e/ui';
import { CHROMIUM_ARGS, chromiumPath } from '../helpers/chromium';

/**
 * Loads the page `runs` times (each in a fresh context: no cache, no stored state) and
 * answers, per load, the page's own clock (ms since navigation start) when the first
 * row became visible.
 */
export async function firstRowsTimes(webUrl: string, runs: number): Promise<number[]> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
  });
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(webUrl);
      await sessionList(page).getByRole('option').first().waitFor({ state: 'visible', timeout: 30_000 });
      times.push(await page.evaluate(() => performance.now()));
      await context.close();
    }
    return times;
  } finally {
    await browser.close();
  }
}
