// Live diagnostics in the real VS Code: exact problems for fixture files, updates as the user edits (and only the
// edited lines are analysed again), a single problem for a JSON array file, cleared when a file stops being JSONL.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  closeAllEditors, openAnalysed, openInEditor, replaceLine, revertActive, scarApi, scarDiagnostics, setScarSettings, waitForDiagnostics, waitUntil, workspaceUri,
} from '../util/scarExtension';
import type { PassTiming } from '../../src/extension/testApi';

const TRAILING_COMMA = "invalid JSON at column 128: trailing comma before ']' (JSON allows no comma after the last item)";

describe('diagnostics', () => {
  afterEach(async function () {
    this.timeout(120000); // closing the 100,000-line editor of the large-file test waits for a busy extension host
    await revertActive();
    await closeAllEditors();
  });

  it('reports exactly the two problem lines of problems.jsonl, with inspect\'s wording', async () => {
    const { doc } = await openAnalysed('problems.jsonl');
    const diags = await waitForDiagnostics(doc.uri, 'two diagnostics', (d) => d.length === 2);
    const [parse, noPair] = diags;

    assert.equal(parse.range.start.line, 3, 'the trailing comma is on line 4');
    assert.equal(parse.message, TRAILING_COMMA);
    assert.equal(parse.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(parse.source, 'SCAR');
    assert.equal(parse.code, 'invalid-json');
    assert.equal(parse.range.start.character, 127, 'the range starts at the reported column');
    assert.equal(parse.range.end.character, doc.lineAt(3).text.length, 'and runs to the end of the line');

    assert.equal(noPair.range.start.line, 7);
    assert.equal(noPair.message, 'no assistant turn');
    assert.equal(noPair.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(noPair.code, 'no-pair');
    assert.deepEqual([noPair.range.start.character, noPair.range.end.character], [0, doc.lineAt(7).text.length], 'the whole line');
  });

  it('numbers columns as VS Code does: an unquoted word at the start of a line is column 1', async () => {
    const { doc, editor } = await openAnalysed('sharegpt.jsonl');
    await replaceLine(editor, 0, 'not json');
    const [d] = await waitForDiagnostics(doc.uri, 'the parse error', (x) => x.length === 1);
    assert.equal(d.message, "invalid JSON at column 1: unexpected word 'not' where a value was expected (text must be in double quotes; literals are true, false, null)");
    assert.equal(d.range.start.character, 0, 'the range starts at the first character');
    assert.equal(doc.getText(new vscode.Range(0, d.range.start.character, 0, d.range.start.character + 3)), 'not');
    await replaceLine(editor, 0, '{"conversations": [{"from": "human", "value": tru}]}');
    const [e] = await waitForDiagnostics(doc.uri, 'the parse error in the value', (x) => x.length === 1 && /'tru'/.test(x[0].message));
    const col = Number(/column (\d+)/.exec(e.message)![1]);
    assert.equal(e.range.start.character, col - 1);
    assert.equal(doc.lineAt(0).text.slice(col - 1, col + 2), 'tru', 'the column VS Code shows is where the word starts');
  });

  it('offers "Remove trailing comma", which fixes the line, and "Remove trailing commas in the file"', async () => {
    const { doc, editor } = await openAnalysed('alpaca.jsonl');
    const original = [0, 1, 2].map((i) => doc.lineAt(i).text);
    await replaceLine(editor, 0, original[0] + ',');
    await replaceLine(editor, 1, original[1].replace(/\}$/, ',}'));
    await replaceLine(editor, 2, original[2].replace(/\}$/, ', }') + ' , ');
    const diags = await waitForDiagnostics(doc.uri, 'three trailing commas', (d) => d.length === 3);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, diags[1].range);
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Remove trailing comma'), titles.join(' | '));
    assert.ok(titles.includes('Remove trailing commas in the file (3 lines)'), titles.join(' | '));
    const one = actions.find((a) => a.title === 'Remove trailing comma')!;
    assert.equal(one.isPreferred, true);
    assert.ok(await vscode.workspace.applyEdit(one.edit!));
    assert.equal(doc.lineAt(1).text, original[1]);
    await waitForDiagnostics(doc.uri, 'two left', (d) => d.length === 2);
    const again = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, doc.lineAt(0).range);
    const all = again.find((a) => a.title === 'Remove trailing commas in the file (2 lines)')!;
    assert.ok(all, again.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(all.edit!));
    assert.equal(doc.lineAt(0).text, original[0]);
    assert.equal(doc.lineAt(2).text, original[2].replace(/\}$/, ' }') + '  ');
    await waitForDiagnostics(doc.uri, 'no problems after the fixes', (d) => d.length === 0);
  });

  it('reports nothing for clean files of each schema', async () => {
    for (const name of ['sharegpt.jsonl', 'alpaca.jsonl', 'openai-chat.jsonl', 'mixed.jsonl', 'multi-turn.jsonl']) {
      const { doc, api } = await openAnalysed(name);
      const view = api.analysis(doc.uri)!;
      assert.equal(view.problems, 0, `${name}: problems`);
      assert.ok(view.pairs > 0, `${name}: pairs`);
      assert.deepEqual(scarDiagnostics(doc.uri), [], `${name}: diagnostics`);
    }
  });

  it('updates live when an edit breaks a line and when it is fixed, re-analysing only that line', async () => {
    const { doc, editor, api } = await openAnalysed('sharegpt.jsonl');
    const original = doc.lineAt(1).text;
    const fullPasses = api.analysis(doc.uri)!.fullPasses;

    await replaceLine(editor, 1, original.replace(/\}\]\}$/, '},]}'));
    const broken = await waitForDiagnostics(doc.uri, 'the broken line 2', (d) => d.length === 1);
    assert.equal(broken[0].range.start.line, 1);
    assert.match(broken[0].message, /^invalid JSON at column \d+: trailing comma before '\]'/);
    assert.equal(broken[0].severity, vscode.DiagnosticSeverity.Error);

    await replaceLine(editor, 1, original);
    await waitForDiagnostics(doc.uri, 'no diagnostics after the fix', (d) => d.length === 0);
    assert.equal(api.analysis(doc.uri)!.fullPasses, fullPasses, 'edits are applied incrementally, never by a full re-analysis');
    assert.equal(api.analysis(doc.uri)!.version, doc.version, 'the figures belong to the current text');
  });

  it('moves diagnostics with the lines when lines are inserted above them', async () => {
    const { doc, editor } = await openAnalysed('problems.jsonl');
    await waitForDiagnostics(doc.uri, 'two diagnostics', (d) => d.length === 2);
    const ok = await editor.edit((b) => b.insert(new vscode.Position(0, 0), '\n{"instruction": "Say hi.", "output": "Hi."}\n'));
    assert.ok(ok);
    const moved = await waitForDiagnostics(doc.uri, 'diagnostics two lines lower', (d) => d.length === 2 && d[0].range.start.line === 5);
    assert.deepEqual(moved.map((d) => [d.range.start.line, d.code]), [[5, 'invalid-json'], [9, 'no-pair']]);
    assert.equal(moved[0].message, TRAILING_COMMA);
  });

  it('handles several changes in one edit (multi-cursor) in order', async () => {
    const { doc, editor } = await openAnalysed('alpaca.jsonl');
    // Break line 1 and line 4 and join lines 2-3 in a single edit.
    const ok = await editor.edit((b) => {
      b.insert(doc.lineAt(0).range.end, ',');
      b.replace(new vscode.Range(doc.lineAt(1).range.end, doc.lineAt(2).range.start), '');
      b.replace(doc.lineAt(3).range, '{"instruction": "No output here"}');
    });
    assert.ok(ok);
    const diags = await waitForDiagnostics(doc.uri, 'three problems', (d) => d.length === 3);
    assert.deepEqual(diags.map((d) => [d.range.start.line, d.code]), [[0, 'invalid-json'], [1, 'invalid-json'], [2, 'no-pair']]);
    assert.match(diags[0].message, /unexpected ',' after the JSON value/);
    assert.match(diags[2].message, /output/);
  });

  it('gives a JSON array file one problem on its first line instead of one per line', async () => {
    const { doc, api } = await openAnalysed('array.jsonl');
    const diags = await waitForDiagnostics(doc.uri, 'one file-level diagnostic', (d) => d.length === 1);
    assert.equal(diags[0].range.start.line, 0);
    assert.equal(diags[0].code, 'not-jsonl');
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
    assert.match(diags[0].message, /JSON array, not JSON Lines/);
    assert.equal(api.analysis(doc.uri)!.problems, 1);
  });

  it('clears a document\'s diagnostics when it stops being JSONL, and brings them back', async () => {
    const { doc } = await openAnalysed('problems.jsonl');
    await waitForDiagnostics(doc.uri, 'two diagnostics', (d) => d.length === 2);
    const plain = await vscode.languages.setTextDocumentLanguage(doc, 'plaintext');
    await waitForDiagnostics(plain.uri, 'no diagnostics for plaintext', (d) => d.length === 0);
    await vscode.languages.setTextDocumentLanguage(plain, 'jsonl');
    await waitForDiagnostics(doc.uri, 'two diagnostics again', (d) => d.length === 2);
  });

  it('scar.diagnostics.enabled false hides them and true shows them again', async () => {
    const { doc } = await openAnalysed('problems.jsonl');
    await waitForDiagnostics(doc.uri, 'two diagnostics', (d) => d.length === 2);
    const restore = await setScarSettings({ 'diagnostics.enabled': false });
    try {
      await waitForDiagnostics(doc.uri, 'no diagnostics when disabled', (d) => d.length === 0);
      // The analysis itself goes on: the status bar still counts the problems.
      assert.equal((await scarApi()).analysis(doc.uri)!.problems, 2);
    } finally {
      await restore();
    }
    await waitForDiagnostics(doc.uri, 'two diagnostics when enabled again', (d) => d.length === 2);
  });

  it('analyses a large file in slices without stalling the extension host for more than 50 ms', async function () {
    // Writing, opening and analysing 100,000 lines twice takes 20-100 s on a busy 2-core machine: more than mocha's
    // default budget. The assertions below measure CPU time per slice, which a busy machine does not inflate.
    this.timeout(240000);
    const name = 'large-generated.jsonl';
    const uri = workspaceUri(name);
    const N = 100000;
    const lines: string[] = [];
    for (let i = 0; i < N; i++) {
      lines.push(i % 20000 === 19999
        ? `{"instruction": "Broken ${i}", "output": "x",}`
        : JSON.stringify({ instruction: `Explain item ${i} of the list in two sentences, please.`, input: '', output: `Item ${i} is an example. It exists to make this file large enough to need several slices.` }));
    }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(lines.join('\n') + '\n'));
    const doc = (await openInEditor(uri)).document;
    const api = await scarApi();
    const first = await api.whenAnalysed(doc.uri, 60000);
    assert.equal(first.pairs, N - 5);
    assert.equal(first.problems, 5);
    const diags = await waitForDiagnostics(doc.uri, 'five diagnostics', (d) => d.length === 5);
    assert.deepEqual(diags.map((d) => d.range.start.line), [19999, 39999, 59999, 79999, 99999]);

    // A settings change re-analyses every line. Each slice's CPU time must stay under 50 ms (CPU time, not wall
    // time: on a busy machine the OS may take the CPU away mid-slice, which no code of ours can prevent). The
    // longest gap between timer ticks of this (the extension host's) event loop during the pass is printed too.
    let last = performance.now();
    const gaps: Array<[number, number]> = [];
    let sawProgress = false;
    const tick = setInterval(() => {
      const now = performance.now();
      if (now - last > 5) gaps.push([last, now]);
      last = now;
      if (api.statusText()?.startsWith('$(sync~spin) SCAR: checking')) sawProgress = true;
    }, 2);
    const restore = await setScarSettings({ turnPolicy: 'last' });
    let pass: PassTiming;
    try {
      await waitUntil('the re-analysis under the new setting', () => (api.analysis(doc.uri)?.fullPasses ?? 0) > first.fullPasses, 60000);
      assert.equal(api.analysis(doc.uri)!.pairs, N - 5);
      pass = api.analysis(doc.uri)!.lastPass;
    } finally {
      clearInterval(tick);
      await restore();
    }
    const worstGap = gaps.filter(([a, b]) => b > pass.startedAt && a < pass.endedAt).reduce((m, [a, b]) => Math.max(m, b - a), 0);
    console.log(`      full re-analysis of ${N.toLocaleString('en-US')} lines: ${pass.slices} slices in ${pass.wallMs.toFixed(0)} ms; longest slice ${pass.longestSliceCpuMs.toFixed(1)} ms CPU (${pass.longestSliceMs.toFixed(1)} ms wall); longest event-loop gap ${worstGap.toFixed(1)} ms`);
    assert.equal(pass.lines, N + 1, 'every line (and the empty last one) was analysed once');
    assert.ok(pass.slices > 1, 'the pass yielded to the event loop');
    assert.ok(sawProgress, 'the status bar showed the progress of the long pass');
    assert.ok(pass.longestSliceCpuMs < 50, `a slice ran for ${pass.longestSliceCpuMs.toFixed(1)} ms of CPU`);
  });
});
