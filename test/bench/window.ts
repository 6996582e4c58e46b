/**
 * SPEC 9's window figures: how long after navigation the first rows of the session list
 * are visible, in Chromium driven by Playwright against the served web UI; and how big the
 * renderer's first script is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { sessionList } from '../e2e/ui';
import { CHROMIUM_ARGS, chromiumPath } from '../helpers/chromium';

/** Per load: when the first row's text was painted, and when the test driver saw it. */
export interface FirstRowsTime {
  /** The browser's own record (Element Timing: the row title's `elementtiming`), ms since navigation start. */
  painted: number;
  /** The page's clock once Playwright's visibility polling noticed the row: later by its polling interval. */
  noticed: number;
}

/**
 * Loads the page `runs` times (each in a fresh context: no cache, no stored state) and
 * answers, per load, when the first row was painted and when Playwright noticed it.
 */
export async function firstRowsTimes(webUrl: string, runs: number): Promise<FirstRowsTime[]> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: CHROMIUM_ARGS,
  });
  try {
    const times: FirstRowsTime[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await page.goto(webUrl);
      await sessionList(page).getByRole('option').first().waitFor({ state: 'visible', timeout: 30_000 });
      const noticed = await page.evaluate(() => performance.now());
      const painted = await page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            // PerformanceElementTiming (this tsconfig has no DOM types).
            type ElementTiming = { identifier: string; renderTime: number };
            new PerformanceObserver((list) => {
              const rows = (list.getEntries() as unknown as ElementTiming[]).filter(
                (e) => e.identifier === 'session-row',
              );
              if (rows.length > 0) resolve(Math.min(...rows.map((e) => e.renderTime)));
            }).observe({ type: 'element', buffered: true });
          }),
      );
      times.push({ painted, noticed });
      await context.close();
    }
    return times;
  } finally {
    await browser.close();
  }
}

/**
 * The first script's size before issue 14 (commit baa05bb, built with `npx electron-vite
 * build`): what loads lazily may grow, the first script by at most 10%.
 */
export const FIRST_SCRIPT_BASELINE = { commit: 'baa05bb', bytes: 681_000 };

/**
 * The bytes of JavaScript the page needs before its first render: the module scripts the
 * built index.html loads (the entry, which sends the first requests, and the app after it),
 * the scripts it preloads (`modulepreload`, and `preload as=script`), and what those import
 * statically (`import … from "./x.js"`, `import "./x.js"`), not the chunks loaded with
 * import() later. `entryBytes`: the first module script (the entry) and its static imports alone.
 */
export function firstScriptBytes(rendererDir: string): {
  bytes: number;
  entryBytes: number;
  files: string[];
} {
  const html = fs.readFileSync(path.join(rendererDir, 'index.html'), 'utf8');
  const file = (href: string | undefined) => path.resolve(rendererDir, href ?? '');
  const modules = [...html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)].map((m) =>
    file(m[1]),
  );
  const preloaded = [
    ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g),
    ...html.matchAll(/<link\b[^>]*\brel="preload"[^>]*\bas="script"[^>]*\bhref="([^"]+)"/g),
  ].map((m) => file(m[1]));
  const size = (files: string[]) => files.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  const files = withStaticImports([...modules, ...preloaded]);
  return { bytes: size(files), entryBytes: size(withStaticImports(modules.slice(0, 1))), files };
}

/** These files and every file they import statically, each once. */
function withStaticImports(files: string[]): string[] {
  const seen = new Set<string>();
  const pending = [...files];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const code = fs.readFileSync(file, 'utf8');
    for (const m of code.matchAll(/\b(?:from|import)\s*["'](\.{1,2}\/[^"']+)["']/g)) {
      pending.push(path.resolve(path.dirname(file), m[1] ?? ''));
    }
  }
  return [...seen];
}
