import type { Reporter, SerializedError, TestModule, TestRunEndReason, TestSuite } from 'vitest/node';

/** What failed in a run, by kind; the `Tests:` line's failed count is their sum. */
interface FailureCounts {
  /** Tests whose own body or hooks failed. */
  tests: number;
  /** Files or `describe` blocks that failed by themselves: an import or collection error, a throwing `beforeAll`/`afterAll`. */
  suites: number;
  /** Errors raised outside any test (an unhandled rejection, an uncaught exception). Vitest fails the run for them. */
  unhandled: number;
  /** A failed run with none of the above to show for it (a global setup that threw, no test file found). */
  run: number;
}

/** Counts the run's outcomes the way the plain summary line reports them. */
function countRun(
  modules: ReadonlyArray<TestModule>,
  unhandledErrors: ReadonlyArray<unknown>,
  reason: TestRunEndReason,
): { passed: number; skipped: number; failed: FailureCounts } {
  let passed = 0;
  let skipped = 0;
  const failed: FailureCounts = { tests: 0, suites: 0, unhandled: unhandledErrors.length, run: 0 };
  for (const module of modules) {
    let failedHere = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') passed++;
      else if (state === 'failed') failedHere++;
      else skipped++;
    }
    // An error attached to the file or to a describe block (not to a test) fails it without a failed test.
    const owners: Array<TestModule | TestSuite> = [module, ...module.children.allSuites()];
    const suiteErrors = owners.filter((owner) => owner.errors().length > 0).length;
    failed.tests += failedHere;
    failed.suites += suiteErrors > 0 || failedHere > 0 || module.state() !== 'failed' ? suiteErrors : 1;
  }
  if (reason === 'failed' && failed.tests + failed.suites + failed.unhandled === 0) failed.run = 1;
  return { passed, skipped, failed };
}

/**
 * Prints the plain `Tests: N passed, N failed, N skipped` line that CI reads (it does not parse vitest's
 * own). Whatever makes vitest fail the run is a failure here too, so the line never says "0 failed" for a
 * failed run: failed tests, files and suites that failed outside a test, and unhandled errors.
 */
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError>, reason: TestRunEndReason): void {
    const { passed, skipped, failed } = countRun(modules, unhandledErrors, reason);
    const total = failed.tests + failed.suites + failed.unhandled + failed.run;
    const kinds = [
      [failed.suites, 'file or suite that failed outside its tests', 'files or suites that failed outside their tests'],
      [failed.unhandled, 'unhandled error', 'unhandled errors'],
      [failed.run, 'run failure with no test to show for it', 'run failures'],
    ] as const;
    const extra = kinds.filter(([n]) => n > 0).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
    // The detail goes first, so the plain line stays the last one printed.
    if (extra.length > 0) process.stdout.write(`\nFailed count includes ${failed.tests} failed tests and ${extra.join(', ')}.`);
    process.stdout.write(`\nTests: ${passed} passed, ${total} failed, ${skipped} skipped\n`);
  }
}
