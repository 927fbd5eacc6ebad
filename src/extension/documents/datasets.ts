// The registry of Datasets: one per open JSONL document, created on open, fed every edit, reset when the settings
// that shape its columns change, disposed on close. It is the only listener to those document and settings events;
// everything else listens to its one change event, which says what changed.
import * as vscode from 'vscode';
import type { ConfigSource, ScarConfig } from '../config';
import { sameAdapterOptions } from '../configValues';
import { ScoreReference } from '../scoring/scoreReference';
import { Dataset } from './dataset';
import { lineAnalyserFor } from './lineAnalyser';

/** Schemes whose documents are views of other content (diffs, logs), not files a user is editing. */
const IGNORED_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm', 'debug']);

export function isJsonlDocument(doc: vscode.TextDocument): boolean {
  return doc.languageId === 'jsonl' && !IGNORED_SCHEMES.has(doc.uri.scheme);
}

/** What changed in a dataset. */
export type DatasetChange =
  /** A new dataset (a JSONL document opened). */
  | { readonly kind: 'opened'; readonly dataset: Dataset }
  /** The document was edited; the columns followed (entries of the edited lines are gone until recomputed). */
  | { readonly kind: 'edited'; readonly dataset: Dataset }
  /** The analysis pass finished (`done`: `analysis.latest` is new and current) or, on a long pass, progressed. */
  | { readonly kind: 'analysis'; readonly dataset: Dataset; readonly done: boolean }
  /** Scores were stored, removed or cleared (see ScoresChange). */
  | ({ readonly kind: 'scores'; readonly dataset: Dataset } & ScoresChange)
  /** A new hygiene snapshot was stored. */
  | { readonly kind: 'hygiene'; readonly dataset: Dataset }
  /** Settings changed; `adapter` when the pairs (and so the analysis and the scores) were reset. */
  | { readonly kind: 'settings'; readonly previous: ScarConfig; readonly current: ScarConfig; readonly adapter: boolean }
  /** The document closed (or stopped being JSONL); the dataset is disposed. */
  | { readonly kind: 'closed'; readonly dataset: Dataset };

/** Details of a 'scores' change. */
export interface ScoresChange {
  /** The table now has an entry for every line. */
  readonly complete: boolean;
  /** Only lines off screen got entries (a background batch): visible lines change only through their percentiles. */
  readonly background?: boolean;
  /** An edit removed the entries of the edited lines (their new scores usually follow within milliseconds). */
  readonly edited?: boolean;
}

export class Datasets implements vscode.Disposable {
  private readonly byUri = new Map<string, Dataset>();
  /** References for documents about to open (a selection's editor is marked before its document exists). */
  private readonly pendingReferences = new Map<string, ScoreReference>();
  private readonly changed = new vscode.EventEmitter<DatasetChange>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private config: ScarConfig;

  /** Fires once per change of a dataset, saying what changed. */
  readonly onDidChange = this.changed.event;

  constructor(config: ConfigSource) {
    this.config = config.current;
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.open(doc)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.close(doc.uri)),
      vscode.workspace.onDidChangeTextDocument((e) => this.edit(e)),
      config.onDidChange(({ previous, current }) => this.configure(previous, current)),
    );
    for (const doc of vscode.workspace.textDocuments) this.open(doc);
  }

  /** The dataset of an open JSONL document (by document or uri). */
  get(doc: vscode.TextDocument | vscode.Uri): Dataset | undefined {
    return this.byUri.get(('uri' in doc ? doc.uri : doc).toString());
  }

  all(): IterableIterator<Dataset> {
    return this.byUri.values();
  }

  /** Fires a change (for the services that fill a column: scores, hygiene). */
  fire(change: DatasetChange): void {
    this.changed.fire(change);
  }

  /**
   * Marks `uri` (open or about to open) as cut from a file whose raw line scores are `sourceScores`: its lines then
   * read the percentile and rank they have in `source`. Dropped when the document closes.
   */
  markDerived(uri: vscode.Uri, source: string, sourceScores: ArrayLike<number>): void {
    const ref = new ScoreReference(source, sourceScores);
    const ds = this.byUri.get(uri.toString());
    if (ds) ds.reference = ref;
    else this.pendingReferences.set(uri.toString(), ref);
  }

  private open(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    if (this.byUri.has(key)) {
      // Re-opened with another language id (VS Code closes and opens it): keep only JSONL ones.
      if (!isJsonlDocument(doc)) this.close(doc.uri);
      return;
    }
    if (!isJsonlDocument(doc)) return;
    const dataset = new Dataset(doc, lineAnalyserFor(this.config.adapter), this.config.diagnostics.debounceMs,
      (ds, done) => this.changed.fire({ kind: 'analysis', dataset: ds, done }));
    dataset.reference = this.pendingReferences.get(key);
    this.pendingReferences.delete(key);
    this.byUri.set(key, dataset);
    this.changed.fire({ kind: 'opened', dataset });
  }

  private edit(e: vscode.TextDocumentChangeEvent): void {
    const dataset = this.byUri.get(e.document.uri.toString());
    if (!dataset || e.contentChanges.length === 0) return; // e.g. only the dirty state changed
    dataset.followEdit(e.contentChanges);
    this.changed.fire({ kind: 'edited', dataset });
  }

  private close(uri: vscode.Uri): void {
    const key = uri.toString();
    this.pendingReferences.delete(key);
    const dataset = this.byUri.get(key);
    if (!dataset) return;
    dataset.dispose();
    this.byUri.delete(key);
    this.changed.fire({ kind: 'closed', dataset });
  }

  private configure(previous: ScarConfig, current: ScarConfig): void {
    this.config = current;
    const adapter = !sameAdapterOptions(previous.adapter, current.adapter);
    const rescore = adapter || previous.modelPath !== current.modelPath;
    const analyser = adapter ? lineAnalyserFor(current.adapter) : undefined;
    for (const dataset of this.byUri.values()) {
      dataset.analysis.setDebounce(current.diagnostics.debounceMs);
      if (analyser) dataset.analysis.reanalyse(analyser);
      if (rescore) dataset.scoring.reset();
    }
    this.changed.fire({ kind: 'settings', previous, current, adapter: rescore });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const d of this.byUri.values()) d.dispose();
    this.byUri.clear();
    this.changed.dispose();
  }
}
