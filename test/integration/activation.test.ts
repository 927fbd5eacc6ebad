// Smoke test in the real VS Code: opening a .jsonl file from the test workspace activates SCAR Lens.
import * as assert from 'node:assert/strict';
import * as path from 'path';
import * as vscode from 'vscode';

import { closeAllEditors, openInEditor } from '../util/scarExtension';

const EXTENSION_ID = 'scar-lens.scar-lens';

async function waitFor(what: string, check: () => boolean, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('activation', () => {
  after(async () => { await closeAllEditors(); });
  it('has a workspace folder copied from test/fixtures/workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'the test run opens exactly one workspace folder');
  });

  it('opening a .jsonl file activates scar-lens.scar-lens with language id jsonl', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded in the extension host`);
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const uri = vscode.Uri.joinPath(folder, 'sharegpt.jsonl');
    const doc = (await openInEditor(uri)).document;
    assert.equal(path.basename(doc.fileName), 'sharegpt.jsonl');
    assert.equal(doc.languageId, 'jsonl');
    assert.ok(doc.lineCount >= 5, `expected the fixture's lines, got ${doc.lineCount}`);
    await waitFor(`${EXTENSION_ID} to activate`, () => ext.isActive);
    assert.equal(ext.isActive, true);
  });
});
