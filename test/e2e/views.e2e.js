#!/usr/bin/env node
// End-to-end test of the record view and the dataset overview as a user drives them: code-server with the built
// extension (live scoring on), headless chromium. The dataset is examples/sample.jsonl (202 Alpaca pairs) with one
// more line whose response is over 5,000 characters (line 5). It opens "SCAR: Open Dataset Overview" from the
// Command Palette, drags the cut (top-% and threshold) and checks the "Keeps N lines" text against the slider's
// value, sorts and filters the table, clicks a row and checks that the editor's cursor went to that line and the
// record view shows the whole long response (wrapped, nothing cut), hides and shows the overview (its state comes
// back), reloads the window (both panels come back), and saves screenshots of both views in the dark and the light theme to .test-results/screenshots/
// (views-*-dark.png, views-*-light.png, views-overview-hc.png); with SCAR_UPDATE_SCREENSHOTS=1 also the README's media/screenshots/overview.png
// and record.png.
// Reports like the other e2e files: `e2e: N passed, N failed`, results JSON in SCAR_E2E_RESULTS.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { repoRoot, harnessInstalled, startCodeServer, launchBrowser, tail, installBuiltExtension, writeUserSettings } = require('../harness/code-server');
const { runMain, CheckList } = require('./runMain');

const WAIT = Number(process.env.SCAR_E2E_TIMEOUT_MS || 30000);
const FILE = 'views.jsonl';
const LONG_LINE = 5;
const MARKER = 'END-OF-LONG-ANSWER';
const shotsDir = path.join(repoRoot, '.test-results', 'screenshots');
const resultsFile = path.resolve(process.env.SCAR_E2E_RESULTS || path.join(repoRoot, '.test-results', 'e2e-views.json'));

function makeDataset(file) {
  const lines = fs.readFileSync(path.join(repoRoot, 'examples', 'sample.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  let output = '## Why the sky is blue\n\nSunlight holds every colour. ';
  for (let i = 1; output.length < 5600; i++) output += `Step ${i}: air molecules scatter short (blue) wavelengths far more than long (red) ones, which is called Rayleigh scattering, so blue light reaches our eyes from every direction of the sky.\n\n`;
  output += `\`\`\`text\nintensity ~ 1 / wavelength^4\n\`\`\`\n\n${MARKER}`;
  lines.splice(LONG_LINE - 1, 0, JSON.stringify({ instruction: 'Explain in detail why the sky is blue.', input: '', output }));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return { lines: lines.length, longChars: output.length };
}

/** The frame of a webview whose document has `selector` (webviews are nested iframes). */
async function webviewFrame(page, selector, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      try { if (await f.$(selector)) return f; } catch { /* a frame that went away */ }
    }
    if (Date.now() > deadline) throw new Error(`no webview with ${selector}`);
    await page.waitForTimeout(150);
  }
}

async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: WAIT });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().click({ timeout: WAIT });
}

async function textOf(frame, selector) {
  return ((await frame.textContent(selector)) || '').replace(/\s+/g, ' ').trim();
}

async function waitText(frame, selector, re, timeout = WAIT) {
  const deadline = Date.now() + timeout;
  let t = '';
  for (;;) {
    t = await textOf(frame, selector).catch(() => '');
    if (re.test(t)) return t;
    if (Date.now() > deadline) throw new Error(`${selector} reads "${t}", not ${re}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Drags the cut's thumb to a fraction of its track and returns the slider's value. */
async function dragTo(page, frame, fraction) {
  const track = await frame.$('#cut-track');
  const box = await track.boundingBox();
  const thumb = await (await frame.$('#cut-slider')).boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(thumb.x + thumb.width / 2, y);
  await page.mouse.down();
  for (let k = 1; k <= 8; k++) await page.mouse.move(thumb.x + thumb.width / 2 + ((box.x + fraction * box.width) - (thumb.x + thumb.width / 2)) * (k / 8), y);
  await page.mouse.up();
  return Number(await frame.getAttribute('#cut-slider', 'aria-valuenow'));
}

async function shot(page, name) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(shotsDir, `views-${name}.png`) });
  if (process.env.SCAR_UPDATE_SCREENSHOTS === '1' && name.endsWith('-dark')) {
    const dir = path.join(repoRoot, 'media', 'screenshots');
    fs.mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: path.join(dir, `${name.replace(/-dark$/, '')}.png`) });
  }
}

async function main() {
  const list = new CheckList();
  const { check, failures } = list;
  if (!harnessInstalled()) throw new Error('the code-server harness is not installed: run bash test/harness/install.sh');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-e2e-views-'));
  fs.mkdirSync(shotsDir, { recursive: true });
  const workspace = path.join(tmp, 'workspace');
  fs.mkdirSync(workspace, { recursive: true });
  const data = makeDataset(path.join(workspace, FILE));
  const extensionsDir = path.join(tmp, 'extensions');
  const ext = installBuiltExtension(extensionsDir);
  const userDataDir = path.join(tmp, 'user-data');
  writeUserSettings(userDataDir, { 'workbench.colorTheme': 'Default Dark Modern' });
  const server = await startCodeServer({ workDir: tmp, userDataDir, extensionsDir, smokeTestDriver: false });
  process.on('exit', () => server.stop());
  let browser = null;
  let page = null;
  try {
    browser = await launchBrowser(path.join(tmp, 'chromium'));
    page = browser.pages()[0] || (await browser.newPage());
    if (process.env.VERBOSE) page.on('console', (m) => console.log(`[browser:${m.type()}]`, m.text()));
    console.log(`e2e: code-server ${server.url}, extension ${ext.id}`);

    await check(`${FILE} opens and is scored`, async () => {
      await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor({ timeout: WAIT });
      await page.getByRole('treeitem', { name: FILE }).click({ timeout: WAIT });
      const item = page.locator('.statusbar .statusbar-item[id$="scar-lens.status"]').first();
      // Activation and the first scores take a while on a loaded machine.
      await item.waitFor({ timeout: 4 * WAIT });
      const deadline = Date.now() + 4 * WAIT;
      let text = '';
      while (!/median/.test(text) && Date.now() < deadline) { text = (await item.innerText()).replace(/\s+/g, ' '); await page.waitForTimeout(200); }
      if (!/median/.test(text)) throw new Error(`status bar "${text}"`);
      return `"${text.trim()}"`;
    });
    list.stopIfFailed('the file did not open or was not scored');

    let ov;
    await check('"SCAR: Open Dataset Overview" shows the histograms and the problem counts', async () => {
      await runCommand(page, 'SCAR: Open Dataset Overview');
      ov = await webviewFrame(page, '#keeps');
      const t = await waitText(ov, '#keeps', /^Keeps [\d,]+ lines$/);
      const summary = await waitText(ov, '#rows-summary', new RegExp(`^${data.lines} lines · ${data.lines} scored`));
      const bars = await ov.$$eval('#score-bars .bar', (b) => b.length);
      const lbars = await ov.$$eval('#length-bars .bar', (b) => b.length);
      if (bars < 10 || lbars < 10) throw new Error(`${bars} score bars, ${lbars} length bars`);
      const role = await ov.getAttribute('#grid', 'role');
      const slider = await ov.getAttribute('#cut-slider', 'role');
      if (role !== 'grid' || slider !== 'slider') throw new Error(`roles ${role}, ${slider}`);
      return `${t}; ${summary}`;
    });
    list.stopIfFailed('the overview did not open');

    let pctValue = 0;
    await check('dragging the cut updates "Keeps N lines" (top-% and threshold)', async () => {
      await ov.click('[data-mode="top-percent"]');
      pctValue = await dragTo(page, ov, 0.4);
      // The cut ranks what the export ranks: the scored lines left after SCAR's cleaning (the sample has duplicates).
      const share = await waitText(ov, '#share', /of the [\d,]+ scored lines left after cleaning$/);
      const ranked = Number(share.match(/of the ([\d,]+) scored/)[1].replace(/,/g, ''));
      const note = await ov.textContent('#cleaning-note');
      if (ranked >= data.lines || !/After SCAR's cleaning/.test(note)) throw new Error(`"${share}"; "${note}"`);
      const want = Math.min(ranked, Math.ceil(Math.round(pctValue / 100 * ranked * 1e9) / 1e9));
      await waitText(ov, '#keeps', new RegExp(`^Keeps ${want.toLocaleString('en-US')} lines$`));
      const latency = (await ov.evaluate(() => document.body.dataset.cutLatencyMs || '')).split(',').map(Number).filter(Number.isFinite);
      await ov.click('[data-mode="threshold"]');
      await dragTo(page, ov, 0);
      await waitText(ov, '#keeps', new RegExp(`^Keeps ${ranked} lines$`));
      await dragTo(page, ov, 1);
      const top = await waitText(ov, '#keeps', /^Keeps \d+ lines$/);
      if (Number(top.match(/\d+/)[0]) >= ranked) throw new Error(`a cut at the top keeps ${top}`);
      await ov.click('[data-mode="top-percent"]');
      pctValue = await dragTo(page, ov, 0.4);
      const sorted = [...latency].sort((a, b) => a - b);
      return `top ${pctValue}% of ${ranked} lines left after cleaning keeps ${want}; drag → count median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(1)} ms over ${sorted.length} drags`;
    });

    await check('the table sorts by score and by whole instruction text, and filters by text', async () => {
      await waitText(ov, '#rows-shown', new RegExp(`^${data.lines} of ${data.lines} lines$`));
      await ov.click('[data-col="score"] button');
      await ov.waitForSelector('[data-col="score"][aria-sort="descending"]', { timeout: WAIT });
      const num = (s) => (s === '>99' ? 99.5 : s === '<1' ? 0.5 : Number(s));
      const read = async () => ov.$$eval('.spacer .row .col-score', (cells) => cells.slice(0, 12).map((c) => c.textContent));
      let scores = [];
      const deadline = Date.now() + WAIT;
      for (;;) {
        scores = (await read()).map(num);
        if ((scores.length > 5 && scores.every((s, i) => i === 0 || scores[i - 1] >= s)) || Date.now() > deadline) break;
        await page.waitForTimeout(100);
      }
      if (!scores.every((s, i) => i === 0 || scores[i - 1] >= s)) throw new Error(`not descending: ${scores.join(', ')}`);
      // The instruction column sorts by the whole text (case-folded, white space as one space).
      await ov.click('[data-col="instruction"] button');
      await ov.waitForSelector('[data-col="instruction"][aria-sort="ascending"]', { timeout: WAIT });
      const fold = (x) => x.replace(/\s+/g, ' ').trim().toLowerCase();
      const readInst = async () => ov.$$eval('.spacer .row .col-instruction', (cells) => cells.slice(0, 12).map((c) => c.textContent));
      let insts = [];
      const until = Date.now() + WAIT;
      for (;;) {
        insts = (await readInst()).map(fold);
        if ((insts.length > 5 && insts.every((x, i) => i === 0 || insts[i - 1] <= x)) || Date.now() > until) break;
        await page.waitForTimeout(100);
      }
      if (!(insts.length > 5 && insts.every((x, i) => i === 0 || insts[i - 1] <= x))) throw new Error(`instructions not in text order: ${insts.slice(0, 6).join(' | ')}`);
      await ov.click('[data-col="score"] button');
      await ov.waitForSelector('[data-col="score"][aria-sort="descending"]', { timeout: WAIT });
      await ov.fill('#search', MARKER);
      await waitText(ov, '#rows-shown', new RegExp(`^1 of ${data.lines} lines$`));
      const line = await ov.getAttribute('.spacer .row', 'data-line');
      if (Number(line) !== LONG_LINE) throw new Error(`the match is line ${line}`);
      return `descending ${scores.slice(0, 4).join(', ')}…; by instruction "${insts[0].slice(0, 30)}"…; "${MARKER}" finds line ${line}`;
    });

    await shot(page, 'overview-dark');

    let rec;
    await check('clicking a row reveals the line in the editor and the record view shows its whole response', async () => {
      await ov.click('.spacer .row');
      const sel = page.locator('.statusbar-item[id="status.editor.selection"]');
      await sel.waitFor({ timeout: WAIT });
      const deadline = Date.now() + WAIT;
      let t = '';
      while (!new RegExp(`Ln ${LONG_LINE},`).test(t) && Date.now() < deadline) { t = await sel.innerText(); await page.waitForTimeout(100); }
      if (!new RegExp(`Ln ${LONG_LINE},`).test(t)) throw new Error(`the cursor is at "${t}"`);
      rec = await webviewFrame(page, `body[data-line="${LONG_LINE}"]`);
      const turn = '.turn.scored-response .body';
      await rec.waitForSelector(turn, { timeout: WAIT });
      const info = await rec.$eval(turn, (el) => ({ text: el.innerText, scrollW: el.scrollWidth, clientW: el.clientWidth, code: !!el.querySelector('pre.code') }));
      if (!info.text.includes(MARKER)) throw new Error('the end of the response is missing');
      if (info.text.length < 5000) throw new Error(`only ${info.text.length} characters shown`);
      if (info.scrollW > info.clientW + 2) throw new Error(`the text overflows sideways (${info.scrollW} > ${info.clientW})`);
      if (!info.code) throw new Error('the code block is not rendered');
      const score = await textOf(rec, '.score .facts');
      if (!/rank \d+ of \d+/.test(score) || !/percentile \d+/.test(score)) throw new Error(`score facts "${score}"`);
      return `${info.text.length} characters shown of ${data.longChars}, wrapped; "${score.slice(0, 60)}…"`;
    });

    await shot(page, 'record-dark');

    await check('the record view moves to the next line from the keyboard', async () => {
      await rec.click('header h1');
      await page.keyboard.press('j');
      await webviewFrame(page, `body[data-line="${LONG_LINE + 1}"]`);
    });

    await check('in the light theme, the overview comes back with its cut (state restored when shown again)', async () => {
      await runCommand(page, 'Preferences: Color Theme');
      await page.locator('.quick-input-widget input').fill('Light Modern');
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Light Modern' }).first().click({ timeout: WAIT });
      await page.locator('.monaco-workbench.vs').waitFor({ timeout: WAIT });
      await shot(page, 'record-light');
      await page.locator('.tab').filter({ hasText: `Overview: ${FILE}` }).first().click({ timeout: WAIT });
      const frame = await webviewFrame(page, '#keeps');
      await waitText(frame, '#keeps', /^Keeps [\d,]+ lines$/);
      const mode = await frame.getAttribute('[data-mode="top-percent"]', 'aria-checked');
      const value = Number(await frame.getAttribute('#cut-slider', 'aria-valuenow'));
      if (mode !== 'true' || value !== pctValue) throw new Error(`the cut came back as ${mode === 'true' ? 'top-%' : 'another mode'} ${value} (was top-% ${pctValue})`);
      await shot(page, 'overview-light');
      return `top ${value}% kept`;
    });

    await check('in a high-contrast theme, the overview draws with the theme\'s colours', async () => {
      await runCommand(page, 'Preferences: Color Theme');
      await page.locator('.quick-input-widget input').fill('Dark High Contrast');
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'Dark High Contrast' }).first().click({ timeout: WAIT });
      await page.locator('.monaco-workbench.hc-black').waitFor({ timeout: WAIT });
      const frame = await webviewFrame(page, '#keeps');
      await page.waitForTimeout(500);
      const colours = await frame.evaluate(() => {
        const s = getComputedStyle(document.body);
        const thumb = getComputedStyle(document.getElementById('cut-slider'));
        return { fg: s.color, bg: s.backgroundColor, border: thumb.borderTopColor, kind: document.body.className };
      });
      if (!/vscode-high-contrast/.test(colours.kind)) throw new Error(`the webview's body class is "${colours.kind}"`);
      if (colours.fg === colours.bg) throw new Error(`text and background are both ${colours.fg}`);
      await shot(page, 'overview-hc');
      return `text ${colours.fg} on ${colours.bg}, slider border ${colours.border}`;
    });

    await check('after a window reload both panels come back (WebviewPanelSerializer), the overview with its cut', async () => {
      await page.reload();
      await page.locator('.monaco-workbench').waitFor({ timeout: 2 * WAIT });
      // The record view is visible and comes back at once; a webview in a background tab comes back when shown.
      await webviewFrame(page, 'body[data-line]', 3 * WAIT);
      await page.locator('.tab').filter({ hasText: `Overview: ${FILE}` }).first().click({ timeout: 2 * WAIT });
      const frame = await webviewFrame(page, '#keeps', 3 * WAIT);
      await waitText(frame, '#keeps', /^Keeps [\d,]+ lines$/, 2 * WAIT);
      const mode = await frame.getAttribute('[data-mode="top-percent"]', 'aria-checked');
      const value = Number(await frame.getAttribute('#cut-slider', 'aria-valuenow'));
      if (mode !== 'true' || value !== pctValue) throw new Error(`the cut came back as ${mode === 'true' ? 'top-%' : 'another mode'} ${value} (was top-% ${pctValue})`);
      const tabs = (await page.locator('.tab').allInnerTexts()).map((t) => t.trim());
      if (!tabs.some((t) => t.includes('SCAR Record'))) throw new Error(`tabs after the reload: ${tabs.join(' | ')}`);
      return `tabs: ${tabs.join(' | ')}`;
    });
  } finally {
    if (failures.length && page) {
      const file = path.join(shotsDir, 'views-failure.png');
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
