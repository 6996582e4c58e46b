import { defineConfig } from 'vitest/config';

// `npm run test:soak`: the crash-safety and load tests against the built headless server.
// One file at a time, so the load figures are not skewed by the crash test's processes.
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
