#!/usr/bin/env node
/**
 * `npm test`: every stage runs even when an earlier one failed (a lint error must not
 * hide a failing browser test), then one line per stage says how it went, and the exit
 * code is non-zero if any failed. The e2e stage needs the build: it is skipped, and
 * counted as failed, when the build failed.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const STAGES = [
  ['lint + format (Biome)', 'lint'],
  ['typecheck', 'typecheck'],
  ['build', 'build'],
  ['unit + API (vitest)', 'test:unit'],
  ['end-to-end (Playwright)', 'test:e2e'],
];

/**
 * The browser the e2e tests drive, as test/helpers/chromium.ts picks it: PLAYWRIGHT_CHROMIUM_PATH,
 * Debian's chromium, else Playwright's own, which is downloaded here when missing (a machine
 * with internet). Answers why there is none, or undefined.
 */
function missingBrowser() {
  if (process.env.PLAYWRIGHT_CHROMIUM_PATH || fs.existsSync('/usr/bin/chromium')) return undefined;
  const own = () => fs.existsSync(require('@playwright/test').chromium.executablePath());
  if (own()) return undefined;
  console.log("\n== no Chromium found: fetching Playwright's own (npx playwright install chromium)");
  spawnSync('npx', ['playwright', 'install', 'chromium'], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (own()) return undefined;
  return "not run: no Chromium. Run `npx playwright install chromium`, or install your system's chromium and set PLAYWRIGHT_CHROMIUM_PATH";
}

const results = [];
for (const [name, script] of STAGES) {
  if (script === 'test:e2e' && results.find((r) => r.script === 'build')?.status !== 0) {
    results.push({ name, script, status: 1, seconds: 0, note: 'not run: the build failed' });
    continue;
  }
  const noBrowser = script === 'test:e2e' ? missingBrowser() : undefined;
  if (noBrowser) {
    results.push({ name, script, status: 1, seconds: 0, note: noBrowser });
    continue;
  }
  console.log(`\n== ${name}: npm run ${script}`);
  const started = Date.now();
  const run = spawnSync('npm', ['run', '-s', script], {
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  const status = run.status ?? 1;
  results.push({ name, script, status, seconds: (Date.now() - started) / 1000, note: '' });
}

console.log('\n== npm test, stage by stage');
for (const r of results) {
  const verdict = r.status === 0 ? 'ok    ' : 'FAILED';
  console.log(`${verdict} ${r.name} (${r.seconds.toFixed(0)} s)${r.note ? `: ${r.note}` : ''}`);
}
const failed = results.filter((r) => r.status !== 0).length;
console.log(`stages: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
