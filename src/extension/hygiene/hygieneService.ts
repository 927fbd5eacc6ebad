// Data hygiene of open JSONL documents: SCAR's cleaning checks (core/cleaningPass.ts: exact duplicates, not English,
// near-duplicates), empty responses and responses the ranker truncates, as warnings in their own Problems source.
// A check runs after the line analysis (the dataset's analysis column) settles on a new version, debounced. The whole check
// (parsing, signatures, clustering: core/documentHygiene.ts) runs in the cleaning service (src/engine/cleaningService.ts
// through cleaningClient.ts, a child process shared with "Select top"), so documents of any size are checked without
// stalling the extension host, which only takes the text, posts it and turns the reply into diagnostics. A check whose document changed (or closed) is
// cancelled, and a result is used only for the version it was computed on.
// Only documents the user has in an editor tab are checked on their own: VS Code keeps a document that an extension
// opened (workspace.openTextDocument) open for minutes after its last editor closes, and such a document must not
// hold the service (one request at a time) for the files the user is looking at. A document without a tab is checked
// when it gets one, or when a command needs its findings (ensure); closing its last tab cancels its running check.
// A check that is current for the document's version, scores and check settings is never run again.
// When the document has complete ranker scores (ctx.scoring.scoresFor), each duplicate group keeps its
// best-scored line; the check runs again (debounced) when the scores change.
// hygieneActions.ts adds the quick fixes, the hover and the removal command on top of the snapshots kept here, and
// "Select top" takes its cleaning from them when the settings agree (selectionCleaning).
import * as fs from 'fs';
import { t } from '../../core/l10n';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DocumentHygieneOptions } from '../../core/documentHygiene';
import { DEFAULT_MAX_RESPONSE_TOKENS } from '../../core/featurise';
import { BUNDLED_FEATURISER_FILE, OFFICIAL_META_FILE, parseOfficialMeta } from '../../core/modelFolder';
import { HygieneFindings } from '../../core/packedHygiene';
import type { Dataset } from '../documents/dataset';
import type { Datasets } from '../documents/datasets';
import type { HygieneSnapshot } from '../documents/hygieneState';
import type { ConfigSource, ScarConfig } from '../config';
import { sameHygieneChecks } from '../hygieneConfig';
import { threadCpuMs } from '../probe';
import { PART_LINES, type CleaningClient, type CleaningOutcome } from '../../engine/cleaningClient';
import type { CutCleaning } from '../../core/overviewTypes';
import { cleaningFromFindings, hygieneServesSelection, nearDuplicateParams, type SelectionSwitches } from './selectionCleaning';

export const HYGIENE_SOURCE = 'SCAR hygiene';
/** At most this many hygiene warnings per file are listed. */
export const MAX_HYGIENE_DIAGNOSTICS = 1000;
/** How long to wait after scores change before checking again with them. */
export const SCORES_DEBOUNCE_MS = 300;

export type { HygieneSnapshot } from '../documents/hygieneState';

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

/**
 * What the ranker of `modelDir` reads of a response: its token limit (maxResponseTokensIn) and, for a SCAR Lens
 * ranker, how far its style statistics read (featuriser.json maxAnalysisTokens). For the hover's cut note.
 */
export function responseWindowIn(modelDir: string): { tokens: number; statistics?: number } {
  const tokens = maxResponseTokensIn(modelDir);
  try {
    const raw = JSON.parse(fs.readFileSync(path.join(modelDir, BUNDLED_FEATURISER_FILE), 'utf8')) as { maxAnalysisTokens?: unknown };
    const a = raw.maxAnalysisTokens;
    return typeof a === 'number' && Number.isInteger(a) && a > 0 ? { tokens, statistics: a } : { tokens };
  } catch {
    return { tokens };
  }
}

/** The code of the one diagnostic that sums up a file's truncated responses (scar.hygiene.reportTruncation off). */
export const TRUNCATION_SUMMARY_CODE = 'truncated-summary';

/**
 * The file's one truncation message: "212 of 300 lines have a response longer than the ranker reads (512 tokens);
 * only 512 tokens of each are scored. The first is line 4; `scar.hygiene.reportTruncation` lists every one."
 */
export function truncationSummary(lines: number, checked: number, maxTokens: number, firstLine: number): string {
  const n = (k: number): string => k.toLocaleString('en-US');
  return lines === 1
    ? t('1 of {0} lines has a response longer than the ranker reads ({1} tokens); only {1} tokens of it are scored. The first is line {2}; `scar.hygiene.reportTruncation` lists every one.', n(checked), n(maxTokens), n(firstLine))
    : t('{0} of {1} lines have a response longer than the ranker reads ({2} tokens); only {2} tokens of each are scored. The first is line {3}; `scar.hygiene.reportTruncation` lists every one.', n(lines), n(checked), n(maxTokens), n(firstLine));
}

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

/** The hygiene snapshots as commands read them (kept in each document's Dataset; HygieneService computes them). */
export interface HygieneSnapshots {
  /** The snapshot of the document's current text, if there is one. */
  current(doc: vscode.TextDocument): HygieneSnapshot | undefined;
  /** The snapshot of the document's current text and scores, computed now (not debounced) when needed. */
  ensure(doc: vscode.TextDocument): Promise<HygieneSnapshot | undefined>;
  /** What "Select top" takes from the snapshot instead of cleaning again (HygieneService.selectionCleaning). */
  selectionCleaning(doc: vscode.TextDocument, switches: SelectionSwitches, signal?: AbortSignal): Promise<CleaningOutcome | undefined>;
}

/**
 * Runs the hygiene check of each open JSONL document (debounced after each settled analysis, again when new scores
 * would change which copies are kept) and stores the result in the document's Dataset (its hygiene column); keeps
 * no document's state itself.
 */
export class HygieneService implements vscode.Disposable, HygieneSnapshots {
  readonly collection = vscode.languages.createDiagnosticCollection('scar-hygiene');
  private readonly subscriptions: vscode.Disposable[] = [];
  private config: ScarConfig;
  private maxTokens: number;

  constructor(
    private readonly datasets: Datasets,
    configSource: ConfigSource,
    private readonly modelDir: (config: ScarConfig) => string,
    private readonly cleaning: CleaningClient,
    private readonly scoring?: HygieneScores,
  ) {
    this.config = configSource.current;
    this.maxTokens = maxResponseTokensIn(modelDir(this.config));
    this.subscriptions.push(
      datasets.onDidChange((e) => {
        if (e.kind === 'analysis' && e.done && e.dataset.analysis.isCurrent) this.schedule(e.dataset, this.config.diagnostics.debounceMs);
        else if (e.kind === 'closed') this.collection.delete(e.dataset.uri); // the dataset disposed its check
      }),
      configSource.onDidChange(({ current }) => this.configure(current)),
      vscode.window.tabGroups.onDidChangeTabs(() => this.tabsChanged()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.tabsChanged()),
    );
    if (scoring) this.subscriptions.push(scoring.onDidChangeScores((uri) => this.scoresChanged(uri)));
    for (const d of datasets.all()) if (d.analysis.isCurrent) this.schedule(d, 0);
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
    for (const d of this.datasets.all()) {
      const doc = d.document;
      if (doc.isClosed) continue;
      const h = d.hygiene;
      if (this.shown(doc)) {
        if (d.analysis.isCurrent && !h.timer && !h.running && !this.upToDate(d)) this.schedule(d, 0);
        continue;
      }
      h.cancelTimer();
      if (h.running && !h.running.explicit) {
        h.running.cancel();
        h.running = undefined;
      }
    }
  }

  /** The check settings and adapter a snapshot depends on, as one comparable string. */
  private checkKey(): string {
    const h = this.config.hygiene;
    return JSON.stringify([this.config.adapter, h.languageCheck, nearDuplicateParams(h), this.maxTokens]);
  }

  /** True when the dataset's snapshot belongs to its current text, scores and check settings. */
  private upToDate(d: Dataset): boolean {
    const h = d.hygiene;
    return !!h.currentFor(d.document.version) && h.scoresUsed === this.scoresOf(d.document) && h.keyUsed === this.checkKey();
  }

  /** The snapshot of the document's current text, if there is one. */
  current(doc: vscode.TextDocument): HygieneSnapshot | undefined {
    return this.datasets.get(doc)?.hygiene.currentFor(doc.version);
  }

  /**
   * The snapshot of the document's current text and current scores, computing it now (not debounced) when needed.
   */
  async ensure(doc: vscode.TextDocument): Promise<HygieneSnapshot | undefined> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const d = this.datasets.get(doc);
      if (!d) return undefined;
      if (this.upToDate(d)) return d.hygiene.snapshot;
      const snapshot = await this.run(d, true);
      if (snapshot) return snapshot;
    }
    return undefined;
  }

  /**
   * The cleaning "Select top" with `switches` gets from the document's snapshot of its current text and current
   * scores, computing the snapshot now if needed (once, for the warnings and the selection alike); undefined when the
   * settings do not serve it (selectionCleaning.ts), the document has no scores, or it kept changing. Rejects with the
   * signal's reason when it aborts (the check itself goes on: the warnings want it too).
   */
  async selectionCleaning(doc: vscode.TextDocument, switches: SelectionSwitches, signal?: AbortSignal): Promise<CleaningOutcome | undefined> {
    signal?.throwIfAborted();
    if (!hygieneServesSelection(switches, this.config.hygiene)) return undefined;
    const scores = this.scoresOf(doc);
    if (scores === undefined) return undefined; // a selection keeps the best-scored copies; an unscored check would not
    let aborted!: (e: unknown) => void;
    const abort = new Promise<never>((_, reject) => { aborted = reject; });
    const onAbort = (): void => aborted(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const snapshot = await Promise.race([this.ensure(doc), abort]);
      const d = this.datasets.get(doc);
      if (!snapshot || !d || snapshot.version !== doc.version || d.hygiene.scoresUsed !== scores || this.scoresOf(doc) !== scores) return undefined;
      return cleaningFromFindings(snapshot.findings);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * How a cut of the document's current scores relates to the cleaning "Select top" with `switches` runs: 'applied'
   * when the current snapshot is exactly that cleaning (selectionCleaning would return it now), 'pending' while it
   * will be, 'separate' when the selection cleans with other settings than the warnings, 'none' when it cleans nothing.
   */
  selectionCleaningState(doc: vscode.TextDocument, switches: SelectionSwitches): CutCleaning {
    if (!switches.dedup && !switches.languageFilter) return 'none';
    if (!hygieneServesSelection(switches, this.config.hygiene)) return 'separate';
    const scores = this.scoresOf(doc);
    const d = this.datasets.get(doc);
    const snapshot = d?.hygiene.currentFor(doc.version);
    return scores !== undefined && snapshot && d!.hygiene.scoresUsed === scores ? 'applied' : 'pending';
  }

  private scoresOf(doc: vscode.TextDocument): Float64Array | undefined {
    return this.scoring?.lineScoresFor(doc);
  }

  /** New (or cleared) scores: check again when they would change which copies are kept. */
  private scoresChanged(uri: vscode.Uri): void {
    const d = this.datasets.get(uri);
    if (!d || d.document.isClosed) return;
    const scores = this.scoresOf(d.document);
    const busy = d.hygiene.running;
    if (busy ? busy.scores === scores : this.upToDate(d)) return;
    this.schedule(d, SCORES_DEBOUNCE_MS);
  }

  private schedule(d: Dataset, delay: number): void {
    const h = d.hygiene;
    h.cancelTimer();
    h.timer = setTimeout(() => {
      h.timer = undefined;
      // Switched off: no checks in the background (commands still ask for theirs through ensure()).
      if (this.config.hygiene.enabled && !d.document.isClosed && this.shown(d.document) && !this.upToDate(d)) void this.run(d, false);
    }, delay);
  }

  private run(d: Dataset, explicit: boolean): Promise<HygieneSnapshot | undefined> {
    const doc = d.document;
    const h = d.hygiene;
    const version = doc.version;
    const scores = this.scoresOf(doc);
    const checkKey = this.checkKey();
    const busy = h.running;
    if (busy && busy.version === version && busy.scores === scores && busy.key === checkKey) {
      busy.explicit ||= explicit;
      if (explicit) busy.promote();
      return busy.done;
    }
    busy?.cancel();
    if (doc.isClosed) return Promise.resolve(undefined);
    const hygiene = this.config.hygiene;
    const near = nearDuplicateParams(hygiene);
    const options: DocumentHygieneOptions = {
      adapter: this.config.adapter,
      languageCheck: hygiene.languageCheck,
      nearDuplicateThreshold: near.threshold,
      ngram: near.ngram,
      maxResponseTokens: this.maxTokens,
      scores,
    };
    const job = this.cleaning.check(documentParts(doc, version), options, explicit ? 'user' : 'background');
    const done = job.result.then((result) => {
      if (h.running?.done === done) h.running = undefined;
      if (!result || doc.isClosed || doc.version !== version || this.datasets.get(doc) !== d) return undefined;
      const receiving = performance.now();
      const receivingCpu = threadCpuMs();
      const findings = new HygieneFindings(result);
      const readCpu = receivingCpu === undefined ? undefined : threadCpuMs()! - receivingCpu;
      const hostMs = { post: job.longestStepMs, read: performance.now() - receiving, publish: 0, postCpu: job.longestStepCpuMs, readCpu };
      const snapshot: HygieneSnapshot = {
        version, findings, exactGroups: findings.exactGroups, nearClusters: findings.nearClusters, counts: findings.counts,
        scored: scores !== undefined, hostMs,
      };
      h.stored(snapshot, scores, checkKey);
      const publishing = performance.now();
      this.publish(doc, snapshot);
      hostMs.publish = performance.now() - publishing;
      this.datasets.fire({ kind: 'hygiene', dataset: d });
      return snapshot;
    }, (e) => {
      if (h.running?.done === done) h.running = undefined;
      if (e instanceof DocumentChanged) return undefined;
      console.error(`SCAR Lens: hygiene check of ${doc.uri.toString()} failed: ${(e as Error).stack ?? e}`);
      return undefined;
    });
    h.running = { version, scores, key: checkKey, cancel: () => job.cancel(), promote: () => job.promote(), done, explicit };
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
          new vscode.Location(doc.uri, doc.lineAt(f.otherLine - 1).range), t('the kept copy (line {0})', f.otherLine),
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
          new vscode.Location(doc.uri, new vscode.Position(first.line - 1, 0)), t('the first such line (line {0})', first.line),
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
    for (const d of this.datasets.all()) {
      if (recheck) {
        d.hygiene.invalidate();
        this.schedule(d, 0);
      } else {
        const s = d.hygiene.currentFor(d.document.version);
        if (s) this.publish(d.document, s);
        else if (!current.hygiene.enabled) this.collection.delete(d.uri);
      }
    }
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    for (const d of this.datasets.all()) { d.hygiene.cancelTimer(); d.hygiene.running?.cancel(); d.hygiene.running = undefined; }
    this.collection.dispose();
  }
}
