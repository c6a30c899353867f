import { defineConfig } from 'vitest/config';

// Three projects so a developer can run one layer (`npm run test:unit`); `npm test` runs all.
// Integration and e2e tests start real servers: they get longer timeouts, and e2e files run
// one at a time (each starts Chromium). Every project's output is captured for the secret scan.
const shared = { setupFiles: ['test/support/capture-stdio.ts'] };

export default defineConfig({
  test: {
    globalSetup: ['test/support/secret-scan.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          ...shared,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          ...shared,
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
