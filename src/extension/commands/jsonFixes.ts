// Quick fixes for lines that are not valid JSON (the SCAR diagnostics of diagnostics.ts, code `invalid-json`), as
// eslint offers them: "Remove trailing comma" on a line whose error is a trailing comma (`{...},` after the value,
// or `{"a": 1,}` before a closing bracket; core/jsonl trailingCommaFixes finds the commas), and "Remove trailing
// commas in the file" when more than one line has them. Each is an ordinary edit: Undo restores the commas.
import * as vscode from 'vscode';
import { trailingCommaFixes } from '../../core/jsonl';
import type { Feature } from '../context';
import { DIAGNOSTIC_SOURCE, DiagnosticCodes } from '../surfaces/diagnostics';
import { t } from '../../core/l10n';


function isParseError(d: vscode.Diagnostic): boolean {
  return d.source === DIAGNOSTIC_SOURCE && d.code === DiagnosticCodes.invalidJson;
}

/** Adds the deletions of a line's trailing commas to `edit`; returns how many commas. */
function deleteCommas(edit: vscode.WorkspaceEdit, doc: vscode.TextDocument, line: number): number {
  const commas = trailingCommaFixes(doc.lineAt(line).text);
  for (const j of commas) edit.delete(doc.uri, new vscode.Range(line, j, line, j + 1));
  return commas.length;
}

export class JsonFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (!isParseError(d) || d.range.start.line >= doc.lineCount) continue;
      const edit = new vscode.WorkspaceEdit();
      const n = deleteCommas(edit, doc, d.range.start.line);
      if (n === 0) continue;
      const fix = new vscode.CodeAction(n === 1 ? t('Remove trailing comma') : t('Remove trailing commas'), vscode.CodeActionKind.QuickFix);
      fix.edit = edit;
      fix.diagnostics = [d];
      fix.isPreferred = true;
      actions.push(fix);
    }
    if (actions.length > 0) {
      // Every line of the file with the same slip, in one edit: offered when there is more than the one at hand.
      const all = new vscode.WorkspaceEdit();
      const fixed: vscode.Diagnostic[] = [];
      const seen = new Set<number>();
      for (const d of vscode.languages.getDiagnostics(doc.uri)) {
        const line = d.range.start.line;
        if (!isParseError(d) || line >= doc.lineCount || seen.has(line)) continue;
        seen.add(line);
        if (deleteCommas(all, doc, line) > 0) fixed.push(d);
      }
      if (fixed.length > 1) {
        const fixAll = new vscode.CodeAction(t('Remove trailing commas in the file ({0} lines)', fixed.length.toLocaleString('en-US')), vscode.CodeActionKind.QuickFix);
        fixAll.edit = all;
        fixAll.diagnostics = fixed;
        actions.push(fixAll);
      }
    }
    return actions;
  }
}

/** Registers the quick fixes for JSONL documents. */
export const registerJsonFixes: Feature = () => [
  vscode.languages.registerCodeActionsProvider({ language: 'jsonl' }, new JsonFixes(), { providedCodeActionKinds: JsonFixes.kinds }),
];
