// The status-bar item: the active JSONL editor's schema, pair count and problem count, and once scored the score
// summary (median, share above the threshold) or the scoring progress. Clicking it opens the score summary when the
// file is scored, else the Problems panel. Hidden while the active editor is not a JSONL document.
import * as vscode from 'vscode';
import { schemaLabel } from '../../core/schema';
import type { Datasets } from '../documents/datasets';
import { DIAGNOSTIC_SOURCE, DiagnosticCodes, MAX_LINE_DIAGNOSTICS } from './diagnostics';
import type { DocumentAnalysis } from '../documents/analysisPass';
import { HYGIENE_SOURCE } from '../hygiene/hygieneService';
import { statusContent, type ProblemSeverities, type ScoreStatus, type StatusContent } from './statusText';
import { t } from '../../core/l10n';

/** Where the status bar learns about scores (surfaces/scoreView.ts provides it). */
export interface ScoreStatusSource {
  statusOf(doc: vscode.TextDocument): ScoreStatus | undefined;
  readonly onDidChange: vscode.Event<vscode.TextDocument>;
  /** The command that opens the score summary. */
  readonly summaryCommand: string;
}

export const STATUS_ITEM_ID = 'scar-lens.status';

/**
 * Every problem SCAR reports for a document in the Problems panel (its own source and SCAR hygiene), by severity.
 * The one entry that stands for the lines past the listing cap ("N more lines have problems") counts as those N.
 */
export function panelProblems(analysis: DocumentAnalysis): ProblemSeverities & { total: number } {
  const out = { errors: 0, warnings: 0, infos: 0, total: 0 };
  for (const d of vscode.languages.getDiagnostics(analysis.document.uri)) {
    if (d.source !== DIAGNOSTIC_SOURCE && d.source !== HYGIENE_SOURCE) continue;
    let n = 1;
    let severity = d.severity;
    if (d.source === DIAGNOSTIC_SOURCE && d.code === DiagnosticCodes.moreProblems) {
      n = Math.max(1, (analysis.latest?.problems ?? 0) - MAX_LINE_DIAGNOSTICS);
      severity = vscode.DiagnosticSeverity.Warning; // they are errors and warnings; the panel lists them as one
    }
    if (severity === vscode.DiagnosticSeverity.Error) out.errors += n;
    else if (severity === vscode.DiagnosticSeverity.Warning) out.warnings += n;
    else out.infos += n;
    out.total += n;
  }
  return out;
}

/** The status content for one analysis, or undefined before its first pass has finished. */
export function statusFor(analysis: DocumentAnalysis, scores?: ScoreStatus): StatusContent | undefined {
  const snapshot = analysis.latest;
  if (snapshot) {
    const { total, ...severities } = panelProblems(analysis);
    return statusContent({ summary: snapshot.summary, label: schemaLabel, fileProblem: snapshot.fileProblem?.message, problems: total, severities, scores });
  }
  // First pass still running: show its progress.
  return statusContent({ summary: analysis.model.summary(), label: schemaLabel, problems: 0 });
}

/** Quickest refresh of the item while a file's scores arrive. */
const SCORE_REFRESH_MS = 500;

export class ScarStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private visible = false;
  /** What the item shows (text, tooltip and command), to skip refreshes that would change nothing. */
  private shown = '';

  private scores: ScoreStatusSource | undefined;
  private scoreSub: vscode.Disposable | undefined;

  constructor(private readonly datasets: Datasets) {
    this.item.name = 'SCAR Lens';
    this.item.command = { title: t('Show Problems'), command: 'workbench.actions.view.problems' };
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      datasets.onDidChange((e) => {
        if (e.kind === 'closed') this.refresh();
        else if (e.kind === 'analysis' && vscode.window.activeTextEditor?.document === e.dataset.document) this.refresh();
      }),
      // The count is what the Problems panel shows: hygiene warnings arrive after the analysis.
      vscode.languages.onDidChangeDiagnostics((e) => {
        const active = vscode.window.activeTextEditor?.document.uri.toString();
        if (active !== undefined && e.uris.some((u) => u.toString() === active)) this.refresh();
      }),
    );
    this.refresh();
  }

  /** Adds the score summary (main.ts calls this once scoring exists). */
  useScores(source: ScoreStatusSource): void {
    this.scores = source;
    this.scoreSub?.dispose();
    let queued = false;
    this.scoreSub = source.onDidChange((doc) => {
      // Scores arrive in many batches: redraw at most a few times a second (a percentage needs no more).
      if (queued || vscode.window.activeTextEditor?.document !== doc) return;
      queued = true;
      setTimeout(() => { queued = false; this.refresh(); }, SCORE_REFRESH_MS);
    });
    this.refresh();
  }

  /** The text on screen, or undefined while the item is hidden. */
  get text(): string | undefined {
    return this.visible ? this.item.text : undefined;
  }

  get command(): string | undefined {
    if (!this.visible) return undefined;
    const c = this.item.command;
    return typeof c === 'string' ? c : c?.command;
  }

  get tooltip(): string | undefined {
    if (!this.visible) return undefined;
    const t = this.item.tooltip;
    return typeof t === 'string' ? t : t?.value;
  }

  private refresh(): void {
    const editor = vscode.window.activeTextEditor;
    const analysis = editor && this.datasets.get(editor.document)?.analysis;
    const scores = editor && this.scores?.statusOf(editor.document);
    const content = analysis && statusFor(analysis, scores);
    if (!content) {
      this.item.hide();
      this.visible = false;
      this.shown = '';
      return;
    }
    // While a file is scored the item stops it (its count is the progress); once scored it opens the summary.
    const command = scores?.state === 'done' && this.scores ? this.scores.summaryCommand
      : scores?.state === 'scoring' ? 'scar.stopScoring' : 'workbench.actions.view.problems';
    // Every assignment below is a message to the window: send them only when something changed.
    const key = `${content.text}\u0000${content.tooltip}\u0000${command}`;
    if (this.visible && key === this.shown) return;
    this.shown = key;
    this.item.text = content.text;
    const tooltip = new vscode.MarkdownString(content.tooltip);
    tooltip.isTrusted = { enabledCommands: ['workbench.actions.view.problems'] };
    this.item.tooltip = tooltip;
    this.item.command = command === 'workbench.actions.view.problems' ? { title: t('Show Problems'), command }
      : command === 'scar.stopScoring' ? { title: t('Stop scoring'), command }
      : { title: t('Show score summary'), command };
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    this.scoreSub?.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
