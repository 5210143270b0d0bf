import { defineConfig } from 'vitest/config';

/** One vitest project per test folder (STYLE.md); `npm test` runs them all. */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each file starts its own local stack; two cores run two at a time.
          fileParallelism: false,
          // Every log line of the run is kept and, at its end, searched for personal data.
          globalSetup: ['test/integration/logs/global.ts'],
          setupFiles: ['test/integration/logs/capture.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
