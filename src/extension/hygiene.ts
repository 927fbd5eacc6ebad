// Data hygiene of open JSONL documents: SCAR's cleaning checks (core/cleaningPass.ts: exact duplicates, not English,
// near-duplicates), empty responses and responses the ranker truncates, as warnings in their own Problems source.
// A check runs after the line analysis (analysisRegistry) settles on a new version, debounced, in slices of a few
// milliseconds with setImmediate between them, and is dropped as soon as the document changes under it. The
// clustering at the end is one step (it compares only candidate pairs, far cheaper than the signatures).
// hygieneActions.ts adds the quick fixes, the hover and the removal command on top of the snapshots kept here.
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { CleaningPass, cleaningFindings } from '../core/cleaningPass';
import type { TextPair } from '../core/dedup';
import { emptyResponseField } from '../core/emptyResponse';
import { countResponseTokens, DEFAULT_MAX_RESPONSE_TOKENS, FEATURISER_FILE } from '../core/featurise';
import { analyseRecord } from '../core/inspect';
import { parseLine } from '../core/jsonl';
import type { AdapterOptions, DuplicateCluster, HygieneFinding } from '../core/types';
import type { AnalysisRegistry } from './analysisRegistry';
import type { ConfigSource, ScarConfig } from './config';
import { sameHygieneChecks, type HygieneConfig } from './hygieneConfig';
import { SLICE_MS } from './lineModel';

export const HYGIENE_SOURCE = 'SCAR hygiene';
/** At most this many hygiene warnings per file are listed. */
export const MAX_HYGIENE_DIAGNOSTICS = 1000;
/**
 * Documents with more lines are not checked in the editor: the final clustering step is not sliced, and on a file
 * of many near-identical lines it can take seconds. `scar dedup` handles files of any size.
 */
export const MAX_HYGIENE_LINES = 20000;

/** One document's findings, for the version of its text they were computed on. */
export interface HygieneSnapshot {
  readonly version: number;
  /** Findings by 0-based line index. */
  readonly findings: ReadonlyMap<number, readonly HygieneFinding[]>;
  /** Exact groups and near-duplicate clusters (1-based lines), for the hover. */
  readonly exactGroups: readonly DuplicateCluster[];
  readonly nearClusters: readonly DuplicateCluster[];
  readonly counts: { readonly exact: number; readonly nearDuplicate: number; readonly language: number };
  /** Set when the document has more than MAX_HYGIENE_LINES lines and was not checked. */
  readonly tooLarge?: number;
}

/** The ranker's response token limit from the model folder's featuriser.json (the default if it cannot be read). */
export function maxResponseTokensIn(modelDir: string): number {
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(modelDir, FEATURISER_FILE), 'utf8')) as { maxResponseTokens?: unknown };
    const n = raw.maxResponseTokens;
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_RESPONSE_TOKENS;
  } catch {
    return DEFAULT_MAX_RESPONSE_TOKENS;
  }
}

const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs the checks over a document's current text, yielding to the event loop every SLICE_MS. Resolves to
 * undefined when the document changed (or `cancelled()` said so) before the end.
 */
export async function computeHygiene(
  doc: vscode.TextDocument,
  adapter: Readonly<AdapterOptions>,
  hygiene: HygieneConfig,
  maxResponseTokens: number,
  cancelled: () => boolean = () => false,
): Promise<HygieneSnapshot | undefined> {
  const version = doc.version;
  if (doc.lineCount > MAX_HYGIENE_LINES) {
    return { version, findings: new Map(), exactGroups: [], nearClusters: [], counts: { exact: 0, nearDuplicate: 0, language: 0 }, tooLarge: doc.lineCount };
  }
  const stale = (): boolean => cancelled() || doc.isClosed || doc.version !== version;
  const pass = new CleaningPass({
    language: hygiene.languageCheck ? 'detector' : 'off',
    near: { threshold: hygiene.nearDuplicateThreshold, ngram: hygiene.ngram },
    truncation: { maxResponseTokens, responseTokens: (s) => countResponseTokens(s, maxResponseTokens) },
  });
  const empty: HygieneFinding[] = [];
  let deadline = performance.now() + SLICE_MS;
  for (let i = 0; i < doc.lineCount; i++) {
    if ((i & 7) === 0 && performance.now() > deadline) {
      await yieldToHost();
      if (stale()) return undefined;
      deadline = performance.now() + SLICE_MS;
    }
    const text = doc.lineAt(i).text;
    const record = parseLine(text, i + 1, 0, text.length);
    if (record.blank || record.error) continue;
    const { result } = analyseRecord(record, adapter);
    if (result?.ok) pass.add(i + 1, result.pairs);
    else if (result && emptyResponseField(record.value, result.reason, adapter as AdapterOptions)) {
      empty.push({ line: i + 1, kind: 'empty-response', message: 'Empty response' });
    }
  }
  await yieldToHost();
  if (stale()) return undefined;
  const pairsOf = (line: number): ReadonlyArray<TextPair> => {
    const text = doc.lineAt(line - 1).text;
    const r = analyseRecord(parseLine(text, line, 0, text.length), adapter).result;
    if (!r?.ok) throw new Error(`line ${line} changed during the hygiene check`);
    return r.pairs;
  };
  const result = pass.finish(pairsOf);
  const findings = new Map<number, HygieneFinding[]>();
  for (const f of [...cleaningFindings(result), ...empty]) {
    const list = findings.get(f.line - 1);
    if (list) list.push(f);
    else findings.set(f.line - 1, [f]);
  }
  return { version, findings, exactGroups: result.exactGroups, nearClusters: result.nearClusters, counts: result.counts };
}

/** Keeps one hygiene snapshot per open JSONL document, recomputed (debounced) after each settled analysis. */
export class HygieneService implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('scar-hygiene');
  private readonly snapshots = new Map<string, HygieneSnapshot>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** A running pass per document, with its cancel switch. */
  private readonly running = new Map<string, { version: number; cancel: () => void; done: Promise<HygieneSnapshot | undefined> }>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires when a document's snapshot is new. */
  readonly onDidChange = this.changed.event;
  private config: ScarConfig;
  private maxTokens: number;

  constructor(private readonly analyses: AnalysisRegistry, configSource: ConfigSource, private readonly modelDir: (config: ScarConfig) => string) {
    this.config = configSource.current;
    this.maxTokens = maxResponseTokensIn(modelDir(this.config));
    this.subscriptions.push(
      analyses.onDidUpdate((a) => { if (a.isCurrent) this.schedule(a.document, this.config.diagnostics.debounceMs); }),
      analyses.onDidClose((uri) => this.forget(uri)),
      configSource.onDidChange(({ current }) => this.configure(current)),
    );
    for (const a of analyses.all()) if (a.isCurrent) this.schedule(a.document, 0);
  }

  /** The snapshot of the document's current text, if there is one. */
  current(doc: vscode.TextDocument): HygieneSnapshot | undefined {
    const s = this.snapshots.get(doc.uri.toString());
    return s && s.version === doc.version ? s : undefined;
  }

  /** The snapshot of the document's current text, computing it now (not debounced) when needed. */
  async ensure(doc: vscode.TextDocument): Promise<HygieneSnapshot | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const have = this.current(doc);
      if (have) return have;
      const snapshot = await this.run(doc);
      if (snapshot) return snapshot;
    }
    return undefined;
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    const key = doc.uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      void this.run(doc);
    }, delay));
  }

  private run(doc: vscode.TextDocument): Promise<HygieneSnapshot | undefined> {
    const key = doc.uri.toString();
    const busy = this.running.get(key);
    if (busy && busy.version === doc.version) return busy.done;
    busy?.cancel();
    let cancelled = false;
    const config = this.config;
    const done = computeHygiene(doc, config.adapter, config.hygiene, this.maxTokens, () => cancelled).then((snapshot) => {
      if (this.running.get(key)?.done === done) this.running.delete(key);
      if (!snapshot || cancelled) return undefined;
      this.snapshots.set(key, snapshot);
      this.publish(doc, snapshot);
      this.changed.fire(doc);
      return snapshot;
    }, (e) => {
      if (this.running.get(key)?.done === done) this.running.delete(key);
      console.error(`SCAR Lens: hygiene check of ${doc.uri.toString()} failed: ${(e as Error).stack ?? e}`);
      return undefined;
    });
    this.running.set(key, { version: doc.version, cancel: () => { cancelled = true; }, done });
    return done;
  }

  private publish(doc: vscode.TextDocument, snapshot: HygieneSnapshot): void {
    if (!this.config.hygiene.enabled || doc.isClosed) {
      this.collection.delete(doc.uri);
      return;
    }
    const out: vscode.Diagnostic[] = [];
    const indices = [...snapshot.findings.keys()].sort((a, b) => a - b);
    for (const index of indices) {
      for (const f of snapshot.findings.get(index)!) {
        if (out.length >= MAX_HYGIENE_DIAGNOSTICS) break;
        const d = new vscode.Diagnostic(doc.lineAt(index).range, f.message, f.kind === 'truncated' ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Warning);
        d.source = HYGIENE_SOURCE;
        d.code = f.kind;
        if (f.otherLine !== undefined && f.otherLine - 1 < doc.lineCount) {
          d.relatedInformation = [new vscode.DiagnosticRelatedInformation(
            new vscode.Location(doc.uri, doc.lineAt(f.otherLine - 1).range), `the kept copy (line ${f.otherLine})`,
          )];
        }
        out.push(d);
      }
    }
    this.collection.set(doc.uri, out);
  }

  private configure(current: ScarConfig): void {
    const previous = this.config;
    this.config = current;
    if (previous.modelPath !== current.modelPath) this.maxTokens = maxResponseTokensIn(this.modelDir(current));
    const recheck = !sameHygieneChecks(previous.hygiene, current.hygiene) || previous.modelPath !== current.modelPath;
    for (const a of this.analyses.all()) {
      if (recheck) {
        this.snapshots.delete(a.document.uri.toString());
        this.schedule(a.document, 0);
      } else {
        const s = this.current(a.document);
        if (s) this.publish(a.document, s);
        else if (!current.hygiene.enabled) this.collection.delete(a.document.uri);
      }
    }
  }

  private forget(uri: vscode.Uri): void {
    const key = uri.toString();
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
    this.running.get(key)?.cancel();
    this.running.delete(key);
    this.snapshots.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    for (const r of this.running.values()) r.cancel();
    this.collection.dispose();
    this.changed.dispose();
  }
}
