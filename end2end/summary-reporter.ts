import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

// Prints the plain "N passed, N failed" line that CI counts.
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status === 'skipped') this.skipped++;
    else if (test.outcome() === 'expected' || test.outcome() === 'flaky') {
      if (result.status === 'passed' || result.retry === test.retries) this.passed++;
    } else if (result.retry === test.retries) this.failed++;
  }

  onEnd() {
    console.log(`\nbrowser: ${this.passed} passed, ${this.failed} failed, ${this.skipped} skipped`);
  }
}
