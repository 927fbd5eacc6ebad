// The status-bar item in the real VS Code: schema, pair and problem counts for the active JSONL editor, updated
// as the user edits, hidden for other editors.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  closeAllEditors, openAnalysed, openInEditor, replaceLine, revertActive, waitUntil, workspaceUri,
} from '../util/scarExtension';

describe('status bar', () => {
  afterEach(async () => {
    await revertActive();
    await closeAllEditors();
  });

  it('shows schema, pairs and problems of problems.jsonl', async () => {
    const { api } = await openAnalysed('problems.jsonl');
    await waitUntil('the status text', () => api.statusText() === '$(checklist) ShareGPT · 9 pairs · 2 problems');
    const tooltip = api.statusTooltip()!;
    assert.match(tooltip, /\| ShareGPT \| 9 \|/);
    assert.match(tooltip, /1 line not valid JSON, 1 line without a pair/);
  });

  it('counts every problem SCAR reports in the Problems panel: parse errors, no-pair lines and hygiene findings', async () => {
    // dupes.jsonl: no line problem, but hygiene warnings (duplicate, language, near, empty) and the truncation info.
    const { doc, api } = await openAnalysed('dupes.jsonl');
    const scar = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'SCAR' || d.source === 'SCAR hygiene');
    await waitUntil('the hygiene findings', () => scar().some((d) => d.source === 'SCAR hygiene'), 15000);
    const count = (): number => scar().length;
    await waitUntil('the status bar to count them', () => api.statusText()?.endsWith(` · ${count()} problems`) === true);
    assert.ok(count() >= 5, `${count()} problems`);
    const tooltip = api.statusTooltip()!;
    const sev = (s: vscode.DiagnosticSeverity): number => scar().filter((d) => d.severity === s).length;
    assert.match(tooltip, new RegExp(`In the Problems panel \\(SCAR and SCAR hygiene\\): ${count()} problems, ${sev(vscode.DiagnosticSeverity.Warning)} warnings, 1 info\\.`));

    // problems.jsonl: a parse error and a line without a pair, and whatever hygiene finds; the same count.
    const second = await openAnalysed('problems.jsonl');
    const scar2 = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(second.doc.uri).filter((d) => d.source === 'SCAR' || d.source === 'SCAR hygiene');
    await waitUntil('the line problems', () => scar2().filter((d) => d.source === 'SCAR').length === 2);
    await waitUntil('the status bar to agree with the Problems panel', () => second.api.statusText()?.endsWith(` · ${scar2().length} problem${scar2().length === 1 ? '' : 's'}`) === true);
  });

  it('names each schema, and follows the active editor', async () => {
    const expected: Array<[string, string]> = [
      ['alpaca.jsonl', '$(checklist) Alpaca · 5 pairs · 0 problems'],
      ['openai-chat.jsonl', '$(checklist) OpenAI chat · 4 pairs · 0 problems'],
      ['sharegpt.jsonl', '$(checklist) ShareGPT · 5 pairs · 0 problems'],
      ['mixed.jsonl', '$(checklist) mixed schemas · 4 pairs · 0 problems'],
      ['nested.jsonl', '$(checklist) unknown schema · 0 pairs · 4 problems'],
      ['array.jsonl', '$(checklist) not JSON Lines · 1 pair · 1 problem'],
    ];
    for (const [name, text] of expected) {
      const { api } = await openAnalysed(name);
      await waitUntil(`"${text}" for ${name}`, () => api.statusText() === text);
    }
  });

  it('is hidden while the active editor is not a JSONL file', async () => {
    const { api } = await openAnalysed('sharegpt.jsonl');
    await waitUntil('the item to show', () => api.statusText() !== undefined);
    await openInEditor(workspaceUri('README.md'));
    await waitUntil('the item to hide for README.md', () => api.statusText() === undefined);
  });

  it('follows edits: one problem (singular) after breaking a line, none after the fix', async () => {
    const { doc, editor, api } = await openAnalysed('sharegpt.jsonl');
    const original = doc.lineAt(2).text;
    await replaceLine(editor, 2, '{"conversations": [{"from": "human", "value": "Nobody answers."}]}');
    await waitUntil('one problem', () => api.statusText() === '$(checklist) ShareGPT · 4 pairs · 1 problem');
    await replaceLine(editor, 2, original);
    await waitUntil('no problems', () => api.statusText() === '$(checklist) ShareGPT · 5 pairs · 0 problems');
  });

  it('groups thousands in the counts', async () => {
    const name = 'thousands-generated.jsonl';
    const lines = Array.from({ length: 1234 }, (_, i) => JSON.stringify({ question: `What is ${i} + 1?`, answer: `${i + 1}` }));
    await vscode.workspace.fs.writeFile(workspaceUri(name), Buffer.from(lines.join('\n')));
    const { api } = await openAnalysed(name);
    await waitUntil('grouped counts', () => api.statusText() === '$(checklist) question/answer · 1,234 pairs · 0 problems');
  });

  it('opens the Problems panel when clicked', async () => {
    const { api } = await openAnalysed('problems.jsonl');
    assert.equal(api.statusCommand(), 'workbench.actions.view.problems');
    // The command exists in this VS Code and runs.
    assert.ok((await vscode.commands.getCommands(false)).includes('workbench.actions.view.problems'));
    await vscode.commands.executeCommand(api.statusCommand()!);
    assert.ok(api.statusText()?.startsWith('$(checklist) ShareGPT'));
  });
});
