// What every command that acts on scores starts with: find the document it is about (the argument a menu
// passes, an explicit uri, or the active editor), make sure its current version is scored (ctx.scoring), and
// turn it into lines with pairs and scores (docLines.documentLines). Problems become one message to the
// user and `undefined`, never an exception out of a command.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CancelledError } from '../../engine/client';
import type { ScarContext } from '../context';
import { documentLinesSliced, type DocLines } from './docLines';
import { t } from '../../core/l10n';

/** VS Code never syncs documents above this size to extensions (microsoft/vscode#111849). */
export const SYNC_LIMIT_BYTES = 50 * 1024 * 1024;

export const fmt = (n: number): string => n.toLocaleString('en-US');
export const baseName = (uri: vscode.Uri): string => path.basename(uri.fsPath || uri.path);

/** Separates the arguments a command may get: a Uri from a menu, or an options object from a test/keybinding. */
export function commandArgs<T extends object>(arg: unknown): { uri?: vscode.Uri; options: Partial<T> } {
  if (arg instanceof vscode.Uri) return { uri: arg, options: {} };
  if (arg && typeof arg === 'object') {
    const o = arg as Partial<T> & { uri?: unknown };
    const uri = o.uri instanceof vscode.Uri ? o.uri : typeof o.uri === 'string' ? vscode.Uri.parse(o.uri) : undefined;
    return { uri, options: o };
  }
  return { options: {} };
}

/** The JSONL document a command is about, opened if needed; undefined (after telling the user) when there is none. */
export async function targetDocument(uri: vscode.Uri | undefined, what: string): Promise<vscode.TextDocument | undefined> {
  let doc: vscode.TextDocument | undefined;
  if (uri) {
    doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc) {
      try {
        const size = uri.scheme === 'file' ? (await vscode.workspace.fs.stat(uri)).size : 0;
        if (size > SYNC_LIMIT_BYTES) {
          void vscode.window.showWarningMessage(
            t('SCAR Lens: {0} is {1} MB, above the 50 MB VS Code lets extensions open. Use "SCAR: Score file on disk…" or "SCAR: Select top from file on disk…" from the Explorer\'s context menu.', baseName(uri), fmt(Math.round(size / 1048576))),
          );
          return undefined;
        }
        doc = await vscode.workspace.openTextDocument(uri);
      } catch (e) {
        void vscode.window.showErrorMessage(t('SCAR Lens: cannot open {0}: {1}', baseName(uri), (e as Error).message));
        return undefined;
      }
    }
  } else {
    doc = vscode.window.activeTextEditor?.document;
  }
  if (!doc || doc.languageId !== 'jsonl') {
    void vscode.window.showWarningMessage(t('SCAR Lens: open a JSON Lines (.jsonl) file to {0}.', what));
    return undefined;
  }
  return doc;
}

/**
 * The document's lines with the scores of its current version. Scores it first when needed (with the scoring
 * service's cancellable progress). Undefined, after telling the user, when scoring fails, is cancelled, or the
 * document changed meanwhile.
 */
export async function scoredLines(ctx: ScarContext, doc: vscode.TextDocument): Promise<DocLines | undefined> {
  let scores;
  try {
    scores = await ctx.scoring.ensureScored(doc);
  } catch (e) {
    if (e instanceof CancelledError) void vscode.window.showInformationMessage(t('SCAR Lens: scoring cancelled; nothing was changed.'));
    else void vscode.window.showErrorMessage(t('SCAR Lens: cannot score {0}: {1}', baseName(doc.uri), (e as Error).message));
    return undefined;
  }
  if (scores.version !== doc.version) {
    void vscode.window.showWarningMessage(t('SCAR Lens: {0} changed while it was being scored; run the command again.', baseName(doc.uri)));
    return undefined;
  }
  // The score column itself (one number per line, NaN where none), not an object per line.
  const byLine = ctx.scoring.lineScoresFor(doc);
  if (!byLine) {
    void vscode.window.showWarningMessage(t('SCAR Lens: {0} changed while it was being scored; run the command again.', baseName(doc.uri)));
    return undefined;
  }
  // In slices: reading 100k lines takes a few hundred ms, and the extension host must not stall meanwhile.
  return documentLinesSliced(doc.getText(), ctx.config.current.adapter, (i) => (i < byLine.length ? byLine[i] : undefined));
}

/** A sibling of a file: data.jsonl + "top" -> data.top.jsonl (the extension replaced by `.suffix.ext`). */
export function siblingPath(file: string, suffix: string, ext = '.jsonl'): string {
  const dir = path.dirname(file);
  const base = path.basename(file);
  const stem = base.toLowerCase().endsWith('.jsonl') ? base.slice(0, -'.jsonl'.length) : base.replace(/\.[^.]*$/, '');
  return path.join(dir, `${stem}.${suffix}${ext}`);
}

/**
 * Whether a result may be written to `target`: yes when nothing is there or the caller said `replace: true`;
 * otherwise a modal question (a file of that name may be the user's own). `replace: false` never replaces.
 */
export async function mayWrite(target: string, replace: boolean | undefined): Promise<boolean> {
  if (!fs.existsSync(target)) return true;
  if (replace === true) return true;
  if (replace === false) {
    void vscode.window.showWarningMessage(t('SCAR Lens: {0} already exists; nothing was written.', path.basename(target)));
    return false;
  }
  const replaceLabel = t('Replace');
  const answer = await vscode.window.showWarningMessage(t('{0} already exists. Replace it?', path.basename(target)), { modal: true }, replaceLabel);
  return answer === replaceLabel;
}
