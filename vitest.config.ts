import { readdirSync } from 'node:fs';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';
import { pocketbaseBinary } from './test/support/backend-kind.js';

// Projects so a developer can run one layer (`npm run test:unit`); `npm test` runs all.
// Integration and e2e tests start real servers: they get longer timeouts, and e2e files run
// one at a time (each starts Chromium). Every project's output is captured for the secret scan.
//
// The suites that speak to a backend (SDK contract, auth, reliability, e2e) run twice: against
// the embedded backend and against the real PocketBase server (`PB_BACKEND=pocketbase`), which is
// the reference. Without the binary they are left out locally with a notice; under CI that fails.
const shared = { setupFiles: ['test/support/capture-stdio.ts'] };
const integration = { testTimeout: 30_000, hookTimeout: 60_000 };
const e2e = { testTimeout: 60_000, hookTimeout: 120_000, fileParallelism: false };
const sharedSuites = ['test/integration/sdk-contract/**/*.test.ts', 'test/integration/auth/**/*.test.ts', 'test/integration/reliability/**/*.test.ts'];
// pb_hooks/ runs only inside the real server's JSVM.
const realServerOnly = ['test/integration/real-pocketbase/**/*.test.ts'];

const realServer = pocketbaseBinary();
if (!realServer && process.env.CI) {
  throw new Error('CI needs the real PocketBase server for the contract, auth, reliability and e2e suites: run `npm run pocketbase:install` first.');
}
if (!realServer) {
  const count = (dir: string) => readdirSync(dir, { recursive: true }).filter((file) => String(file).endsWith('.test.ts')).length;
  const files = ['sdk-contract', 'auth', 'reliability', 'real-pocketbase'].reduce((sum, dir) => sum + count(`test/integration/${dir}`), count('test/e2e'));
  // The reporter repeats it beside the final count, where nobody can miss it.
  process.env.PBPAGES_SKIPPED_NOTICE = `NOTICE: ${files} test files against the real PocketBase server were SKIPPED (it is not installed). Install it with \`npm run pocketbase:install\` (Python 3 with pip, or Go), or set PB_BIN.`;
  console.warn(`\n${process.env.PBPAGES_SKIPPED_NOTICE}\n`);
}

const pocketbaseProjects: TestProjectInlineConfiguration[] = [
  { test: { ...shared, ...integration, name: 'integration:pocketbase', include: [...sharedSuites, ...realServerOnly], env: { PB_BACKEND: 'pocketbase', PB_BIN: realServer! } } },
  { test: { ...shared, ...e2e, name: 'e2e:pocketbase', include: ['test/e2e/**/*.test.ts'], env: { PB_BACKEND: 'pocketbase', PB_BIN: realServer! } } },
];

export default defineConfig({
  test: {
    globalSetup: ['test/support/secret-scan.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { test: { ...shared, name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { ...shared, ...integration, name: 'integration', include: ['test/integration/**/*.test.ts'], exclude: realServerOnly, env: { PB_BACKEND: 'embedded' } } },
      { test: { ...shared, ...e2e, name: 'e2e', include: ['test/e2e/**/*.test.ts'], env: { PB_BACKEND: 'embedded' } } },
      ...(realServer ? pocketbaseProjects : []),
    ],
  },
});
