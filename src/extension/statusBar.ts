// The status-bar item: the active JSONL editor's schema, pair count and problem count. Clicking it opens the
// Problems panel. Hidden while the active editor is not a JSONL document.
import * as vscode from 'vscode';
import { schemaLabel } from '../core/schema';
import type { AnalysisRegistry } from './analysisRegistry';
import type { DocumentAnalysis } from './documentAnalysis';
import { statusContent, type StatusContent } from './statusText';

export const STATUS_ITEM_ID = 'scar-lens.status';

/** The status content for one analysis, or undefined before its first pass has finished. */
export function statusFor(analysis: DocumentAnalysis): StatusContent | undefined {
  const snapshot = analysis.latest;
  if (snapshot) {
    return statusContent({ summary: snapshot.summary, label: schemaLabel, fileProblem: snapshot.fileProblem?.message, problems: snapshot.problems });
  }
  // First pass still running: show its progress.
  return statusContent({ summary: analysis.model.summary(), label: schemaLabel, problems: 0 });
}

export class ScarStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(STATUS_ITEM_ID, vscode.StatusBarAlignment.Left, 100);
  private readonly subscriptions: vscode.Disposable[] = [];
  private visible = false;

  constructor(private readonly analyses: AnalysisRegistry) {
    this.item.name = 'SCAR Lens';
    this.item.command = { title: 'Show Problems', command: 'workbench.actions.view.problems' };
    const refreshIfActive = (a: DocumentAnalysis): void => {
      if (vscode.window.activeTextEditor?.document === a.document) this.refresh();
    };
    this.subscriptions.push(
      vscode.window.onDidChangeActiveTextEditor(() => this.refresh()),
      analyses.onDidUpdate(refreshIfActive),
      analyses.onDidProgress(refreshIfActive),
      analyses.onDidClose(() => this.refresh()),
    );
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
    const analysis = editor && this.analyses.get(editor.document.uri);
    const content = analysis && statusFor(analysis);
    if (!content) {
      this.item.hide();
      this.visible = false;
      return;
    }
    this.item.text = content.text;
    this.item.tooltip = new vscode.MarkdownString(content.tooltip);
    this.item.show();
    this.visible = true;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }
}
