#!/usr/bin/env node
// `npm test`: builds SCAR Lens, then runs every test stage and ends with one line, `N passed, N failed`.
//   unit         mocha over out/test/unit/**/*.test.js (spec reporter), in a child process
//   integration  out/test/integration/**/*.test.js inside a real VS Code (test/integration/runTests.js)
//   e2e          the workbench driven in headless chromium (every test/e2e/*.e2e.js)
// Options: --only unit|integration|e2e (repeatable), --no-build.
// Integration and e2e use the code-server harness on Linux x64 and install it when it is missing
// (test/harness/install.sh). A stage that crashes, hangs or reports nothing counts as at least one failure.
// Exit code 0 only when every test of every stage passed.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const resultsDir = path.join(repoRoot, '.test-results');
const STAGES = ['unit', 'integration', 'e2e'];
const STAGE_TIMEOUT_S = { unit: 1200, integration: 1800, e2e: 900 };

// ---- the unit-test worker: `node test/run-all.js --unit-worker <results.json>` ----------------------
function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findTests(full));
    else if (e.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

function unitWorker(resultsFile) {
  const Mocha = require('mocha');
  const results = { passed: 0, failed: 0, pending: 0, failures: [] };
  const write = () => fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2));
  const files = findTests(path.join(repoRoot, 'out/test/unit'));
  if (files.length === 0) {
    results.failed = 1;
    results.failures.push({ title: 'unit tests', error: 'no out/test/unit/**/*.test.js files: did the build run?' });
    write();
    console.log('no unit test files found under out/test/unit');
    process.exit(1);
  }
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', timeout: 20000, color: process.stdout.isTTY === true });
  for (const f of files) mocha.addFile(f);
  let runner;
  try {
    runner = mocha.run((failures) => {
      results.passed = runner.stats.passes;
      results.failed = Math.max(failures, runner.stats.failures);
      results.pending = runner.stats.pending;
      write();
      // like `mocha --exit`: a handle a test leaked (a timer, a child process) must not hang the suite
      process.exit(results.failed === 0 ? 0 : 1);
    });
  } catch (e) {
    // a test file that throws while loading
    results.failed = 1;
    results.failures.push({ title: 'loading the unit tests', error: e && e.stack ? e.stack : String(e) });
    write();
    console.error(e);
    process.exit(1);
  }
  runner.on('fail', (test, err) => {
    results.failures.push({ title: test.fullTitle(), file: test.file, error: err && err.stack ? err.stack : String(err) });
  });
}

// ---- the driver ------------------------------------------------------------------------------------
function parseArgs(argv) {
  const only = [];
  let build = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--only') {
      const v = argv[++i];
      if (!STAGES.includes(v)) usage(`--only takes one of ${STAGES.join(', ')}, not ${v === undefined ? 'nothing' : `"${v}"`}`);
      only.push(v);
    } else if (a.startsWith('--only=')) {
      const v = a.slice(7);
      if (!STAGES.includes(v)) usage(`--only takes one of ${STAGES.join(', ')}, not "${v}"`);
      only.push(v);
    } else if (a === '--no-build') build = false;
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown option "${a}"`);
  }
  return { stages: only.length ? STAGES.filter((s) => only.includes(s)) : STAGES, build };
}

function usage(error) {
  const text = 'usage: node test/run-all.js [--only unit|integration|e2e]... [--no-build]';
  if (error) {
    console.error(`run-all: ${error}\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}

let current = null; // the running child, killed with its process group on Ctrl+C
function run(cmd, args, env, timeoutS) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'inherit', detached: true, env: { ...process.env, ...env } });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`run-all: ${[cmd, ...args].join(' ')} ran past ${timeoutS}s: killing it`);
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, timeoutS * 1000);
    child.on('error', (e) => { clearTimeout(timer); current = null; resolve({ code: -1, error: e.message }); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      current = null;
      resolve({ code, signal, timedOut });
    });
  });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) { try { process.kill(-current.pid, 'SIGTERM'); } catch { /* gone */ } }
    console.error(`\nrun-all: interrupted (${sig})`);
    process.exit(130);
  });
}

/** Reads a stage's results file; when it is missing or unreadable the stage crashed: one failure. */
function readResults(file, exit, stage) {
  let r = null;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch { /* missing or partial */ }
  const how = exit.timedOut ? 'timed out' : exit.error ? exit.error : `exit ${exit.code ?? exit.signal}`;
  if (!r || typeof r.passed !== 'number' || typeof r.failed !== 'number') {
    return { passed: 0, failed: 1, failures: [{ title: `${stage} stage`, error: `crashed before reporting results (${how}); its output is above` }] };
  }
  if (exit.code !== 0 && r.failed === 0) {
    r.failed = 1;
    r.failures = [...(r.failures || []), { title: `${stage} stage`, error: `reported no failures but ended with ${how}` }];
  }
  return r;
}

const stageRunners = {
  unit: async () => {
    const file = path.join(resultsDir, 'unit.json');
    fs.rmSync(file, { force: true });
    // Unit tests build a tiny ONNX model with Debian's python3-onnx: install.sh's apt step, without code-server.
    if (process.platform === 'linux' && process.arch === 'x64') require('./harness/code-server').ensureTestPackages();
    const exit = await run(process.execPath, [__filename, '--unit-worker', file], {}, STAGE_TIMEOUT_S.unit);
    return readResults(file, exit, 'unit');
  },
  integration: async () => {
    const file = path.join(resultsDir, 'integration.json');
    fs.rmSync(file, { force: true });
    const exit = await run(process.execPath, [path.join(repoRoot, 'test/integration/runTests.js')],
      { SCAR_TEST_RESULTS: file }, STAGE_TIMEOUT_S.integration);
    return readResults(file, exit, 'integration');
  },
  e2e: async () => {
    if (!(process.platform === 'linux' && process.arch === 'x64')) {
      console.log('e2e: skipped: the browser harness (code-server + Debian chromium) runs on Linux x64 only');
      return { passed: 0, failed: 0, failures: [], skipped: true };
    }
    require('./harness/code-server').ensureHarness();
    // Every test/e2e/*.e2e.js, one after the other (each starts its own code-server); their counts add up.
    const total = { passed: 0, failed: 0, failures: [] };
    for (const name of fs.readdirSync(path.join(repoRoot, 'test/e2e')).filter((f) => f.endsWith('.e2e.js')).sort()) {
      const file = path.join(resultsDir, name === 'editor.e2e.js' ? 'e2e.json' : `e2e-${name.replace(/\.e2e\.js$/, '')}.json`);
      fs.rmSync(file, { force: true });
      const exit = await run(process.execPath, [path.join(repoRoot, 'test/e2e', name)],
        { SCAR_E2E_RESULTS: file }, STAGE_TIMEOUT_S.e2e);
      const r = readResults(file, exit, `e2e ${name}`);
      total.passed += r.passed;
      total.failed += r.failed;
      total.failures.push(...(r.failures || []));
    }
    return total;
  },
};

async function main() {
  const { stages, build } = parseArgs(process.argv.slice(2));
  fs.mkdirSync(resultsDir, { recursive: true });
  const summary = [];
  const banner = (t) => console.log(`\n======== ${t} ========`);
  let buildFailed = false;
  if (build) {
    banner('build');
    const t0 = Date.now();
    const exit = await run(process.execPath, [path.join(repoRoot, 'esbuild.js')], {}, 300);
    const secs = (Date.now() - t0) / 1000;
    console.log(`build: ${exit.code === 0 ? 'ok' : 'FAILED'} in ${secs.toFixed(1)}s`);
    buildFailed = exit.code !== 0;
    summary.push({ stage: 'build', passed: 0, failed: buildFailed ? 1 : 0, secs,
      failures: buildFailed ? [{ title: 'build', error: 'node esbuild.js failed; its output is above' }] : [] });
  }
  if (!buildFailed) {
    for (const stage of stages) {
      banner(stage);
      const t0 = Date.now();
      let r;
      try {
        r = await stageRunners[stage]();
      } catch (e) {
        console.error(`${stage}: ${e && e.stack ? e.stack : e}`);
        r = { passed: 0, failed: 1, failures: [{ title: `${stage} stage`, error: String(e && e.message ? e.message : e) }] };
      }
      const secs = (Date.now() - t0) / 1000;
      summary.push({ stage, secs, ...r });
      console.log(`${stage}: ${r.skipped ? 'skipped' : `${r.passed} passed, ${r.failed} failed`} in ${secs.toFixed(1)}s`);
    }
  }

  banner('summary');
  for (const s of summary) {
    console.log(`${s.stage.padEnd(12)} ${String(s.passed).padStart(5)} passed ${String(s.failed).padStart(4)} failed ${s.secs.toFixed(1).padStart(7)}s${s.skipped ? '  (skipped)' : ''}`);
    for (const f of s.failures || []) console.log(`  ✗ ${f.title}: ${String(f.error).split('\n')[0]}`);
  }
  const passed = summary.reduce((a, s) => a + s.passed, 0);
  const failed = summary.reduce((a, s) => a + s.failed, 0);
  fs.writeFileSync(path.join(resultsDir, 'summary.json'), JSON.stringify({ passed, failed, stages: summary }, null, 2));
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

if (process.argv[2] === '--unit-worker') unitWorker(path.resolve(process.argv[3]));
else main();
