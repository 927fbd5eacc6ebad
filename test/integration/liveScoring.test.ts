// Live scoring in the real VS Code: a file is scored as it opens; an edit re-scores the edited line only (the
// engine's counters prove it), unchanged lines keep their scores, the result for text that was replaced in the
// meantime is never drawn, closing a file cancels its work, two files progress together, and "Go to next/previous
// low-scoring line" walk the low lines with wrap-around. While the user edits, the rest of the file waits.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { alpacaLines, tempDir } from '../util/scoringCli';
import {
  closeAllEditors, openAnalysed, openInEditor, replaceLine, revertActive, setScarSettings, waitUntil, workspaceUri,
} from '../util/scarExtension';
import { badgeOf, clearAllScores, cliScores, fullApi, liveScoringOn, settledBadges } from '../util/scoreView';
import { loadCalibration } from '../../src/core/calibration';
import { scoreScale } from '../../src/extension/scoring/scoreScale';
import { modelsDir } from '../util/paths';

/** The badges show the bundled ranker's 0-100 style score. */
const scale = scoreScale(loadCalibration(modelsDir));

async function writeWorkspaceFile(name: string, lines: string[]): Promise<vscode.Uri> {
  const uri = workspaceUri(name);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(lines.join('\n') + '\n'));
  return uri;
}

/** The score `scar score` gives to one line of text. */
async function cliScoreOf(text: string): Promise<number> {
  const dir = tempDir('scar-live-');
  const file = path.join(dir, 'one.jsonl');
  fs.writeFileSync(file, text + '\n');
  const s = (await cliScores(file)).get(1)!;
  fs.rmSync(dir, { recursive: true, force: true });
  return s.score!;
}

describe('live scoring', function () {
  this.timeout(90000);
  let restore: () => Promise<void>;
  before(async () => { restore = await liveScoringOn(); });
  after(async () => { await restore(); await clearAllScores(); });
  afterEach(async () => {
    await revertActive();
    await closeAllEditors();
  });

  it('scores a file on opening, and the service gives its scores', async () => {
    const { doc, editor } = await openAnalysed('alpaca.jsonl');
    const api = await fullApi();
    await settledBadges(api, editor);
    const scores = api.documentScores(doc.uri);
    assert.ok(scores, 'complete scores for the current version');
    assert.equal(scores.version, doc.version);
    assert.equal(scores.pairs, 5);
    await waitUntil('the score summary in the status bar', () => /· median (\d+|<1|>99) · \d+% ≥ 50 · /.test(api.statusText() ?? ''));
    assert.equal(api.statusCommand(), 'scar.showScoreSummary');
  });

  it('re-scores only the edited line; the other lines keep their scores', async () => {
    const { doc, editor } = await openAnalysed('alpaca.jsonl');
    const api = await fullApi();
    const before = await settledBadges(api, editor);
    const statsBefore = (await api.engineStats())!;
    const scoresBefore = api.documentScores(doc.uri)!;
    const edited = JSON.stringify({ instruction: 'Name a colour of the sky.', input: '', output: 'blue' });
    await replaceLine(editor, 1, edited);
    // At once the edited line's old badge is gone (pending), the others stay.
    await waitUntil('the edited line pending or rescored', () => {
      const r = api.renderedDecorations(editor)!;
      return r.version === doc.version && badgeOf(r, 2)?.text !== badgeOf(before, 2)?.text;
    });
    const after = await settledBadges(api, editor);
    const statsAfter = (await api.engineStats())!;
    assert.equal(statsAfter.pairsScored - statsBefore.pairsScored, 1, 'the model ran on one pair: the edited line');
    assert.equal(statsAfter.cacheHits - statsBefore.cacheHits, 0, 'no other line was even asked for');
    const scoresAfter = api.documentScores(doc.uri)!;
    const want = await cliScoreOf(edited);
    assert.ok(Math.abs(scoresAfter.lines[1].score! - want) < 1e-4, `the edited line scores ${want} as scar score says`);
    for (const i of [0, 2, 3, 4]) assert.equal(scoresAfter.lines[i].score, scoresBefore.lines[i].score, `line ${i + 1} kept its score`);
    assert.match(badgeOf(after, 2)!.text, new RegExp(`^[▲●▼] +${scale.text(want).replace(/[<>]/g, '\\$&')} · (top|bottom) \\d+%`));
  });

  it('scores an edit after a pause at once, and a burst of edits once, after scar.scoring.debounceMs of quiet', async () => {
    const undo = await setScarSettings({ 'scoring.debounceMs': 1500 });
    try {
      const { doc, editor } = await openAnalysed('alpaca.jsonl');
      const api = await fullApi();
      await settledBadges(api, editor);
      await new Promise((r) => setTimeout(r, 1600)); // a pause longer than the debounce time
      const base = api.engineRequests(doc.uri);
      const t0 = Date.now();
      await replaceLine(editor, 1, JSON.stringify({ instruction: 'After a pause: name a colour.', input: '', output: 'red' }));
      await settledBadges(api, editor);
      const firstMs = Date.now() - t0;
      assert.ok(firstMs < 1000, `the edit after a pause was scored in ${firstMs} ms, without waiting for the 1500 ms debounce`);
      const afterFirst = api.engineRequests(doc.uri);
      assert.equal(afterFirst.lines - base.lines, 1, 'one line sent: the edited one');
      // Three edits in a row, each well within the debounce time of the one before.
      const burst = Date.now();
      const last = JSON.stringify({ instruction: 'Burst 2: name a fruit.', input: '', output: 'a pear' });
      for (const text of [JSON.stringify({ instruction: 'Burst 0: name a fruit.', input: '', output: 'an apple' }), JSON.stringify({ instruction: 'Burst 1', input: '', output: 'a plum' }), last]) {
        await replaceLine(editor, 2, text);
      }
      await new Promise((r) => setTimeout(r, 700));
      assert.equal(api.engineRequests(doc.uri).lines, afterFirst.lines, 'nothing sent while the edits keep coming within the debounce time');
      const waiting = api.renderedDecorations(editor)!;
      assert.equal(waiting.version, doc.version, 'the edited text is drawn while its score is on its way');
      assert.deepEqual(waiting.badges.pending.map((b) => b.line), [3], 'as pending: no score of an earlier text');
      await settledBadges(api, editor);
      assert.ok(Date.now() - burst >= 1500, 'the burst was scored after the quiet time');
      assert.equal(api.engineRequests(doc.uri).lines - afterFirst.lines, 1, 'the burst cost one line: its final text');
      const want = await cliScoreOf(last);
      assert.ok(Math.abs(api.documentScores(doc.uri)!.lines[2].score! - want) < 1e-4, 'line 3 has the final text\'s score');
    } finally {
      await undo();
    }
  });

  it('never draws the score of text that was replaced meanwhile', async () => {
    const { doc, editor } = await openAnalysed('alpaca.jsonl');
    const api = await fullApi();
    await settledBadges(api, editor);
    const first = JSON.stringify({ instruction: 'Say hi.', input: '', output: 'hi' });
    const second = JSON.stringify({ instruction: 'Explain what a JSON Lines file is.', input: '', output: 'A JSON Lines file holds one JSON value per line, so tools can stream it line by line.' });
    const [firstScore, secondScore] = [await cliScoreOf(first), await cliScoreOf(second)];
    assert.notEqual(scale.text(firstScore), scale.text(secondScore), 'the two texts score differently');
    // Record every badge drawn for line 3 while the two edits race the engine.
    const drawn: Array<{ version: number; text: string }> = [];
    const timer = setInterval(() => {
      const r = api.renderedDecorations(editor);
      const b = r && badgeOf(r, 3);
      if (r && b) drawn.push({ version: r.version, text: b.text });
    }, 5);
    try {
      await replaceLine(editor, 2, first);
      const secondVersion = doc.version + 1;
      await replaceLine(editor, 2, second);
      assert.equal(doc.version, secondVersion);
      await settledBadges(api, editor);
    } finally {
      clearInterval(timer);
    }
    const final = api.documentScores(doc.uri)!;
    assert.ok(Math.abs(final.lines[2].score! - secondScore) < 1e-4, 'line 3 has the second text\'s score');
    const scoreOf = (badge: string): string => badge.split(' · ')[0].slice(1).trim();
    const stale = drawn.filter((d) => d.version === doc.version && scoreOf(d.text) === scale.text(firstScore));
    assert.deepEqual(stale, [], 'no badge of the current version shows the first text\'s score');
  });

  it('cancels a file\'s work when it closes', async () => {
    const uri = await writeWorkspaceFile('live-close-generated.jsonl', alpacaLines(6000));
    // Opened by the workbench (vscode.open), not through openTextDocument, which keeps documents open for minutes.
    await vscode.commands.executeCommand('vscode.open', uri);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())!;
    const api = await fullApi();
    await waitUntil('scoring under way', () => (api.liveScoring(uri)?.percentDone ?? 0) > 0, 20000);
    assert.equal(api.liveScoring(uri)?.complete, false, 'still scoring when closed');
    await waitUntil('the progress in the status bar', () => /^\$\(sync~spin\) .* · scoring \d+% · /.test(api.statusText() ?? ''), 10000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitUntil('the document to close', () => doc.isClosed, 30000);
    assert.equal(api.liveScoring(uri), undefined, 'its state is gone');
    // Only this file's requests are counted (other files' work, if any, does not matter here).
    const atClose = api.engineRequests(uri);
    assert.ok(atClose.sent > 0 && atClose.lines > 0, `it had sent requests: ${JSON.stringify(atClose)}`);
    await waitUntil('its requests in flight to be cancelled', () => { const c = api.engineRequests(uri); return c.settled === c.sent; }, 5000);
    const settled = api.engineRequests(uri);
    await new Promise((r) => setTimeout(r, 800));
    assert.deepEqual(api.engineRequests(uri), settled, 'no request for it after it closed');
    assert.equal(settled.sent, atClose.sent, 'not even one more while the requests in flight were cancelled');
  });

  it('a long pass can be stopped from the status bar item; its scores so far stay; Score current file resumes', async () => {
    const uri = await writeWorkspaceFile('live-stop-generated.jsonl', alpacaLines(6000));
    await vscode.commands.executeCommand('vscode.open', uri);
    const api = await fullApi();
    await waitUntil('scoring under way', () => (api.liveScoring(uri)?.percentDone ?? 0) > 0, 20000);
    await waitUntil('the progress in the status bar', () => /· scoring \d+% · /.test(api.statusText() ?? ''), 10000);
    // While it counts up, clicking the item stops the file's scoring (the progress notification's Cancel does the same).
    assert.equal(api.statusCommand(), 'scar.stopScoring');
    assert.match(api.statusTooltip() ?? '', /Click to stop/);
    assert.equal(await vscode.commands.executeCommand('scar.stopScoring'), true);
    const stopped = api.liveScoring(uri)!;
    assert.equal(stopped.mode, 'off');
    assert.equal(stopped.complete, false);
    assert.match(stopped.error ?? '', /stopped by you/);
    await waitUntil('the stop in the status bar', () => /· not scored · /.test(api.statusText() ?? ''), 5000);
    const sent = api.engineRequests(uri);
    await waitUntil('its requests in flight to be cancelled', () => { const c = api.engineRequests(uri); return c.settled === c.sent; }, 5000);
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(api.engineRequests(uri).sent, sent.sent, 'no request after the stop');
    const done = api.liveScoring(uri)!.percentDone;
    assert.ok(done > 0 && done < 100, `its scores so far stay (${done}%)`);
    const result = await vscode.commands.executeCommand<{ pairs: number }>('scar.scoreFile');
    assert.equal(result?.pairs, 6000, 'Score current file scores the rest');
  });

  it('holds the rest of the file back for half a second after each edit, serves the edited line before it, then goes on', async () => {
    const uri = await writeWorkspaceFile('live-typing-generated.jsonl', alpacaLines(30000).map((l) => l.replace('config', 'typing')));
    await vscode.commands.executeCommand('vscode.open', uri);
    const editor = vscode.window.activeTextEditor!;
    const api = await fullApi();
    await waitUntil('scoring under way', () => (api.liveScoring(uri)?.percentDone ?? 0) > 0, 20000);
    let checked = 0;
    for (let k = 0; k < 3 && api.liveScoring(uri)?.complete === false; k++) {
      await replaceLine(editor, 2, JSON.stringify({ instruction: `Typing ${k}: how do I rename a file?`, input: '', output: `Use mv, take ${k}.` }));
      // The edit has reached the extension when the edit resolves: the background pass sends nothing for half a
      // second (its requests already in flight were counted when they were sent). The edited line goes at once, as
      // a visible line.
      const atEdit = api.engineRequests(uri);
      await new Promise((r) => setTimeout(r, 400));
      const after = api.engineRequests(uri);
      assert.equal(after.backgroundLines - atEdit.backgroundLines, 0, `edit ${k}: background lines sent in the 400 ms after it`);
      assert.ok(after.lines - atEdit.lines >= 1 || api.liveScoring(uri)?.complete === true, `edit ${k}: the edited line was sent`);
      await waitUntil(`the rest of the file going on after edit ${k}`,
        () => api.engineRequests(uri).backgroundLines > atEdit.backgroundLines || api.liveScoring(uri)?.complete === true, 10000);
      checked++;
    }
    assert.ok(checked >= 1, 'the file was scored before the first edit was applied: nothing was checked');
    // The edited lines are urgent: the engine answered them between the inference batches of the background
    // requests in flight, instead of after them.
    assert.ok(((await api.engineStats())?.urgentBetweenBatches ?? 0) >= 1, 'an edited line was served between the batches of a background request');
    await waitUntil('the whole file scored', () => api.liveScoring(uri)?.complete === true, 60000);
  });

  it('scores two open files side by side without starving either', async () => {
    const u1 = await writeWorkspaceFile('live-a-generated.jsonl', alpacaLines(8000).map((l) => l.replace('config', 'settings')));
    const u2 = await writeWorkspaceFile('live-b-generated.jsonl', alpacaLines(8000).map((l) => l.replace('config', 'setup')));
    const api = await fullApi();
    // Both open before live scoring starts, so that they start together (opening takes a while on a busy machine).
    const pause = await setScarSettings({ 'scoring.auto': false });
    await openInEditor(u1, vscode.ViewColumn.One);
    await openInEditor(u2, vscode.ViewColumn.Two);
    await pause(); // back to on
    let both = false;
    await waitUntil('both files complete', () => {
      const [a, b] = [api.liveScoring(u1), api.liveScoring(u2)];
      // Seen both well past their visible lines before either finished.
      if (a && b && !a.complete && !b.complete && a.percentDone >= 5 && b.percentDone >= 5) both = true;
      return !!a?.complete && !!b?.complete;
    }, 80000);
    assert.ok(both, 'both files were past 5% while neither had finished');
  });

  it('does not score a file above scar.scoring.autoScoreMaxLines on opening; Score current file does', async () => {
    const undo = await setScarSettings({ 'scoring.autoScoreMaxLines': 3 });
    try {
      const uri = await writeWorkspaceFile('live-limit-generated.jsonl', alpacaLines(6));
      await vscode.commands.executeCommand('vscode.open', uri);
      const editor = vscode.window.activeTextEditor!;
      const api = await fullApi();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(api.liveScoring(uri)?.mode, 'off', 'not scored on opening');
      assert.equal(api.documentScores(uri), undefined);
      const result = await vscode.commands.executeCommand<{ pairs: number }>('scar.scoreFile');
      assert.equal(result?.pairs, 6);
      await settledBadges(api, editor);
    } finally {
      await undo();
    }
  });

  it('goes to the next and previous low-scoring line, wrapping around', async () => {
    const expected = await cliScores(workspaceUri('problems.jsonl').fsPath);
    const low = [...expected.values()].filter((l) => l.percentile !== null && l.percentile < 25).map((l) => l.line).sort((a, b) => a - b);
    assert.ok(low.length >= 2, 'the fixture has at least two low lines');
    const { editor } = await openAnalysed('problems.jsonl');
    await settledBadges(await fullApi(), editor);
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    const visited: number[] = [];
    for (let k = 0; k <= low.length; k++) visited.push((await vscode.commands.executeCommand<number>('scar.nextLowLine'))!);
    assert.deepEqual(visited, [...low, low[0]], 'next visits each low line, then wraps');
    assert.equal(editor.selection.active.line + 1, low[0]);
    const back = await vscode.commands.executeCommand<number>('scar.previousLowLine');
    assert.equal(back, low[low.length - 1], 'previous wraps to the last low line');
  });
});
