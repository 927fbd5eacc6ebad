// Keeps one DocumentAnalysis per open JSONL document: created on open, fed every edit, re-run when the adapter
// settings change, disposed on close. Features (diagnostics, status bar, ...) listen to its events.
import * as vscode from 'vscode';
import type { ConfigSource, ScarConfig } from '../config';
import { sameAdapterOptions } from '../configValues';
import { DocumentAnalysis } from './analysisPass';
import { lineAnalyserFor } from './lineAnalyser';

/** Schemes whose documents are views of other content (diffs, logs), not files a user is editing. */
const IGNORED_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm', 'debug']);

export function isJsonlDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'jsonl' && !IGNORED_SCHEMES.has(doc.uri.scheme);
}

export class AnalysisRegistry implements vscode.Disposable {
  private readonly byUri = new Map<string, DocumentAnalysis>();
  private readonly updated = new vscode.EventEmitter<DocumentAnalysis>();
  private readonly progressed = new vscode.EventEmitter<DocumentAnalysis>();
  private readonly closed = new vscode.EventEmitter<vscode.Uri>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private config: ScarConfig;

  /** A document's pass finished: its `latest` snapshot is new and belongs to the current text. */
  readonly onDidUpdate = this.updated.event;
  /** A long pass made progress (for a progress display); `latest` has not changed. */
  readonly onDidProgress = this.progressed.event;
  /** A tracked document closed (or stopped being JSONL); its analysis is gone. */
  readonly onDidClose = this.closed.event;

  constructor(config: ConfigSource) {
    this.config = config.current;
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.open(doc)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.close(doc.uri)),
      vscode.workspace.onDidChangeTextDocument((e) => this.byUri.get(e.document.uri.toString())?.applyChanges(e.contentChanges)),
      config.onDidChange(({ previous, current }) => this.configure(previous, current)),
    );
    for (const doc of vscode.workspace.textDocuments) this.open(doc);
  }

  get(uri: vscode.Uri): DocumentAnalysis | undefined {
    return this.byUri.get(uri.toString());
  }

  all(): IterableIterator<DocumentAnalysis> {
    return this.byUri.values();
  }

  private open(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (this.byUri.has(key)) {
      // Re-opened with another language id (VS Code closes and opens it): keep only JSONL ones.
      if (!isJsonlDocument(doc)) this.close(doc.uri);
      return;
    }
    if (!isJsonlDocument(doc)) return;
    const analysis = new DocumentAnalysis(doc, lineAnalyserFor(this.config.adapter), this.config.diagnostics.debounceMs, (a, done) =>
      (done ? this.updated : this.progressed).fire(a),
    );
    this.byUri.set(key, analysis);
  }

  private close(uri: vscode.Uri): void {
    const key = uri.toString();
    const analysis = this.byUri.get(key);
    if (!analysis) return;
    analysis.dispose();
    this.byUri.delete(key);
    this.closed.fire(uri);
  }

  private configure(previous: ScarConfig, current: ScarConfig): void {
    this.config = current;
    const reanalyse = !sameAdapterOptions(previous.adapter, current.adapter);
    const analyser = reanalyse ? lineAnalyserFor(current.adapter) : undefined;
    for (const analysis of this.byUri.values()) {
      analysis.setDebounce(current.diagnostics.debounceMs);
      if (analyser) analysis.reanalyse(analyser);
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const a of this.byUri.values()) a.dispose();
    this.byUri.clear();
    this.updated.dispose();
    this.progressed.dispose();
    this.closed.dispose();
  }
}
