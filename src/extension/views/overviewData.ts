// Where the dataset overview's numbers come from, behind one interface (OverviewFeed) the panel asks:
//   DocumentFeed  an open document: an OverviewModel (core/overviewModel) built on the extension host from the
//                 DatasetSource (a document VS Code opens is at most 50 MB), rebuilt as scores, edits and findings come
//   FileFeed      a file on disk of any size: the overview service (src/engine/overviewService.ts) streams it and keeps
//                 its columns in a process of its own; the host keeps only the latest summary and the page on screen
// Neither keeps line texts: previews of a page are read when the page is asked for. A search and a sort by a text
// column read every line (in slices here, in the service there): they report progress and can be cancelled.
import * as path from 'path';
import * as vscode from 'vscode';
import { emptyRows, ROW_FLAGS, type Cut, type CutStats, type OverviewRows, type TableQuery } from '../../core/overview';
import { columnText, fillFromPairs, OverviewModel, previewOf, TextSearch, type TextColumn } from '../../core/overviewModel';
import type { OverviewSummary } from '../../core/overviewTypes';
import { isCancellation, SingleJob } from '../../core/singleJob';
import { sortText, textRanks, writeWindow } from '../../core/textOrder';
import { PROBLEM_KINDS } from '../../core/overview';
import type { HygieneKind } from '../../core/types';
import { OverviewClient } from '../../engine/overviewClient';
import type { FileOverviewActivity, FilePageRow, FileRecord } from '../../files/fileOverview';
import type { PairScorer } from '../../files/scoreStream';
import type { ScoreScale } from '../scoring/scoreScale';
import type { DatasetDocument, DatasetSource } from './datasetSource';
import type { RowView } from './protocol';

/** Longest stretch of work on the extension host before yielding (ms). */
const SLICE_MS = 8;

const HYGIENE_FLAG: Partial<Record<HygieneKind, number>> = {
  duplicate: ROW_FLAGS.duplicate, 'near-duplicate': ROW_FLAGS.nearDuplicate, 'not-english': ROW_FLAGS.nonEnglish,
  'empty-response': ROW_FLAGS.emptyResponse, truncated: ROW_FLAGS.truncated,
};

export interface FeedStatus {
  text: string;
  busy: boolean;
  /** A search or a sort that reads the file is running: the panel offers to cancel it. */
  cancellable: boolean;
}

/** A page of the table as the webview draws it. */
export interface FeedPage {
  total: number;
  offset: number;
  rows: RowView[];
}

/** What the overview panel needs of its data, whatever feeds it. */
export interface OverviewFeed extends vscode.Disposable {
  readonly name: string;
  readonly uri: vscode.Uri;
  readonly large: boolean;
  /** Fires when the summary or the status changed. */
  readonly onDidChange: vscode.Event<void>;
  readonly status: FeedStatus;
  readonly scale: ScoreScale;
  readonly cuts: { high: number; low: number };
  start(): void;
  /** The latest summary (bins and counts), undefined before the first rows are known. */
  summary(): OverviewSummary | undefined;
  cutStats(cut: Cut): Promise<CutStats | undefined>;
  /** A page of the table; undefined when its search or sort was cancelled or replaced (the panel asks again). */
  page(q: TableQuery): Promise<FeedPage | undefined>;
  /** Cancels a running search or sort. */
  cancelWork(): void;
}

/** How the status line words what is running. */
export interface FeedWords {
  reading(lines: number): string;
  scoring(lines: number): string;
  cleaning(lines: number): string;
  searching(percent: number): string;
  /** round: the sort's read of the lines (the first reads all of them, later ones those still tied). */
  sorting(percent: number, round: number): string;
  failed(message: string): string;
}

/** A table row as the webview draws it. */
function rowView(scale: ScoreScale, r: { index: number; raw: number; band: RowView['band']; tokens: number; flags: number; instruction: string; response: string }): RowView {
  return {
    line: r.index + 1,
    score: Number.isNaN(r.raw) ? '' : scale.text(r.raw),
    band: r.band,
    tokens: r.tokens,
    instruction: r.instruction,
    response: r.response,
    problems: PROBLEM_KINDS.filter((kind) => (r.flags & ROW_FLAGS[kind]) !== 0),
  };
}

/** A yield to the event loop when a slice of host work has run long enough; throws once `signal` aborts. */
function slicer(signal: AbortSignal): () => Promise<void> {
  let start = performance.now();
  return async () => {
    if (performance.now() - start < SLICE_MS) return;
    await new Promise<void>((r) => setImmediate(r));
    signal.throwIfAborted();
    start = performance.now();
  };
}

// ----------------------------------------------------------------------------------------------------------------
// An open document.

export class DocumentFeed implements OverviewFeed {
  readonly large = false;
  private current: OverviewModel | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pass = 0;
  /** Response lengths of the last finished parse, for the version they belong to. */
  private parsed: { version: number; tokens: Int32Array; empty: Uint8Array } | undefined;
  private parsing: number | undefined;
  private lastSearch: { version: number; search: TextSearch; bits: Uint8Array } | undefined;
  private readonly ranks = new Map<TextColumn, { version: number; ranks: Float64Array }>();
  private readonly work = new SingleJob(() => this.changed.fire());
  private workStatus = '';
  private progressAt = 0;
  private summaryOf: { model: OverviewModel; summary: OverviewSummary } | undefined;
  private lengthsPending = false;

  constructor(private readonly source: DatasetSource, readonly document: vscode.TextDocument, private readonly words: FeedWords) {
    this.subscriptions.push(this.changed, source.onDidChange((e) => {
      if (e.uri.toString() !== document.uri.toString()) return;
      // A finished analysis rebuilds at once; edits (while typing), streaming scores and findings at most every 150 ms.
      this.schedule(e.kind === 'analysis' ? 0 : 150);
    }));
  }

  get name(): string {
    return path.basename(this.document.uri.fsPath || this.document.uri.path);
  }

  get uri(): vscode.Uri {
    return this.document.uri;
  }

  get scale(): ScoreScale {
    return this.source.scale();
  }

  get cuts(): { high: number; low: number } {
    return this.source.bandCuts();
  }

  get status(): FeedStatus {
    // Reading the lengths is said by the summary (lengthsReady); a search or a sort says how far it got.
    const running = this.work.key !== undefined;
    return { text: running ? this.workStatus : '', busy: running || this.lengthsPending, cancellable: running };
  }

  /** The model the numbers come from (tests and the record view's neighbours). */
  get model(): OverviewModel | undefined {
    return this.current;
  }

  start(): void {
    this.source.requestScores(this.document);
    this.source.requestHygiene(this.document);
    this.rebuild();
  }

  /** The current model's summary (computed once per model). */
  summary(): OverviewSummary | undefined {
    const model = this.current;
    if (!model) return undefined;
    if (this.summaryOf?.model !== model) this.summaryOf = { model, summary: model.summary() };
    return this.summaryOf.summary;
  }

  async cutStats(cut: Cut): Promise<CutStats | undefined> {
    return this.current?.cut.stats(cut);
  }

  /** A search's or a sort's progress for the status line (the panel hears of it at most every 200 ms). */
  private progress(text: string): void {
    this.workStatus = text;
    const now = Date.now();
    if (now - this.progressAt < 200) return;
    this.progressAt = now;
    this.changed.fire();
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.rebuild(); }, ms);
  }

  /** Builds the model from the document's current state (scores, problems, findings; lengths when parsed). */
  rebuild(): void {
    const view = this.source.get(this.document);
    if (!view) return;
    const rows = this.rowsOf(view);
    const lengthsReady = this.parsed?.version === view.version;
    const sc = view.scoring();
    const cleaning = view.selectionCleaning();
    const model = new OverviewModel(rows.rows, rows.blank, view.version, lengthsReady, { percent: sc.percent, complete: sc.complete }, this.source.scale(), this.source.bandCuts(), cleaning);
    // Scored in full but the findings are older than the scores: ask for the check that makes the counts the export's.
    if (cleaning === 'pending' && sc.complete) this.source.requestHygiene(this.document);
    for (const [column, r] of this.ranks) if (r.version === view.version) model.setTextRanks(column, r.ranks);
    this.current = model;
    if (lengthsReady) this.lengthsPending = false;
    this.changed.fire();
    if (!lengthsReady && this.parsing !== view.version) void this.parse(view);
  }

  private rowsOf(view: DatasetDocument): { rows: OverviewRows; blank: number } {
    const n = view.lineCount;
    const index = new Int32Array(n);
    let count = 0;
    let blank = 0;
    for (let i = 0; i < n; i++) { if (view.isBlank(i)) blank++; else index[count++] = i; }
    // The empty "line" after a final line break is the file's ending, not a blank line of the dataset.
    if (n > 0 && view.isBlank(n - 1) && view.lineText(n - 1) === '') blank--;
    const rows = emptyRows(count);
    rows.line.set(index.subarray(0, count));
    const parsed = this.parsed?.version === view.version ? this.parsed : undefined;
    const rowOfLine = new Int32Array(n).fill(-1);
    for (let r = 0; r < count; r++) {
      const i = rows.line[r];
      rowOfLine[i] = r;
      rows.score[r] = view.scoreAt(i);
      if (view.problem(i) !== undefined) rows.flags[r] |= ROW_FLAGS.noPair;
      if (parsed) {
        rows.tokens[r] = parsed.tokens[i];
        if (parsed.empty[i]) rows.flags[r] |= ROW_FLAGS.emptyResponse;
      }
    }
    const h = view.hygiene();
    if (h) {
      for (const [kind, flag] of Object.entries(HYGIENE_FLAG) as Array<[HygieneKind, number]>) {
        for (const line of h.linesOf([kind])) { const r = rowOfLine[line - 1]; if (r >= 0) rows.flags[r] |= flag; }
      }
    }
    return { rows, blank };
  }

  /** Reads every line's pairs in slices (yielding to the event loop), then rebuilds with the lengths. */
  private async parse(view: DatasetDocument): Promise<void> {
    const pass = ++this.pass;
    this.parsing = view.version;
    const n = view.lineCount;
    const out = { version: view.version, tokens: new Int32Array(n).fill(-1), empty: new Uint8Array(n) };
    const scratch = emptyRows(1);
    this.lengthsPending = true;
    let sliceStart = performance.now();
    for (let i = 0; i < n; i++) {
      if (this.document.isClosed || this.document.version !== view.version || pass !== this.pass) { if (pass === this.pass) this.parsing = undefined; return; }
      if (!view.isBlank(i)) {
        const found = view.pairs(i);
        if ('pairs' in found) {
          scratch.flags[0] = 0;
          fillFromPairs(scratch, 0, found.pairs);
          out.tokens[i] = scratch.tokens[0];
          out.empty[i] = scratch.flags[0] & ROW_FLAGS.emptyResponse ? 1 : 0;
        }
      }
      if ((i & 31) === 31 && performance.now() - sliceStart > SLICE_MS) {
        await new Promise<void>((r) => setImmediate(r));
        sliceStart = performance.now();
      }
    }
    this.parsing = undefined;
    this.parsed = out;
    this.lengthsPending = false;
    this.rebuild();
  }

  /** The rows a search matches (narrowing the last search reads only its matches), read in slices. */
  private matches(model: OverviewModel, view: DatasetDocument, search: TextSearch): Promise<Uint8Array> {
    const last = this.lastSearch?.version === model.version ? this.lastSearch : undefined;
    if (last && last.search.needle === search.needle) return Promise.resolve(last.bits);
    return this.work.run(`search:${model.version}:${search.needle}`, async (signal) => {
      this.workStatus = this.words.searching(0);
      const tick = slicer(signal);
      const n = model.rows.count;
      const bits = new Uint8Array(n);
      const narrow = last && search.narrows(last.search) ? last.bits : undefined;
      for (let r = 0; r < n; r++) {
        if (narrow && !narrow[r]) continue;
        const i = model.rows.line[r];
        if (search.matches(view.pairs(i), view.lineText(i))) bits[r] = 1;
        if ((r & 63) === 63) {
          this.progress(this.words.searching(Math.floor((100 * r) / n)));
          await tick();
          if (this.document.version !== model.version) throw new DOMException('edited', 'AbortError');
        }
      }
      this.lastSearch = { version: model.version, search, bits };
      return bits;
    });
  }

  /** A text column's full-text ranks for the model's version (core/textOrder), read in slices. */
  private textRanksOf(model: OverviewModel, view: DatasetDocument, column: TextColumn): Promise<Float64Array> {
    const known = this.ranks.get(column);
    if (known?.version === model.version) return Promise.resolve(known.ranks);
    return this.work.run(`sort:${model.version}:${column}`, async (signal) => {
      this.workStatus = this.words.sorting(0, 1);
      const tick = slicer(signal);
      const n = model.rows.count;
      const ranks = await textRanks(n, async (rows, from, to, units, present, round) => {
        const width = to - from;
        for (let k = 0; k < rows.length; k++) {
          const text = columnText(view.pairs(model.rows.line[rows[k]]), column);
          present[k] = text === undefined ? -1 : writeWindow(sortText(text, to), from, to, units, k * width);
          if ((k & 63) === 63) {
            this.progress(this.words.sorting(Math.floor((100 * k) / rows.length), round));
            await tick();
            if (this.document.version !== model.version) throw new DOMException('edited', 'AbortError');
          }
        }
      }, tick);
      this.ranks.set(column, { version: model.version, ranks });
      return ranks;
    });
  }

  async page(q: TableQuery): Promise<FeedPage | undefined> {
    const model = this.current;
    const view = this.source.get(this.document);
    if (!model || !view || view.version !== model.version) return model ? undefined : { total: 0, offset: 0, rows: [] };
    let bits: Uint8Array | undefined;
    try {
      const search = new TextSearch(q.text);
      if (!search.empty) bits = await this.matches(model, view, search);
      if ((q.sort === 'instruction' || q.sort === 'response') && !model.hasTextRanks(q.sort)) {
        const ranks = await this.textRanksOf(model, view, q.sort);
        // The model may have been rebuilt meanwhile (scores arrived): it takes the ranks of its version.
        const now = this.current;
        if (now && now.version === model.version && !now.hasTextRanks(q.sort)) now.setTextRanks(q.sort, ranks);
      }
    } catch (e) {
      if (isCancellation(e)) return undefined;
      throw e;
    }
    const now = this.current;
    if (!now || now.version !== model.version || this.document.version !== model.version) return undefined;
    if ((q.sort === 'instruction' || q.sort === 'response') && !now.hasTextRanks(q.sort)) return undefined;
    const found = now.table.query(q, bits ? (r) => bits![r] === 1 : undefined);
    const rows = Array.from(found.rows, (r) => {
      const i = now.rows.line[r];
      return rowView(this.scale, { index: i, raw: now.rows.score[r], band: now.band(r), tokens: now.rows.tokens[r], flags: now.rows.flags[r], ...previewOf(view.pairs(i)) });
    });
    return { total: found.total, offset: Math.min(q.offset, found.total), rows };
  }

  cancelWork(): void {
    this.work.cancel();
  }

  dispose(): void {
    this.pass++;
    this.work.cancel();
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }
}

// ----------------------------------------------------------------------------------------------------------------
// A file on disk (any size, e.g. one over VS Code's 50 MB limit), through the overview service.

export interface FileFeedDeps {
  /** Path of dist/overview.js. */
  servicePath: string;
  /** The extension's engine, which the service scores through. */
  engine: PairScorer;
  scale: () => ScoreScale;
  /** The model's calibration when the scale shown is the 0-100 style score (the service draws its bins on it). */
  calibration: () => import('../../core/calibration').Calibration | undefined;
  cuts: () => { high: number; low: number };
  adapter: () => import('../../core/types').AdapterOptions;
  /** The cleaning "Select top from file on disk…" runs, or null when its steps are off. */
  cleaning: () => import('../../core/cleaningPass').CleaningOptions | null;
  l10n: import('../../core/l10n').L10nBundle | undefined;
  words: FeedWords;
}

export class FileFeed implements OverviewFeed {
  readonly large = true;
  private client: OverviewClient | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  readonly name: string;
  readonly scale: ScoreScale;
  readonly cuts: { high: number; low: number };

  constructor(readonly uri: vscode.Uri, private readonly deps: FileFeedDeps) {
    this.name = path.basename(uri.fsPath);
    this.scale = deps.scale();
    this.cuts = deps.cuts();
  }

  start(): void {
    if (this.client) return;
    this.client = new OverviewClient({
      servicePath: this.deps.servicePath,
      engine: this.deps.engine,
      init: {
        file: this.uri.fsPath, adapter: this.deps.adapter(), cleaning: this.deps.cleaning(),
        calibration: this.scale.calibrated ? this.deps.calibration() ?? null : null, cuts: this.cuts, l10n: this.deps.l10n,
      },
      onChange: () => this.changed.fire(),
    });
  }

  /** The service's process id (the benchmark and tests measure its memory). */
  get servicePid(): number | undefined {
    return this.client?.pid;
  }

  get status(): FeedStatus {
    const a: FileOverviewActivity = this.client?.activity ?? { kind: 'reading', lines: 0 };
    const w = this.deps.words;
    switch (a.kind) {
      case 'idle': return { text: '', busy: false, cancellable: false };
      case 'reading': return { text: w.reading(a.lines), busy: true, cancellable: false };
      case 'scoring': return { text: w.scoring(a.lines), busy: true, cancellable: false };
      case 'cleaning': return { text: w.cleaning(a.lines), busy: true, cancellable: false };
      case 'searching': return { text: w.searching(a.percent), busy: true, cancellable: true };
      case 'sorting': return { text: w.sorting(a.percent, a.round), busy: true, cancellable: true };
      case 'failed': return { text: w.failed(a.message), busy: false, cancellable: false };
    }
  }

  summary(): OverviewSummary | undefined {
    return this.client?.summary;
  }

  async cutStats(cut: Cut): Promise<CutStats | undefined> {
    return this.client?.query({ kind: 'cut', cut });
  }

  async page(q: TableQuery): Promise<FeedPage | undefined> {
    if (!this.client) return undefined;
    const page = await this.client.query({ kind: 'page', query: q });
    if (!page) return undefined;
    return { total: page.total, offset: page.offset, rows: page.rows.map((r: FilePageRow) => rowView(this.scale, r)) };
  }

  /** The row of a 0-based line index (-1: none). */
  async rowOfLine(index: number): Promise<number> {
    return this.client ? this.client.query({ kind: 'rowOfLine', index }) : -1;
  }

  /** A row's record, read from disk by the service. */
  async record(row: number): Promise<FileRecord | undefined> {
    return this.client?.query({ kind: 'record', row });
  }

  /** The next row in `direction` (low band only with `lowOnly`), or -1. */
  async step(row: number, direction: 1 | -1, lowOnly: boolean): Promise<number> {
    return this.client ? this.client.query({ kind: 'step', row, direction, lowOnly }) : -1;
  }

  cancelWork(): void {
    this.client?.cancelWork();
  }

  dispose(): void {
    this.client?.dispose();
    this.changed.dispose();
  }
}
