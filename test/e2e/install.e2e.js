#!/usr/bin/env node
// End-to-end test of the packaged extension, not the development folder: it packages the linux-x64 .vsix with
// bin/package-vsix.js (the script behind `npm run package`, which also checks the file list), installs it into a
// fresh extensions folder with code-server's `--install-extension`, starts code-server with that folder only (no
// extension development path, no links to the repository), opens examples/sample.jsonl in headless chromium and
// checks from the DOM that its lines get score badges, and that the engine process runs from the installed copy.
// A file that .vscodeignore drops by mistake (a bundle, the model, onnxruntime's binding) fails it.
// Build first (node esbuild.js) and install the harness (test/harness/install.sh).
//
// Reports like the other e2e files: one line per check, then `e2e: N passed, N failed`, and {passed, failed,
// failures} as JSON in SCAR_E2E_RESULTS (default .test-results/e2e-install.json). Exit code 0 only when every check
// passed. Env: SCAR_E2E_TIMEOUT_MS (per wait, default 30000), SCAR_E2E_VSIX (install this .vsix instead of packaging
// one), VERBOSE=1 (browser console).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { repoRoot, harnessInstalled, startCodeServer, launchBrowser, tail, nodeBin, codeServerEntry, badgesOnScreen } = require('../harness/code-server');
const { runMain, CheckList } = require('./runMain');

const WAIT = Number(process.env.SCAR_E2E_TIMEOUT_MS || 30000);
const FILE = 'sample.jsonl';
const TARGET = 'linux-x64';
const shotsDir = path.join(repoRoot, '.test-results', 'screenshots');
const vsixDir = path.join(repoRoot, '.test-results', 'vsix');
const resultsFile = path.resolve(process.env.SCAR_E2E_RESULTS || path.join(repoRoot, '.test-results', 'e2e-install.json'));
// A badge: a band mark, then what the badge format shows (a score, a percentile or a bar).
const BADGE = /^[▲●▼] +\S/;

/**
 * The product screenshots of README.md and the walkthrough (media/screenshots/<name>.png): written there only with
 * SCAR_UPDATE_SCREENSHOTS=1, so that they show the product as the packaged extension looks; else kept under
 * .test-results/screenshots/ for a look.
 */
async function productShot(page, name, clip) {
  const dir = process.env.SCAR_UPDATE_SCREENSHOTS === '1' ? path.join(repoRoot, 'media', 'screenshots') : shotsDir;
  fs.mkdirSync(dir, { recursive: true });
  const r = (v) => Math.max(0, Math.round(v));
  await page.screenshot({ path: path.join(dir, `${dir === shotsDir ? 'product-' : ''}${name}.png`), clip: { x: r(clip.x), y: r(clip.y), width: r(clip.width), height: r(clip.height) } });
}

/** Opens the walkthrough through the Command Palette; returns its step titles and which are ticked. */
async function openWalkthrough(page) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: WAIT });
  await input.fill('>Welcome: Open Walkthrough');
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Open Walkthrough' }).first().click({ timeout: WAIT });
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Get started with SCAR Lens' }).first().click({ timeout: WAIT });
  await page.locator('.getting-started-step').filter({ hasText: 'Open a dataset' }).first().waitFor({ timeout: WAIT });
  const titles = (await page.locator('.getting-started-step').allInnerTexts()).map((t) => t.split('\n')[0].trim()).filter(Boolean);
  return { titles, ticked: () => page.locator('.getting-started-step [data-done-step-id]').evaluateAll((els) => els.map((e) => e.classList.contains('complete'))) };
}

const STEPS = ['Open a dataset', 'Read a badge and its hover', 'Select the top examples', 'Clean out duplicates'];

/** Every file under dir (relative paths), and the symbolic links among them. */
function walk(dir, prefix = '') {
  const files = [];
  const links = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}${e.name}`;
    if (e.isSymbolicLink()) links.push(rel);
    else if (e.isDirectory()) {
      const sub = walk(path.join(dir, e.name), `${rel}/`);
      files.push(...sub.files);
      links.push(...sub.links);
    } else files.push(rel);
  }
  return { files, links };
}

/** The command lines of the processes running a file under dir (Linux /proc). */
function processesUnder(dir) {
  const out = [];
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let cmd;
    try {
      cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    } catch { continue; } // gone, or not ours to read
    if (cmd.some((a) => a.startsWith(`${dir}${path.sep}`))) out.push(cmd.join(' '));
  }
  return out;
}

async function main() {
  const list = new CheckList();
  const { check, failures } = list;

  if (!harnessInstalled()) throw new Error('the code-server harness is not installed: run bash test/harness/install.sh');
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-e2e-install-'));
  fs.mkdirSync(shotsDir, { recursive: true });
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'examples', FILE), path.join(workspace, FILE));
  const extensionsDir = path.join(tmp, 'extensions');
  const userDataDir = path.join(tmp, 'user-data');
  let vsix = process.env.SCAR_E2E_VSIX ? path.resolve(process.env.SCAR_E2E_VSIX) : null;
  let installedDir = null;
  let server = null;
  let browser = null;
  let page = null;
  try {
    await check(`npm run package builds the ${TARGET} .vsix and its file list checks out`, async () => {
      if (vsix) {
        if (!fs.existsSync(vsix)) throw new Error(`SCAR_E2E_VSIX names ${vsix}, which does not exist`);
        return `given ${vsix}`;
      }
      fs.rmSync(vsixDir, { recursive: true, force: true });
      const r = spawnSync(process.execPath, [path.join(repoRoot, 'bin/package-vsix.js'), '--no-build', '--target', TARGET, '--out', vsixDir],
        { cwd: repoRoot, encoding: 'utf8', timeout: 180000 });
      if (r.status !== 0) throw new Error(`bin/package-vsix.js exited ${r.status === null ? r.signal : r.status}:\n${`${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-25).join('\n')}`);
      vsix = path.join(vsixDir, `${pkg.name}-${TARGET}-${pkg.version}.vsix`);
      if (!fs.existsSync(vsix)) throw new Error(`no ${path.relative(repoRoot, vsix)} after packaging`);
      return `${path.relative(repoRoot, vsix)}, ${(fs.statSync(vsix).size / 1e6).toFixed(1)} MB`;
    });
    list.stopIfFailed('no .vsix');

    await check('code-server --install-extension installs it into a fresh extensions folder', async () => {
      const xdg = path.join(tmp, 'xdg');
      const r = spawnSync(nodeBin, [codeServerEntry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir,
        '--install-extension', vsix], { encoding: 'utf8', timeout: 120000, env: { ...process.env, XDG_CONFIG_HOME: xdg, XDG_DATA_HOME: xdg } });
      const output = `${r.stdout || ''}\n${r.stderr || ''}`.trim();
      if (r.status !== 0) throw new Error(`exit ${r.status === null ? r.signal : r.status}: ${output}`);
      const id = `${pkg.publisher}.${pkg.name}`;
      const dirs = fs.readdirSync(extensionsDir).filter((d) => d.toLowerCase().startsWith(`${id}-`.toLowerCase()));
      if (dirs.length !== 1) throw new Error(`expected one ${id}-* folder in the extensions folder, found ${JSON.stringify(fs.readdirSync(extensionsDir))}; output: ${output}`);
      installedDir = path.join(extensionsDir, dirs[0]);
      const { files, links } = walk(installedDir);
      if (links.length) throw new Error(`the installed extension holds symbolic links: ${links.slice(0, 5).join(', ')}`);
      const binaries = files.filter((f) => /\/bin\/napi-v\d+\//.test(f));
      if (!binaries.length || binaries.some((b) => !b.includes('/linux/x64/'))) throw new Error(`onnxruntime binaries installed: ${JSON.stringify(binaries)}`);
      for (const need of ['package.json', 'dist/extension.js', 'dist/engine.js', 'models/ranker.onnx', 'models/ranker.onnx.data']) {
        if (!files.includes(need)) throw new Error(`the installed extension lacks ${need}`);
      }
      return `${dirs[0]}: ${files.length} files`;
    });
    list.stopIfFailed('the .vsix did not install');

    server = await startCodeServer({ workDir: tmp, userDataDir, extensionsDir, smokeTestDriver: false });
    process.on('exit', () => server.stop());
    browser = await launchBrowser(path.join(tmp, 'chromium'));
    page = browser.pages()[0] || (await browser.newPage());
    if (process.env.VERBOSE) page.on('console', (m) => console.log(`[browser:${m.type()}]`, m.text()));
    console.log(`e2e: code-server ${server.url}, extensions folder ${extensionsDir} (no development path)`);

    await check('the workbench loads the workspace folder', async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: WAIT });
      await page.getByRole('treeitem', { name: FILE }).waitFor({ timeout: WAIT });
    });
    list.stopIfFailed('the workbench did not load');

    await check('the walkthrough shows its four steps, none done yet, with the first step\'s image', async () => {
      // Opened before the dataset: VS Code creates its walkthrough service when first needed, and the steps tick
      // themselves off from then on.
      const { titles, ticked } = await openWalkthrough(page);
      if (JSON.stringify(titles) !== JSON.stringify(STEPS)) throw new Error(`steps ${JSON.stringify(titles)}`);
      const done = await ticked();
      if (done.some(Boolean)) throw new Error(`steps done in a fresh profile: ${JSON.stringify(done)}`);
      const img = page.locator('.getting-started-media img').first();
      await img.waitFor({ timeout: WAIT });
      let loaded = false;
      const deadline = Date.now() + WAIT;
      while (!loaded && Date.now() < deadline) {
        loaded = await img.evaluate((e) => e.complete && e.naturalWidth > 0);
        if (!loaded) await page.waitForTimeout(200);
      }
      if (!loaded) throw new Error(`the step's image did not load: ${await img.getAttribute('src')}`);
      await page.screenshot({ path: path.join(shotsDir, 'install-walkthrough.png') });
      // close it, so that the dataset has the editor to itself
      await page.locator('.tabs-container .tab.active .tab-actions .action-label').first().click({ timeout: WAIT });
      await page.locator('.getting-started-step').first().waitFor({ state: 'detached', timeout: WAIT });
      return titles.join(' · ');
    });

    await check(`${FILE} opens and the installed extension puts a score badge on its lines`, async () => {
      await page.getByRole('treeitem', { name: FILE }).click();
      await page.locator('.editor-instance .monaco-editor .view-line').first().waitFor({ timeout: WAIT });
      const lines = await page.locator('.editor-instance .monaco-editor .view-lines .view-line').count();
      let badges = [];
      const deadline = Date.now() + WAIT;
      for (;;) {
        badges = (await badgesOnScreen(page)).map((b) => b.text);
        if ((badges.length >= lines && badges.every((b) => BADGE.test(b) && /\d/.test(b))) || Date.now() > deadline) break;
        await page.waitForTimeout(100);
      }
      const bad = badges.filter((b) => !BADGE.test(b) || !/\d/.test(b));
      if (badges.length < lines) throw new Error(`${badges.length} badges for ${lines} rendered lines: ${JSON.stringify(badges.slice(0, 5))}`);
      if (bad.length) throw new Error(`badges that are not a score: ${JSON.stringify(bad.slice(0, 5))}`);
      await page.screenshot({ path: path.join(shotsDir, 'install-badges.png') });
      await productShot(page, 'badges', { x: 0, y: 0, width: 1000, height: 470 });
      return `${badges.length} badges, e.g. "${badges[0]}"`;
    });

    await check('hovering a line shows its score hover', async () => {
      const line = page.locator('.editor-instance .monaco-editor .view-lines .view-line').nth(2);
      const box = await line.boundingBox();
      const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: /score/i, visible: true }).first();
      // The background pass may still be scoring the rest of the file: hover again until the hover ranks the line
      // among all 202 (for the screenshot), but take whatever hover comes once the wait is up.
      const deadline = Date.now() + WAIT;
      for (;;) {
        await page.mouse.move(box.x + 400, box.y + box.height / 2);
        await hover.waitFor({ timeout: WAIT });
        if (/of 202\b/.test(await hover.innerText()) || Date.now() > deadline) break;
        await page.mouse.move(5, 890);
        await hover.waitFor({ state: 'hidden', timeout: WAIT });
        await page.waitForTimeout(500);
      }
      await page.waitForTimeout(300); // let the hover finish its fade-in
      const h = await hover.boundingBox();
      const editor = await page.locator('.editor-instance .monaco-editor').filter({ visible: true }).first().boundingBox();
      if (!h || !editor) throw new Error(`no box for the ${h ? 'editor' : 'hover'}`);
      const x = Math.max(0, Math.min(h.x - 40, editor.x)); // from the editor's left edge: badges and line numbers too
      const y = Math.max(0, Math.min(h.y, box.y) - 40);
      await productShot(page, 'hover', { x, y, width: Math.min(h.x + h.width + 40, 1400) - x, height: Math.min(Math.max(h.y + h.height, box.y + box.height) + 40, 900) - y });
      const text = (await hover.innerText()).replace(/\s+/g, ' ');
      await page.mouse.move(5, 890);
      return `"${text.slice(0, 80)}…"`;
    });

    await check('the Problems panel lists the duplicates that the installed cleaning service found', async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Shift+M');
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ timeout: WAIT });
      const duplicate = panel.locator('.monaco-list-row').filter({ hasText: /Duplicate of line \d+/ }).first();
      await duplicate.waitFor({ timeout: WAIT });
      const rows = await panel.locator('.monaco-list-row').allInnerTexts();
      const dups = rows.filter((r) => /Duplicate of line \d+/i.test(r));
      const p = await page.locator('.part.panel').boundingBox();
      await productShot(page, 'duplicates', { x: p.x, y: p.y, width: Math.min(p.width, 1000), height: p.height });
      return `${dups.length} duplicate rows, e.g. "${dups[0].replace(/\s+/g, ' ').trim()}"`;
    });

    await check('the walkthrough has ticked off "Open a dataset" and "Read a badge and its hover"', async () => {
      await page.keyboard.press('Escape');
      const { ticked } = await openWalkthrough(page);
      const want = '[true,true,false,false]';
      let done = [];
      const deadline = Date.now() + WAIT;
      for (;;) {
        done = await ticked();
        if (JSON.stringify(done) === want || Date.now() > deadline) break;
        await page.waitForTimeout(200);
      }
      if (JSON.stringify(done) !== want) throw new Error(`steps done: ${JSON.stringify(done)}, want ${want}`);
      return STEPS.filter((_, i) => done[i]).join(', ');
    });

    await check('the engine that scored them runs from the installed extension', async () => {
      const engine = path.join(installedDir, 'dist', 'engine.js');
      const procs = processesUnder(installedDir);
      if (!procs.some((c) => c.includes(engine))) throw new Error(`no process runs ${engine}; processes under the folder: ${JSON.stringify(procs)}`);
      return path.relative(tmp, engine);
    });
  } finally {
    if (failures.length && page && server) {
      const file = path.join(shotsDir, 'install-failure.png');
      await page.screenshot({ path: file }).catch(() => {});
      console.log(`e2e: failure screenshot ${path.relative(repoRoot, file)}; code-server log ${server.logFile}`);
      console.log(tail(server.logFile, 15));
    }
    if (browser) await browser.close().catch(() => {});
    if (server) server.stop();
    fs.rmSync(failures.length ? path.join(tmp, 'chromium') : tmp, { recursive: true, force: true });
  }
  return list.results();
}

runMain(main, resultsFile);
