// Where the dataset overview's numbers come from: an OverviewModel (the columns of core/overview with their cut and
// table indexes, and the summary the webview draws) fed either by an open document (DocumentFeed, through the
// DatasetSource adapter only) or by a file on disk of any size (FileFeed: streamed, as `scar score` and "Select top
// from file on disk…" stream it). Neither keeps line texts: previews of a page are read when the page is asked for.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { emptyRows, ROW_FLAGS, type OverviewRows } from '../../core/overview';
import { analyseRecord } from '../../core/inspect';
import { parseLine, streamRecords } from '../../core/jsonl';
import type { HygieneKind } from '../../core/types';
import type { ScoreScale } from '../scoring/scoreScale';
import type { DatasetDocument, DatasetSource } from './datasetSource';
import { fillFromPairs, OverviewModel, previewOf, textTest } from './overviewModel';

export { OverviewModel } from './overviewModel';

/** Longest stretch of work on the extension host before yielding (ms). */
const SLICE_MS = 8;

const HYGIENE_FLAG: Partial<Record<HygieneKind, number>> = {
  duplicate: ROW_FLAGS.duplicate, 'near-duplicate': ROW_FLAGS.nearDuplicate, 'not-english': ROW_FLAGS.nonEnglish,
  'empty-response': ROW_FLAGS.emptyResponse, truncated: ROW_FLAGS.truncated,
};

/** What the overview panel needs of its data, whatever feeds it. */
export interface OverviewFeed extends vscode.Disposable {
  readonly name: string;
  readonly uri: vscode.Uri;
  readonly large: boolean;
  readonly model: OverviewModel | undefined;
  /** Fires when the model was replaced (new rows, scores, findings or lengths) or the status changed. */
  readonly onDidChange: vscode.Event<void>;
  readonly status: { text: string; busy: boolean };
  start(): void;
  previews(rows: ArrayLike<number>): Promise<Array<{ instruction: string; response: string }>>;
  /** A test of a row's text for a search, or undefined while the text is being searched (the feed fires when done). */
  textMatcher(text: string): Promise<(row: number) => boolean>;
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
  private pendingKinds = new Set<string>();
  /** Response lengths and sort keys of the last finished parse, for the version they belong to. */
  private parsed: { version: number; tokens: Int32Array; instKey: Float64Array; respKey: Float64Array; empty: Uint8Array } | undefined;
  private parsing: number | undefined;
  status = { text: '', busy: false };

  constructor(private readonly source: DatasetSource, readonly document: vscode.TextDocument) {
    this.subscriptions.push(this.changed, source.onDidChange((e) => {
      if (e.uri.toString() !== document.uri.toString()) return;
      this.pendingKinds.add(e.kind);
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

  get model(): OverviewModel | undefined {
    return this.current;
  }

  start(): void {
    this.source.requestScores(this.document);
    this.source.requestHygiene(this.document);
    this.rebuild();
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.rebuild(); }, ms);
  }

  /** Builds the model from the document's current state (scores, problems, findings; lengths when parsed). */
  rebuild(): void {
    this.pendingKinds.clear();
    const view = this.source.get(this.document);
    if (!view) return;
    const rows = this.rowsOf(view);
    const lengthsReady = this.parsed?.version === view.version;
    const sc = view.scoring();
    this.current = new OverviewModel(rows.rows, rows.blank, view.version, lengthsReady, { percent: sc.percent, complete: sc.complete }, this.source.scale(), this.source.bandCuts());
    this.status = lengthsReady ? { text: '', busy: false } : this.status;
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
        rows.tokens[r] = parsed.tokens[i]; rows.instKey[r] = parsed.instKey[i]; rows.respKey[r] = parsed.respKey[i];
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
    const out = { version: view.version, tokens: new Int32Array(n).fill(-1), instKey: new Float64Array(n).fill(NaN), respKey: new Float64Array(n).fill(NaN), empty: new Uint8Array(n) };
    const scratch = emptyRows(1);
    this.status = { text: 'lengths', busy: true };
    let sliceStart = performance.now();
    for (let i = 0; i < n; i++) {
      if (this.document.isClosed || this.document.version !== view.version || pass !== this.pass) { if (pass === this.pass) this.parsing = undefined; return; }
      if (!view.isBlank(i)) {
        const found = view.pairs(i);
        if ('pairs' in found) {
          scratch.flags[0] = 0;
          fillFromPairs(scratch, 0, found.pairs);
          out.tokens[i] = scratch.tokens[0]; out.instKey[i] = scratch.instKey[0]; out.respKey[i] = scratch.respKey[0];
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
    this.status = { text: '', busy: false };
    this.rebuild();
  }

  async previews(rows: ArrayLike<number>): Promise<Array<{ instruction: string; response: string }>> {
    const view = this.source.get(this.document);
    const model = this.current;
    if (!view || !model) return [];
    return Array.from(rows, (r) => previewOf(view.pairs(model.rows.line[r])));
  }

  async textMatcher(text: string): Promise<(row: number) => boolean> {
    const re = textTest(text);
    const model = this.current;
    return (r) => !!model && r < model.rows.count && re.test(this.document.lineAt(model.rows.line[r]).text);
  }

  dispose(): void {
    this.pass++;
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }
}

// ----------------------------------------------------------------------------------------------------------------
// A file on disk (any size, e.g. one over VS Code's 50 MB limit): three streamed passes.

/** What the file feed needs from the extension: scores and SCAR's cleaning of a file on disk. */
export interface FileScoring {
  /** Scores every non-blank line, in file order (index i = the i-th non-blank line); NaN where none. */
  score(file: string, onProgress: (lines: number) => void, signal: AbortSignal): Promise<{ score: Float64Array; composition: Float64Array; presentation: Float64Array }>;
  /** SCAR's cleaning (the selection's settings): why each removed 1-based line goes. */
  clean(file: string, scoreOf: (line: number) => number | undefined, signal: AbortSignal): Promise<Map<number, 'duplicate' | 'not-english' | 'near-duplicate'>>;
}

export class FileFeed implements OverviewFeed {
  readonly large = true;
  private current: OverviewModel | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly abort = new AbortController();
  private start_: Float64Array = new Float64Array(0);
  private end_: Float64Array = new Float64Array(0);
  private search: { text: string; matches: Uint8Array } | undefined;
  private composition: Float32Array = new Float32Array(0);
  private presentation: Float32Array = new Float32Array(0);
  private medians: { composition: number; presentation: number } | undefined;
  status = { text: '', busy: false };
  readonly name: string;

  constructor(
    readonly uri: vscode.Uri,
    private readonly scoring: FileScoring,
    private readonly scale: () => ScoreScale,
    private readonly cuts: () => { high: number; low: number },
    private readonly adapter: () => import('../../core/types').AdapterOptions,
    private readonly say: { reading: (lines: number) => string; scoring: (lines: number) => string; cleaning: string; failed: (message: string) => string },
  ) {
    this.name = path.basename(uri.fsPath);
  }

  get model(): OverviewModel | undefined {
    return this.current;
  }

  start(): void {
    void this.run().catch((e) => {
      if (this.abort.signal.aborted) return;
      this.status = { text: this.say.failed((e as Error).message), busy: false };
      this.changed.fire();
    });
  }

  private publish(rows: OverviewRows, blank: number, version: number, lengthsReady: boolean, scoring: { percent: number; complete: boolean }): void {
    this.current = new OverviewModel(rows, blank, version, lengthsReady, scoring, this.scale(), this.cuts());
    this.changed.fire();
  }

  private setStatus(text: string, busy: boolean): void {
    this.status = { text, busy };
    this.changed.fire();
  }

  private async run(): Promise<void> {
    const file = this.uri.fsPath;
    const version = (await fs.promises.stat(file)).mtimeMs;
    // Pass 1: lines, offsets, lengths, pairs (no engine): the length histogram and the problem counts.
    let cap = 1024, count = 0, blank = 0, read = 0;
    let rows = emptyRows(cap);
    let start = new Float64Array(cap), end = new Float64Array(cap);
    const grow = (): void => {
      cap *= 2;
      const next = emptyRows(cap);
      next.line.set(rows.line); next.score.set(rows.score); next.tokens.set(rows.tokens); next.flags.set(rows.flags);
      next.instKey.set(rows.instKey); next.respKey.set(rows.respKey);
      rows = next;
      const s = new Float64Array(cap); s.set(start); start = s;
      const e = new Float64Array(cap); e.set(end); end = e;
    };
    const adapter = this.adapter();
    let lastNote = 0;
    for await (const record of streamRecords(file)) {
      read++;
      if (record.blank) { blank++; continue; }
      if (count === cap) grow();
      const i = count++;
      rows.line[i] = record.line - 1;
      start[i] = record.start; end[i] = record.end;
      const a = analyseRecord(record, adapter);
      if (a.problem !== undefined || !a.result?.ok) rows.flags[i] |= ROW_FLAGS.noPair;
      else fillFromPairs(rows, i, a.result.pairs);
      if ((read & 4095) === 0) {
        if (this.abort.signal.aborted) return;
        const now = Date.now();
        if (now - lastNote > 250) { lastNote = now; this.setStatus(this.say.reading(read), true); }
      }
    }
    const final = emptyRows(count);
    final.line.set(rows.line.subarray(0, count)); final.tokens.set(rows.tokens.subarray(0, count)); final.flags.set(rows.flags.subarray(0, count));
    final.instKey.set(rows.instKey.subarray(0, count)); final.respKey.set(rows.respKey.subarray(0, count));
    rows = final;
    this.start_ = start.slice(0, count); this.end_ = end.slice(0, count);
    start = end = new Float64Array(0);
    this.publish(rows, blank, version, true, { percent: 0, complete: false });

    // Pass 2: scores, through the extension's engine (its persistent cache makes a second look quick).
    this.setStatus(this.say.scoring(0), true);
    const scored = await this.scoring.score(file, (lines) => {
      const now = Date.now();
      if (now - lastNote > 250) { lastNote = now; this.setStatus(this.say.scoring(lines), true); }
    }, this.abort.signal);
    if (scored.score.length !== count) throw new Error(`the file changed while it was read (${count} lines, then ${scored.score.length})`);
    const withScores = { ...rows, score: Float64Array.from(scored.score) };
    // The components as single floats (8 bytes a line for both), for the record view and its medians.
    this.composition = Float32Array.from(scored.composition);
    this.presentation = Float32Array.from(scored.presentation);
    this.medians = undefined;
    this.publish(withScores, blank, version, true, { percent: 100, complete: true });

    // Pass 3: SCAR's cleaning, as the export runs it: duplicates, near-duplicates, other languages.
    this.setStatus(this.say.cleaning, true);
    const rowOfLine = new Map<number, number>();
    for (let r = 0; r < count; r++) rowOfLine.set(withScores.line[r] + 1, r);
    const removed = await this.scoring.clean(file, (line) => {
      const r = rowOfLine.get(line);
      const s = r === undefined ? NaN : withScores.score[r];
      return Number.isFinite(s) ? s : undefined;
    }, this.abort.signal);
    const flags = Uint8Array.from(withScores.flags);
    const flagOf = { duplicate: ROW_FLAGS.duplicate, 'near-duplicate': ROW_FLAGS.nearDuplicate, 'not-english': ROW_FLAGS.nonEnglish } as const;
    for (const [line, step] of removed) { const r = rowOfLine.get(line); if (r !== undefined) flags[r] |= flagOf[step]; }
    rowOfLine.clear();
    this.status = { text: '', busy: false };
    this.publish({ ...withScores, flags }, blank, version, true, { percent: 100, complete: true });
  }

  /** The lines of some rows, read from the file by their byte offsets. */
  private async lineTexts(rows: ArrayLike<number>): Promise<string[]> {
    const fh = await fs.promises.open(this.uri.fsPath, 'r');
    try {
      const out: string[] = [];
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k];
        const a = this.start_[r], b = this.end_[r];
        const buf = Buffer.alloc(Math.max(0, b - a));
        await fh.read(buf, 0, buf.length, a);
        out.push(buf.toString('utf8'));
      }
      return out;
    } finally {
      await fh.close();
    }
  }

  /** A row's two score components (NaN when it has none or the file is not scored yet). */
  components(row: number): { composition: number; presentation: number } {
    return { composition: this.composition[row] ?? NaN, presentation: this.presentation[row] ?? NaN };
  }

  /** The file's median components (computed once per scoring). */
  componentMedians(): { composition: number; presentation: number } {
    if (!this.medians) {
      const med = (col: Float32Array): number => {
        const finite = Float64Array.from(col.filter((v) => Number.isFinite(v)));
        if (finite.length === 0) return NaN;
        finite.sort();
        const m = finite.length;
        return m % 2 ? finite[(m - 1) / 2] : (finite[m / 2 - 1] + finite[m / 2]) / 2;
      };
      this.medians = { composition: med(this.composition), presentation: med(this.presentation) };
    }
    return this.medians;
  }

  /** A row's line text read from disk (for the record view). */
  async lineText(row: number): Promise<string> {
    return (await this.lineTexts([row]))[0];
  }

  async previews(rows: ArrayLike<number>): Promise<Array<{ instruction: string; response: string }>> {
    const texts = await this.lineTexts(rows);
    const adapter = this.adapter();
    return texts.map((text, k) => {
      const record = parseLine(text, (this.current?.rows.line[rows[k]] ?? 0) + 1, 0, text.length);
      const a = analyseRecord(record, adapter);
      if (a.problem !== undefined || !a.result?.ok) return previewOf({ error: a.problem ?? 'no pair' });
      return previewOf({ pairs: a.result.pairs });
    });
  }

  /** Streams the file once per new search text and remembers which rows match. */
  async textMatcher(text: string): Promise<(row: number) => boolean> {
    if (this.search?.text !== text) {
      const re = textTest(text);
      const matches = new Uint8Array(this.start_.length);
      let r = 0;
      for await (const record of streamRecords(this.uri.fsPath)) {
        if (record.blank) continue;
        if (r < matches.length && re.test(record.text)) matches[r] = 1;
        r++;
      }
      this.search = { text, matches };
    }
    const m = this.search.matches;
    return (row) => m[row] === 1;
  }

  dispose(): void {
    this.abort.abort();
    this.changed.dispose();
  }
}
