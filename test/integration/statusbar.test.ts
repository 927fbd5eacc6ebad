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
