/**
 * A Vitest reporter that ends the run with the plain line "N passed, N failed"
 * (", N skipped" when any), which CI systems that do not know Vitest's own
 * summary can read. Unhandled errors count as failures.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: unhandledErrors.length, skipped: 0 };
    for (const module of modules) {
      // A file that failed outside its tests (a hook, an import) counts once, even when its tests were skipped.
      if (module.state() === 'failed' && ![...module.children.allTests()].some((test) => test.result().state === 'failed')) counts.failed++;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
      }
    }
    const skipped = counts.skipped > 0 ? `, ${counts.skipped} skipped` : '';
    if (process.env.PBPAGES_SKIPPED_NOTICE) console.log(`\n${process.env.PBPAGES_SKIPPED_NOTICE}`);
    console.log(`\n${counts.passed} passed, ${counts.failed} failed${skipped}`);
  }
}
