// Live diagnostics in the real VS Code: exact problems for fixture files, updates as the user edits (and only the
// edited lines are analysed again), a single problem for a JSON array file, cleared when a file stops being JSONL.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  openAnalysed, replaceLine, revertActive, scarApi, scarDiagnostics, setScarSettings, waitForDiagnostics, waitUntil, workspaceUri,
} from '../util/scarExtension';
import type { PassTiming } from '../../src/extension/testApi';

const TRAILING_COMMA = "invalid JSON at column 128: trailing comma before ']' (JSON allows no comma after the last item)";

describe('diagnostics', () => {
  afterEach(async () => {
    await revertActive();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
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

  it('analyses a large file in slices without stalling the extension host for more than 50 ms', async () => {
    const name = 'large-generated.jsonl';
    const uri = workspaceUri(name);
    const lines: string[] = [];
    for (let i = 0; i < 60000; i++) {
      lines.push(i % 10000 === 9999
        ? `{"instruction": "Broken ${i}", "output": "x",}`
        : JSON.stringify({ instruction: `Explain item ${i} of the list in two sentences, please.`, input: '', output: `Item ${i} is an example. It exists to make this file large enough to need several slices.` }));
    }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(lines.join('\n') + '\n'));
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const api = await scarApi();
    const first = await api.whenAnalysed(doc.uri, 30000);
    assert.equal(first.pairs, 59994);
    assert.equal(first.problems, 6);
    const diags = await waitForDiagnostics(doc.uri, 'six diagnostics', (d) => d.length === 6);
    assert.deepEqual(diags.map((d) => d.range.start.line), [9999, 19999, 29999, 39999, 49999, 59999]);

    // A settings change re-analyses all 60,000 lines. Record every gap between timer ticks of this (the extension
    // host's) event loop, and keep the longest one that overlaps the pass itself (VS Code's own work to apply a
    // settings change is not ours to measure). The machine may be busy, so the pass runs up to three times and one
    // clean run proves the slicing; a pass that does not yield fails every time.
    const attempts: string[] = [];
    let clean = false;
    let sawProgress = false;
    for (let attempt = 0; attempt < 3 && !clean; attempt++) {
      const gaps: Array<[number, number]> = [];
      let last = performance.now();
      const tick = setInterval(() => {
        const now = performance.now();
        if (now - last > 5) gaps.push([last, now]);
        last = now;
        if (api.statusText()?.startsWith('$(sync~spin) SCAR: checking')) sawProgress = true;
      }, 2);
      const passesBefore = api.analysis(doc.uri)!.fullPasses;
      const restore = await setScarSettings({ turnPolicy: attempt % 2 === 0 ? 'last' : 'all' });
      let pass: PassTiming;
      try {
        await waitUntil('the re-analysis under the new setting', () => (api.analysis(doc.uri)?.fullPasses ?? 0) > passesBefore, 30000);
        assert.equal(api.analysis(doc.uri)!.pairs, 59994);
        pass = api.analysis(doc.uri)!.lastPass;
      } finally {
        clearInterval(tick);
        await restore();
        await api.whenAnalysed(doc.uri, 30000);
      }
      const worst = gaps.filter(([a, b]) => b > pass.startedAt && a < pass.endedAt).reduce((m, [a, b]) => Math.max(m, b - a), 0);
      attempts.push(`${pass.lines} lines in ${pass.slices} slices, ${pass.wallMs.toFixed(0)} ms; longest slice ${pass.longestSliceMs.toFixed(1)} ms, longest event-loop gap ${worst.toFixed(1)} ms`);
      clean = pass.slices > 1 && worst < 50;
    }
    console.log(`      full re-analysis of 60,000 lines: ${attempts.join(' | ')}`);
    assert.ok(sawProgress, 'the status bar showed the progress of the long pass');
    assert.ok(clean, `the extension host stalled for 50 ms or more in every attempt: ${attempts.join(' | ')}`);
  });
});
