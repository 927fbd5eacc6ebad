// What the user does with the hygiene findings (hygieneService.ts): quick fixes ("Go to the kept copy", "Remove this
// duplicate"), a hover listing a line's duplicate cluster, and "SCAR: Remove duplicates and near-duplicates", one
// undoable edit whose removed lines go to `<name>.removed.jsonl` (scar.removedLinesFile) when the file is saved, as
// far as the removal is still in effect then (removedLines.ts), so that nothing is lost and nothing is there twice.
// Registered as one feature (registerHygiene) in main.ts.
import * as path from 'path';
import * as vscode from 'vscode';
import type { DuplicateCluster } from '../../core/types';
import { isJsonlDocument } from '../documents/datasets';
import type { Feature } from '../context';
import { HYGIENE_SOURCE, type HygieneSnapshot, type HygieneSnapshots } from './hygieneService';
import { countLines, RemovedLinesFiles } from '../commands/removedLines';
import { t } from '../../core/l10n';

/** What the removal command did (also its return value, for tests and other commands). */
export interface RemovalResult {
  duplicates: number;
  nearDuplicates: number;
  /** 1-based lines removed, in the document as it was. */
  lines: number[];
  /** The file the removed lines go to when the document is saved, if any. */
  removedFile?: string;
  message: string;
}

/** `<dir>/<name>.removed.jsonl` for `<dir>/<name>.jsonl` (any extension is replaced). */
export const removedFileFor = RemovedLinesFiles.sideFileFor;

/** The ranges that delete the given 0-based lines (with their line breaks), consecutive lines merged. */
export function lineDeletionRanges(doc: vscode.TextDocument, indices: readonly number[]): vscode.Range[] {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const ranges: vscode.Range[] = [];
  for (let k = 0; k < sorted.length;) {
    const a = sorted[k];
    let b = a;
    while (k + 1 < sorted.length && sorted[k + 1] === b + 1) b = sorted[++k];
    k++;
    if (b < doc.lineCount - 1) ranges.push(new vscode.Range(a, 0, b + 1, 0));
    else if (a > 0) ranges.push(new vscode.Range(a - 1, doc.lineAt(a - 1).text.length, b, doc.lineAt(b).text.length));
    else ranges.push(new vscode.Range(0, 0, b, doc.lineAt(b).text.length));
  }
  return ranges;
}

/** "Removed 12 duplicates and 40 near-duplicates (saving the file appends them to data.removed.jsonl)". */
export function removalMessage(duplicates: number, nearDuplicates: number, removedFile?: string): string {
  if (duplicates + nearDuplicates === 0) return t('No duplicates or near-duplicates to remove.');
  const n = (k: number): string => k.toLocaleString('en-US');
  const exact = duplicates === 1 ? t('1 duplicate') : t('{0} duplicates', n(duplicates));
  const near = nearDuplicates === 1 ? t('1 near-duplicate') : t('{0} near-duplicates', n(nearDuplicates));
  return removedFile ? t('Removed {0} and {1} (saving the file appends them to {2})', exact, near, path.basename(removedFile))
    : t('Removed {0} and {1}', exact, near);
}

function clusterLine(kind: string, c: DuplicateCluster): string {
  const parts = c.lines.map((l, i) => (l === c.kept ? t('{0} (kept)', l) : kind === 'near' ? `${l} (J ${c.similarity[i].toFixed(2)})` : `${l}`));
  return kind === 'near' ? t('Near-duplicate cluster: lines {0}', parts.join(', ')) : t('Duplicate group: lines {0}', parts.join(', '));
}

/** The hover text of a line's clusters, or undefined when it is in none. */
export function clusterHover(snapshot: HygieneSnapshot, line: number): string | undefined {
  const out: string[] = [];
  const exact = snapshot.exactGroups.find((c) => c.lines.includes(line));
  if (exact) out.push(clusterLine('exact', exact));
  // An exact copy is in its group; the group's kept line may also be in a near cluster.
  const near = snapshot.nearClusters.find((c) => c.lines.includes(line) || (exact !== undefined && c.lines.includes(exact.kept)));
  if (near) out.push(clusterLine('near', near));
  return out.length ? out.join('\n\n') : undefined;
}

async function removeDuplicates(
  service: HygieneSnapshots, removedLinesFile: () => 'sibling' | 'none', sideFiles: RemovedLinesFiles,
): Promise<RemovalResult | undefined> {
  const editor = vscode.window.activeTextEditor;
  const doc = editor?.document;
  if (!doc || !isJsonlDocument(doc)) {
    void vscode.window.showWarningMessage(t('SCAR Lens: open a JSON Lines (.jsonl) file to remove its duplicates.'));
    return undefined;
  }
  const snapshot = await service.ensure(doc);
  if (!snapshot) {
    void vscode.window.showWarningMessage(t('SCAR Lens: the file kept changing; try again when it is quiet.'));
    return undefined;
  }
  const duplicates = snapshot.findings.linesOf(['duplicate']).length;
  const nearDuplicates = snapshot.findings.linesOf(['near-duplicate']).length;
  const lines = snapshot.findings.linesOf(['duplicate', 'near-duplicate']); // in file order
  if (lines.length === 0) {
    const message = removalMessage(0, 0);
    void vscode.window.showInformationMessage(t('SCAR Lens: {0}', message));
    return { duplicates: 0, nearDuplicates: 0, lines, message };
  }
  if (doc.version !== snapshot.version) {
    void vscode.window.showWarningMessage(t('SCAR Lens: the file changed while its duplicates were being found; nothing was removed.'));
    return undefined;
  }
  const onDisk = removedLinesFile() === 'sibling' && doc.uri.scheme === 'file';
  const removedTexts = lines.map((l) => doc.lineAt(l - 1).text);
  // How many copies of each removed line the document holds before the edit: the side file's bookkeeping.
  const countsBefore = onDisk ? countLines(doc, removedTexts) : undefined;
  const edit = new vscode.WorkspaceEdit();
  for (const range of lineDeletionRanges(doc, lines.map((l) => l - 1))) edit.delete(doc.uri, range);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showErrorMessage(t('SCAR Lens: the edit that removes the duplicates was not applied.'));
    return undefined;
  }
  // The lines go to the side file when the file is saved, as far as the removal is still in effect then.
  const removedFile = onDisk ? sideFiles.record(doc, removedTexts, countsBefore!) : undefined;
  const message = removalMessage(duplicates, nearDuplicates, removedFile);
  void vscode.window.showInformationMessage(t('SCAR Lens: {0}', message));
  return { duplicates, nearDuplicates, lines, removedFile, message };
}

class HygieneCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];
  constructor(private readonly service: HygieneSnapshots) {}

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const snapshot = this.service.current(doc);
    if (!snapshot) return [];
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== HYGIENE_SOURCE || (d.code !== 'duplicate' && d.code !== 'near-duplicate')) continue;
      const index = d.range.start.line;
      const finding = snapshot.findings.onLine(index + 1).find((f) => f.kind === d.code);
      if (!finding?.otherLine) continue;
      const go = new vscode.CodeAction(t('Go to the kept copy'), vscode.CodeActionKind.QuickFix);
      go.command = { command: 'scar.hygiene.revealLine', title: t('Go to the kept copy'), arguments: [doc.uri, finding.otherLine - 1] };
      go.diagnostics = [d];
      const remove = new vscode.CodeAction(t('Remove this duplicate'), vscode.CodeActionKind.QuickFix);
      remove.edit = new vscode.WorkspaceEdit();
      for (const r of lineDeletionRanges(doc, [index])) remove.edit.delete(doc.uri, r);
      remove.diagnostics = [d];
      actions.push(go, remove);
    }
    return actions;
  }
}

/** The hygiene feature: quick fixes, hover and the removal command over the checks' warnings (ctx.hygiene). */
export const registerHygiene: Feature = (ctx) => hygieneFeature(ctx).disposables;

/** registerHygiene, also handing back the snapshots it acts on (ctx.hygiene). */
export function hygieneFeature(ctx: Parameters<Feature>[0]): { service: HygieneSnapshots; disposables: vscode.Disposable[] } {
  const service = ctx.hygiene; // its checks run from activation (main.ts); this feature adds what users do with them
  const selector: vscode.DocumentSelector = { language: 'jsonl' };
  const disposables = [
    vscode.languages.registerCodeActionsProvider(selector, new HygieneCodeActions(service), { providedCodeActionKinds: HygieneCodeActions.kinds }),
    vscode.languages.registerHoverProvider(selector, {
      provideHover(doc, position) {
        const snapshot = service.current(doc);
        const text = snapshot && clusterHover(snapshot, position.line + 1);
        return text ? new vscode.Hover(new vscode.MarkdownString(text), doc.lineAt(position.line).range) : undefined;
      },
    }),
    vscode.commands.registerCommand('scar.hygiene.revealLine', async (uri: vscode.Uri, index: number) => {
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc);
      const range = doc.lineAt(Math.min(index, doc.lineCount - 1)).range;
      editor.selection = new vscode.Selection(range.start, range.start);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }),
    vscode.commands.registerCommand('scar.removeDuplicates', () => removeDuplicates(service, () => ctx.config.current.hygiene.removedLinesFile, ctx.removedLines)),
    // For tests and other features: the findings of a document's current text.
    vscode.commands.registerCommand('scar.hygiene.snapshot', async (uri: vscode.Uri) => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      return doc ? service.ensure(doc) : undefined;
    }),
  ];
  return { service, disposables };
}
