#!/usr/bin/env node
// Runs the integration tests (out/test/integration/**/*.test.js) inside a real VS Code through
// @vscode/test-electron's runTests. Build first (node esbuild.js); `npm test` does both.
//
// Which VS Code (env SCAR_VSCODE):
//   code-server  the harness in test/harness (code-server + headless chromium); installed by
//                test/harness/install.sh, which this script runs when the harness is missing.
//   download     the desktop VS Code that runTests downloads (SCAR_VSCODE_VERSION, default "stable";
//                e.g. 1.85.0 for the minimum version the manifest supports). Needs internet and a display.
//   default: code-server on Linux x64, download elsewhere.
// The workspace is a temporary copy of test/fixtures/workspace. The extension host writes
// {passed, failed, pending, failures} to SCAR_TEST_RESULTS (default .test-results/integration.json).
// Exit code: 0 when every test passed, 1 otherwise.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');

function chooseVsCode() {
  const wanted = process.env.SCAR_VSCODE;
  if (wanted && wanted !== 'code-server' && wanted !== 'download') {
    throw new Error(`SCAR_VSCODE must be "code-server" or "download", not "${wanted}"`);
  }
  if (wanted) return wanted;
  return process.platform === 'linux' && process.arch === 'x64' ? 'code-server' : 'download';
}

/**
 * Runs the suite once. Resolves to the results the extension host wrote, or to a single failure that
 * explains why no results came back.
 */
async function runIntegrationTests(opts = {}) {
  const { runTests } = require('@vscode/test-electron');
  const testsIndex = path.join(repoRoot, 'out/test/integration/index.js');
  if (!fs.existsSync(testsIndex)) throw new Error(`${testsIndex} is missing: build first with \`node esbuild.js\``);
  if (!fs.existsSync(path.join(repoRoot, 'dist/extension.js'))) {
    throw new Error('dist/extension.js is missing: build first with `node esbuild.js`');
  }
  const resultsFile = path.resolve(opts.resultsFile || process.env.SCAR_TEST_RESULTS
    || path.join(repoRoot, '.test-results/integration.json'));
  fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
  fs.rmSync(resultsFile, { force: true });

  const which = chooseVsCode();
  if (which === 'code-server') require('../harness/code-server').ensureHarness();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-integration-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(repoRoot, 'test/fixtures/workspace'), workspace, { recursive: true });
  const userDataDir = path.join(tmp, 'user-data');
  // settings for a deterministic run (no telemetry, no welcome page, no update checks), as the profile's settings.json
  // Live scoring is off by default here so that the tests of the analysis see its status text alone; the tests of
  // live scoring, decorations and hovers turn it on (scar.scoring.auto) for themselves.
  // The browser workbench asks before showing a file above 10 MB (the desktop one above 1 GB); the tests open their
  // 100,000-line files in an editor through the workbench (vscode.open), so that they close with it.
  require('../harness/code-server').writeUserSettings(userDataDir, { 'scar.scoring.auto': false, 'workbench.editorLargeFileConfirmation': 1024 });

  const options = {
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: testsIndex,
    launchArgs: [workspace, `--user-data-dir=${userDataDir}`, `--extensions-dir=${path.join(tmp, 'extensions')}`,
      '--disable-extensions'],
    extensionTestsEnv: { SCAR_TEST_RESULTS: resultsFile, SCAR_TEST_WORKSPACE: workspace },
  };
  if (which === 'code-server') {
    options.vscodeExecutablePath = path.join(repoRoot, 'test/harness/vscode-shim.js');
  } else {
    options.version = process.env.SCAR_VSCODE_VERSION || 'stable';
  }
  console.log(`[integration] VS Code: ${which}${which === 'download' ? ` ${options.version}` : ''}; workspace ${workspace}`);

  let exitCode;
  let runError = null;
  try {
    exitCode = await runTests(options);
  } catch (e) {
    runError = e;
    exitCode = typeof e.code === 'number' ? e.code : -1;
  }
  let results;
  if (fs.existsSync(resultsFile)) {
    results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
    if (exitCode !== 0 && results.failed === 0) {
      // VS Code failed after the tests passed (e.g. a crash on shutdown): that is a failure too
      results.failed = 1;
      results.failures.push({ title: 'VS Code', error: `exited with ${exitCode} after the tests passed` });
    }
  } else {
    results = {
      passed: 0, failed: 1, pending: 0, failures: [{
        title: 'integration run',
        error: `the extension host wrote no results (exit code ${exitCode}${runError ? `: ${runError.message}` : ''})`,
      }],
    };
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  return results;
}

module.exports = { runIntegrationTests, chooseVsCode };

if (require.main === module) {
  runIntegrationTests().then((r) => {
    for (const f of r.failures) console.log(`\n[integration] FAILED: ${f.title}\n${f.error}`);
    console.log(`[integration] ${r.passed} passed, ${r.failed} failed`);
    process.exit(r.failed === 0 ? 0 : 1);
  }, (e) => {
    console.error(`[integration] ${e.message}`);
    process.exit(1);
  });
}
