// The record view and the dataset overview in the real VS Code, through the same checked message protocol their
// webviews use: the overview's counts, bins, a page of rows (sorted and filtered) and its export of a cut (the same
// report as "Select top…"), and the record view of a line with a response of over 5,000 characters, its score, its
// duplicate cluster, and an edit that blanks it ('stale') before it shows the new text. The file is generated here
// with known content: duplicates, a broken line, a blank line, a marker to search for.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DocumentScores } from '../../src/extension/scoring/scoringService';
import type { SelectionOutcome } from '../../src/extension/commands/selectTop';
import type { ViewsApi } from '../../src/extension/views/registerViews';
import type { OverviewSummary, OverviewUpdate } from '../../src/extension/views/protocol';
import { answerTo, openInEditor, replaceLine, scarApi, setScarSettings, waitUntil } from '../util/scarExtension';

const LONG = 6200;

/** 40 lines: 36 distinct pairs, 2 exact duplicates (lines 20 and 30), 1 broken line (25), 1 blank line (35). */
function generate(dir: string): { file: string; longLine: number } {
  const topics = ['rivers', 'volcanoes', 'tides', 'bread', 'compilers', 'bees', 'glaciers', 'violins', 'comets', 'printing'];
  const lines: string[] = [];
  for (let i = 1; i <= 40; i++) {
    if (i === 20) { lines.push(lines[4]); continue; }
    if (i === 30) { lines.push(lines[9]); continue; }
    if (i === 25) { lines.push('{"instruction": "broken line", "output": '); continue; }
    if (i === 35) { lines.push(''); continue; }
    const topic = topics[i % topics.length];
    let output = `Here is a short explanation of ${topic} number ${i}. ${'It covers the main idea with care. '.repeat(1 + (i % 7))}`;
    if (i === 12) {
      output = `# How ${topic} work\n\nThis answer is long on purpose (unique-marker).\n\n\`\`\`python\nprint("hello")\n\`\`\`\n\n`;
      while (output.length < LONG) output += `Paragraph ${output.length}: ${topic} are explained step by step, with examples and a summary at the end.\n\n`;
    }
    lines.push(JSON.stringify({ instruction: `Tell me about ${topic} (${i}).`, input: '', output }));
  }
  const file = path.join(dir, 'views.jsonl');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return { file, longLine: 12 };
}

describe('record view and dataset overview', function () {
  this.timeout(120000);
  let dir: string;
  let gen: { file: string; longLine: number };
  let uri: vscode.Uri;
  let views: ViewsApi;
  let restore: (() => Promise<void>) | undefined;

  before(async () => {
    const api = (await scarApi()) as unknown as { views: ViewsApi };
    views = api.views;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-views-'));
    gen = generate(dir);
    uri = vscode.Uri.file(gen.file);
    restore = await setScarSettings({ 'selection.dedup': true, 'selection.languageFilter': false, 'selection.output': 'untitled', 'selection.includeScore': false });
  });

  after(async () => {
    await restore?.();
    for (let i = 0; i < 8 && vscode.window.activeTextEditor; i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  let scores: DocumentScores;

  it('the overview reports the file\'s counts and bins through its messages', async () => {
    const editor = await openInEditor(uri);
    scores = (await vscode.commands.executeCommand('scar.scoreFile', uri)) as DocumentScores;
    assert.ok(scores, 'the file was scored');
    assert.equal(await vscode.commands.executeCommand('scar.openOverview', uri), true);
    const panel = views.overviewPanel(uri);
    assert.ok(panel, 'the overview panel is open');
    assert.equal(editor.document.uri.toString(), uri.toString());
    // The webview's first message: init, then the summary (the test asks as the webview does).
    const replies = await panel.handle({ type: 'ready' });
    const init = replies.find((m) => m.type === 'init');
    assert.ok(init && init.type === 'init' && init.file.name === 'views.jsonl' && init.file.large === false, JSON.stringify(init).slice(0, 200));
    let summary: OverviewSummary | undefined;
    await waitUntil('a complete summary with lengths and duplicate counts', () => {
      const last = [...panel.posted].reverse().find((m): m is Extract<OverviewUpdate, { type: 'summary' }> => m.type === 'summary');
      summary = last?.summary;
      return !!summary && summary.scoring.complete && summary.lengthsReady && summary.counts.duplicate === 2;
    }, 60000);
    const s = summary!;
    const scored = scores.lines.filter((l) => l.score !== undefined).length;
    assert.equal(s.rows, 39);
    assert.equal(s.blank, 1);
    assert.equal(s.scored, scored);
    assert.equal(s.counts.noPair, 1);
    assert.equal(s.counts.duplicate, 2);
    assert.equal(s.scores.counts.reduce((a, b) => a + b, 0), scored, 'every scored line is in one score bin');
    assert.equal(s.lengths.counts.reduce((a, b) => a + b, 0), 38, 'every line with a pair is in one length bin');
    assert.equal(s.bands.high + s.bands.mid + s.bands.low, scored);
  });

  it('a cut says what it keeps; a page of rows sorts and filters', async () => {
    const panel = views.overviewPanel(uri)!;
    const scored = scores.lines.filter((l) => l.score !== undefined);
    const half = await panel.handle({ type: 'cut', seq: 1000001, mode: 'top-percent', value: 50 });
    const st = answerTo(half, 1000001);
    assert.ok(st && st.type === 'cutStats');
    assert.equal(st.stats.kept, Math.ceil(scored.length / 2));
    assert.equal(st.stats.scored, scored.length);
    const k = await panel.handle({ type: 'cut', seq: 1000002, mode: 'top-k', value: 7 });
    const kStats = answerTo(k, 1000002);
    assert.ok(kStats && kStats.type === 'cutStats');
    assert.equal(kStats.stats.kept, 7);

    const best = [...scored].sort((a, b) => (b.score! - a.score!) || a.index - b.index).slice(0, 5).map((l) => l.index + 1);
    const page = await panel.handle({ type: 'page', seq: 1000003, query: { sort: 'score', descending: true, bands: [], kinds: [], text: '', offset: 0, limit: 5 } });
    const p = answerTo(page, 1000003);
    assert.ok(p && p.type === 'page');
    assert.equal(p.total, 39);
    assert.deepEqual(p.rows.map((r) => r.line), best);
    assert.ok(p.rows.every((r) => r.score !== '' && r.instruction.startsWith('Tell me about')));

    const dup = answerTo(await panel.handle({ type: 'page', seq: 1000004, query: { sort: 'line', descending: false, bands: [], kinds: ['duplicate'], text: '', offset: 0, limit: 50 } }), 1000004);
    assert.ok(dup && dup.type === 'page');
    assert.equal(dup.total, 2);
    assert.ok(dup.rows.every((r) => r.problems.includes('duplicate')));
    // A search reads the lines' pairs (with a status line while it runs), not the JSON: case and spacing are free.
    const searched = await panel.handle({ type: 'page', seq: 1000005, query: { sort: 'line', descending: false, bands: [], kinds: [], text: 'UNIQUE-marker', offset: 0, limit: 50 } });
    const found = answerTo(searched, 1000005);
    assert.ok(found && found.type === 'page', JSON.stringify(searched).slice(0, 300));
    assert.deepEqual(found.rows.map((r) => r.line), [gen.longLine]);
    const keys = answerTo(await panel.handle({ type: 'page', seq: 1000007, query: { sort: 'line', descending: false, bands: [], kinds: [], text: 'input', offset: 0, limit: 50 } }), 1000007);
    assert.ok(keys && keys.type === 'page');
    assert.equal(keys.total, 0, 'every line has the key "input"; no text says it');

    // The instruction column sorts by the whole text: every instruction starts "Tell me about", and "bees (15)" comes
    // before "bees (5)" as text does.
    const byText = answerTo(await panel.handle({ type: 'page', seq: 1000008, query: { sort: 'instruction', descending: false, bands: [], kinds: [], text: '', offset: 0, limit: 50 } }), 1000008);
    assert.ok(byText && byText.type === 'page');
    const instructions = byText.rows.map((r) => r.instruction).filter((x) => x.startsWith('Tell me about'));
    assert.equal(instructions.length, 38);
    const fold = (x: string): string => x.toLowerCase();
    assert.deepEqual(instructions, [...instructions].sort((a, b) => (fold(a) < fold(b) ? -1 : fold(a) > fold(b) ? 1 : 0)));
    assert.ok(instructions.indexOf('Tell me about bees (15).') < instructions.indexOf('Tell me about bees (5).'));
    assert.equal(byText.rows[byText.rows.length - 1].line, 25, 'the broken line, without an instruction, comes last');

    const bad = await panel.handle({ type: 'page', seq: 1000006, query: { sort: 'nope' } });
    assert.ok(bad.some((m) => m.type === 'status' && /sort must be one of/.test(m.text)), 'a bad message is refused, with the reason');
  });

  it('"Export this cut" runs "Select top…" and gives its report', async () => {
    const panel = views.overviewPanel(uri)!;
    const replies = await panel.handle({ type: 'export', mode: 'top-k', value: 5 });
    const done = replies.find((m) => m.type === 'exported');
    assert.ok(done && done.type === 'exported' && done.ok, JSON.stringify(replies));
    const direct = (await vscode.commands.executeCommand('scar.selectTop', { uri, criterion: 'top-k', value: 5 })) as SelectionOutcome;
    assert.ok(direct);
    assert.equal(done.message.split(' → ')[0], direct.message.split(' → ')[0], 'the same report as the command');
    assert.match(done.message, /duplicate/i, 'the report names the cleaning');
  });

  it('when the file\'s checks are the export\'s cleaning, a cut counts what the export keeps', async () => {
    // scar.hygiene.languageCheck is on by default: with the selection's language filter on too, the duplicate and
    // language findings of the file are exactly what "Select top" removes first.
    const undo = await setScarSettings({ 'selection.languageFilter': true });
    try {
      const panel = views.overviewPanel(uri)!;
      let stats: Extract<OverviewUpdate, { type: 'cutStats' }>['stats'] | undefined;
      const deadline = Date.now() + 30000;
      for (let seq = 1000100; Date.now() < deadline; seq++) {
        const a = answerTo(await panel.handle({ type: 'cut', seq, mode: 'top-percent', value: 50 }), seq);
        if (a && a.type === 'cutStats' && a.stats.cleaning === 'applied') { stats = a.stats; break; }
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(stats, 'the cut is counted after cleaning');
      // The planted exact duplicates at least (the generated answers are also near-duplicates of each other).
      assert.ok(stats.removed >= 2, `${stats.removed} left out`);
      assert.equal(stats.scored + stats.removed, scores.lines.filter((l) => l.score !== undefined).length);
      const done = (await panel.handle({ type: 'export', mode: 'top-percent', value: 50 })).find((m) => m.type === 'exported');
      assert.ok(done && done.type === 'exported' && done.ok, JSON.stringify(done));
      // "Removed …; kept N of M (top 50%)": M lines ranked after cleaning, N kept, as the panel said.
      const [, kept, ranked] = /kept ([\d,]+) of ([\d,]+)/.exec(done.message) ?? [];
      assert.deepEqual([Number(kept?.replace(/,/g, '')), Number(ranked?.replace(/,/g, ''))], [stats.kept, stats.scored], `the panel said ${stats.kept} of ${stats.scored}; the export: ${done.message}`);
    } finally {
      await undo();
      for (let i = 0; i < 4 && vscode.window.activeTextEditor?.document.isUntitled; i++) await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  });

  it('the record view shows a long response in full, its score and its duplicate cluster; an edit never shows a stale record', async () => {
    const editor = await openInEditor(uri);
    assert.equal(await vscode.commands.executeCommand('scar.showRecord', { uri: uri.toString(), line: gen.longLine }), true);
    const rv = views.recordView;
    await rv.handle({ type: 'ready' });
    await waitUntil('the long line\'s record', () => rv.lastRecord?.line === gen.longLine && rv.lastRecord.scoring === 'scored', 20000);
    const rec = rv.lastRecord!;
    const response = rec.turns.find((t) => t.scored === 'response');
    assert.ok(response && response.text.length >= LONG, `the whole response (${response?.text.length} characters)`);
    assert.equal(response.text, JSON.parse(editor.document.lineAt(gen.longLine - 1).text).output);
    assert.ok(rec.score && rec.score.rank >= 1 && rec.score.of === scores.lines.filter((l) => l.score !== undefined).length);

    // A duplicate's record names its cluster and the kept copy.
    await rv.handle({ type: 'navigate', direction: 1, lowOnly: false });
    await waitUntil('the next line', () => rv.lastRecord?.line === gen.longLine + 1);
    await vscode.commands.executeCommand('scar.showRecord', { uri: uri.toString(), line: 20 });
    await waitUntil('line 20 with its cluster', () => rv.lastRecord?.line === 20 && rv.lastRecord.clusters.length > 0, 20000);
    const dup = rv.lastRecord!;
    assert.equal(dup.clusters[0].kind, 'exact');
    assert.deepEqual([...dup.clusters[0].lines].sort((a, b) => a - b), [5, 20]);
    assert.ok(dup.findings.some((f) => f.kind === 'duplicate'));

    // An edit of the shown line: 'stale' at once, then the record of the new text.
    const posted = rv.posted.length;
    // The editor that shows the file now (showing the record view may have moved it to another group).
    const ed = await vscode.window.showTextDocument(editor.document, { preview: false });
    ed.selection = new vscode.Selection(19, 0, 19, 0);
    await replaceLine(ed, 19, JSON.stringify({ instruction: 'Edited question?', input: '', output: 'An edited answer.' }));
    await waitUntil('the edited record', () => rv.lastRecord?.line === 20 && rv.lastRecord.turns.some((t) => t.text === 'An edited answer.'), 20000);
    const after = rv.posted.slice(posted);
    const stale = after.findIndex((m) => m.type === 'stale');
    const fresh = after.findIndex((m) => m.type === 'record' && m.record.turns.some((t) => t.text === 'An edited answer.'));
    assert.ok(stale >= 0 && stale < fresh, `stale before the new record: ${after.map((m) => m.type).join(', ')}`);
    assert.ok(after.slice(stale, fresh).every((m) => m.type !== 'record' || m.record.turns.every((t) => !t.text.includes('explanation of'))), 'no record of the old text after the edit');
  });
});
