// Data hygiene in the real VS Code: the exact warnings of the planted-duplicate fixtures (two schemas), the quick
// fixes (go to the kept copy; remove this duplicate, then undo), the hover, and "Remove duplicates and
// near-duplicates" (message, sibling file, one undo restores everything).
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { RemovalResult } from '../../src/extension/hygiene/hygieneActions';
import {
  closeAllEditors, openAnalysed, openInEditor, revertActive, setScarSettings, waitUntil, workspaceUri,
} from '../util/scarExtension';

const SOURCE = 'SCAR hygiene';

function hygieneDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE).sort((a, b) => a.range.start.line - b.range.start.line);
}

async function waitForHygiene(uri: vscode.Uri, check: (d: vscode.Diagnostic[]) => boolean, what: string): Promise<vscode.Diagnostic[]> {
  await waitUntil(what, () => check(hygieneDiagnostics(uri)), 15000).catch((e) => {
    throw new Error(`${(e as Error).message}; now: ${JSON.stringify(hygieneDiagnostics(uri).map((d) => `${d.range.start.line + 1}: ${d.message}`))}`);
  });
  return hygieneDiagnostics(uri);
}

const asLines = (d: vscode.Diagnostic[]): string[] => d.map((x) => `${x.range.start.line + 1}: ${x.message}`);

describe('hygiene', () => {
  afterEach(async () => {
    await revertActive();
    await closeAllEditors();
  });

  it('warns about duplicates, near-duplicates, language, empty and truncated responses (Alpaca)', async () => {
    const { doc } = await openAnalysed('dupes.jsonl');
    const diags = await waitForHygiene(doc.uri, (d) => d.length === 5, 'five hygiene warnings');
    assert.deepEqual(asLines(diags).slice(1), [
      '3: Duplicate of line 1',
      '4: Not English (detected: de)',
      '6: Near-duplicate of line 2 (Jaccard 0.87)',
      '7: Empty response',
    ]);
    assert.match(asLines(diags)[0], /^1: 1 of \d+ lines has a response longer than the ranker reads \(512 tokens\)/);
    assert.deepEqual(diags.map((d) => d.code), ['truncated-summary', 'duplicate', 'not-english', 'near-duplicate', 'empty-response']);
    assert.equal(diags[1].severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Information);
    assert.equal(diags[1].relatedInformation?.[0].location.range.start.line, 0, 'points at the kept copy');
  });

  it('warns in ShareGPT conversations too', async () => {
    const { doc } = await openAnalysed('dupes-chat.jsonl');
    const diags = await waitForHygiene(doc.uri, (d) => d.length === 4, 'four hygiene warnings');
    assert.deepEqual(asLines(diags), [
      '3: Not English (detected: fr)',
      '4: Near-duplicate of line 1 (Jaccard 0.85)',
      '5: Duplicate of line 2',
      '6: Empty response',
    ]);
  });

  it('the hover lists the cluster', async () => {
    const { doc } = await openAnalysed('dupes.jsonl');
    await waitForHygiene(doc.uri, (d) => d.length === 5, 'the warnings');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(5, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /Near-duplicate cluster: lines 2 \(kept\), 6 \(J 0\.87\)/);
    const exact = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 3));
    const exactText = exact.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(exactText, /Duplicate group: lines 1 \(kept\), 3/);
  });

  it('quick fixes: go to the kept copy; remove this duplicate, undoably', async () => {
    const { doc, editor } = await openAnalysed('dupes.jsonl');
    const diags = await waitForHygiene(doc.uri, (d) => d.length === 5, 'the warnings');
    const original = doc.getText();
    const near = diags.find((d) => d.code === 'near-duplicate')!;
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, near.range);
    const mine = actions.filter((a) => a.title === 'Go to the kept copy' || a.title === 'Remove this duplicate');
    assert.deepEqual(mine.map((a) => a.title), ['Go to the kept copy', 'Remove this duplicate']);

    await vscode.commands.executeCommand(mine[0].command!.command, ...(mine[0].command!.arguments ?? []));
    assert.equal(vscode.window.activeTextEditor?.selection.active.line, 1, 'the cursor is on line 2, the kept copy');

    assert.ok(await vscode.workspace.applyEdit(mine[1].edit!));
    const lines = original.split('\n');
    assert.equal(doc.getText(), [...lines.slice(0, 5), ...lines.slice(6)].join('\n'), 'line 6 is gone, nothing else');
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original, 'undo restores it');
    assert.ok(editor);
  });

  it('"Remove duplicates and near-duplicates" is one undoable edit; saving puts the removed lines beside the file, undo takes them out', async () => {
    const sibling = workspaceUri('dupes.removed.jsonl').fsPath;
    fs.rmSync(sibling, { force: true });
    const source = workspaceUri('dupes.jsonl').fsPath;
    const bytes = fs.readFileSync(source);
    try {
      const { doc } = await openAnalysed('dupes.jsonl');
      await waitForHygiene(doc.uri, (d) => d.length === 5, 'the warnings');
      const original = doc.getText();
      const lines = original.split('\n');
      const result = await vscode.commands.executeCommand<RemovalResult>('scar.removeDuplicates');
      assert.equal(result.message, 'Removed 1 duplicate and 1 near-duplicate (saving the file appends them to dupes.removed.jsonl)');
      assert.deepEqual(result.lines, [3, 6]);
      assert.equal(fs.existsSync(sibling), false, 'nothing is written before the save');
      assert.equal(doc.getText(), lines.filter((_, i) => i !== 2 && i !== 5).join('\n'));
      await waitForHygiene(doc.uri, (d) => d.length === 3, 'only language, empty and truncated left');
      assert.ok(await doc.save());
      assert.equal(fs.readFileSync(sibling, 'utf8'), `${lines[2]}\n${lines[5]}\n`, 'the removed lines once');

      await vscode.window.showTextDocument(doc);
      await vscode.commands.executeCommand('undo');
      assert.equal(doc.getText(), original, 'one undo restores both lines');
      assert.ok(await doc.save());
      assert.equal(fs.existsSync(sibling), false, 'saved with the lines back: they leave the side file (empty, so it goes)');

      // Remove, undo, remove again, undo, save: nothing stale.
      for (let k = 0; k < 2; k++) {
        await waitForHygiene(doc.uri, (d) => d.length === 5, 'the warnings again');
        await vscode.commands.executeCommand<RemovalResult>('scar.removeDuplicates');
        await vscode.window.showTextDocument(doc);
        await vscode.commands.executeCommand('undo');
        assert.equal(doc.getText(), original);
      }
      assert.ok(await doc.save());
      assert.equal(fs.existsSync(sibling), false);
    } finally {
      await revertActive();
      await closeAllEditors();
      fs.writeFileSync(source, bytes);
      fs.rmSync(sibling, { force: true });
    }
  });

  it('reports truncated responses once per file, or per line with scar.hygiene.reportTruncation', async () => {
    const { doc } = await openAnalysed('dupes.jsonl');
    let diags = await waitForHygiene(doc.uri, (d) => d.length === 5, 'the warnings');
    const summary = diags.find((d) => d.code === 'truncated-summary')!;
    assert.equal(summary.range.start.line, 0, 'on the first line');
    assert.ok(summary.range.isEmpty, 'a zero-width range, not a squiggled line');
    assert.equal(summary.severity, vscode.DiagnosticSeverity.Information);
    assert.match(summary.message, /^1 of \d+ lines has a response longer than the ranker reads \(512 tokens\); only 512 tokens of it are scored\. The first is line 8;/);
    assert.equal(summary.relatedInformation?.[0].location.range.start.line, 7);
    const restore = await setScarSettings({ 'hygiene.reportTruncation': true });
    try {
      diags = await waitForHygiene(doc.uri, (d) => d.some((x) => x.code === 'truncated'), 'the per-line info');
      assert.equal(diags.filter((d) => d.code === 'truncated-summary').length, 0);
      const line = diags.find((d) => d.code === 'truncated')!;
      assert.equal(line.range.start.line, 7);
      assert.ok(line.range.isEmpty, 'a zero-width range at the start of the line');
      assert.equal(line.message, 'Response truncated to 512 tokens for scoring');
    } finally {
      await restore();
    }
  });

  it('settings: threshold, language check, no sibling file, off', async () => {
    const restore = await setScarSettings({ 'hygiene.nearDuplicateThreshold': 0.9, 'hygiene.languageCheck': false, removedLinesFile: 'none' });
    try {
      const { doc } = await openAnalysed('dupes.jsonl');
      const diags = await waitForHygiene(doc.uri, (d) => d.length === 3 && !d.some((x) => x.code === 'near-duplicate'), 'no near-duplicate, no language warning');
      assert.deepEqual(diags.map((d) => d.code), ['truncated-summary', 'duplicate', 'empty-response']);
      const sibling = workspaceUri('dupes.removed.jsonl').fsPath;
      fs.rmSync(sibling, { force: true });
      const result = await vscode.commands.executeCommand<RemovalResult>('scar.removeDuplicates');
      assert.equal(result.message, 'Removed 1 duplicate and 0 near-duplicates');
      assert.equal(fs.existsSync(sibling), false);
      await setScarSettings({ 'hygiene.enabled': false });
      await waitForHygiene(doc.uri, (d) => d.length === 0, 'no hygiene warnings when disabled');
    } finally {
      await restore();
      const c = vscode.workspace.getConfiguration('scar');
      await c.update('hygiene.enabled', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('keeps the best-scored copy once the file is scored, and the first again when the scores are cleared', async () => {
    const { doc } = await openAnalysed('dupes.jsonl');
    await waitForHygiene(doc.uri, (d) => d.some((x) => x.message === 'Near-duplicate of line 2 (Jaccard 0.87)'), 'the unscored warnings');
    // scar score gives line 6 -3.17 and line 2 -3.40; lines 1 and 3 are the same pair, so they tie and 1 stays.
    await vscode.commands.executeCommand('scar.scoreFile', doc.uri);
    const diags = await waitForHygiene(doc.uri, (d) => d.some((x) => x.message === 'Near-duplicate of line 6 (Jaccard 0.87)'), 'the warning moved to line 2');
    assert.deepEqual(asLines(diags).filter((m) => /uplicate/.test(m)), ['2: Near-duplicate of line 6 (Jaccard 0.87)', '3: Duplicate of line 1']);
    assert.equal(diags.find((d) => d.code === 'near-duplicate')?.relatedInformation?.[0].location.range.start.line, 5, 'points at the kept copy, line 6');
    const snapshot = await vscode.commands.executeCommand<{ scored: boolean; nearClusters: Array<{ kept: number }> }>('scar.hygiene.snapshot', doc.uri);
    assert.equal(snapshot.scored, true);
    assert.equal(snapshot.nearClusters[0].kept, 6);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(1, 3));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : (c as vscode.MarkdownString).value))).join('\n');
    assert.match(text, /Near-duplicate cluster: lines 2 \(J 0\.87\), 6 \(kept\)/);

    await vscode.commands.executeCommand('scar.clearScores');
    await waitForHygiene(doc.uri, (d) => d.some((x) => x.message === 'Near-duplicate of line 2 (Jaccard 0.87)'), 'the first copy kept again');
  });

  it('checks a 100,000-line file in the worker without stalling the extension host', async function () {
    this.timeout(180000);
    const uri = workspaceUri('hygiene-large.jsonl');
    const N = 100000;
    const lines: string[] = [];
    for (let i = 0; i < N; i++) {
      // Every 1,000th line repeats line 1; the rest share a template (near-duplicates of line 1 at SCAR's 0.5).
      lines.push(i > 0 && i % 1000 === 0
        ? lines[0]
        : JSON.stringify({ instruction: `Explain item ${i} of the list in two sentences, please.`, input: '', output: `Item ${i} is an example. It exists to make this file large.` }));
    }
    await vscode.workspace.fs.writeFile(uri, Buffer.from(lines.join('\n') + '\n'));
    try {
      const doc = (await openInEditor(uri)).document;
      let last = performance.now();
      let worst = 0;
      const tick = setInterval(() => {
        const now = performance.now();
        worst = Math.max(worst, now - last);
        last = now;
      }, 5);
      let snapshot: { counts: { exact: number; nearDuplicate: number }; hostMs: { post: number; read: number; publish: number; postCpu?: number; readCpu?: number } } | undefined;
      const started = performance.now();
      try {
        snapshot = await vscode.commands.executeCommand('scar.hygiene.snapshot', doc.uri);
      } finally {
        clearInterval(tick);
      }
      assert.ok(snapshot, 'a snapshot of the large file');
      console.log(`      hygiene of ${N.toLocaleString('en-US')} lines: ${((performance.now() - started) / 1000).toFixed(1)} s; on the extension host: `
        + `longest step taking and posting the text ${snapshot.hostMs.post.toFixed(1)} ms, reading the reply ${snapshot.hostMs.read.toFixed(1)} ms, `
        + `publishing 1,000 warnings ${snapshot.hostMs.publish.toFixed(1)} ms; `
        + `longest timer gap of the host meanwhile ${worst.toFixed(0)} ms (the line analysis and VS Code's own work included)`);
      // The host's own share stays short; the check itself ran in the worker.
      // CPU time of the host's thread where Node tells it (a busy machine stretches wall time, not CPU time); else
      // wall time, with room for the OS taking the CPU away.
      const [post, read, unit] = snapshot.hostMs.postCpu !== undefined && snapshot.hostMs.readCpu !== undefined
        ? [snapshot.hostMs.postCpu, snapshot.hostMs.readCpu, 'CPU'] : [snapshot.hostMs.post, snapshot.hostMs.read, 'wall'];
      console.log(`      (checked in ${unit} time: posting ${post.toFixed(1)} ms, reading ${read.toFixed(1)} ms)`);
      const limit = unit === 'CPU' ? 50 : 250;
      assert.ok(post < limit, `posting took ${post.toFixed(1)} ms of ${unit} time in one step`);
      assert.ok(read < limit, `reading the reply took ${read.toFixed(1)} ms of ${unit} time`);
      assert.equal(snapshot.counts.exact, 99);
      assert.equal(snapshot.counts.nearDuplicate, N - 100);
      const diags = await waitForHygiene(uri, (d) => d.length === 1000, 'the first 1,000 warnings');
      assert.equal(diags[0].message.startsWith('Near-duplicate of line 1 ('), true, diags[0].message);
    } finally {
      await closeAllEditors();
      await vscode.workspace.fs.delete(uri);
    }
  });
});
