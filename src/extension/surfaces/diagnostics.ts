// The Problems-panel view of the analysis: one Diagnostic per line that does not parse or yields no pair.
//
// Severity (a choice, documented here and in the README): a line that is not valid JSON is an Error (the file is
// not valid JSON Lines; every tool that reads it will stumble), a valid JSON line that yields no (instruction,
// response) pair is a Warning (the file is fine as JSONL, but the ranker and `scar select` will skip that line).
// A file that is not JSON Lines at all (a JSON array, pretty-printed JSON) gets a single Error on its first line
// instead of one per line.
import * as vscode from 'vscode';
import { t } from '../../core/l10n';
import type { Datasets } from '../documents/datasets';
import type { ConfigSource } from '../config';
import type { DocumentAnalysis } from '../documents/analysisPass';
import type { LineInfo } from '../documents/lineModel';
import { formatCount } from './statusText';

export const DIAGNOSTIC_SOURCE = 'SCAR';
/** At most this many line diagnostics per file; one more says how many were left out. */
export const MAX_LINE_DIAGNOSTICS = 1000;

export const DiagnosticCodes = {
  invalidJson: 'invalid-json',
  noPair: 'no-pair',
  notJsonl: 'not-jsonl',
  moreProblems: 'more-problems',
} as const;

export class ScarDiagnostics implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('scar');
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The Diagnostic made for a line's analysis, reused while that line neither changes nor moves. */
  private readonly made = new WeakMap<LineInfo, vscode.Diagnostic>();
  private enabled: boolean;

  constructor(datasets: Datasets, config: ConfigSource) {
    this.enabled = config.current.diagnostics.enabled;
    this.subscriptions.push(
      datasets.onDidChange((e) => {
        if (e.kind === 'analysis' && e.done) this.publish(e.dataset.analysis);
        else if (e.kind === 'closed') this.collection.delete(e.dataset.uri);
      }),
      config.onDidChange(({ current }) => {
        if (current.diagnostics.enabled === this.enabled) return;
        this.enabled = current.diagnostics.enabled;
        if (!this.enabled) this.collection.clear();
        else for (const d of datasets.all()) this.publish(d.analysis);
      }),
    );
    for (const d of datasets.all()) this.publish(d.analysis);
  }

  private publish(analysis: DocumentAnalysis): void {
    const doc = analysis.document;
    if (!this.enabled || doc.isClosed) return;
    // Only a result computed for the document's current text is drawn; a stale one waits for the next pass.
    const snapshot = analysis.latest;
    if (!snapshot || !analysis.isCurrent) return;
    this.collection.set(doc.uri, this.build(analysis));
  }

  private build(analysis: DocumentAnalysis): vscode.Diagnostic[] {
    const doc = analysis.document;
    const snapshot = analysis.latest!;
    if (snapshot.fileProblem) {
      const { index, message } = snapshot.fileProblem;
      const d = new vscode.Diagnostic(doc.lineAt(index).range, message, vscode.DiagnosticSeverity.Error);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = DiagnosticCodes.notJsonl;
      return [d];
    }
    const lines = analysis.model.problemLines(MAX_LINE_DIAGNOSTICS + 1);
    const out: vscode.Diagnostic[] = [];
    for (const { index, info } of lines.slice(0, MAX_LINE_DIAGNOSTICS)) {
      let d = this.made.get(info);
      if (!d || d.range.start.line !== index) {
        d = this.lineDiagnostic(doc, index, info);
        this.made.set(info, d);
      }
      out.push(d);
    }
    if (lines.length > MAX_LINE_DIAGNOSTICS) {
      const more = snapshot.summary.problems - MAX_LINE_DIAGNOSTICS;
      const d = new vscode.Diagnostic(
        doc.lineAt(lines[MAX_LINE_DIAGNOSTICS].index).range,
        more === 1
          ? t('1 more line has a problem from here on (only the first {0} are listed); run `scar inspect` on the file for all of them.', formatCount(MAX_LINE_DIAGNOSTICS))
          : t('{0} more lines have problems from here on (only the first {1} are listed); run `scar inspect` on the file for all of them.', formatCount(more), formatCount(MAX_LINE_DIAGNOSTICS)),
        vscode.DiagnosticSeverity.Information,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = DiagnosticCodes.moreProblems;
      out.push(d);
    }
    return out;
  }

  private lineDiagnostic(doc: vscode.TextDocument, index: number, info: LineInfo): vscode.Diagnostic {
    const line = doc.lineAt(index);
    const problem = info.problem!;
    let range = line.range;
    if (problem.kind === 'parse' && problem.column !== undefined && line.text.length > 0) {
      // From the error's column to the end of the line; an error at the very end still underlines the last character.
      const from = Math.min(Math.max(problem.column - 1, 0), line.text.length - 1);
      range = new vscode.Range(index, from, index, line.text.length);
    }
    const parse = problem.kind === 'parse';
    const d = new vscode.Diagnostic(range, problem.message, parse ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = parse ? DiagnosticCodes.invalidJson : DiagnosticCodes.noPair;
    return d;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}
