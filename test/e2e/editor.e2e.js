#!/usr/bin/env node
// End-to-end test of SCAR Lens as a user sees it: a code-server (WITHOUT the smoke-test driver, so the
// workbench behaves as for a person) with the built extension installed, driven by headless chromium.
// It opens test/fixtures/workspace/problems.jsonl (9 ShareGPT pairs, 2 lines that yield no pair) and checks
// from the DOM that the lines render, that the problem lines are underlined, that the SCAR status-bar item
// shows pairs and problems, that the workbench's Problems counter is above zero, and that clicking the SCAR
// item opens the Problems panel listing the file's lines 4 and 8. Screenshots go to
// .test-results/screenshots/. Build first (node esbuild.js) and install the harness (test/harness/install.sh).
//
// Reports: one line per check, then `e2e: N passed, N failed`, and {passed, failed, failures} as JSON in
// SCAR_E2E_RESULTS (default .test-results/e2e.json). Exit code 0 only when every check passed.
// Env: SCAR_E2E_TIMEOUT_MS (per wait, default 30000), VERBOSE=1 (browser console).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { repoRoot, harnessInstalled, startCodeServer, launchBrowser, tail, writeUserSettings, installBuiltExtension } = require('../harness/code-server');
const { runMain, CheckList } = require('./runMain');

const WAIT = Number(process.env.SCAR_E2E_TIMEOUT_MS || 30000);
const FILE = 'problems.jsonl';
const shotsDir = path.join(repoRoot, '.test-results', 'screenshots');
const resultsFile = path.resolve(process.env.SCAR_E2E_RESULTS || path.join(repoRoot, '.test-results', 'e2e.json'));

/** The text of the rendered editor lines, with the non-breaking spaces monaco uses made plain. */
async function renderedLines(page) {
  return page.$$eval('.editor-instance .monaco-editor .view-lines .view-line',
    (els) => els.map((e) => ({ top: parseFloat(e.style.top) || 0, text: e.textContent || '' })));
}

async function main() {
  const list = new CheckList();
  const { check, failures } = list;

  if (!harnessInstalled()) throw new Error('the code-server harness is not installed: run bash test/harness/install.sh');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-e2e-'));
  fs.mkdirSync(shotsDir, { recursive: true });
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(repoRoot, 'test/fixtures/workspace'), workspace, { recursive: true });
  const extensionsDir = path.join(tmp, 'extensions');
  const ext = installBuiltExtension(extensionsDir);
  // Live scoring off: this test is about the problems (the status item then opens the Problems panel);
  // test/e2e/scores.e2e.js shows the scores.
  writeUserSettings(path.join(tmp, 'user-data'), { 'scar.scoring.auto': false });
  const server = await startCodeServer({
    workDir: tmp, userDataDir: path.join(tmp, 'user-data'), extensionsDir, smokeTestDriver: false,
  });
  const stopAll = () => server.stop();
  process.on('exit', stopAll);
  let browser = null;
  let page = null;
  try {
    browser = await launchBrowser(path.join(tmp, 'chromium'));
    page = browser.pages()[0] || (await browser.newPage());
    page.on('pageerror', (e) => { if (process.env.VERBOSE) console.log('[pageerror]', e.message); });
    if (process.env.VERBOSE) page.on('console', (m) => console.log(`[browser:${m.type()}]`, m.text()));
    console.log(`e2e: code-server ${server.url}, extension ${ext.id} from ${path.relative(repoRoot, ext.dir) || ext.dir}`);

    await check('the workbench loads the workspace folder', async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: WAIT });
      await page.getByRole('treeitem', { name: FILE }).waitFor({ timeout: WAIT });
    });
    list.stopIfFailed('the workbench did not load');

    await check(`${FILE} opens and its lines render in the editor`, async () => {
      await page.getByRole('treeitem', { name: FILE }).click();
      await page.locator(`.tab[aria-label*="${FILE}"]`).first().waitFor({ timeout: WAIT });
      await page.locator('.editor-instance .monaco-editor .view-line').first().waitFor({ timeout: WAIT });
      // every line of the file, in order, exactly as on disk (monaco renders spaces as U+00A0)
      const want = fs.readFileSync(path.join(workspace, FILE), 'utf8').split('\n').filter(Boolean);
      let lines = [];
      const deadline = Date.now() + WAIT;
      for (;;) {
        lines = (await renderedLines(page)).sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' '));
        const wrong = want.map((w, i) => (lines[i] === w ? 0 : i + 1)).filter(Boolean);
        if (wrong.length === 0) break;
        if (Date.now() > deadline) {
          throw new Error(`lines not rendered as in the file: ${wrong.join(', ')}; line ${wrong[0]} reads "${lines[wrong[0] - 1]}"`);
        }
        await page.waitForTimeout(100);
      }
      return `${want.length} lines visible`;
    });
    list.stopIfFailed(`${FILE} did not open`);

    await check('the lines that yield no pair are underlined', async () => {
      const squiggles = page.locator('.editor-instance .monaco-editor [class*="squiggly-"]');
      await squiggles.first().waitFor({ timeout: WAIT });
      return `${await squiggles.count()} underlined ranges`;
    });

    let statusText = '';
    await check('the SCAR status-bar item shows pairs and problems', async () => {
      // The extension creates its item with the id "scar-lens.status"; code-server's DOM id for it is
      // "<prefix>.scar-lens.status" (the prefix is not the extension id there), so match the suffix.
      const item = page.locator('.statusbar .statusbar-item[id$="scar-lens.status"]', { hasText: /pairs/ }).first();
      await item.waitFor({ timeout: WAIT }).catch(async (e) => {
        const items = await page.$$eval('.statusbar .statusbar-item',
          (els) => els.map((el) => `#${el.id} "${(el.textContent || '').trim()}"`));
        throw new Error(`${e.message.split('\n')[0]}\nstatus-bar items: ${items.join(', ')}`);
      });
      // the text settles once the file is parsed; wait for the problem count to appear
      const deadline = Date.now() + WAIT;
      for (;;) {
        statusText = (await item.innerText()).replace(/\s+/g, ' ').trim();
        if (/problem/i.test(statusText) || Date.now() > deadline) break;
        await page.waitForTimeout(100);
      }
      if (!/\bpairs?\b/.test(statusText)) throw new Error(`status-bar text "${statusText}" does not mention pairs`);
      if (!/problem/i.test(statusText)) throw new Error(`status-bar text "${statusText}" does not mention problems`);
      const id = await item.getAttribute('id');
      return `#${id}: "${statusText}"`;
    });

    await check('the workbench Problems counter is above zero', async () => {
      const problems = page.locator('.statusbar #status\\.problems');
      await problems.waitFor({ timeout: WAIT });
      let total = 0;
      let label = '';
      const deadline = Date.now() + WAIT;
      while (total === 0 && Date.now() < deadline) {
        label = (await problems.innerText()).replace(/\s+/g, ' ').trim();
        total = (label.match(/\d+/g) || []).map(Number).reduce((a, b) => a + b, 0);
        if (total === 0) await page.waitForTimeout(100);
      }
      if (total === 0) throw new Error(`the Problems counter reads "${label}"`);
      return `"${label}" (${total})`;
    });

    await check('clicking the SCAR status-bar item opens the Problems panel with the file\'s problems', async () => {
      await page.locator('.statusbar .statusbar-item[id$="scar-lens.status"]').first().click();
      const panel = page.locator('.markers-panel');
      await panel.waitFor({ timeout: WAIT });
      // one row for the file, one per problem; the rows' aria-labels carry the messages and positions
      const rows = panel.locator('.monaco-list-row');
      const deadline = Date.now() + WAIT;
      let labels = [];
      for (;;) {
        labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') || e.textContent || ''));
        if (labels.filter((l) => /\bline \d+/.test(l)).length >= 2 || Date.now() > deadline) break;
        await page.waitForTimeout(100);
      }
      if (!labels.some((l) => l.includes(FILE))) throw new Error(`no row for ${FILE}: ${JSON.stringify(labels)}`);
      // the fixture's two bad lines: 4 (trailing comma) and 8 (no assistant turn)
      const markers = labels.filter((l) => /\bline \d+/.test(l));
      for (const line of [4, 8]) {
        if (!markers.some((l) => new RegExp(`\\bline ${line}\\b`).test(l))) {
          throw new Error(`no problem listed at line ${line}; rows: ${JSON.stringify(labels)}`);
        }
      }
      await page.screenshot({ path: path.join(shotsDir, 'problems-panel.png') });
      return `${markers.length} problems listed, e.g. "${markers[0].slice(0, 80)}"`;
    });

    await check('a screenshot of the editor is saved', async () => {
      const file = path.join(shotsDir, 'editor-problems.png');
      await page.screenshot({ path: file });
      await page.locator('.statusbar').screenshot({ path: path.join(shotsDir, 'statusbar.png') });
      const size = fs.statSync(file).size;
      if (size < 10000) throw new Error(`screenshot ${file} is only ${size} bytes`);
      return path.relative(repoRoot, file);
    });
  } finally {
    if (failures.length && page) {
      const file = path.join(shotsDir, 'editor-failure.png');
      await page.screenshot({ path: file }).catch(() => {});
      console.log(`e2e: failure screenshot ${path.relative(repoRoot, file)}; code-server log ${server.logFile}`);
      console.log(tail(server.logFile, 15));
    }
    if (browser) await browser.close().catch(() => {});
    server.stop();
    // on failure keep the logs (code-server's, and VS Code's under user-data/logs), not the browser profile
    fs.rmSync(failures.length ? path.join(tmp, 'chromium') : tmp, { recursive: true, force: true });
  }
  return list.results();
}

runMain(main, resultsFile);
