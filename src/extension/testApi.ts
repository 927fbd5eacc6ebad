// The small API that activate() returns, so integration tests can read what the user sees (the status-bar text)
// and wait for an analysis to settle, without reaching into the extension's internals.
import * as vscode from 'vscode';
import type { Datasets } from './documents/datasets';
import type { ScarStatusBar } from './surfaces/statusBar';

export interface AnalysisView {
  /** The document version the figures belong to. */
  version: number;
  lines: number;
  blank: number;
  pairs: number;
  /** Problems as the user sees them (a file-level problem counts once). */
  problems: number;
  schemaCounts: Record<string, number>;
  fileProblem?: string;
  /** Full re-analyses since the document opened (1 after opening; +1 per adapter-settings change). */
  fullPasses: number;
  /**
   * The latest pass: how many slices and lines, its longest slice and its wall time (ms), and when it started and
   * ended (performance.now() of the extension host).
   */
  lastPass: PassTiming;
}

export interface PassTiming {
  slices: number;
  lines: number;
  longestSliceMs: number;
  /** CPU time of the longest slice (the process's, so the OS taking the CPU away on a busy machine does not count). */
  longestSliceCpuMs: number;
  wallMs: number;
  startedAt: number;
  endedAt: number;
}

export interface ScarLensApi {
  /** The status-bar item's text, or undefined while it is hidden. */
  statusText(): string | undefined;
  /** The status-bar item's tooltip (markdown), or undefined while it is hidden. */
  statusTooltip(): string | undefined;
  /** The command the status-bar item runs when clicked, or undefined while it is hidden. */
  statusCommand(): string | undefined;
  /** The latest finished analysis of an open JSONL document. */
  analysis(uri: vscode.Uri): AnalysisView | undefined;
  /** Resolves with the analysis once it belongs to the document's current text; rejects after timeoutMs. */
  whenAnalysed(uri: vscode.Uri, timeoutMs?: number): Promise<AnalysisView>;
}

export function testApi(datasets: Datasets, statusBar: ScarStatusBar): ScarLensApi {
  const view = (uri: vscode.Uri): AnalysisView | undefined => {
    const a = datasets.get(uri)?.analysis;
    const s = a?.latest;
    if (!a || !s) return undefined;
    return {
      version: s.version,
      lines: s.summary.lines,
      blank: s.summary.blank,
      pairs: s.summary.pairs,
      problems: s.problems,
      schemaCounts: Object.fromEntries(s.summary.schemaCounts),
      fileProblem: s.fileProblem?.message,
      fullPasses: a.fullPasses,
      lastPass: { ...a.lastPass },
    };
  };
  return {
    statusText: () => statusBar.text,
    statusTooltip: () => statusBar.tooltip,
    statusCommand: () => statusBar.command,
    analysis: view,
    whenAnalysed: (uri, timeoutMs = 10000) =>
      new Promise<AnalysisView>((resolve, reject) => {
        const check = (): boolean => {
          const a = datasets.get(uri)?.analysis;
          if (a?.isCurrent) {
            cleanup();
            resolve(view(uri)!);
            return true;
          }
          return false;
        };
        const sub = datasets.onDidChange((e) => { if (e.kind === 'analysis' && e.done) check(); });
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no finished SCAR analysis of ${uri.toString()} after ${timeoutMs} ms`));
        }, timeoutMs);
        function cleanup(): void {
          sub.dispose();
          clearTimeout(timer);
        }
        check();
      }),
  };
}
