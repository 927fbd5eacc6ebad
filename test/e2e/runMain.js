// What every e2e file shares: a CheckList of its checks, and its ending: run its main(), write
// {passed, failed, failures} to the results file that
// test/run-all.js reads, print the counts and exit 0 only when every check passed. A run that hangs for 5 minutes or
// throws counts as one failure.
'use strict';
const fs = require('fs');
const path = require('path');

/**
 * The checks of one e2e run, printed as they pass or fail. Once `stopIfFailed(reason)` sees a failure, the later
 * checks are reported as not run (a workbench that never loaded fails every check after it, once each).
 */
class CheckList {
  constructor() {
    this.passed = [];
    this.failures = [];
    this.fatal = null;
    this.check = this.check.bind(this);
  }

  async check(title, fn) {
    if (this.fatal) {
      this.failures.push({ title, error: `not run: an earlier step failed (${this.fatal})` });
      console.log(`  ✗ ${title} (not run)`);
      return;
    }
    const t0 = Date.now();
    try {
      const note = await fn();
      this.passed.push(title);
      console.log(`  ✓ ${title}${note ? ` — ${note}` : ''} (${Date.now() - t0} ms)`);
    } catch (e) {
      this.failures.push({ title, error: e && e.stack ? e.stack : String(e) });
      console.log(`  ✗ ${title}\n    ${String(e && e.message ? e.message : e).split('\n').join('\n    ')}`);
    }
  }

  stopIfFailed(reason) {
    if (this.failures.length) this.fatal = reason;
  }

  results() {
    return { passed: this.passed.length, failed: this.failures.length, failures: this.failures };
  }
}

function runMain(main, resultsFile) {
  const report = (results) => {
    fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
    fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
    console.log(`e2e: ${results.passed} passed, ${results.failed} failed`);
    process.exit(results.failed === 0 ? 0 : 1);
  };
  const failure = (error) => ({ passed: 0, failed: 1, failures: [{ title: 'e2e run', error }] });
  setTimeout(() => {
    console.error('e2e: gave up after 5 minutes');
    report(failure('timed out after 5 minutes'));
  }, 300000).unref();
  main().then(report, (e) => {
    console.error(`e2e: ${e && e.stack ? e.stack : e}`);
    report(failure(String(e && e.message ? e.message : e)));
  });
}

module.exports = { runMain, CheckList };
