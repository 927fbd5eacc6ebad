// Data hygiene of open JSONL documents: SCAR's cleaning checks (core/cleaningPass.ts: exact duplicates, not English,
// near-duplicates), empty responses and responses the ranker truncates, as warnings in their own Problems source.
// A check runs after the line analysis (analysisRegistry) settles on a new version, debounced. The whole check
// (parsing, signatures, clustering: core/documentHygiene.ts) runs in a worker thread (hygieneWorker.ts through
// hygieneWorkerClient.ts), so documents of any size are checked without stalling the extension host, which only
// takes the text, posts it and turns the reply into diagnostics. A check whose document changed (or closed) is
// cancelled, and a result is used only for the version it was computed on.
// Only documents the user has in an editor tab are checked on their own: VS Code keeps a document that an extension
// opened (workspace.openTextDocument) open for minutes after its last editor closes, and such a document must not
// hold the worker (one check at a time) for the files the user is looking at. A document without a tab is checked
// when it gets one, or when a command needs its findings (ensure); closing its last tab cancels its running check.
// A check that is current for the document's version, scores and check settings is never run again.
// When the document has complete ranker scores (ctx.scoring.scoresFor), each duplicate group keeps its
// best-scored line; the check runs again (debounced) when the scores change.
// hygieneActions.ts adds the quick fixes, the hover and the removal command on top of the snapshots kept here.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DocumentHygieneOptions } from '../core/documentHygiene';
import { DEFAULT_MAX_RESPONSE_TOKENS } from '../core/featurise';
import { BUNDLED_FEATURISER_FILE, OFFICIAL_META_FILE, parseOfficialMeta } from '../core/modelFolder';
import { HygieneFindings } from '../core/packedHygiene';
import type { DuplicateCluster } from '../core/types';
import type { AnalysisRegistry } from './analysisRegistry';
import type { ConfigSource, ScarConfig } from './config';
import { sameHygieneChecks } from './hygieneConfig';
import { threadCpuMs } from './probe';
import type { HygieneWorkerClient } from './hygieneWorkerClient';

export const HYGIENE_SOURCE = 'SCAR hygiene';
/** At most this many hygiene warnings per file are listed. */
export const MAX_HYGIENE_DIAGNOSTICS = 1000;
/** How long to wait after scores change before checking again with them. */
export const SCORES_DEBOUNCE_MS = 300;

/** One document's findings, for the version of its text they were computed on. */
export interface HygieneSnapshot {
  readonly version: number;
  /** Every finding, in line order (HygieneFindings.onLine(line) gives a 1-based line's). */
  readonly findings: HygieneFindings;
  /** Exact groups and near-duplicate clusters (1-based lines), for the hover. */
  readonly exactGroups: readonly DuplicateCluster[];
  readonly nearClusters: readonly DuplicateCluster[];
  readonly counts: { readonly exact: number; readonly nearDuplicate: number; readonly language: number };
  /** True when ranker scores chose the kept copies (else the first in the file is kept). */
  readonly scored: boolean;
  /**
   * Milliseconds the extension host itself spent: the longest step of taking the text and posting it (it goes in
   * parts of PART_LINES lines, one per turn of the event loop); reading the reply; publishing the warnings (at
   * most MAX_HYGIENE_DIAGNOSTICS, through VS Code's DiagnosticCollection). `postCpu` and `readCpu`: the CPU time of
   * the host's thread in the same steps (undefined where Node cannot tell), which a busy machine does not inflate.
   */
  readonly hostMs: {
    readonly post: number; readonly read: number; readonly publish: number;
    readonly postCpu: number | undefined; readonly readCpu: number | undefined;
  };
}

/**
 * The ranker's response token limit: from the model folder's featuriser.json, or for an exported official SCAR ranker
 * its maxLength less [CLS] and [SEP] (counted in this project's word tokens, which a WordPiece tokenizer splits
 * further, so the warning is an underestimate there); the default if neither can be read.
 */
export function maxResponseTokensIn(modelDir: string): number {
  try {
    const official = path.join(modelDir, OFFICIAL_META_FILE);
    if (fs.existsSync(official)) return Math.max(1, parseOfficialMeta(fs.readFileSync(official, 'utf8'), official).maxLength - 2);
    const raw = JSON.parse(fs.readFileSync(path.join(modelDir, BUNDLED_FEATURISER_FILE), 'utf8')) as { maxResponseTokens?: unknown };
    const n = raw.maxResponseTokens;
    return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_RESPONSE_TOKENS;
  } catch {
    return DEFAULT_MAX_RESPONSE_TOKENS;
  }
}

/** The code of the one diagnostic that sums up a file's truncated responses (scar.hygiene.reportTruncation off). */
export const TRUNCATION_SUMMARY_CODE = 'truncated-summary';

/**
 * The file's one truncation message: "212 of 300 lines have a response longer than the ranker reads (256 tokens);
 * only 256 tokens of each are scored. The first is line 4; `scar.hygiene.reportTruncation` lists every one."
 */
export function truncationSummary(lines: number, checked: number, maxTokens: number, firstLine: number): string {
  const n = (k: number): string => k.toLocaleString('en-US');
  const have = lines === 1 ? `1 of ${n(checked)} lines has a response` : `${n(lines)} of ${n(checked)} lines have a response`;
  return `${have} longer than the ranker reads (${n(maxTokens)} tokens); only ${n(maxTokens)} tokens of ${lines === 1 ? 'it' : 'each'} are scored. `
    + `The first is line ${n(firstLine)}; \`scar.hygiene.reportTruncation\` lists every one.`;
}

/** Lines per part of the text posted to the worker. */
export const PART_LINES = 5000;

class DocumentChanged extends Error {}

/** The document's text in parts of PART_LINES lines (line endings kept), taken as they are asked for. */
function* documentParts(doc: vscode.TextDocument, version: number): Generator<string> {
  for (let start = 0; start < doc.lineCount; start += PART_LINES) {
    if (doc.isClosed || doc.version !== version) throw new DocumentChanged(`${doc.uri.toString()} changed`);
    // A range past the last line is clamped to the end of the document.
    yield doc.getText(new vscode.Range(start, 0, start + PART_LINES, 0));
  }
}

/** Where the hygiene check finds a document's scores (ctx.scoring; absent in tests without scoring). */
export interface HygieneScores {
  /** One score per line (NaN where none) when the document is fully scored; the same object until scores change. */
  lineScoresFor(document: vscode.TextDocument): Float64Array | undefined;
  readonly onDidChangeScores: vscode.Event<vscode.Uri>;
}

/** Keeps one hygiene snapshot per open JSONL document, recomputed (debounced) after each settled analysis. */
export class HygieneService implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('scar-hygiene');
  private readonly snapshots = new Map<string, HygieneSnapshot>();
  /** The scores each snapshot was computed with (undefined: none), to tell when new scores call for a new check. */
  private readonly scoresUsed = new Map<string, Float64Array | undefined>();
  /** The check settings (checkKey) each snapshot was computed with. */
  private readonly keysUsed = new Map<string, string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** A running check per document, with its cancel switch. */
  private readonly running = new Map<string, {
    version: number; scores: Float64Array | undefined; key: string; cancel: () => void; done: Promise<HygieneSnapshot | undefined>;
    /** Asked for by a command (ensure): not cancelled when the document's last tab closes. */
    explicit: boolean;
  }>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly changed = new vscode.EventEmitter<vscode.TextDocument>();
  /** Fires when a document's snapshot is new. */
  readonly onDidChange = this.changed.event;
  private config: ScarConfig;
  private maxTokens: number;

  constructor(
    private readonly analyses: AnalysisRegistry,
    configSource: ConfigSource,
    private readonly modelDir: (config: ScarConfig) => string,
    private readonly worker: HygieneWorkerClient,
    private readonly scoring?: HygieneScores,
  ) {
    this.config = configSource.current;
    this.maxTokens = maxResponseTokensIn(modelDir(this.config));
    this.subscriptions.push(
      analyses.onDidUpdate((a) => { if (a.isCurrent) this.schedule(a.document, this.config.diagnostics.debounceMs); }),
      analyses.onDidClose((uri) => this.forget(uri)),
      configSource.onDidChange(({ current }) => this.configure(current)),
      vscode.window.tabGroups.onDidChangeTabs(() => this.tabsChanged()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.tabsChanged()),
    );
    if (scoring) this.subscriptions.push(scoring.onDidChangeScores((uri) => this.scoresChanged(uri)));
    for (const a of analyses.all()) if (a.isCurrent) this.schedule(a.document, 0);
  }

  /** True when the document is in an editor tab (or a visible editor): the user has it open. */
  private shown(doc: vscode.TextDocument): boolean {
    const key = doc.uri.toString();
    if (vscode.window.visibleTextEditors.some((e) => e.document === doc)) return true;
    for (const group of vscode.window.tabGroups.all) {
      for (const tab of group.tabs) {
        const input = tab.input;
        if (input instanceof vscode.TabInputText && input.uri.toString() === key) return true;
        if (input instanceof vscode.TabInputTextDiff && (input.modified.toString() === key || input.original.toString() === key)) return true;
      }
    }
    return false;
  }

  /** Tabs opened or closed: check documents that got one; cancel the (not asked for) checks of those that lost it. */
  private tabsChanged(): void {
    for (const a of this.analyses.all()) {
      const doc = a.document;
      const key = doc.uri.toString();
      if (doc.isClosed) continue;
      if (this.shown(doc)) {
        if (a.isCurrent && !this.timers.has(key) && !this.running.has(key) && !this.upToDate(doc)) this.schedule(doc, 0);
        continue;
      }
      const t = this.timers.get(key);
      if (t) clearTimeout(t);
      this.timers.delete(key);
      const busy = this.running.get(key);
      if (busy && !busy.explicit) {
        busy.cancel();
        this.running.delete(key);
      }
    }
  }

  /** The check settings and adapter a snapshot depends on, as one comparable string. */
  private checkKey(): string {
    const h = this.config.hygiene;
    return JSON.stringify([this.config.adapter, h.languageCheck, h.nearDuplicateThreshold, h.ngram, this.maxTokens]);
  }

  /** True when the document's snapshot belongs to its current text, scores and check settings. */
  private upToDate(doc: vscode.TextDocument): boolean {
    const key = doc.uri.toString();
    return !!this.current(doc) && this.scoresUsed.get(key) === this.scoresOf(doc) && this.keysUsed.get(key) === this.checkKey();
  }

  /** The snapshot of the document's current text, if there is one. */
  current(doc: vscode.TextDocument): HygieneSnapshot | undefined {
    const s = this.snapshots.get(doc.uri.toString());
    return s && s.version === doc.version ? s : undefined;
  }

  /**
   * The snapshot of the document's current text and current scores, computing it now (not debounced) when needed.
   */
  async ensure(doc: vscode.TextDocument): Promise<HygieneSnapshot | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (this.upToDate(doc)) return this.current(doc);
      const snapshot = await this.run(doc, true);
      if (snapshot) return snapshot;
    }
    return undefined;
  }

  private scoresOf(doc: vscode.TextDocument): Float64Array | undefined {
    return this.scoring?.lineScoresFor(doc);
  }

  /** New (or cleared) scores: check again when they would change which copies are kept. */
  private scoresChanged(uri: vscode.Uri): void {
    const key = uri.toString();
    const a = [...this.analyses.all()].find((x) => x.document.uri.toString() === key);
    if (!a || a.document.isClosed) return;
    const scores = this.scoresOf(a.document);
    const busy = this.running.get(key);
    if (busy ? busy.scores === scores : this.upToDate(a.document)) return;
    this.schedule(a.document, SCORES_DEBOUNCE_MS);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    const key = doc.uri.toString();
    const old = this.timers.get(key);
    if (old) clearTimeout(old);
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      // Switched off: no checks in the background (commands still ask for theirs through ensure()).
      if (this.config.hygiene.enabled && this.shown(doc) && !this.upToDate(doc)) void this.run(doc, false);
    }, delay));
  }

  private run(doc: vscode.TextDocument, explicit: boolean): Promise<HygieneSnapshot | undefined> {
    const key = doc.uri.toString();
    const version = doc.version;
    const scores = this.scoresOf(doc);
    const checkKey = this.checkKey();
    const busy = this.running.get(key);
    if (busy && busy.version === version && busy.scores === scores && busy.key === checkKey) {
      busy.explicit ||= explicit;
      return busy.done;
    }
    busy?.cancel();
    if (doc.isClosed) return Promise.resolve(undefined);
    const hygiene = this.config.hygiene;
    const options: DocumentHygieneOptions = {
      adapter: this.config.adapter,
      languageCheck: hygiene.languageCheck,
      nearDuplicateThreshold: hygiene.nearDuplicateThreshold,
      ngram: hygiene.ngram,
      maxResponseTokens: this.maxTokens,
      scores,
    };
    const job = this.worker.run(documentParts(doc, version), options);
    const done = job.result.then((result) => {
      if (this.running.get(key)?.done === done) this.running.delete(key);
      if (!result || doc.isClosed || doc.version !== version) return undefined;
      const receiving = performance.now();
      const receivingCpu = threadCpuMs();
      const findings = new HygieneFindings(result);
      const readCpu = receivingCpu === undefined ? undefined : threadCpuMs()! - receivingCpu;
      const hostMs = { post: job.longestStepMs, read: performance.now() - receiving, publish: 0, postCpu: job.longestStepCpuMs, readCpu };
      const snapshot: HygieneSnapshot = {
        version, findings, exactGroups: findings.exactGroups, nearClusters: findings.nearClusters, counts: findings.counts,
        scored: scores !== undefined, hostMs,
      };
      this.snapshots.set(key, snapshot);
      this.scoresUsed.set(key, scores);
      this.keysUsed.set(key, checkKey);
      const publishing = performance.now();
      this.publish(doc, snapshot);
      hostMs.publish = performance.now() - publishing;
      this.changed.fire(doc);
      return snapshot;
    }, (e) => {
      if (this.running.get(key)?.done === done) this.running.delete(key);
      if (e instanceof DocumentChanged) return undefined;
      console.error(`SCAR Lens: hygiene check of ${doc.uri.toString()} failed: ${(e as Error).stack ?? e}`);
      return undefined;
    });
    this.running.set(key, { version, scores, key: checkKey, cancel: () => job.cancel(), done, explicit });
    return done;
  }

  private publish(doc: vscode.TextDocument, snapshot: HygieneSnapshot): void {
    if (!this.config.hygiene.enabled || doc.isClosed) {
      this.collection.delete(doc.uri);
      return;
    }
    const out: vscode.Diagnostic[] = [];
    const findings = snapshot.findings;
    const perLine = this.config.hygiene.reportTruncation;
    let truncated = 0;
    let firstTruncated = -1;
    for (let i = 0; i < findings.size; i++) {
      const isTruncated = findings.kindAt(i) === 'truncated';
      if (isTruncated) {
        if (truncated++ === 0) firstTruncated = i;
        if (!perLine) continue;
      }
      if (out.length >= MAX_HYGIENE_DIAGNOSTICS) continue;
      const f = findings.at(i);
      if (f.line - 1 >= doc.lineCount) continue;
      // An Information marks the start of its line (a zero-width range) rather than squiggling the whole line.
      const range = isTruncated ? new vscode.Range(f.line - 1, 0, f.line - 1, 0) : doc.lineAt(f.line - 1).range;
      const d = new vscode.Diagnostic(range, f.message, isTruncated ? vscode.DiagnosticSeverity.Information : vscode.DiagnosticSeverity.Warning);
      d.source = HYGIENE_SOURCE;
      d.code = f.kind;
      if (f.otherLine !== undefined && f.otherLine - 1 < doc.lineCount) {
        d.relatedInformation = [new vscode.DiagnosticRelatedInformation(
          new vscode.Location(doc.uri, doc.lineAt(f.otherLine - 1).range), `the kept copy (line ${f.otherLine})`,
        )];
      }
      out.push(d);
    }
    if (!perLine && truncated > 0) {
      // One Information for the file, on its first line, pointing at the first line it counts.
      const first = findings.at(firstTruncated);
      const tokens = first.tokens ?? this.maxTokens;
      const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), truncationSummary(truncated, findings.checked, tokens, first.line), vscode.DiagnosticSeverity.Information);
      d.source = HYGIENE_SOURCE;
      d.code = TRUNCATION_SUMMARY_CODE;
      if (first.line - 1 < doc.lineCount) {
        d.relatedInformation = [new vscode.DiagnosticRelatedInformation(
          new vscode.Location(doc.uri, new vscode.Position(first.line - 1, 0)), `the first such line (line ${first.line})`,
        )];
      }
      out.unshift(d);
    }
    this.collection.set(doc.uri, out);
  }

  private configure(current: ScarConfig): void {
    const previous = this.config;
    this.config = current;
    if (previous.modelPath !== current.modelPath) this.maxTokens = maxResponseTokensIn(this.modelDir(current));
    const recheck = !sameHygieneChecks(previous.hygiene, current.hygiene) || previous.modelPath !== current.modelPath
      || (current.hygiene.enabled && !previous.hygiene.enabled);
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
    this.scoresUsed.delete(key);
    this.keysUsed.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    for (const r of this.running.values()) r.cancel();
    this.worker.dispose();
    this.collection.dispose();
    this.changed.dispose();
  }
}
