// The commands that act on scores, in the real VS Code: "Select top…" (counts of top-k, ratio and threshold, rank
// order, original lines byte for byte from a CRLF + non-ASCII file, the untitled editor, the sibling file, the
// score field), SCAR's cleaning before selection, "Sort lines…" and "Filter out lines below…" (one edit each,
// undone by 'undo'; the removed lines kept in <name>.removed.jsonl), and "Export top…" in its three formats.
// The expected results are computed here from the scores the extension reports and the fixture's bytes.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DocumentScores, ScoringApi } from '../../src/extension/scoring/scoringService';
import type { EditOutcome } from '../../src/extension/commands/sortFilter';
import type { SelectionOutcome } from '../../src/extension/commands/selectTop';
import type { CleaningServiceApi } from '../../src/extension/hygiene/cleaningHost';
import { scarApi, setScarSettings, waitUntil, workspaceUri } from '../util/scarExtension';
import { loadCalibration, rawForStyle, styleScore } from '../../src/core/calibration';
import { modelsDir } from '../util/paths';

/** Commands take thresholds on the 0-100 style score of the bundled ranker's calibration. */
const calibration = loadCalibration(modelsDir)!;
/** The style score of a raw score, and the raw score the extension compares with for it. */
function styleThreshold(raw: number): { style: number; raw: number } {
  const style = styleScore(raw, calibration);
  return { style, raw: rawForStyle(style, calibration) };
}

const FIXTURE = 'curated-crlf.jsonl';

/** The fixture's lines as bytes (without their CRLF), and its text. */
function fixtureLines(name: string): Buffer[] {
  const bytes = fs.readFileSync(workspaceUri(name).fsPath);
  const out: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) { out.push(bytes.subarray(start, bytes[i - 1] === 0x0d ? i - 1 : i)); start = i + 1; }
  }
  if (start < bytes.length) out.push(bytes.subarray(start));
  return out;
}

/** Scores the document through the extension and returns its line scores (0-based index -> score). */
async function scoresOf(doc: vscode.TextDocument, api: unknown): Promise<Map<number, number>> {
  const result = (await vscode.commands.executeCommand('scar.scoreFile', doc.uri)) as DocumentScores | undefined;
  assert.ok(result, 'scar.scoreFile returned scores');
  assert.equal(result, (api as ScoringApi).documentScores(doc.uri));
  const m = new Map<number, number>();
  for (const l of result.lines) if (l.score !== undefined) m.set(l.index, l.score);
  return m;
}

/** 0-based indices, best score first, ties in document order. */
function ranked(scores: Map<number, number>): number[] {
  return [...scores.keys()].sort((a, b) => (scores.get(b)! - scores.get(a)!) || a - b);
}

/** Documents this suite opened: it waits for them to close at the end, so that no later suite sees them. */
const opened = new Set<vscode.TextDocument>();

/**
 * Opens a workspace file in an editor through the workbench (vscode.open: the document closes with its editor,
 * whereas openTextDocument keeps it open for minutes) and waits until SCAR Lens has analysed it.
 */
async function openFixture(name: string): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor; api: Awaited<ReturnType<typeof scarApi>> }> {
  const uri = workspaceUri(name);
  await vscode.commands.executeCommand('vscode.open', uri);
  const editor = vscode.window.activeTextEditor;
  assert.ok(editor && editor.document.uri.toString() === uri.toString(), `${name} is the active editor`);
  opened.add(editor.document);
  const api = await scarApi();
  await api.whenAnalysed(uri);
  return { doc: editor.document, editor, api };
}

const CRLF = Buffer.from('\r\n');
const joinCrlf = (lines: Buffer[]): Buffer => Buffer.concat(lines.flatMap((l) => [l, CRLF]));

describe('commands that act on scores', function () {
  this.timeout(90000);
  let restore: (() => Promise<void>) | undefined;
  const cleanups: string[] = [];

  beforeEach(async () => {
    // Exact counts first: no cleaning, so every scored line is ranked.
    restore = await setScarSettings({ 'selection.dedup': false, 'selection.languageFilter': false, 'selection.output': 'untitled', 'selection.includeScore': false });
  });
  after(async () => {
    // Leave no document open behind (a later suite may count the engine's work on every open file).
    for (const d of vscode.workspace.textDocuments) if (d.isUntitled) opened.add(d);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitUntil('the documents of this suite to close', () => [...opened].every((d) => d.isClosed), 30000);
  });
  afterEach(async () => {
    // Revert every changed document (the sorted/filtered fixture, the untitled results) so closing never prompts.
    for (const d of vscode.workspace.textDocuments.filter((x) => x.isDirty)) {
      await vscode.window.showTextDocument(d);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await restore?.();
    for (const f of cleanups.splice(0)) fs.rmSync(f, { force: true });
  });

  it('Select top: each selection opens its own tab, named after its source, cut and count', async () => {
    const { doc, api } = await openFixture(FIXTURE);
    await scoresOf(doc, api);
    const runs: Array<[Record<string, unknown>, string]> = [
      [{ criterion: 'top-k', value: 5 }, 'curated-crlf · top 5 · 5 lines.jsonl'],
      [{ criterion: 'ratio', value: 0.25 }, 'curated-crlf · top 25% · 3 lines.jsonl'],
      [{ criterion: 'top-k', value: 5 }, 'curated-crlf · top 5 · 5 lines (2).jsonl'],
      [{ criterion: 'ratio', value: 0.5 }, 'curated-crlf · top 50% · 6 lines.jsonl'],
    ];
    const uris: string[] = [];
    for (const [args, name] of runs) {
      await vscode.window.showTextDocument(doc);
      const result = (await vscode.commands.executeCommand('scar.selectTop', { ...args, output: 'untitled' })) as SelectionOutcome;
      const untitled = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.untitled)!;
      assert.ok(untitled, 'the untitled document is open');
      assert.equal(untitled.isUntitled, true);
      assert.equal(untitled.languageId, 'jsonl');
      assert.equal(untitled.lineCount - 1, result.lines.length, 'it holds the selected lines');
      uris.push(untitled.uri.toString());
      const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === untitled.uri.toString());
      assert.ok(tab, 'it has a tab');
      assert.equal(tab.label, name);
    }
    const labels = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && uris.includes(t.input.uri.toString())).map((t) => t.label);
    assert.equal(new Set(labels).size, 4, `four tabs with four names: ${labels.join(' | ')}`);
  });

  it('Select top: top-k keeps exactly k lines, best first, byte for byte, in a new untitled JSONL editor', async () => {
    const { doc, api } = await openFixture(FIXTURE);
    const scores = await scoresOf(doc, api);
    assert.equal(scores.size, 12, 'the fixture has 12 scored lines');
    const raw = fixtureLines(FIXTURE);
    const order = ranked(scores);

    const result = (await vscode.commands.executeCommand('scar.selectTop', { criterion: 'top-k', value: 5, output: 'untitled' })) as SelectionOutcome;
    assert.ok(result?.untitled, 'an untitled editor was opened');
    assert.deepEqual(result.lines, order.slice(0, 5).map((i) => i + 1));
    assert.equal(result.report.selected, 5);
    assert.equal(result.report.ranked, 12);
    assert.equal(result.message, 'Kept 5 of 12 (top 5) → a new editor (curated-crlf · top 5 · 5 lines.jsonl); 1 line without a pair not considered');
    const untitled = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.untitled);
    assert.ok(untitled, 'the untitled document is open');
    assert.equal(untitled.languageId, 'jsonl');
    assert.equal(untitled.isUntitled, true);
    // The original lines' bytes (non-ASCII, odd spacing, the ASCII-escaped line) with the source's CRLF.
    assert.equal(untitled.getText(), joinCrlf(order.slice(0, 5).map((i) => raw[i])).toString('utf8'));
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), result.untitled, 'the new editor is shown');
  });

  it('Select top: ratio rounds up, goes to <name>.top.jsonl byte for byte, and leaves the source untouched', async () => {
    const { doc, api } = await openFixture(FIXTURE);
    const scores = await scoresOf(doc, api);
    const before = fs.readFileSync(doc.uri.fsPath);
    const raw = fixtureLines(FIXTURE);
    const result = (await vscode.commands.executeCommand('scar.selectTop', { criterion: 'ratio', value: 0.25, output: 'file' })) as SelectionOutcome;
    const target = path.join(path.dirname(doc.uri.fsPath), 'curated-crlf.top.jsonl');
    cleanups.push(target);
    assert.equal(result?.file, target);
    assert.equal(result.lines.length, 3, 'ceil(0.25 x 12) = 3');
    assert.deepEqual(fs.readFileSync(target), joinCrlf(ranked(scores).slice(0, 3).map((i) => raw[i])));
    assert.deepEqual(fs.readFileSync(doc.uri.fsPath), before);
    assert.match(result.message, /Kept 3 of 12 \(top 25%\) → curated-crlf\.top\.jsonl/);
    // An existing result is only replaced when the caller says so.
    fs.writeFileSync(target, 'mine\n');
    assert.equal(await vscode.commands.executeCommand('scar.selectTop', { criterion: 'top-k', value: 1, output: 'file', replace: false }), undefined);
    assert.equal(fs.readFileSync(target, 'utf8'), 'mine\n');
    const again = (await vscode.commands.executeCommand('scar.selectTop', { criterion: 'top-k', value: 1, output: 'file', replace: true })) as SelectionOutcome;
    assert.deepEqual(fs.readFileSync(target), joinCrlf([raw[ranked(scores)[0]]]));
    assert.equal(again.lines.length, 1);
    // No temporary file is left beside it.
    assert.deepEqual(fs.readdirSync(path.dirname(target)).filter((f) => f.endsWith('.tmp')), []);
  });

  it('Select top: a threshold keeps every line scoring at least it; includeScore adds the score field', async () => {
    const { doc, api } = await openFixture(FIXTURE);
    const scores = await scoresOf(doc, api);
    const values = [...scores.values()].sort((a, b) => a - b);
    const t = styleThreshold(values[Math.floor(values.length / 2)]);
    const expected = ranked(scores).filter((i) => scores.get(i)! >= t.raw);
    assert.ok(expected.length > 0 && expected.length < scores.size, 'the threshold splits the file');
    const result = (await vscode.commands.executeCommand('scar.selectTop', { criterion: 'threshold', value: t.style, output: 'untitled', includeScore: true })) as SelectionOutcome;
    assert.deepEqual(result.lines, expected.map((i) => i + 1));
    const untitled = vscode.workspace.textDocuments.find((d) => d.uri.toString() === result.untitled)!;
    const rows = untitled.getText().split('\r\n').filter((l) => l !== '');
    assert.equal(rows.length, expected.length);
    rows.forEach((row, k) => {
      const obj = JSON.parse(row) as Record<string, unknown>;
      const original = JSON.parse(doc.lineAt(expected[k]).text) as Record<string, unknown>;
      assert.ok(Math.abs((obj.score as number) - scores.get(expected[k])!) < 1e-5);
      delete obj.score;
      assert.deepEqual(obj, original);
    });
  });

  it('Select top: cleans in SCAR\'s order first (duplicates removed, reported)', async () => {
    await restore?.();
    restore = await setScarSettings({ 'selection.dedup': true, 'selection.languageFilter': true });
    // A file of this test's own (other suites' fixtures keep their state unscored): 6 distinct pairs, two exact
    // copies of the first (one with other spacing and an extra field) and one of the fourth.
    const pair = (i: number): { instruction: string; input: string; output: string } => ({
      instruction: `Explain step ${i} of making bread at home, in plain words.`,
      input: '',
      output: ['Mix flour, water, salt and yeast into a rough dough.', 'Knead the dough for ten minutes until it is smooth and springy.',
        'Leave it covered in a warm place until it has doubled in size.', 'Shape it into a loaf and let it rise again for an hour.',
        'Bake it in a hot oven until the crust is brown and it sounds hollow.', 'Let it cool on a rack before you slice it.'][i],
    });
    const rows = [0, 1, 2, 3, 4, 5].map((i) => JSON.stringify(pair(i)));
    rows.splice(2, 0, JSON.stringify({ ...pair(0), id: 'copy' }));
    rows.push(JSON.stringify(pair(3)), JSON.stringify(pair(0)));
    const file = workspaceUri('select-dupes.jsonl').fsPath;
    fs.writeFileSync(file, rows.join('\n') + '\n');
    cleanups.push(file);
    const { doc, api } = await openFixture('select-dupes.jsonl');
    const scores = await scoresOf(doc, api);
    const result = (await vscode.commands.executeCommand('scar.selectTop', { criterion: 'ratio', value: 1, output: 'untitled' })) as SelectionOutcome;
    assert.equal(result.report.input, 9);
    assert.equal(result.report.removedExact, 3);
    assert.equal(result.report.ranked, 6);
    assert.equal(result.report.selected, 6);
    assert.match(result.message, /^Removed 3 exact duplicates, 0 non-English, 0 near-duplicates; kept 6 of 6 \(top 100%\)/);
    // Of each group the best-scored copy stays (the first on a tie).
    const groups = [[0, 2, 8], [1], [3], [4, 7], [5], [6]];
    const keptOf = (g: number[]): number => g.reduce((best, i) => (scores.get(i)! > scores.get(best)! ? i : best), g[0]);
    assert.deepEqual([...result.lines].sort((a, b) => a - b), groups.map(keptOf).map((i) => i + 1).sort((a, b) => a - b));
  });

  it('Select top: takes its cleaning from the hygiene snapshot when the settings agree, from the cleaning service when not; near-duplicates are the warnings\' (scar.hygiene.*)', async () => {
    await restore?.();
    restore = await setScarSettings({ 'selection.dedup': true, 'selection.languageFilter': true, 'hygiene.languageCheck': true, 'hygiene.nearDuplicateThreshold': 0.5 });
    const pair = (i: number): { instruction: string; input: string; output: string } => ({
      instruction: `Explain step ${i} of making tea at home, in plain words.`,
      input: '',
      output: ['Boil fresh water in a kettle and let it rest for a moment before pouring.', 'Warm the teapot with a little hot water, then pour that water away again.',
        'Put one spoon of loose leaves per cup into the pot and add the hot water.', 'Let the leaves steep for three to five minutes, depending on the tea.',
        'Pour the tea through a strainer into cups and add milk if you like.', 'Rinse the pot and leaves away so it is clean for the next time.'][i],
    });
    const rows = [0, 1, 2, 3, 4, 5].map((i) => JSON.stringify(pair(i)));
    // A near-duplicate of line 3 (Jaccard 0.86) and an exact copy of line 1.
    rows.push(JSON.stringify({ ...pair(2), output: 'Put one spoon of loose leaves per cup into the pot and pour the hot water.' }), JSON.stringify(pair(0)));
    const file = workspaceUri('select-near.jsonl').fsPath;
    fs.writeFileSync(file, rows.join('\n') + '\n');
    cleanups.push(file);
    const { doc, api } = await openFixture('select-near.jsonl');
    await scoresOf(doc, api);
    const service = (): { clean: number; check: number } => (api as unknown as CleaningServiceApi).cleaningService().served;
    const select = async (): Promise<SelectionOutcome> => (await vscode.commands.executeCommand('scar.selectTop', { uri: doc.uri, criterion: 'ratio', value: 1, output: 'untitled' })) as SelectionOutcome;
    const snapshotCounts = async (): Promise<{ exact: number; nearDuplicate: number }> =>
      ((await vscode.commands.executeCommand('scar.hygiene.snapshot', doc.uri)) as { counts: { exact: number; nearDuplicate: number } }).counts;

    // The settings agree: the snapshot that the warnings show is the selection's cleaning; nothing is cleaned twice.
    const cleansBefore = service().clean;
    const first = await select();
    assert.equal(first.report.removedExact, 1);
    assert.equal(first.report.removedNearDup, 1);
    assert.deepEqual(await snapshotCounts(), { exact: 1, nearDuplicate: 1, language: 0 });
    assert.equal(service().clean, cleansBefore, 'no second cleaning: the hygiene snapshot served');

    // A stricter near-duplicate threshold for the warnings is the selection's too.
    await setScarSettings({ 'hygiene.nearDuplicateThreshold': 0.95 });
    const strict = await select();
    assert.equal(strict.report.removedNearDup, 0);
    assert.equal((await snapshotCounts()).nearDuplicate, 0);
    assert.equal(service().clean, cleansBefore, 'the snapshot served again');

    // The selection keeps non-English lines while the warnings check them: the service cleans, with the same threshold.
    await setScarSettings({ 'selection.languageFilter': false });
    const own = await select();
    assert.equal(service().clean, cleansBefore + 1, 'cleaned in the service');
    assert.equal(own.report.removedExact, 1);
    assert.equal(own.report.removedNearDup, 0);
    await setScarSettings({ 'hygiene.nearDuplicateThreshold': 0.5 });
    const near = await select();
    assert.equal(near.report.removedNearDup, 1);
    assert.equal(service().clean, cleansBefore + 2);
    assert.deepEqual([...near.lines].sort(), [...first.lines].sort(), 'the same lines as the snapshot gave');
  });

  it('Sort: one edit, best first, ties stable, blank and broken lines last, CRLF kept; undo restores the text', async () => {
    const { doc, editor, api } = await openFixture(FIXTURE);
    const scores = await scoresOf(doc, api);
    const original = doc.getText();
    const lines = original.split('\r\n').slice(0, -1);
    const result = (await vscode.commands.executeCommand('scar.sortByScore')) as EditOutcome;
    assert.equal(result?.count, 12);
    const expected = [...ranked(scores).map((i) => lines[i]), lines[9], lines[6]].join('\r\n') + '\r\n';
    assert.equal(doc.getText(), expected);
    assert.equal(doc.eol, vscode.EndOfLine.CRLF);
    await vscode.window.showTextDocument(doc, editor.viewColumn);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original, 'one undo restores the original order');
  });

  /**
   * A copy of the fixture under another name, for tests that save: the fixture itself stays as shipped for the
   * others (VS Code may keep a saved document's text after its editor closes). Removed with its side file after.
   */
  function fixtureCopy(name: string): string {
    fs.copyFileSync(workspaceUri(FIXTURE).fsPath, workspaceUri(name).fsPath);
    cleanups.push(workspaceUri(name).fsPath, workspaceUri(name.replace(/\.jsonl$/, '.removed.jsonl')).fsPath);
    return name;
  }
  async function save(doc: vscode.TextDocument): Promise<void> {
    assert.ok(await doc.save(), `${path.basename(doc.uri.fsPath)} saved`);
  }

  it('Filter: removes lines below a score in one edit; saving appends them to <name>.removed.jsonl once; undo restores', async () => {
    const name = fixtureCopy('filter-saved.jsonl');
    const { doc, editor, api } = await openFixture(name);
    const scores = await scoresOf(doc, api);
    const original = doc.getText();
    const raw = fixtureLines(name);
    const values = [...scores.values()].sort((a, b) => a - b);
    const t = styleThreshold(values[4]); // removes the 4 lowest (if there is no tie at the cut)
    const below = [...scores.keys()].filter((i) => scores.get(i)! < t.raw).sort((a, b) => a - b);
    assert.ok(below.length >= 3 && below.length <= 5, `${below.length} lines below`);
    const sibling = path.join(path.dirname(doc.uri.fsPath), 'filter-saved.removed.jsonl');
    // An earlier run left a line without a final line ending: the new lines are appended after one.
    fs.writeFileSync(sibling, '{"earlier": true}');
    const result = (await vscode.commands.executeCommand('scar.filterBelow', { threshold: t.style })) as EditOutcome;
    assert.equal(result?.count, below.length);
    assert.equal(result.removedFile, sibling);
    assert.equal(fs.readFileSync(sibling, 'utf8'), '{"earlier": true}', 'nothing is written before the source is saved');
    const keptLines = original.split('\r\n').slice(0, -1).filter((_, i) => !below.includes(i));
    assert.equal(doc.getText(), keptLines.join('\r\n') + '\r\n');
    assert.match(result.message, new RegExp(`^Removed ${below.length} lines \\(style score < [\\d.]+\\); saving filter-saved\\.jsonl appends them to filter-saved\\.removed\\.jsonl\\. Undo puts them back\\.$`));
    await save(doc);
    const afterSave = Buffer.concat([Buffer.from('{"earlier": true}\r\n'), joinCrlf(below.map((i) => raw[i]))]);
    assert.deepEqual(fs.readFileSync(sibling), afterSave, 'the removed lines, once, after the save');
    await save(doc);
    assert.deepEqual(fs.readFileSync(sibling), afterSave, 'a second save adds nothing');
    await vscode.window.showTextDocument(doc, editor.viewColumn);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original);
    // Saved after the undo: the lines are back in the source, so they leave the side file.
    await save(doc);
    assert.equal(fs.readFileSync(sibling, 'utf8'), '{"earlier": true}\r\n');
  });

  it('Filter, undo, filter again, undo, save: the side file holds no line of the source', async () => {
    const { doc, editor, api } = await openFixture(fixtureCopy('filter-undone.jsonl'));
    const scores = await scoresOf(doc, api);
    const original = doc.getText();
    const sibling = path.join(path.dirname(doc.uri.fsPath), 'filter-undone.removed.jsonl');
    const values = [...scores.values()].sort((a, b) => a - b);
    for (const t of [values[3], values[6]]) {
      const result = (await vscode.commands.executeCommand('scar.filterBelow', { threshold: styleThreshold(t).style })) as EditOutcome;
      assert.ok(result.count > 0);
      await vscode.window.showTextDocument(doc, editor.viewColumn);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original);
    }
    await save(doc);
    assert.equal(fs.existsSync(sibling), false, 'no side file: every removal was undone');
    // A filter after all that, saved: its lines once, and none of the source's.
    const result = (await vscode.commands.executeCommand('scar.filterBelow', { threshold: styleThreshold(values[2]).style })) as EditOutcome;
    await save(doc);
    const side = fs.readFileSync(sibling, 'utf8').split('\r\n').slice(0, -1);
    assert.equal(side.length, result.count);
    const source = new Set(doc.getText().split('\r\n'));
    assert.deepEqual(side.filter((l) => source.has(l)), [], 'no line is in both files');
  });

  it('Filter with scar.removedLinesFile "none" writes no sibling file; Undo still restores', async () => {
    await restore?.();
    restore = await setScarSettings({ removedLinesFile: 'none' });
    const { doc, editor, api } = await openFixture(FIXTURE);
    const scores = await scoresOf(doc, api);
    const original = doc.getText();
    const t = styleThreshold([...scores.values()].sort((a, b) => a - b)[3]);
    const result = (await vscode.commands.executeCommand('scar.filterBelow', { threshold: t.style })) as EditOutcome;
    assert.equal(result.count, [...scores.values()].filter((v) => v < t.raw).length);
    assert.equal(result.removedFile, undefined);
    assert.equal(fs.existsSync(path.join(path.dirname(doc.uri.fsPath), 'curated-crlf.removed.jsonl')), false);
    assert.match(result.message, /^Removed \d lines \(style score < [\d.]+\); Undo puts them back\.$/);
    await vscode.window.showTextDocument(doc, editor.viewColumn);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original);
  });

  it('Filter by percentile removes the lines under it', async () => {
    const { doc, api } = await openFixture(FIXTURE);
    const scores = await scoresOf(doc, api);
    const result = (await vscode.commands.executeCommand('scar.filterBelow', { percentile: 50 })) as EditOutcome;
    cleanups.push(result.removedFile!);
    // Percentile of a line = share of the other 11 scored lines that are lower (ties half): under 50 = the lower half.
    const lower = [...scores.values()].filter((s) => [...scores.values()].filter((o) => o < s).length + 0.5 * ([...scores.values()].filter((o) => o === s).length - 1) < 5.5).length;
    assert.equal(result.count, lower);
    assert.equal(doc.lineCount - 1, 14 - lower);
  });

  it('Export top: JSONL, JSON array with scores and ShareGPT, atomically to the chosen file', async () => {
    const { doc, api } = await openFixture(FIXTURE);
    const scores = await scoresOf(doc, api);
    const order = ranked(scores).slice(0, 4);
    const raw = fixtureLines(FIXTURE);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-export-'));
    try {
      const jsonl = path.join(dir, 'top.jsonl');
      const r1 = (await vscode.commands.executeCommand('scar.exportTop', { criterion: 'top-k', value: 4, format: 'jsonl', target: jsonl })) as SelectionOutcome;
      assert.equal(r1.file, jsonl);
      assert.deepEqual(fs.readFileSync(jsonl), joinCrlf(order.map((i) => raw[i])));

      const json = path.join(dir, 'top.json');
      await vscode.commands.executeCommand('scar.exportTop', { criterion: 'top-k', value: 4, format: 'json', target: json });
      const list = JSON.parse(fs.readFileSync(json, 'utf8')) as Array<{ instruction: string; output: string; score: number }>;
      assert.equal(list.length, 4);
      list.forEach((e, k) => {
        const src = JSON.parse(doc.lineAt(order[k]).text) as { instruction: string; output: string };
        assert.equal(e.instruction, src.instruction);
        assert.equal(e.output, src.output);
        assert.ok(Math.abs(e.score - scores.get(order[k])!) < 1e-5);
        assert.deepEqual(Object.keys(e), ['instruction', 'output', 'score']);
      });

      const sharegpt = path.join(dir, 'top.sharegpt.json');
      await vscode.commands.executeCommand('scar.exportTop', { criterion: 'top-k', value: 4, format: 'sharegpt', target: sharegpt });
      const convs = JSON.parse(fs.readFileSync(sharegpt, 'utf8')) as Array<{ id: string; conversations: Array<{ from: string; value: string }> }>;
      assert.deepEqual(convs.map((c) => c.id), order.map((i) => `line-${i + 1}`));
      for (const [k, c] of convs.entries()) {
        const src = JSON.parse(doc.lineAt(order[k]).text) as { instruction: string; output: string };
        assert.deepEqual(c.conversations, [{ from: 'human', value: src.instruction }, { from: 'gpt', value: src.output }]);
      }

      // Never over the source.
      const refused = await vscode.commands.executeCommand('scar.exportTop', { criterion: 'top-k', value: 1, format: 'jsonl', target: doc.uri.fsPath });
      assert.equal(refused, undefined);
      assert.equal(fs.readFileSync(doc.uri.fsPath).length, fs.statSync(doc.uri.fsPath).size);
      assert.equal(fs.readFileSync(doc.uri.fsPath, 'utf8').split('\r\n').length, 15);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Select top from the keyboard: Enter on the quick pick takes its first choice (top 10%)', async () => {
    const { doc, api } = await openFixture(FIXTURE);
    const scores = await scoresOf(doc, api);
    const running = vscode.commands.executeCommand('scar.selectTop') as Thenable<SelectionOutcome | undefined>;
    let settled = false;
    void Promise.resolve(running).finally(() => { settled = true; });
    // The quick pick opens once the (cached) scores and the cleaning are ready; press Enter until it was taken.
    for (let i = 0; i < 100 && !settled; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    const result = await running;
    assert.ok(result, 'the command finished after the quick pick');
    assert.equal(result.report.criterion.kind, 'ratio');
    assert.deepEqual(result.lines, ranked(scores).slice(0, 2).map((i) => i + 1), 'ceil(10% of 12) = 2 lines, best first');
  });

  it('rejects bad arguments with a message instead of acting', async () => {
    await openFixture(FIXTURE);
    assert.equal(await vscode.commands.executeCommand('scar.selectTop', { criterion: 'ratio', value: 1.5 }), undefined);
    assert.equal(await vscode.commands.executeCommand('scar.selectTop', { criterion: 'best', value: 1 }), undefined);
    assert.equal(await vscode.commands.executeCommand('scar.exportTop', { criterion: 'top-k', value: 1, format: 'csv', target: path.join(os.tmpdir(), 'x.csv') }), undefined);
    assert.equal(fs.existsSync(path.join(os.tmpdir(), 'x.csv')), false);
  });
});
