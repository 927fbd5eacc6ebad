// The scar.* settings' effects in the real VS Code: turn policy, forced schema, custom field mapping, debounce.
// Each test sets user settings and restores them afterwards.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  closeAllEditors, openAnalysed, replaceLine, revertActive, scarApi, setScarSettings, waitForDiagnostics, waitUntil,
} from '../util/scarExtension';

describe('settings', () => {
  let restore: (() => Promise<void>) | undefined;
  afterEach(async () => {
    if (restore) await restore();
    restore = undefined;
    await revertActive();
    await closeAllEditors();
  });

  it('declares every scar.* setting with its default', () => {
    const c = vscode.workspace.getConfiguration('scar');
    assert.equal(c.inspect('schema')?.defaultValue, 'auto');
    assert.deepEqual(c.inspect('fieldMapping')?.defaultValue, {});
    assert.equal(c.inspect('turnPolicy')?.defaultValue, 'first');
    assert.equal(c.inspect('diagnostics.enabled')?.defaultValue, true);
    assert.equal(c.inspect('diagnostics.debounceMs')?.defaultValue, 250);
    assert.equal(c.inspect('modelPath')?.defaultValue, '');
  });

  it('scar.turnPolicy "all" counts every exchange of a multi-turn file, "last" one per line', async () => {
    const { doc, api } = await openAnalysed('multi-turn.jsonl');
    assert.equal(api.analysis(doc.uri)!.pairs, 3);
    restore = await setScarSettings({ turnPolicy: 'all' });
    await waitUntil('6 pairs under "all"', () => api.analysis(doc.uri)?.pairs === 6);
    await waitUntil('the status text', () => api.statusText() === '$(checklist) ShareGPT · 6 pairs · 0 problems');
    await vscode.workspace.getConfiguration('scar').update('turnPolicy', 'last', vscode.ConfigurationTarget.Global);
    await waitUntil('3 pairs under "last"', () => api.analysis(doc.uri)?.pairs === 3);
  });

  it('scar.schema "custom" with scar.fieldMapping makes a nested-field file yield pairs', async () => {
    const { doc, api } = await openAnalysed('nested.jsonl');
    const before = await waitForDiagnostics(doc.uri, 'four unrecognised lines', (d) => d.length === 4);
    assert.match(before[0].message, /^unrecognised schema: fields id, data/);
    restore = await setScarSettings({ schema: 'custom', fieldMapping: { instruction: 'data.q', response: 'data.a' } });
    await waitForDiagnostics(doc.uri, 'no problems with the mapping', (d) => d.length === 0);
    await waitUntil('the status text', () => api.statusText() === '$(checklist) custom mapping · 4 pairs · 0 problems');
  });

  it('a wrong path in the mapping names the missing field on every line', async () => {
    const { doc } = await openAnalysed('nested.jsonl');
    restore = await setScarSettings({ schema: 'custom', fieldMapping: { instruction: 'data.q', response: 'data.answer' } });
    const diags = await waitForDiagnostics(doc.uri, 'four missing-field problems', (d) => d.length === 4 && /data\.answer/.test(d[0].message));
    assert.ok(diags.every((d) => d.severity === vscode.DiagnosticSeverity.Warning));
  });

  it('a forced scar.schema reports lines of another schema', async () => {
    const { doc, api } = await openAnalysed('mixed.jsonl');
    restore = await setScarSettings({ schema: 'alpaca' });
    const diags = await waitForDiagnostics(doc.uri, 'two non-Alpaca lines', (d) => d.length === 2);
    assert.deepEqual(diags.map((d) => d.range.start.line), [2, 3]);
    assert.ok(diags.every((d) => /^field '(instruction|output)' is missing$/.test(d.message)), diags.map((d) => d.message).join('; '));
    await waitUntil('the status text', () => api.statusText() === '$(checklist) Alpaca · 2 pairs · 2 problems');
  });

  it('scar.diagnostics.debounceMs delays the re-check after typing', async () => {
    restore = await setScarSettings({ 'diagnostics.debounceMs': 1500 });
    const { doc, editor } = await openAnalysed('sharegpt.jsonl');
    const api = await scarApi();
    const started = Date.now();
    await replaceLine(editor, 0, '{"conversations": [}');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(api.analysis(doc.uri)!.problems, 0, 'no re-check before the debounce delay has passed');
    await waitForDiagnostics(doc.uri, 'the broken line after the delay', (d) => d.length === 1);
    assert.ok(Date.now() - started >= 1400, `re-checked after ${Date.now() - started} ms, before the 1500 ms delay`);
  });
});
