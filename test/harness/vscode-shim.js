#!/usr/bin/env node
// A stand-in "VS Code executable" for @vscode/test-electron's runTests({ vscodeExecutablePath }) on machines
// that cannot download VS Code. It accepts the flags runTests passes (--extensionDevelopmentPath=,
// --extensionTestsPath=, --user-data-dir=, --extensions-dir=, a folder to open, ...), starts code-server
// (installed by test/harness/install.sh) on a free loopback port with the smoke-test driver enabled, opens
// the workbench in headless chromium, asks it through the page URL's `payload` to load the extension under
// development and run the tests in the remote Node extension host, and exits with the tests' exit code:
//   0 passed, 1 tests failed, 2 the harness itself failed, 3 timed out, 130 interrupted.
// Environment variables given to this process (runTests' extensionTestsEnv) reach the extension host.
// VSCODE_SHIM_TIMEOUT (seconds, default 1500) bounds the run; VERBOSE=1 shows the workbench's noise too.
// On failure the server log is kept and its path printed; on success the temporary folder is removed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const util = require('util');
const { startCodeServer, launchBrowser, tail } = require('./code-server');

const argv = process.argv.slice(2);
if (argv.includes('--version')) {
  console.log('1.139.1\ncode-server-shim\nx64');
  process.exit(0);
}
const flag = (name) => argv.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
const devPaths = flag('extensionDevelopmentPath');
const [testsPath] = flag('extensionTestsPath');
const [userDataArg] = flag('user-data-dir');
const [extensionsArg] = flag('extensions-dir');
const folder = argv.find((a) => !a.startsWith('-'));
const timeoutSec = Number(process.env.VSCODE_SHIM_TIMEOUT || 1500);

// Workbench and extension-host chatter that says nothing about the tests. Mocha's own lines (test titles,
// numbered failures, the passing/failing counts) are always shown, whatever words they contain.
const noise = /AgentHost|authentication provider|ChatModelSelection|socket|connection token|grace-time|Service Worker|builtin extensions cache|AccountPolicyGate|ENOTFOUND|getaddrinfo|open-vsx|extensionquery|^\s+at /;
const mochaLine = /✔|^\s*\d+\) |^\s*\d+ (passing|failing|pending)/;
const isNoise = (line) => !mochaLine.test(line) && noise.test(line);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-vscode-shim-'));
let server = null;
let browser = null;
let keepTmp = false;

let userDataDir = null;
function cleanup() {
  if (server) server.stop();
  if (!keepTmp) {
    fs.rmSync(tmp, { recursive: true, force: true });
    return;
  }
  // keep what explains a failure (the server log and VS Code's own logs), not the browser profile
  fs.rmSync(path.join(tmp, 'chromium'), { recursive: true, force: true });
  const logs = userDataDir && path.join(userDataDir, 'logs');
  if (logs && !logs.startsWith(tmp) && fs.existsSync(logs)) {
    try { fs.cpSync(logs, path.join(tmp, 'vscode-logs'), { recursive: true }); } catch { /* best effort */ }
  }
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`[vscode-shim] ${sig}: stopping code-server`);
    keepTmp = true;
    process.exit(130);
  });
}

async function main() {
  if (!testsPath) throw new Error('no --extensionTestsPath= given');
  if (devPaths.length === 0) throw new Error('no --extensionDevelopmentPath= given');
  userDataDir = userDataArg ? path.resolve(userDataArg) : path.join(tmp, 'user-data');
  const extensionsDir = extensionsArg ? path.resolve(extensionsArg) : path.join(tmp, 'extensions');
  server = await startCodeServer({ workDir: tmp, userDataDir, extensionsDir, smokeTestDriver: true });
  const remote = (p) => `vscode-remote://${server.authority}${path.resolve(p)}`;
  const payload = JSON.stringify([
    ...devPaths.map((d) => ['extensionDevelopmentPath', remote(d)]),
    ['extensionTestsPath', remote(testsPath)],
    ['skipWelcome', 'true'],
  ]);
  browser = await launchBrowser(path.join(tmp, 'chromium'));
  const page = browser.pages()[0] || (await browser.newPage());
  let finish;
  const finished = new Promise((resolve) => { finish = resolve; });
  await page.exposeFunction('codeAutomationLog', (_type, args) => {
    const line = util.format(...args);
    if (process.env.VERBOSE || !isNoise(line)) console.log(line);
  });
  await page.exposeFunction('codeAutomationExit', (code) => finish(code));
  page.on('pageerror', (e) => console.error('[vscode-shim] page error:', e.message));
  const query = folder ? `folder=${encodeURIComponent(path.resolve(folder))}` : 'ew=true';
  await page.goto(`${server.url}/?${query}&payload=${encodeURIComponent(payload)}`);
  const timer = setTimeout(() => finish('timeout'), timeoutSec * 1000);
  const code = await finished;
  clearTimeout(timer);
  await browser.close().catch(() => {});
  if (code === 'timeout') {
    console.error(`[vscode-shim] the extension tests did not finish within ${timeoutSec}s (VSCODE_SHIM_TIMEOUT)`);
    return 3;
  }
  return code === 0 ? 0 : 1;
}

main().then((code) => {
  if (code !== 0) {
    keepTmp = true;
    console.error(`[vscode-shim] exit ${code}; code-server log kept at ${server ? server.logFile : tmp}, VS Code logs in ${path.join(tmp, 'vscode-logs')}`);
    if (server && process.env.VERBOSE) console.error(tail(server.logFile));
  }
  process.exit(code);
}, (e) => {
  keepTmp = true;
  console.error(`[vscode-shim] ${e && e.stack ? e.stack : e}`);
  if (server) console.error(`[vscode-shim] code-server log kept at ${server.logFile}:\n${tail(server.logFile, 20)}`);
  process.exit(2);
});
