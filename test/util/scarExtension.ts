// Helpers for integration tests that run inside VS Code: open a workspace file, reach SCAR Lens's test API, wait
// for diagnostics with a timeout, and change settings with a guaranteed restore.
import * as vscode from 'vscode';
import type { ScarLensApi } from '../../src/extension/testApi';

export const EXTENSION_ID = 'scar-lens.scar-lens';

export function workspaceUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration run has no workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** The extension's API (activating it if needed). */
export async function scarApi(): Promise<ScarLensApi> {
  const ext = vscode.extensions.getExtension<ScarLensApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.isActive ? ext.exports : await ext.activate();
}

/** Opens a workspace file in an editor and waits until SCAR Lens has analysed its current text. */
export async function openAnalysed(name: string): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor; api: ScarLensApi }> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(name));
  const editor = await vscode.window.showTextDocument(doc);
  const api = await scarApi();
  await api.whenAnalysed(doc.uri);
  return { doc, editor, api };
}

/** SCAR's diagnostics of a document, sorted by line. */
export function scarDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'SCAR')
    .sort((a, b) => a.range.start.line - b.range.start.line);
}

/** Resolves once `check` holds for the document's SCAR diagnostics; rejects with what was seen after timeoutMs. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  what: string,
  check: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 10000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const done = (): boolean => {
      const d = scarDiagnostics(uri);
      if (!check(d)) return false;
      sub.dispose();
      clearTimeout(timer);
      resolve(d);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) done();
    });
    const timer = setTimeout(() => {
      sub.dispose();
      const seen = scarDiagnostics(uri).map((d) => `${d.range.start.line + 1}: ${d.message}`);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; diagnostics now: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    done();
  });
}

/** Polls until `check()` is true (for state that has no event), or rejects after timeoutMs. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sets user (global) scar.* settings; returns a function that restores the previous user values. */
export async function setScarSettings(values: Record<string, unknown>): Promise<() => Promise<void>> {
  const config = vscode.workspace.getConfiguration('scar');
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(values)) previous[key] = config.inspect(key)?.globalValue;
  for (const [key, value] of Object.entries(values)) await config.update(key, value, vscode.ConfigurationTarget.Global);
  return async () => {
    const c = vscode.workspace.getConfiguration('scar');
    for (const [key, value] of Object.entries(previous)) await c.update(key, value, vscode.ConfigurationTarget.Global);
  };
}

/** Replaces the whole text of 0-based line `index` in the editor. */
export async function replaceLine(editor: vscode.TextEditor, index: number, text: string): Promise<void> {
  const ok = await editor.edit((b) => b.replace(editor.document.lineAt(index).range, text));
  if (!ok) throw new Error(`the edit of line ${index + 1} was not applied`);
}

/** Reverts unsaved changes of the active editor's document, so later tests see the fixture as shipped. */
export async function revertActive(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.revert');
}
