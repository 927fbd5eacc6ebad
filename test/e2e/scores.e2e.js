#!/usr/bin/env node
// End-to-end test of the score view as a user sees it: code-server (without the smoke-test driver) with the built
// extension and its default settings (live scoring on), driven by headless chromium. It opens the real dataset
// examples/sample.jsonl (202 Alpaca pairs) and checks from the DOM that score badges stand before the lines (the
// `::before` content of the decorated spans), that the status bar carries the score summary, and that hovering a
// line opens a hover with the score's percentile, rank and components. Screenshots go to .test-results/screenshots/.
// Build first (node esbuild.js) and install the harness (test/harness/install.sh).
//
// Reports like editor.e2e.js: one line per check, then `e2e: N passed, N failed`, and {passed, failed, failures}
// as JSON in SCAR_E2E_RESULTS (default .test-results/e2e-scores.json). Exit code 0 only when every check passed.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { repoRoot, harnessInstalled, startCodeServer, launchBrowser, tail, installBuiltExtension, badgesOnScreen } = require('../harness/code-server');
const { runMain, CheckList } = require('./runMain');

const WAIT = Number(process.env.SCAR_E2E_TIMEOUT_MS || 30000);
const FILE = 'sample.jsonl';
const shotsDir = path.join(repoRoot, '.test-results', 'screenshots');
const resultsFile = path.resolve(process.env.SCAR_E2E_RESULTS || path.join(repoRoot, '.test-results', 'e2e-scores.json'));
const BADGE = /^"?[▲●▼] +(\d{1,3}|<1|>99) · (top|bottom) +\d+% *"?$/;

async function main() {
  const list = new CheckList();
  const { check, failures } = list;

  if (!harnessInstalled()) throw new Error('the code-server harness is not installed: run bash test/harness/install.sh');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-e2e-scores-'));
  fs.mkdirSync(shotsDir, { recursive: true });
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'examples', FILE), path.join(workspace, FILE));
  const extensionsDir = path.join(tmp, 'extensions');
  const ext = installBuiltExtension(extensionsDir);
  const server = await startCodeServer({
    workDir: tmp, userDataDir: path.join(tmp, 'user-data'), extensionsDir, smokeTestDriver: false,
  });
  process.on('exit', () => server.stop());
  let browser = null;
  let page = null;
  try {
    browser = await launchBrowser(path.join(tmp, 'chromium'));
    page = browser.pages()[0] || (await browser.newPage());
    if (process.env.VERBOSE) page.on('console', (m) => console.log(`[browser:${m.type()}]`, m.text()));
    console.log(`e2e: code-server ${server.url}, extension ${ext.id}`);

    await check('the workbench loads the workspace folder', async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: WAIT });
      await page.getByRole('treeitem', { name: FILE }).waitFor({ timeout: WAIT });
    });
    list.stopIfFailed('the workbench did not load');

    let badges = [];
    await check(`${FILE} opens and score badges stand before its lines`, async () => {
      await page.getByRole('treeitem', { name: FILE }).click();
      await page.locator('.editor-instance .monaco-editor .view-line').first().waitFor({ timeout: WAIT });
      const lines = await page.locator('.editor-instance .monaco-editor .view-lines .view-line').count();
      const deadline = Date.now() + WAIT;
      for (;;) {
        badges = await badgesOnScreen(page);
        if ((badges.length >= lines && badges.every((b) => BADGE.test(b.text))) || Date.now() > deadline) break;
        await page.waitForTimeout(100);
      }
      const bad = badges.filter((b) => !BADGE.test(b.text));
      if (badges.length < lines) throw new Error(`${badges.length} badges for ${lines} rendered lines: ${JSON.stringify(badges.slice(0, 5))}`);
      if (bad.length) throw new Error(`badges that are not a score: ${JSON.stringify(bad.slice(0, 5))}`);
      const bands = new Set(badges.map((b) => b.text[0]));
      if (bands.size < 2) throw new Error(`all visible badges are in one band: ${[...bands].join('')}`);
      return `${badges.length} badges, e.g. "${badges[0].text}"`;
    });
    list.stopIfFailed('no badges');

    await check('the badges have one width, so the JSON stays aligned', async () => {
      const jsonStarts = () => page.$$eval('.editor-instance .monaco-editor .view-lines .view-line', (lines) => lines.map((line) => {
        // the first text span after the badge: where the JSON starts
        const spans = [...line.querySelectorAll('span > span')].filter((s) => (s.textContent || '').trim().startsWith('{'));
        return spans.length ? Math.round(spans[0].getBoundingClientRect().left) : null;
      }).filter((x) => x !== null));
      // Lines scrolled into view a moment ago may still be waiting for their badge: allow it to arrive.
      let distinct = [];
      const deadline = Date.now() + WAIT;
      for (;;) {
        distinct = [...new Set(await jsonStarts())];
        if (distinct.length === 1 || Date.now() > deadline) break;
        await page.waitForTimeout(100);
      }
      if (distinct.length !== 1) throw new Error(`the JSON starts at ${distinct.length} different x positions: ${distinct.join(', ')}`);
      await page.screenshot({ path: path.join(shotsDir, 'scores-editor.png') });
      return `every line's JSON starts at x = ${distinct[0]}`;
    });

    await check('the status bar shows the score summary', async () => {
      const item = page.locator('.statusbar .statusbar-item[id$="scar-lens.status"]').first();
      await item.waitFor({ timeout: WAIT });
      let text = '';
      const deadline = Date.now() + WAIT;
      while (!/median/.test(text) && Date.now() < deadline) {
        text = (await item.innerText()).replace(/\s+/g, ' ').trim();
        if (!/median/.test(text)) await page.waitForTimeout(100);
      }
      if (!/202 pairs · median \d+ · \d+% ≥ 50/.test(text)) throw new Error(`status-bar text "${text}"`);
      return `"${text}"`;
    });

    await check('hovering a line shows its score, percentile, rank and components', async () => {
      const line = page.locator('.editor-instance .monaco-editor .view-lines .view-line').nth(2);
      const box = await line.boundingBox();
      await page.mouse.move(box.x + 400, box.y + box.height / 2);
      const hover = page.locator('.monaco-hover:not(.hidden)').filter({ hasText: 'percentile' }).first();
      await hover.waitFor({ timeout: WAIT });
      const text = (await hover.innerText()).replace(/\s+/g, ' ');
      for (const want of [/\d+(\.\d)? \/ 100/, /style score/, /percentile \d+/, /rank \d+ of 202/, /Composition/, /Presentation/, /Instruction/, /Response/]) {
        if (!want.test(text)) throw new Error(`the hover lacks ${want}: "${text.slice(0, 400)}"`);
      }
      await page.waitForTimeout(300); // let the hover finish its fade-in
      await page.screenshot({ path: path.join(shotsDir, 'scores-hover.png') });
      return `"${text.slice(0, 90)}…"`;
    });
  } finally {
    if (failures.length && page) {
      const file = path.join(shotsDir, 'scores-failure.png');
      await page.screenshot({ path: file }).catch(() => {});
      console.log(`e2e: failure screenshot ${path.relative(repoRoot, file)}; code-server log ${server.logFile}`);
      console.log(tail(server.logFile, 15));
    }
    if (browser) await browser.close().catch(() => {});
    server.stop();
    fs.rmSync(failures.length ? path.join(tmp, 'chromium') : tmp, { recursive: true, force: true });
  }
  return list.results();
}

runMain(main, resultsFile);
