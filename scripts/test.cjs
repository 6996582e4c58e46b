#!/usr/bin/env node
/**
 * `npm test`: every stage runs even when an earlier one failed (a lint error must not
 * hide a failing browser test), then one line per stage says how it went, and the exit
 * code is non-zero if any failed. The e2e stage needs the build: it is skipped, and
 * counted as failed, when the build failed.
 */
const { spawnSync } = require('node:child_process');

const STAGES = [
  ['lint + format (Biome)', 'lint'],
  ['typecheck', 'typecheck'],
  ['build', 'build'],
  ['unit + API (vitest)', 'test:unit'],
  ['end-to-end (Playwright)', 'test:e2e'],
];

const results = [];
for (const [name, script] of STAGES) {
  if (script === 'test:e2e' && results.find((r) => r.script === 'build')?.status !== 0) {
    results.push({ name, script, status: 1, seconds: 0, note: 'not run: the build failed' });
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
