// One open JSONL document as SCAR Lens holds it: the single owner of that document's state. It has three columns,
// each kept for the document's current text:
// - analysis: each line parsed and adapted to pairs, with its problem (analysisPass.ts over lineModel.ts);
// - scoring: each line's score, and where the scoring of the file stands (scoringState.ts over scoreTable.ts);
// - hygiene: the latest findings snapshot and the check under way (hygieneState.ts).
// An edit reaches the columns once, here (followEdit): each change becomes a line splice applied to the analysis
// and score columns alike. The Datasets registry (datasets.ts) creates, feeds and disposes datasets; the services
// that fill a column (the analysis pass, the live scorer, the hygiene service) and the surfaces that read them
// (diagnostics, decorations, status bar, hover, commands) all reach a document's state through its Dataset.
import type * as vscode from 'vscode';
import type { ScoreReference } from '../scoring/scoreReference';
import { DocumentAnalysis } from './analysisPass';
import { HygieneState } from './hygieneState';
import type { LineAnalyser } from './lineModel';
import { lineSplices } from './lineSplice';
import { ScoringState } from './scoringState';

export class Dataset {
  readonly analysis: DocumentAnalysis;
  readonly scoring: ScoringState;
  readonly hygiene = new HygieneState();
  /**
   * For a document cut from another file (a selection's editor): that file's score distribution, so its lines read
   * the percentile and rank they had there (scoreReference.ts). Undefined for an ordinary file.
   */
  reference: ScoreReference | undefined;

  constructor(
    readonly document: vscode.TextDocument,
    analyser: LineAnalyser,
    debounceMs: number,
    onAnalysis: (dataset: Dataset, done: boolean) => void,
  ) {
    this.scoring = new ScoringState(document);
    this.analysis = new DocumentAnalysis(document, analyser, debounceMs, (_a, done) => onAnalysis(this, done));
  }

  get uri(): vscode.Uri {
    return this.document.uri;
  }

  /**
   * Follows one edit of the document: every change, in order, as a line splice of both the analysis and the score
   * columns (entries of the edited lines go, lines below move). A column out of step with the document (which should
   * not happen) starts again from the text rather than show a line's state on another line.
   */
  followEdit(changes: readonly vscode.TextDocumentContentChangeEvent[]): void {
    const model = this.analysis.model;
    const table = this.scoring.table;
    let inStep = true;
    for (const s of lineSplices(changes)) {
      if (s.last >= model.lineCount || s.last >= table.lineCount) { inStep = false; break; }
      model.replaceLines(s);
      table.replaceLines(s);
    }
    const lines = this.document.lineCount;
    if (!inStep || model.lineCount !== lines) { this.analysis.reanalyse(); }
    else this.analysis.edited();
    if (!inStep || table.lineCount !== lines) table.reset(lines);
  }

  dispose(): void {
    this.analysis.dispose();
    this.scoring.dispose();
    this.hygiene.dispose();
  }
}
