import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/api/**/*.test.ts'],
    // With MNEMO_TEST_DATABASE_URL: one migrated PostgreSQL template per run (else nothing).
    globalSetup: ['test/helpers/pg-template.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // API tests each start a real server; two cores, so keep the pool small.
    maxWorkers: 2,
  },
});
