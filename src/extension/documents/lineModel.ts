// The per-document incremental line model behind the live diagnostics and the status bar. Pure (no vscode
// import): it keeps one small analysis per line, applies edits as "lines a..b replaced by N lines", and only the
// lines an edit touched are analysed again. Totals (pairs, problems, schema counts) are kept up to date as lines
// come and go, so a summary costs O(number of schemas), not O(lines).
import type { SchemaId } from '../../core/types';
import { t } from '../../core/l10n';
import { checkSplice, spliceSlots, type LineSplice } from './lineSplice';
export { lineSpan } from './lineSplice';

/** Longest stretch of analysis work before the editor yields to the event loop (the host must never stall > 50 ms). */
export const SLICE_MS = 10;

export type LineProblemKind = 'parse' | 'no-pair';

export interface LineProblem {
  kind: LineProblemKind;
  /** The same wording as `scar inspect`; it does not repeat the line number. */
  message: string;
  /** 1-based column of a parse error, when known. */
  column?: number;
}

/** What one line turned out to be. Small on purpose: the model holds one per line of the document. */
export interface LineInfo {
  readonly blank: boolean;
  /** The schema the line yields its pairs in (unset for blank lines and lines with a problem, as in `scar inspect`). */
  readonly schema?: SchemaId;
  /** How many pairs the line yields under the current turn policy. */
  readonly pairs: number;
  readonly problem?: LineProblem;
}

/** Analyses one line's text; `line` is 1-based. Must not throw (a thrown error is turned into a problem). */
export type LineAnalyser = (text: string, line: number) => LineInfo;

export interface LineModelSummary {
  /** Lines of the document (including blank ones). */
  lines: number;
  /** Lines analysed so far; equals `lines` once `pending` is 0. */
  analysed: number;
  /** Lines still waiting for analysis. */
  pending: number;
  blank: number;
  pairs: number;
  /** Non-blank lines that yield a pair. */
  linesWithPairs: number;
  /** Lines with a problem (parse error or no pair). */
  problems: number;
  parseErrors: number;
  /** How many lines were read as each schema. */
  schemaCounts: ReadonlyMap<SchemaId, number>;
}

export interface LineProblemAt {
  /** 0-based line index in the document. */
  index: number;
  info: LineInfo;
}

/**
 * Sorted, disjoint, half-open ranges [start, end) of line indexes that need analysis. Kept as a short list:
 * an edit adds one range, so the list stays as long as the number of places edited since the last pass.
 */
export class DirtyRanges {
  private ranges: Array<[number, number]> = [];

  get count(): number {
    let n = 0;
    for (const [s, e] of this.ranges) n += e - s;
    return n;
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** Snapshot, for tests and diagnostics of the model itself. */
  toArray(): Array<[number, number]> {
    return this.ranges.map(([s, e]) => [s, e]);
  }

  clear(): void {
    this.ranges = [];
  }

  /** Lines [start, start + removed) were replaced by `inserted` new lines; the new lines are dirty. */
  replace(start: number, removed: number, inserted: number): void {
    const delta = inserted - removed;
    const cut = start + removed;
    const next: Array<[number, number]> = [];
    for (const [s, e] of this.ranges) {
      if (e <= start) next.push([s, e]);
      else if (s >= cut) next.push([s + delta, e + delta]);
      else {
        // The range overlaps the replaced lines: keep what lies outside them.
        if (s < start) next.push([s, start]);
        if (e > cut) next.push([cut + delta, e + delta]);
      }
    }
    if (inserted > 0) next.push([start, start + inserted]);
    next.sort((a, b) => a[0] - b[0]);
    this.ranges = [];
    for (const r of next) {
      const last = this.ranges[this.ranges.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else this.ranges.push([r[0], r[1]]);
    }
  }

  /** Marks [start, end) dirty without changing the line structure. */
  add(start: number, end: number): void {
    if (end <= start) return;
    this.replace(start, end - start, end - start);
  }

  /** The first dirty line, without removing it. */
  first(): number | undefined {
    return this.ranges.length ? this.ranges[0][0] : undefined;
  }

  /** Removes and returns up to `max` dirty lines from the front, as a range [start, end). */
  takeFront(max: number): [number, number] | undefined {
    const r = this.ranges[0];
    if (!r) return undefined;
    const end = Math.min(r[1], r[0] + max);
    const taken: [number, number] = [r[0], end];
    if (end === r[1]) this.ranges.shift();
    else r[0] = end;
    return taken;
  }
}

/** One document's lines and their analyses. */
export class LineModel {
  private infos: Array<LineInfo | undefined> = [];
  private readonly dirty = new DirtyRanges();
  private pairs = 0;
  private linesWithPairs = 0;
  private blank = 0;
  private problems = 0;
  private parseErrors = 0;
  private analysed = 0;
  private readonly schemaCounts = new Map<SchemaId, number>();
  /** Sorted 0-based indexes of the lines with a problem, kept in step with edits (O(problems) per edit). */
  private problemIndex: number[] = [];

  constructor(private analyser: LineAnalyser, lineCount = 0) {
    this.reset(lineCount);
  }

  get lineCount(): number {
    return this.infos.length;
  }

  get pending(): number {
    return this.infos.length - this.analysed;
  }

  /** Forgets every analysis (new document text or new settings): all `lineCount` lines become dirty. */
  reset(lineCount: number, analyser: LineAnalyser = this.analyser): void {
    this.analyser = analyser;
    this.infos = new Array<LineInfo | undefined>(lineCount).fill(undefined);
    this.dirty.clear();
    this.dirty.replace(0, 0, lineCount);
    this.pairs = this.linesWithPairs = this.blank = this.problems = this.parseErrors = this.analysed = 0;
    this.schemaCounts.clear();
    this.problemIndex = [];
  }

  /**
   * Applies one edit (a splice of lines: see lineSplice.ts). Costs O(lines touched) of analysis work later.
   */
  replaceLines(splice: LineSplice): void {
    checkSplice(splice, this.infos.length, 'a model');
    const { first: firstLine, last: lastLine, count: newLineCount } = splice;
    const removedCount = lastLine - firstLine + 1;
    const spliced = spliceSlots(this.infos, splice);
    this.infos = spliced.slots;
    for (const info of spliced.removed) if (info) this.count(info, -1);
    this.dirty.replace(firstLine, removedCount, newLineCount);
    // Problems on the replaced lines are gone; those below move by the change in line count.
    const delta = newLineCount - removedCount;
    const idx = this.problemIndex;
    let w = 0;
    for (let r = 0; r < idx.length; r++) {
      const line = idx[r];
      if (line < firstLine) idx[w++] = line;
      else if (line > lastLine) idx[w++] = line + delta;
    }
    idx.length = w;
  }

  /**
   * Analyses dirty lines, reading each line's current text with `getText(index)`, until none are left or
   * `shouldStop()` says so (it is asked every few lines). Returns true when no dirty line is left.
   */
  analysePending(getText: (index: number) => string, shouldStop: () => boolean = () => false): boolean {
    const step = 8; // lines between two questions to shouldStop(): a few hundred microseconds of work
    for (;;) {
      const range = this.dirty.takeFront(step);
      if (!range) return true;
      for (let i = range[0]; i < range[1]; i++) {
        const info = this.safeAnalyse(getText(i), i + 1);
        const old = this.infos[i];
        if (old) this.count(old, -1);
        if (old?.problem && !info.problem) this.problemIndex.splice(this.problemSlot(i), 1);
        else if (info.problem && !old?.problem) this.problemIndex.splice(this.problemSlot(i), 0, i);
        this.infos[i] = info;
        this.count(info, +1);
      }
      if (shouldStop()) return this.dirty.isEmpty;
    }
  }

  /** The analysis of the 0-based line, if it has been analysed since it last changed. */
  lineInfo(index: number): LineInfo | undefined {
    return this.infos[index];
  }

  summary(): LineModelSummary {
    return {
      lines: this.infos.length,
      analysed: this.analysed,
      pending: this.pending,
      blank: this.blank,
      pairs: this.pairs,
      linesWithPairs: this.linesWithPairs,
      problems: this.problems,
      parseErrors: this.parseErrors,
      schemaCounts: new Map(this.schemaCounts),
    };
  }

  /** The lines with a problem, in document order, at most `limit` of them (the summary has the full count). O(limit). */
  problemLines(limit = Infinity): LineProblemAt[] {
    const n = Math.min(limit, this.problemIndex.length);
    const out: LineProblemAt[] = new Array(n);
    for (let k = 0; k < n; k++) {
      const index = this.problemIndex[k];
      out[k] = { index, info: this.infos[index]! };
    }
    return out;
  }

  /** Where line `index` is or would go in the sorted problem index (binary search; appending is the common case). */
  private problemSlot(index: number): number {
    const idx = this.problemIndex;
    if (idx.length === 0 || idx[idx.length - 1] < index) return idx.length;
    let lo = 0;
    let hi = idx.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (idx[mid] < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private safeAnalyse(text: string, line: number): LineInfo {
    try {
      return this.analyser(text, line);
    } catch (e) {
      // The analyser must not throw; if it does, the line still shows up instead of vanishing.
      return { blank: false, pairs: 0, problem: { kind: 'no-pair', message: t('internal error while reading this line: {0}', (e as Error).message) } };
    }
  }

  private count(info: LineInfo, sign: 1 | -1): void {
    this.analysed += sign;
    if (info.blank) this.blank += sign;
    this.pairs += sign * info.pairs;
    if (info.pairs > 0) this.linesWithPairs += sign;
    if (info.problem) {
      this.problems += sign;
      if (info.problem.kind === 'parse') this.parseErrors += sign;
    }
    if (info.schema) {
      const n = (this.schemaCounts.get(info.schema) ?? 0) + sign;
      if (n === 0) this.schemaCounts.delete(info.schema);
      else this.schemaCounts.set(info.schema, n);
    }
  }
}
