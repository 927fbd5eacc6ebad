// The dataset overview of a file on disk, of any size (one over VS Code's 50 MB limit, say): three streamed passes,
// then the queries the panel asks. It runs in the overview service (src/engine/overviewService.ts), a process of its
// own, so the per-line columns of a million-line file never live on the extension host.
//   pass 1  lines, byte offsets, response lengths, lines without a pair: the length histogram and problem counts
//   pass 2  scores, through the caller's engine (the extension's, relayed; its persistent cache makes a second look quick)
//   pass 3  SCAR's cleaning as "Select top from file on disk…" runs it: duplicates, near-duplicates, other languages
// Line texts are never kept: previews, records, searches and the full-text sort read them back by byte offset.
import * as fs from 'fs';
import type { CleaningOptions } from '../core/cleaningPass';
import { analyseRecord } from '../core/inspect';
import { streamRecords } from '../core/jsonl';
import { linePairs, type LinePairs } from '../core/linePairs';
import { emptyRows, ROW_FLAGS, type Cut, type CutStats, type OverviewRows, type TableQuery } from '../core/overview';
import { columnText, fillFromPairs, OverviewModel, previewOf, TextSearch, type ScoreMap, type TextColumn } from '../core/overviewModel';
import type { OverviewSummary } from '../core/overviewTypes';
import { quantileSorted } from '../core/scores';
import { isCancellation, SingleJob } from '../core/singleJob';
import { sortText, textRanks, writeWindow } from '../core/textOrder';
import type { AdapterOptions } from '../core/types';
import { CancelledError } from '../engine/client';
import { cleanFile } from './cleanFile';
import { scoreFileStream, type PairScorer } from './scoreStream';

/** What the overview is doing, for the panel's status line (the extension words it). */
export type FileOverviewActivity =
  | { kind: 'idle' }
  | { kind: 'reading' | 'scoring' | 'cleaning'; lines: number }
  | { kind: 'searching'; percent: number }
  /** round: the full-text sort's read (the first reads every line, later ones the lines still tied). */
  | { kind: 'sorting'; percent: number; round: number }
  | { kind: 'failed'; message: string };

export interface FileOverviewOptions {
  adapter: AdapterOptions;
  /** The selection's cleaning (hygiene/selectionCleaning); null: "Select top" cleans nothing, so neither does this. */
  cleaning: CleaningOptions | null;
  scale: ScoreMap;
  cuts: { high: number; low: number };
}

/** One row of a table page, as numbers and previews (the extension formats the score on its scale). */
export interface FilePageRow {
  row: number;
  /** 0-based line index. */
  index: number;
  raw: number;
  band: ReturnType<OverviewModel['band']>;
  tokens: number;
  flags: number;
  instruction: string;
  response: string;
}

/** A row as the record view shows it. */
export interface FileRecord {
  row: number;
  index: number;
  text: string;
  lineCount: number;
  flags: number;
  score?: { raw: number; composition: number; presentation: number; percentile: number; rank: number; of: number };
  medians: { composition: number; presentation: number };
}

/** Reads some rows' texts by byte offset, in file order, a megabyte at a time. */
async function readRows(file: string, start: Float64Array, end: Float64Array, rows: Int32Array, each: (k: number, text: string) => void, signal?: AbortSignal): Promise<void> {
  const fh = await fs.promises.open(file, 'r');
  try {
    let k = 0;
    while (k < rows.length) {
      if (signal?.aborted) throw new CancelledError();
      // A run of rows whose bytes lie within one megabyte is one read.
      const first = rows[k];
      let last = k;
      while (last + 1 < rows.length && end[rows[last + 1]] - start[first] <= 1 << 20) last++;
      const from = start[first];
      const buf = Buffer.alloc(Math.max(0, end[rows[last]] - from));
      await fh.read(buf, 0, buf.length, from);
      for (let j = k; j <= last; j++) each(j, buf.toString('utf8', start[rows[j]] - from, end[rows[j]] - from));
      k = last + 1;
    }
  } finally {
    await fh.close();
  }
}

export class FileOverview {
  private current: OverviewModel | undefined;
  private start: Float64Array = new Float64Array(0);
  private end: Float64Array = new Float64Array(0);
  private composition: Float32Array = new Float32Array(0);
  private presentation: Float32Array = new Float32Array(0);
  private medians: { composition: number; presentation: number } | undefined;
  private summaryOf: { model: OverviewModel; summary: OverviewSummary } | undefined;
  private lastSearch: { search: TextSearch; bits: Uint8Array } | undefined;
  /** One search or full-text sort at a time; when it ends or is cancelled, the activity goes back to idle. */
  private readonly work = new SingleJob((running) => { if (!running && (this.activity.kind === 'searching' || this.activity.kind === 'sorting')) this.setActivity({ kind: 'idle' }); });
  private readonly ranks = new Map<TextColumn, Promise<Float64Array>>();
  private readonly abort = new AbortController();
  activity: FileOverviewActivity = { kind: 'reading', lines: 0 };

  constructor(
    readonly file: string,
    private readonly options: FileOverviewOptions,
    private readonly scorer: PairScorer,
    /** Called when the model was replaced (new rows, scores or findings) or the activity changed. */
    private readonly changed: () => void,
  ) {}

  get model(): OverviewModel | undefined {
    return this.current;
  }

  private setActivity(a: FileOverviewActivity): void {
    this.activity = a;
    this.changed();
  }

  /** `cleaned`: pass 3 is done, so a cut leaves out what the export's cleaning removes. */
  private publish(rows: OverviewRows, blank: number, version: number, scoring: { percent: number; complete: boolean }, cleaned = false): void {
    const cleaning = this.options.cleaning === null ? 'none' : cleaned ? 'applied' : 'pending';
    this.current = new OverviewModel(rows, blank, version, true, scoring, this.options.scale, this.options.cuts, cleaning);
    // Text ranks belong to the rows, which do not change between passes: carry them over.
    for (const [column, ranks] of this.ranks) void ranks.then((r) => { if (this.current?.rows.count === r.length && !this.current.hasTextRanks(column)) this.current.setTextRanks(column, r); }, () => undefined);
    this.changed();
  }

  /** The three passes; rejects on an I/O or engine failure (the activity says so too). */
  async run(): Promise<void> {
    try {
      await this.passes();
    } catch (e) {
      if (this.abort.signal.aborted) return;
      this.setActivity({ kind: 'failed', message: (e as Error).message });
      throw e;
    }
  }

  private async passes(): Promise<void> {
    const file = this.file;
    const signal = this.abort.signal;
    const version = (await fs.promises.stat(file)).mtimeMs;
    let cap = 1024, count = 0, blank = 0, read = 0;
    let rows = emptyRows(cap);
    let start = new Float64Array(cap), end = new Float64Array(cap);
    const grow = (): void => {
      cap *= 2;
      const next = emptyRows(cap);
      next.line.set(rows.line); next.tokens.set(rows.tokens); next.flags.set(rows.flags);
      rows = next;
      const s = new Float64Array(cap); s.set(start); start = s;
      const e = new Float64Array(cap); e.set(end); end = e;
    };
    let lastNote = 0;
    const note = (a: FileOverviewActivity): void => {
      const now = Date.now();
      if (now - lastNote > 250) { lastNote = now; this.setActivity(a); }
    };
    for await (const record of streamRecords(file)) {
      read++;
      if (record.blank) { blank++; continue; }
      if (count === cap) grow();
      const i = count++;
      rows.line[i] = record.line - 1;
      start[i] = record.start; end[i] = record.end;
      const a = analyseRecord(record, this.options.adapter);
      if (a.problem !== undefined || !a.result?.ok) rows.flags[i] |= ROW_FLAGS.noPair;
      else fillFromPairs(rows, i, a.result.pairs);
      if ((read & 4095) === 0) {
        if (signal.aborted) return;
        note({ kind: 'reading', lines: read });
      }
    }
    const final = emptyRows(count);
    final.line.set(rows.line.subarray(0, count)); final.tokens.set(rows.tokens.subarray(0, count)); final.flags.set(rows.flags.subarray(0, count));
    rows = final;
    this.start = start.slice(0, count); this.end = end.slice(0, count);
    start = end = new Float64Array(0);
    this.publish(rows, blank, version, { percent: 0, complete: false });

    this.setActivity({ kind: 'scoring', lines: 0 });
    const scored = await scoreFileStream(file, this.scorer, {
      adapter: this.options.adapter, persistentCache: true, signal, onProgress: (lines) => note({ kind: 'scoring', lines }),
    });
    if (scored.count !== count) throw new Error(`the file changed while it was read (${count} lines, then ${scored.count})`);
    const withScores: OverviewRows = { ...rows, score: Float64Array.from(scored.score) };
    // The components as single floats (8 bytes a line for both), for the record view and its medians.
    this.composition = Float32Array.from(scored.composition);
    this.presentation = Float32Array.from(scored.presentation);
    this.medians = undefined;
    this.publish(withScores, blank, version, { percent: 100, complete: true });

    const cleaning = this.options.cleaning;
    if (cleaning) {
      this.setActivity({ kind: 'cleaning', lines: 0 });
      const rowOfLine = (line: number): number => this.rowOfLine(line - 1);
      const cleaned = await cleanFile(file, {
        adapter: this.options.adapter, cleaning,
        scoreOf: (line) => { const r = rowOfLine(line); const s = r < 0 ? NaN : withScores.score[r]; return Number.isFinite(s) ? s : undefined; },
        onProgress: (lines) => note({ kind: 'cleaning', lines }),
      });
      if (signal.aborted) return;
      const flags = Uint8Array.from(withScores.flags);
      const flagOf = { duplicate: ROW_FLAGS.duplicate, 'near-duplicate': ROW_FLAGS.nearDuplicate, 'not-english': ROW_FLAGS.nonEnglish } as const;
      for (const [line, removal] of cleaned.result.removed) { const r = rowOfLine(line); if (r >= 0) flags[r] |= flagOf[removal.step]; }
      this.publish({ ...withScores, flags }, blank, version, { percent: 100, complete: true }, true);
    }
    this.setActivity({ kind: 'idle' });
  }

  /** The row of a 0-based line index, or -1 (rows are in line order). */
  rowOfLine(index: number): number {
    const line = this.current?.rows.line;
    if (!line) return -1;
    let lo = 0, hi = this.current!.rows.count - 1;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (line[mid] < index) lo = mid + 1; else hi = mid; }
    return hi >= 0 && line[lo] === index ? lo : -1;
  }

  /** The current model's summary (computed once per model: the service sends it with every change). */
  summary(): OverviewSummary | undefined {
    const model = this.current;
    if (!model) return undefined;
    if (this.summaryOf?.model !== model) this.summaryOf = { model, summary: model.summary() };
    return this.summaryOf.summary;
  }

  cutStats(cut: Cut): CutStats | undefined {
    return this.current?.cut.stats(cut);
  }


  /** Cancels a running search or sort (the panel's Cancel); its page query resolves as stale. */
  cancelWork(): void {
    this.work.cancel();
  }

  /**
   * Each of `rows` (ascending; every row when undefined) with its pairs and line text: the whole file streamed, or just
   * those rows read by offset. Throws once `signal` aborts.
   */
  private async eachRow(rows: Int32Array | undefined, signal: AbortSignal, each: (k: number, row: number, found: LinePairs, text: string) => void): Promise<void> {
    const pairs = (text: string, row: number): LinePairs => linePairs(text, (this.current?.rows.line[row] ?? 0) + 1, this.options.adapter);
    if (rows) {
      await readRows(this.file, this.start, this.end, rows, (k, text) => each(k, rows[k], pairs(text, rows[k]), text), signal);
      return;
    }
    const n = this.start.length;
    let r = 0;
    for await (const record of streamRecords(this.file)) {
      if (record.blank) continue;
      if (r >= n) break;
      if ((r & 1023) === 0 && signal.aborted) throw new CancelledError();
      each(r, r, pairs(record.text, r), record.text);
      r++;
    }
  }

  /** Reports progress as `activity(percent)` at most every 200 ms. */
  private throttled(activity: (percent: number) => FileOverviewActivity): (done: number, of: number) => void {
    let lastNote = Date.now();
    return (done, of) => {
      if ((done & 1023) !== 0) return;
      const now = Date.now();
      if (now - lastNote > 200) { lastNote = now; this.setActivity(activity(Math.floor((100 * done) / Math.max(1, of)))); }
    };
  }

  /** Which rows a search matches: the whole file streamed, or, when it narrows the last search, only that one's matches. */
  private matches(search: TextSearch): Promise<Uint8Array> {
    const last = this.lastSearch;
    if (last && last.search.needle === search.needle) return Promise.resolve(last.bits);
    return this.work.run(`search:${search.needle}`, async (signal) => {
      const n = this.start.length;
      const bits = new Uint8Array(n);
      this.setActivity({ kind: 'searching', percent: 0 });
      let rows: Int32Array | undefined;
      if (last && search.narrows(last.search)) {
        let m = 0;
        for (let r = 0; r < n; r++) if (last.bits[r]) m++;
        rows = new Int32Array(m);
        for (let r = 0, k = 0; r < n; r++) if (last.bits[r]) rows[k++] = r;
      }
      const of = rows?.length ?? n;
      const progress = this.throttled((percent) => ({ kind: 'searching', percent }));
      await this.eachRow(rows, signal, (k, row, found, text) => {
        if (search.matches(found, text)) bits[row] = 1;
        progress(k, of);
      });
      this.lastSearch = { search, bits };
      return bits;
    });
  }

  /** A text column's full-text ranks (core/textOrder), computed once per file (the file is read a window at a time). */
  private textRanksOf(column: TextColumn): Promise<Float64Array> {
    const known = this.ranks.get(column);
    if (known) return known;
    const job = this.work.run(`sort:${column}`, async (signal) => {
      const n = this.start.length;
      this.setActivity({ kind: 'sorting', percent: 0, round: 1 });
      return textRanks(n, async (rows, from, to, units, present, round) => {
        const width = to - from;
        const progress = this.throttled((percent) => ({ kind: 'sorting', percent, round }));
        await this.eachRow(rows.length === n ? undefined : rows, signal, (k, _row, found) => {
          const text = columnText(found, column);
          present[k] = text === undefined ? -1 : writeWindow(sortText(text, to), from, to, units, k * width);
          progress(k, rows.length);
        });
      }, async () => { if (signal.aborted) throw new CancelledError(); });
    });
    this.ranks.set(column, job);
    job.then((r) => { const m = this.current; if (m && m.rows.count === r.length && !m.hasTextRanks(column)) m.setTextRanks(column, r); }, () => { if (this.ranks.get(column) === job) this.ranks.delete(column); });
    return job;
  }

  /**
   * A page of the table. A search or a sort by text may first read the file (progress in the activity); undefined
   * when that was cancelled or replaced by another (the panel asks again for what it shows now).
   */
  async page(q: TableQuery): Promise<{ total: number; offset: number; rows: FilePageRow[] } | undefined> {
    try {
      const search = new TextSearch(q.text);
      let bits: Uint8Array | undefined;
      if (!search.empty) bits = await this.matches(search);
      if ((q.sort === 'instruction' || q.sort === 'response') && !this.current?.hasTextRanks(q.sort)) {
        const ranks = await this.textRanksOf(q.sort);
        const m = this.current;
        if (m && m.rows.count === ranks.length && !m.hasTextRanks(q.sort)) m.setTextRanks(q.sort, ranks);
      }
      const model = this.current;
      if (!model) return { total: 0, offset: 0, rows: [] };
      const found = model.table.query(q, bits ? (r) => bits![r] === 1 : undefined);
      const texts: string[] = new Array(found.rows.length);
      const sorted = Int32Array.from(found.rows).sort();
      const place = new Map<number, number>();
      found.rows.forEach((r, k) => place.set(r, k));
      await readRows(this.file, this.start, this.end, sorted, (k, text) => { texts[place.get(sorted[k])!] = text; });
      const rows = Array.from(found.rows, (r, k): FilePageRow => {
        const p = previewOf(linePairs(texts[k], model.rows.line[r] + 1, this.options.adapter));
        return { row: r, index: model.rows.line[r], raw: model.rows.score[r], band: model.band(r), tokens: model.rows.tokens[r], flags: model.rows.flags[r], ...p };
      });
      return { total: found.total, offset: Math.min(q.offset, found.total), rows };
    } catch (e) {
      if (isCancellation(e)) return undefined;
      throw e;
    }
  }

  /** A row's record: its text read from disk, its score and place, the file's median components. */
  async record(row: number): Promise<FileRecord | undefined> {
    const model = this.current;
    if (!model || row < 0 || row >= model.rows.count) return undefined;
    let text = '';
    await readRows(this.file, this.start, this.end, Int32Array.of(row), (_k, t) => { text = t; });
    const raw = model.rows.score[row];
    let rank = 0;
    const order = model.cut.order;
    for (let r = 0; r < order.length; r++) if (order[r] === row) { rank = r + 1; break; }
    return {
      row, index: model.rows.line[row], text, lineCount: model.rows.count + model.blank, flags: model.rows.flags[row],
      ...(Number.isNaN(raw) ? {} : { score: { raw, composition: this.composition[row] ?? NaN, presentation: this.presentation[row] ?? NaN, percentile: model.cut.percentile[row], rank, of: model.cut.scored } }),
      medians: this.componentMedians(),
    };
  }

  /** The next row from `row` in `direction` (in the low band only, with `lowOnly`), or -1. */
  step(row: number, direction: 1 | -1, lowOnly: boolean): number {
    const model = this.current;
    if (!model) return -1;
    for (let r = row + direction; r >= 0 && r < model.rows.count; r += direction) if (!lowOnly || model.band(r) === 'low') return r;
    return -1;
  }

  /** The file's median components (computed once per scoring). */
  private componentMedians(): { composition: number; presentation: number } {
    if (!this.medians) {
      const med = (col: Float32Array): number => quantileSorted(Float64Array.from(col.filter((v) => Number.isFinite(v))).sort(), 0.5);
      this.medians = { composition: med(this.composition), presentation: med(this.presentation) };
    }
    return this.medians;
  }

  dispose(): void {
    this.abort.abort();
    this.work.cancel();
  }
}
