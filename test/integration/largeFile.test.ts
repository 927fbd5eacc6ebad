// Files over VS Code's 50 MB sync limit, in the real VS Code: the document commands decline them (and name the
// on-disk commands), and "Score file on disk…" / "Select top from file on disk…" stream them through the engine and
// write <name>.scores.jsonl / <name>.top.jsonl beside them. The file is generated here into a temporary folder:
// about 1,600 long lines (a padding field the adapters ignore keeps the pair count moderate), with planted exact
// duplicates, lines that are not valid JSON, a blank line and non-ASCII text.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { OnDiskOutcome } from '../../src/extension/commands/onDisk';
import type { CleaningServiceApi } from '../../src/extension/hygiene/cleaningHost';
import type { ViewsApi } from '../../src/extension/views/registerViews';
import type { OverviewSummary, OverviewUpdate } from '../../src/extension/views/protocol';
import { answerTo, scarApi, setScarSettings, waitUntil } from '../util/scarExtension';

const cleaningApi = async (): Promise<CleaningServiceApi> => (await scarApi()) as unknown as CleaningServiceApi;

const LIMIT = 50 * 1024 * 1024;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

interface Generated {
  file: string;
  /** Lines (1-based) as written, without "\n". */
  lines: Map<number, Buffer>;
  broken: number[];
  blank: number[];
  duplicates: number;
}

function generate(dir: string): Generated {
  const words = 'the a river mountain quietly explains why every student should measure carefully before writing answers about history science music light water garden city café naïve because people learn from clear steps'.split(' ');
  const r = rng(2024);
  const sentence = (n: number): string => Array.from({ length: n }, () => words[Math.floor(r() * words.length)]).join(' ');
  const pad = 'lorem ipsum dolor sit amet '.repeat(1300); // ~35 KB per line
  const file = path.join(dir, 'huge.jsonl');
  const fd = fs.openSync(file, 'w');
  const lines = new Map<number, Buffer>();
  const broken: number[] = [];
  const blank: number[] = [];
  let duplicates = 0;
  let line = 0;
  const write = (text: string): void => {
    line++;
    const b = Buffer.from(text, 'utf8');
    lines.set(line, b);
    fs.writeSync(fd, Buffer.concat([b, Buffer.from('\n')]));
  };
  const made: string[] = [];
  for (let i = 0; i < 1600; i++) {
    if (i % 400 === 17) { write(`{"instruction": "cut short ${i}", "output": ${JSON.stringify(pad)}`); broken.push(line); continue; }
    if (i === 800) { write(''); blank.push(line); continue; }
    if (i % 300 === 299) {
      // An exact duplicate of an earlier pair (different id and padding: the pair is what counts).
      const earlier = JSON.parse(made[Math.floor(r() * made.length)]) as Record<string, unknown>;
      write(JSON.stringify({ ...earlier, id: `dup-${i}`, meta: pad.slice(3) }));
      duplicates++;
      continue;
    }
    const row = JSON.stringify({ id: i, instruction: `Question ${i}: ${sentence(10)}?`, input: '', output: `${sentence(25 + Math.floor(r() * 50))}.`, meta: pad });
    made.push(row);
    write(row);
  }
  fs.closeSync(fd);
  return { file, lines, broken, blank, duplicates };
}

describe('large files (over 50 MB) on disk', function () {
  this.timeout(180000);
  let dir: string;
  let gen: Generated;
  let restore: (() => Promise<void>) | undefined;

  before(async () => {
    await scarApi();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-large-'));
    gen = generate(dir);
    restore = await setScarSettings({ 'selection.dedup': true, 'selection.languageFilter': true, 'selection.includeScore': false });
  });
  after(async () => {
    await restore?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generated a file above the sync limit', () => {
    assert.ok(fs.statSync(gen.file).size > LIMIT, `${fs.statSync(gen.file).size} bytes`);
  });

  it('the document commands decline it without opening it', async () => {
    const uri = vscode.Uri.file(gen.file);
    assert.equal(await vscode.commands.executeCommand('scar.selectTop', { uri, criterion: 'top-k', value: 10 }), undefined);
    assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.fsPath === gen.file), false);
    assert.equal(fs.existsSync(path.join(dir, 'huge.top.jsonl')), false);
  });

  it('Score file on disk writes one row per non-blank line to <name>.scores.jsonl', async () => {
    const t0 = Date.now();
    const out = (await vscode.commands.executeCommand('scar.scoreFileOnDisk', vscode.Uri.file(gen.file))) as OnDiskOutcome;
    const seconds = (Date.now() - t0) / 1000;
    assert.ok(out, 'the command returned its outcome');
    assert.equal(out.file, path.join(dir, 'huge.scores.jsonl'));
    const rows = fs.readFileSync(out.file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { line: number; score: number | null; percentile: number | null; error: string | null });
    const nonBlank = [...gen.lines.keys()].filter((l) => !gen.blank.includes(l));
    assert.deepEqual(rows.map((r) => r.line), nonBlank);
    assert.deepEqual(rows.filter((r) => r.error !== null).map((r) => r.line), gen.broken);
    for (const r of rows.filter((x) => x.error === null)) assert.ok(Number.isFinite(r.score) && r.percentile! >= 0 && r.percentile! <= 100, `line ${r.line}`);
    assert.equal(out.pairs, nonBlank.length - gen.broken.length);
    assert.match(out.message, /^Scored 1,59\d pairs on 1,59\d lines in [\d.]+ s — median style score (\d+|<1|>99), 4 lines without a pair → huge\.scores\.jsonl$/);
    console.log(`      scored ${(fs.statSync(gen.file).size / 1048576).toFixed(0)} MB from disk in ${seconds.toFixed(1)} s`);
  });

  it('Select top from file on disk removes the planted duplicates and writes the best lines byte for byte', async () => {
    const scores = new Map<number, number>();
    for (const l of fs.readFileSync(path.join(dir, 'huge.scores.jsonl'), 'utf8').split('\n')) {
      if (!l) continue;
      const r = JSON.parse(l) as { line: number; score: number | null };
      if (r.score !== null) scores.set(r.line, r.score);
    }
    const served = (await cleaningApi()).cleaningService().served.cleanFile;
    const out = (await vscode.commands.executeCommand('scar.selectTopOnDisk', { uri: vscode.Uri.file(gen.file), criterion: 'top-k', value: 50 })) as OnDiskOutcome;
    assert.ok(out?.report && out.selected, 'the command returned its outcome');
    assert.equal((await cleaningApi()).cleaningService().served.cleanFile, served + 1, 'the cleaning service streamed and cleaned the file');
    assert.equal(out.file, path.join(dir, 'huge.top.jsonl'));
    assert.ok(out.report.removedExact >= gen.duplicates, `removed ${out.report.removedExact} exact duplicates, planted ${gen.duplicates}`);
    assert.equal(out.selected.length, 50);
    // Best first (scores rounded to 6 decimals in the scores file, so allow for that).
    for (let i = 1; i < out.selected.length; i++) assert.ok(scores.get(out.selected[i - 1])! >= scores.get(out.selected[i])! - 1e-6);
    // No kept line scores below a line that was ranked but not kept... among lines cleaning left: the 50th is the cut.
    const written = fs.readFileSync(out.file);
    assert.deepEqual(written, Buffer.concat(out.selected.flatMap((l) => [gen.lines.get(l)!, Buffer.from('\n')])));
    assert.match(out.message, /^Removed \d+ exact duplicates?, \d+ non-English, \d+ near-duplicates?; kept 50 of [\d,]+ \(top 50\) → huge\.top\.jsonl; 4 lines without a pair not considered$/);
  });

  it('Select top from file on disk with a ratio and no cleaning keeps ceil(R x scored) lines', async () => {
    const undo = await setScarSettings({ 'selection.dedup': false, 'selection.languageFilter': false });
    try {
      // huge.top.jsonl exists from the previous test: it is never replaced unless the caller says so.
      const before = fs.readFileSync(path.join(dir, 'huge.top.jsonl'));
      assert.equal(await vscode.commands.executeCommand('scar.selectTopOnDisk', { uri: vscode.Uri.file(gen.file), criterion: 'ratio', value: 0.1, replace: false }), undefined);
      assert.deepEqual(fs.readFileSync(path.join(dir, 'huge.top.jsonl')), before);
      const out = (await vscode.commands.executeCommand('scar.selectTopOnDisk', { uri: vscode.Uri.file(gen.file), criterion: 'ratio', value: 0.1, replace: true })) as OnDiskOutcome;
      const scored = out.lines - out.withoutPair;
      assert.equal(out.selected!.length, Math.ceil(0.1 * scored));
      assert.equal(fs.readFileSync(out.file, 'utf8').split('\n').length - 1, Math.ceil(0.1 * scored));
    } finally {
      await undo();
    }
  });

  it('Select top from file on disk clusters in the cleaning service: the extension host never stalls on it', async function () {
    this.timeout(300000);
    // Near-identical short lines: scoring them is quick, their near-duplicate clustering a burst of seconds.
    const N = 20000;
    const file = path.join(dir, 'near.jsonl');
    const rows = Array.from({ length: N }, (_, i) => JSON.stringify({ instruction: `Explain item ${i} of the list in two sentences, please.`, input: '', output: `Item ${i} is an example. It exists to make this file large.` }));
    fs.writeFileSync(file, rows.join('\n') + '\n');
    const served = (await cleaningApi()).cleaningService().served.cleanFile;
    let last = performance.now();
    let worst = 0;
    const tick = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 5);
    const t0 = performance.now();
    let out: OnDiskOutcome;
    try {
      out = (await vscode.commands.executeCommand('scar.selectTopOnDisk', { uri: vscode.Uri.file(file), criterion: 'top-k', value: 10 })) as OnDiskOutcome;
    } finally {
      clearInterval(tick);
    }
    console.log(`      Select top from file on disk, ${N.toLocaleString('en-US')} near-identical lines: ${((performance.now() - t0) / 1000).toFixed(1)} s; longest timer gap of the extension host ${worst.toFixed(0)} ms`);
    assert.equal(out.report!.removedNearDup, N - 1);
    assert.equal((await cleaningApi()).cleaningService().served.cleanFile, served + 1, 'the cleaning service cleaned the file');
    // On the host, this clustering alone was a burst of well over a second (bench/cleaning.bench.js).
    assert.ok(worst < 1000, `the extension host stalled for ${worst.toFixed(0)} ms`);
  });

  it('the dataset overview streams it: counts and bins, a page read from disk, a row\'s record, and its export', async () => {
    const uri = vscode.Uri.file(gen.file);
    const views = ((await scarApi()) as unknown as { views: ViewsApi }).views;
    assert.equal(await vscode.commands.executeCommand('scar.openOverview', uri), true);
    assert.equal(vscode.workspace.textDocuments.some((d) => d.uri.fsPath === gen.file), false, 'never opened as a document');
    const panel = views.overviewPanel(uri)!;
    const init = (await panel.handle({ type: 'ready' })).find((m) => m.type === 'init');
    assert.ok(init && init.type === 'init' && init.file.large, 'the panel says the file is large');
    let summary: OverviewSummary | undefined;
    await waitUntil('the streamed summary with scores and duplicates', () => {
      const last = [...panel.posted].reverse().find((m): m is Extract<OverviewUpdate, { type: 'summary' }> => m.type === 'summary');
      summary = last?.summary;
      return !!summary && summary.scoring.complete && summary.counts.duplicate >= gen.duplicates && !panel.feed.status.busy;
    }, 150000);
    const nonBlank = [...gen.lines.keys()].filter((l) => !gen.blank.includes(l));
    assert.equal(summary!.rows, nonBlank.length);
    assert.equal(summary!.blank, gen.blank.length);
    assert.equal(summary!.counts.noPair, gen.broken.length);
    assert.equal(summary!.scored, nonBlank.length - gen.broken.length);
    assert.equal(summary!.scores.counts.reduce((a, b) => a + b, 0), summary!.scored);
    const page = answerTo(await panel.handle({ type: 'page', seq: 1000001, query: { sort: 'line', descending: false, bands: [], kinds: ['noPair'], text: '', offset: 0, limit: 10 } }), 1000001);
    assert.ok(page && page.type === 'page');
    assert.deepEqual(page.rows.map((r) => r.line), gen.broken);
    const first = answerTo(await panel.handle({ type: 'page', seq: 1000002, query: { sort: 'line', descending: false, bands: [], kinds: [], text: '', offset: 0, limit: 3 } }), 1000002);
    assert.ok(first && first.type === 'page' && first.rows[0].instruction.startsWith('Question 0:'), 'previews are read from disk');
    // A search reads the file in the overview service and looks in the pairs: "lorem" (only in the lines' "meta"
    // field) finds only the broken lines, whose raw text is all there is to search.
    const lorem = answerTo(await panel.handle({ type: 'page', seq: 1000003, query: { sort: 'line', descending: false, bands: [], kinds: [], text: 'LOREM ipsum', offset: 0, limit: 50 } }), 1000003);
    assert.ok(lorem && lorem.type === 'page');
    assert.deepEqual(lorem.rows.map((r) => r.line), gen.broken);
    const q12 = answerTo(await panel.handle({ type: 'page', seq: 1000004, query: { sort: 'instruction', descending: false, bands: [], kinds: [], text: 'question 12', offset: 0, limit: 200 } }), 1000004);
    assert.ok(q12 && q12.type === 'page');
    assert.ok(q12.total >= 100 && q12.rows.every((r) => /^Question 12/.test(r.instruction)), `${q12.total} rows`);
    // Sorted by the whole instruction: "Question 12: …" before "Question 120: …" as text sorts.
    const firstWords = q12.rows.map((r) => r.instruction.toLowerCase());
    assert.deepEqual(firstWords, [...firstWords].sort());
    // While a search reads the file, the panel says so and offers Cancel; a cancelled search answers no page.
    const before = panel.posted.length;
    const pending = panel.handle({ type: 'page', seq: 1000005, query: { sort: 'line', descending: false, bands: [], kinds: [], text: 'measure carefully', offset: 0, limit: 50 } });
    await waitUntil('the search in progress', () => panel.posted.slice(before).some((m) => m.type === 'status' && m.cancellable === true && m.busy));
    await panel.handle({ type: 'cancel' });
    const replies = await pending;
    assert.equal(answerTo(replies, 1000005), undefined, 'no page for a cancelled search');
    await waitUntil('the status after the cancel', () => { const last = [...panel.posted].reverse().find((m) => m.type === 'status'); return !!last && last.type === 'status' && !last.busy && !last.cancellable; });
    // A row's record comes from disk too.
    await panel.handle({ type: 'reveal', line: 2 });
    const rv = views.recordView;
    await rv.handle({ type: 'ready' });
    await waitUntil('the record of line 2', () => rv.lastRecord?.line === 2 && rv.lastRecord.uri === uri.toString());
    assert.ok(rv.lastRecord!.turns.some((t) => t.text.startsWith('Question 1:')) && rv.lastRecord!.score, 'the pair and its score');
    // Export this cut: "Select top from file on disk…" with the same arguments.
    fs.rmSync(path.join(dir, 'huge.top.jsonl'), { force: true });
    const done = (await panel.handle({ type: 'export', mode: 'top-k', value: 20 })).find((m) => m.type === 'exported');
    assert.ok(done && done.type === 'exported' && done.ok, JSON.stringify(done));
    assert.match(done.message, /kept 20 of [\d,]+ \(top 20\) → huge\.top\.jsonl/);
    panel.dispose();
  });
});
