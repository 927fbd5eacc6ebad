// The shared ending of every e2e file: run its main(), write {passed, failed, failures} to the results file that
// test/run-all.js reads, print the counts and exit 0 only when every check passed. A run that hangs for 5 minutes or
// throws counts as one failure.
'use strict';
const fs = require('fs');
const path = require('path');

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

module.exports = { runMain };
