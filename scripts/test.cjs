#!/usr/bin/env node
/**
 * `npm test`: every stage runs even when an earlier one failed (a lint error must not
 * hide a failing browser test), then one line per stage says how it went, and the exit
 * code is non-zero if any failed. The e2e stage needs the build: it is skipped, and
 * counted as failed, when the build failed.
 *
 * With MNEMO_TEST_POSTGRES=1, the API suite also runs on a throwaway
 * PostgreSQL cluster (`npm run test:pg`) on one vitest worker, from the build's end on,
 * beside the unit + API and e2e stages. (Started with the e2e stage, it ran alone at the
 * end for two minutes with a core half idle. At nice 10 on two workers it starved whenever
 * the browser tests were busy, and its longest tests ran out of time.)
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

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

/**
 * A command started beside the stages that run meanwhile, its output kept in a file until
 * they have printed their own; returns a function that awaits its result.
 */
function startSideStage(name, script, command, env = process.env) {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mnemo-test-side-')), 'output.txt');
  const out = fs.openSync(log, 'w');
  console.log(`\n== ${name}: ${command.join(' ')} (beside the other stages)`);
  const started = Date.now();
  const child = spawn(command[0], command.slice(1), { stdio: ['ignore', out, out], env });
  const status = new Promise((resolve) => {
    child.on('error', () => resolve(1));
    child.on('exit', (code) => resolve(code ?? 1));
  });
  return async () => {
    const code = await status;
    fs.closeSync(out);
    console.log(`\n== ${name}: its output`);
    process.stdout.write(fs.readFileSync(log));
    fs.rmSync(path.dirname(log), { recursive: true, force: true });
    return { name, script, status: code, seconds: (Date.now() - started) / 1000, note: '' };
  };
}

async function main() {
  const results = [];
  const sides = [];
  for (const [name, script] of STAGES) {
    if (script === 'test:unit' && process.env.MNEMO_TEST_POSTGRES === '1') {
      const command = ['npm', 'run', '-s', 'test:pg', '--', '--maxWorkers=1'];
      sides.push(startSideStage('API suite on PostgreSQL (vitest)', 'test:pg', command));
    }
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

  // With MNEMO_TEST_SOAK=1 (CI with MNEMO_CI_SOAK=1), the crash and load files of the soak
  // once the e2e stage is done, beside the API suite on PostgreSQL if it still runs.
  // Straight through vitest: `npm run test:soak` builds first, and rewriting out/ could
  // break a server the PostgreSQL stage is starting from it.
  const soakName = 'soak: crash/kill cycles, 30 s of load';
  const built = results.find((r) => r.script === 'build')?.status === 0;
  if (process.env.MNEMO_TEST_SOAK === '1' && !built) {
    results.push({
      name: soakName,
      script: 'test:soak',
      status: 1,
      seconds: 0,
      note: 'not run: the build failed',
    });
  } else if (process.env.MNEMO_TEST_SOAK === '1') {
    const env = { ...process.env, MNEMO_SOAK_PARALLEL: '1' };
    const command = ['npx', 'vitest', 'run', '--config', 'vitest.soak.config.mts'];
    command.push('test/reliability/crash.test.ts', 'test/reliability/load.test.ts');
    sides.push(startSideStage(soakName, 'test:soak', command, env));
  }
  for (const side of sides) results.push(await side());

  console.log('\n== npm test, stage by stage');
  for (const r of results) {
    const verdict = r.status === 0 ? 'ok    ' : 'FAILED';
    console.log(`${verdict} ${r.name} (${r.seconds.toFixed(0)} s)${r.note ? `: ${r.note}` : ''}`);
  }
  const failed = results.filter((r) => r.status !== 0).length;
  console.log(`stages: ${results.length - failed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

void main();
