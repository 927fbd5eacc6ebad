// Helpers for integration tests that run inside VS Code: open a workspace file, reach SCAR Lens's probe, wait
// for diagnostics with a timeout, and change settings with a guaranteed restore.
import * as vscode from 'vscode';
import type { ScarProbe } from '../../src/extension/probe';

export const EXTENSION_ID = 'scar-lens.scar-lens';

export function workspaceUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the integration run has no workspace folder');
  return vscode.Uri.joinPath(folder.uri, name);
}

/** The extension's API (activating it if needed). */
export async function scarApi(): Promise<ScarProbe> {
  const ext = vscode.extensions.getExtension<ScarProbe>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.isActive ? ext.exports : await ext.activate();
}

/** Documents opened through openInEditor, which closeAllEditors waits for. */
const openedHere = new Set<vscode.TextDocument>();

/**
 * Opens a file in a (non-preview) editor through the workbench (vscode.open), so that the document closes with its
 * last editor: a document opened by workspace.openTextDocument stays open for minutes after its editors close, and
 * SCAR Lens's work on it (analysis, hygiene, scoring) would run on into later tests.
 */
export async function openInEditor(uri: vscode.Uri, column?: vscode.ViewColumn): Promise<vscode.TextEditor> {
  await vscode.commands.executeCommand('vscode.open', uri, { preview: false, viewColumn: column });
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.uri.toString() !== uri.toString()) {
    throw new Error(`${uri.toString()} did not open in the active editor (active: ${editor?.document.uri.toString() ?? 'none'})`);
  }
  openedHere.add(editor.document);
  return editor;
}

/** Opens a workspace file in an editor and waits until SCAR Lens has analysed its current text. */
export async function openAnalysed(name: string, timeoutMs?: number): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor; api: ScarProbe }> {
  const editor = await openInEditor(workspaceUri(name));
  const doc = editor.document;
  const api = await scarApi();
  await api.whenAnalysed(doc.uri, timeoutMs);
  return { doc, editor, api };
}

/**
 * Closes every editor and waits until the documents opened through openInEditor are closed (onDidCloseTextDocument
 * has fired for them), so that a later test sees none of this test's documents or the extension's work on them.
 */
export async function closeAllEditors(timeoutMs = 30000): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  try {
    await waitUntil('the documents opened by the test to close', () => [...openedHere].every((d) => d.isClosed), timeoutMs);
  } catch (e) {
    const open = [...openedHere].filter((d) => !d.isClosed).map((d) => d.uri.path.split('/').pop());
    throw new Error(`${(e as Error).message}: still open: ${open.join(', ')}`);
  } finally {
    for (const d of [...openedHere]) if (d.isClosed) openedHere.delete(d);
  }
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

/**
 * The answer (a page or cut statistics) to the overview request with `seq` among the replies a panel's handle()
 * collected: the real webview asks for pages too while a test talks to the panel, so replies are matched by seq
 * (tests use seqs from 1,000,000, which the webview's own counter never reaches).
 */
export function answerTo<T extends { type: string; seq?: number }>(replies: readonly T[], seq: number): T | undefined {
  return replies.find((m) => (m.type === 'page' || m.type === 'cutStats') && m.seq === seq);
}
