import { defineConfig } from 'vitest/config';

// `npm run test:soak`: the crash-safety and load tests against the built headless server.
// One file at a time, so the load figures are not skewed by the crash test's processes;
// CI (MNEMO_SOAK_PARALLEL=1) runs two at once for its time: the tests assert no lost or
// duplicated write and no error, never a speed, so only the printed figures suffer.
const parallel = process.env.MNEMO_SOAK_PARALLEL === '1';
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    fileParallelism: parallel,
    maxWorkers: parallel ? 2 : 1,
  },
});
