// "SCAR: Sort lines by style consistency" (scar.sortByScore) and "SCAR: Filter out lines below…" (scar.filterBelow).
// Each is ONE edit replacing the document's text (one undo step; the rules are in lineEdits.ts). The filter's removed
// lines go to `<name>.removed.jsonl` beside the source when the user saves it, as far as the removal is still in
// effect then (removedLines.ts: an undone filter leaves nothing there), so the source and its side file never hold
// the same line twice; for an untitled source they open in a new untitled editor instead. With
// scar.removedLinesFile "none" (shared with "Remove duplicates") they are kept nowhere and only Undo restores them.
// Arguments skip the UI: executeCommand('scar.filterBelow', { threshold: 40 }) (the 0-100 style score) or ({ percentile: 25 }).
import * as path from 'path';
import * as vscode from 'vscode';
import type { ScarContext } from '../context';
import { alreadySorted, filteredText, linesAsJsonl, sortedText } from './lineEdits';
import { countLines } from './removedLines';
import { baseName, commandArgs, fmt, scoredLines, targetDocument } from './common';
import { filterChoices, parseFilterInput, type FilterCut } from './filterInput';
import { isScored, type DocLines } from './docLines';
import type { ScoreScale } from '../scoring/scoreScale';
import { t } from '../../core/l10n';

export interface FilterArgs {
  uri?: vscode.Uri | string;
  /** Remove lines scoring below this score, on the scale scores are shown on (the 0-100 style score). */
  threshold?: number;
  /** Or: remove lines below this percentile (0-100). */
  percentile?: number;
}

export interface EditOutcome {
  message: string;
  /** Lines moved out (filter) or reordered (sort). */
  count: number;
  /** The sibling file the removed lines go to when the document is saved. */
  removedFile?: string;
  removedUntitled?: string;
}

/** Replaces the whole text of the document in one edit (one undo step). */
async function replaceAll(doc: vscode.TextDocument, text: string): Promise<boolean> {
  const edit = new vscode.WorkspaceEdit();
  const end = doc.lineAt(doc.lineCount - 1).range.end;
  edit.replace(doc.uri, new vscode.Range(new vscode.Position(0, 0), end), text);
  return vscode.workspace.applyEdit(edit);
}

async function sortByScore(ctx: ScarContext, arg: unknown): Promise<EditOutcome | undefined> {
  const { uri } = commandArgs<{ uri?: string }>(arg);
  const doc = await targetDocument(uri, t('sort it'));
  if (!doc) return undefined;
  const lines = await scoredLines(ctx, doc);
  if (!lines) return undefined;
  const scored = lines.lines.filter(isScored).length;
  if (scored === 0) {
    void vscode.window.showWarningMessage(t('SCAR Lens: {0} has no scored line to sort.', baseName(doc.uri)));
    return undefined;
  }
  if (alreadySorted(lines)) {
    const message = t('{0} is already sorted by style consistency.', baseName(doc.uri));
    void vscode.window.showInformationMessage(t('SCAR Lens: {0}', message));
    return { message, count: 0 };
  }
  const version = doc.version;
  const text = sortedText(lines);
  if (doc.version !== version || !(await replaceAll(doc, text))) {
    void vscode.window.showErrorMessage(t('SCAR Lens: {0} changed before it could be sorted; nothing was changed.', baseName(doc.uri)));
    return undefined;
  }
  const rest = lines.lines.length - scored;
  const sorted = scored === 1 ? t('Sorted 1 scored line best first') : t('Sorted {0} scored lines best first', fmt(scored));
  const moved = rest === 0 ? '' : rest === 1 ? t('; 1 line without a score moved to the end') : t('; {0} lines without a score moved to the end', fmt(rest));
  const message = sorted + moved + t(' (Undo restores the order).');
  void vscode.window.showInformationMessage(t('SCAR Lens: {0}', message));
  return { message, count: scored };
}

/** Asks for the cut: suggested percentiles with their counts, or typed score/percentile with a live count. */
async function pickCut(lines: DocLines, scale: ScoreScale): Promise<FilterCut | undefined> {
  const title = t('SCAR: Filter out lines below…');
  const picked = await vscode.window.showQuickPick(
    filterChoices(lines.lines, scale).map((c) => ({ label: c.label, description: c.description, choice: c })),
    { title, placeHolder: t('Remove the lines scoring below… (they go to <name>.removed.jsonl)') },
  );
  if (!picked) return undefined;
  if (picked.choice.cut) return picked.choice.cut;
  const text = await vscode.window.showInputBox({
    title,
    prompt: scale.calibrated ? t('Remove lines below a {0} (0–100) or a percentile (e.g. 25%)', scale.noun) : t('Remove lines below a {0} or a percentile (e.g. 25%)', scale.noun),
    placeHolder: scale.example(),
    validateInput: (v) => {
      const r = parseFilterInput(v, lines.lines, scale);
      return 'error' in r ? r.error : { message: r.message, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  if (text === undefined) return undefined;
  const r = parseFilterInput(text, lines.lines, scale);
  return 'error' in r ? undefined : r.cut;
}

async function filterBelow(ctx: ScarContext, arg: unknown): Promise<EditOutcome | undefined> {
  const { uri, options } = commandArgs<FilterArgs>(arg);
  const doc = await targetDocument(uri, t('filter it'));
  if (!doc) return undefined;
  const lines = await scoredLines(ctx, doc);
  if (!lines) return undefined;
  if (!lines.lines.some(isScored)) {
    void vscode.window.showWarningMessage(t('SCAR Lens: {0} has no scored line to filter.', baseName(doc.uri)));
    return undefined;
  }
  let cut: FilterCut | undefined;
  const scale = ctx.engine.scale();
  if (options.threshold !== undefined || options.percentile !== undefined) {
    const r = parseFilterInput(options.percentile !== undefined ? `${options.percentile}%` : String(options.threshold), lines.lines, scale);
    if ('error' in r) {
      void vscode.window.showErrorMessage(t('SCAR Lens: {0}', r.error));
      return undefined;
    }
    cut = r.cut;
  } else {
    cut = await pickCut(lines, scale);
  }
  if (!cut) return undefined;
  const version = doc.version;
  const { text, removed } = filteredText(lines, cut.threshold);
  if (removed.length === 0) {
    const message = t('No line is {0}; nothing was removed.', cut.description);
    void vscode.window.showInformationMessage(t('SCAR Lens: {0}', message));
    return { message, count: 0 };
  }
  const outcome: EditOutcome = { message: '', count: removed.length };
  const keepRemoved = ctx.config.current.hygiene.removedLinesFile === 'sibling';
  const onDisk = keepRemoved && doc.uri.scheme === 'file';
  const removedTexts = removed.map((l) => l.text);
  // How many copies of each removed line the document holds before the edit: the side file's bookkeeping.
  const countsBefore = onDisk ? countLines(doc, removedTexts) : undefined;
  if (doc.version !== version || !(await replaceAll(doc, text))) {
    void vscode.window.showErrorMessage(t('SCAR Lens: {0} changed before it could be filtered; its lines are unchanged.', baseName(doc.uri)));
    return undefined;
  }
  const count = `${fmt(removed.length)} line${removed.length === 1 ? '' : 's'} (${cut.description})`;
  if (onDisk) {
    // Written when the file is saved, from the removals still in effect (an Undo takes them back out).
    const sibling = ctx.removedLines.record(doc, removedTexts, countsBefore!);
    outcome.removedFile = sibling;
    outcome.message = t('Removed {0}; saving {1} appends them to {2}. Undo puts them back.', count, baseName(doc.uri), path.basename(sibling));
  } else if (keepRemoved) {
    const side = await vscode.workspace.openTextDocument({ language: 'jsonl', content: linesAsJsonl(removed, lines.eol) });
    outcome.removedUntitled = side.uri.toString();
    outcome.message = t('Moved {0} to a new editor; Undo puts them back.', count);
  } else {
    // scar.removedLinesFile "none": only Undo brings the lines back.
    outcome.message = t('Removed {0}; Undo puts them back.', count);
  }
  void vscode.window.showInformationMessage(t('SCAR Lens: {0}', outcome.message));
  return outcome;
}

/** Registers scar.sortByScore and scar.filterBelow. */
export function registerSortFilterCommands(ctx: ScarContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('scar.sortByScore', (arg?: unknown) => sortByScore(ctx, arg)),
    vscode.commands.registerCommand('scar.filterBelow', (arg?: unknown) => filterBelow(ctx, arg)),
  ];
}
