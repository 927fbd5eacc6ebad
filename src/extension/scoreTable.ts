// One document's line scores, aligned to its lines and kept in step with its edits. Pure (no vscode import).
// An entry remembers the exact line text it was computed for, so a score is only ever shown for that text: an
// edited line loses its entry (it is scored again), lines around it keep theirs, and a result that arrives for
// text the line no longer has is dropped. Percentiles and ranks come from one sorted copy of the scores, rebuilt
// only when a score changed since it was last asked for (a sort of the file: a few ms for 100k lines).

/** What a line turned out to be once scored. */
export interface ScoredLine {
  /** The line text the entry belongs to. */
  readonly text: string;
  /** Mean over the line's pairs; undefined for a blank line or a line without a pair. */
  readonly score?: number;
  readonly composition?: number;
  readonly presentation?: number;
  /** How many pairs the line yields. */
  readonly pairs: number;
  readonly blank?: boolean;
  /** Why the line has no score (not valid JSON, no assistant turn, ...). */
  readonly error?: string;
}

export interface TableCounts {
  /** Lines of the document. */
  lines: number;
  /** Lines with an entry (scored, blank or with a problem). */
  done: number;
  scored: number;
  /** Pairs of the scored lines. */
  pairs: number;
  errors: number;
  blank: number;
}

export class ScoreTable {
  private entries: Array<ScoredLine | undefined>;
  /**
   * The scores in ascending order are sortedBuffer[0, sortedSize); the buffer grows by doubling and is merged into
   * in place, so keeping it up to date while a file is scored allocates almost nothing (a fresh copy per update
   * would be 800 kB for 100k lines, many times a second, and cost the host long garbage-collection pauses).
   */
  private sortedBuffer: Float64Array = new Float64Array(0);
  private sortedSize = 0;
  private sortedView: Float64Array = new Float64Array(0);
  /** Scores added to and removed from the table since `sorted` was last brought up to date. */
  private added: number[] = [];
  private removed: number[] = [];
  private medians: { composition: number; presentation: number } | undefined;
  private counts: TableCounts;
  /** Lowest line index that may lack an entry (everything above it has one). */
  private firstGap = 0;

  constructor(lineCount: number) {
    this.entries = new Array<ScoredLine | undefined>(lineCount).fill(undefined);
    this.counts = { lines: lineCount, done: 0, scored: 0, pairs: 0, errors: 0, blank: 0 };
  }

  get lineCount(): number {
    return this.entries.length;
  }

  get complete(): boolean {
    return this.counts.done === this.entries.length;
  }

  stats(): TableCounts {
    return { ...this.counts };
  }

  /** The entry of line `index` if it belongs to `text` (the line's current text), else undefined. */
  get(index: number, text: string): ScoredLine | undefined {
    const e = this.entries[index];
    return e !== undefined && e.text === text ? e : undefined;
  }

  /** The entry of line `index` whatever its text (callers that know the table mirrors the document). */
  entry(index: number): ScoredLine | undefined {
    return this.entries[index];
  }

  /** Stores the entry of line `index` (replacing any). */
  set(index: number, entry: ScoredLine): void {
    if (index < 0 || index >= this.entries.length) return;
    const old = this.entries[index];
    if (old) this.count(old, -1);
    this.entries[index] = entry;
    this.count(entry, +1);
  }

  /**
   * Lines firstLine..lastLine (0-based, inclusive) were replaced by `newLineCount` lines: their entries go, the
   * lines below move. Costs O(lines of the document) for an edit that changes the line count (an array splice).
   */
  replaceLines(firstLine: number, lastLine: number, newLineCount: number): void {
    const n = this.entries.length;
    if (firstLine < 0 || lastLine < firstLine || lastLine >= n || newLineCount < 0) {
      throw new RangeError(`edit of lines ${firstLine}..${lastLine} does not fit a table of ${n} lines`);
    }
    const removedCount = lastLine - firstLine + 1;
    let removed: Array<ScoredLine | undefined>;
    if (newLineCount === removedCount) {
      removed = this.entries.slice(firstLine, lastLine + 1);
      for (let i = firstLine; i <= lastLine; i++) this.entries[i] = undefined;
    } else if (newLineCount <= 4096) {
      removed = this.entries.splice(firstLine, removedCount, ...new Array<undefined>(newLineCount));
    } else {
      removed = this.entries.slice(firstLine, lastLine + 1);
      this.entries = this.entries.slice(0, firstLine).concat(new Array<undefined>(newLineCount).fill(undefined), this.entries.slice(lastLine + 1));
    }
    for (const e of removed) if (e) this.count(e, -1);
    this.counts.lines = this.entries.length;
    this.firstGap = Math.min(this.firstGap, firstLine);
  }

  /** Forgets every entry (new settings or model); the table takes the given line count. */
  reset(lineCount: number): void {
    this.entries = new Array<ScoredLine | undefined>(lineCount).fill(undefined);
    this.counts = { lines: lineCount, done: 0, scored: 0, pairs: 0, errors: 0, blank: 0 };
    this.sortedBuffer = new Float64Array(0);
    this.sortedSize = 0;
    this.sortedView = new Float64Array(0);
    this.added = [];
    this.removed = [];
    this.medians = undefined;
    this.firstGap = 0;
  }

  /** Up to `max` line indexes without an entry in [from, to), in order. */
  missingIn(from: number, to: number, max: number): number[] {
    const out: number[] = [];
    const end = Math.min(to, this.entries.length);
    for (let i = Math.max(0, from); i < end && out.length < max; i++) if (this.entries[i] === undefined) out.push(i);
    return out;
  }

  /** The first line without an entry, at or after the remembered first gap; undefined when complete. */
  firstMissing(): number | undefined {
    if (this.complete) return undefined;
    for (let i = this.firstGap; i < this.entries.length; i++) {
      if (this.entries[i] === undefined) { this.firstGap = i; return i; }
    }
    // The counts say something is missing above the remembered gap (should not happen): search from the start.
    for (let i = 0; i < this.entries.length; i++) if (this.entries[i] === undefined) { this.firstGap = i; return i; }
    return undefined;
  }

  /**
   * Ascending scores of every scored line, brought up to date with the changes since the last call. The array is a
   * view that the next change rewrites: read it at once, do not keep it.
   */
  sortedScores(): Float64Array {
    if (this.added.length === 0 && this.removed.length === 0) return this.sortedView;
    const add = Float64Array.from(this.added).sort();
    const rem = Float64Array.from(this.removed).sort();
    this.added = [];
    this.removed = [];
    // A score added and removed again since the last call cancels out (a multiset difference of the two).
    let addLeft = 0, remLeft = 0;
    for (let a = 0, r = 0; a < add.length || r < rem.length;) {
      if (r >= rem.length || (a < add.length && add[a] < rem[r])) add[addLeft++] = add[a++];
      else if (a >= add.length || rem[r] < add[a]) rem[remLeft++] = rem[r++];
      else { a++; r++; }
    }
    let buf = this.sortedBuffer;
    let size = this.sortedSize;
    if (remLeft > 0) {
      // Every remaining removal is in the buffer: compact it in place, dropping each removed value once.
      let k = 0;
      for (let i = 0, r = 0; i < size; i++) {
        const v = buf[i];
        while (r < remLeft && rem[r] < v) r++; // (cannot happen for a consistent table)
        if (r < remLeft && rem[r] === v) { r++; continue; }
        buf[k++] = v;
      }
      size = k;
    }
    if (addLeft > 0) {
      const need = size + addLeft;
      if (need > buf.length) {
        const grown = new Float64Array(Math.max(need, 2 * buf.length, 1024));
        grown.set(buf.subarray(0, size));
        buf = grown;
      }
      // Merge from the back, so nothing is overwritten before it is read.
      for (let i = size - 1, j = addLeft - 1, k = need - 1; j >= 0; k--) {
        buf[k] = i >= 0 && buf[i] > add[j] ? buf[i--] : add[j--];
      }
      size = need;
    }
    this.sortedBuffer = buf;
    this.sortedSize = size;
    this.sortedView = buf.subarray(0, size);
    return this.sortedView;
  }

  /** One number per line: its score, NaN for a line without an entry, a blank line or a line without a pair. */
  scoresByLine(): Float64Array {
    const out = new Float64Array(this.entries.length).fill(NaN);
    for (let i = 0; i < this.entries.length; i++) {
      const score = this.entries[i]?.score;
      if (score !== undefined) out[i] = score;
    }
    return out;
  }

  /** Medians of the two components over the scored lines (NaN when none is scored). */
  componentMedians(): { composition: number; presentation: number } {
    if (this.medians) return this.medians;
    const c = new Float64Array(this.counts.scored);
    const p = new Float64Array(this.counts.scored);
    let k = 0;
    for (const e of this.entries) {
      if (e?.score !== undefined && k < c.length) { c[k] = e.composition ?? NaN; p[k] = e.presentation ?? NaN; k++; }
    }
    const median = (a: Float64Array): number => {
      if (a.length === 0) return NaN;
      a.sort();
      const m = a.length >> 1;
      return a.length % 2 ? a[m] : (a[m - 1] + a[m]) / 2;
    };
    this.medians = { composition: median(c.subarray(0, k)), presentation: median(p.subarray(0, k)) };
    return this.medians;
  }

  /**
   * Percentile (0-100) of a score among the scored lines, as core/scores `percentiles` defines it: the share of
   * the OTHER scored lines that are lower, ties counted half. A file with a single scored line gives 50.
   */
  percentileOf(score: number): number {
    const s = this.sortedScores();
    const m = s.length;
    if (m <= 1) return 50;
    const lower = lowerBound(s, score);
    const equal = upperBound(s, score) - lower; // includes the line itself
    return (100 * (lower + 0.5 * (equal - 1))) / (m - 1);
  }

  /** Rank of a score, 1 = the highest; equal scores share the best rank. */
  rankOf(score: number): number {
    const s = this.sortedScores();
    return s.length - upperBound(s, score) + 1;
  }

  /** The score at percentile p (0-100) of the scored lines (the band cut-offs), or undefined when none is scored. */
  scoreAtPercentile(p: number): number | undefined {
    const s = this.sortedScores();
    if (s.length === 0) return undefined;
    const pos = (Math.min(Math.max(p, 0), 100) / 100) * (s.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, s.length - 1);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  }

  /**
   * The lowest score whose percentile is NOT below `belowPercentile` (Infinity when every score is): a line is low
   * exactly when its score is below it. Percentiles grow with the score, so one binary search finds it.
   */
  lowCut(belowPercentile: number): number {
    const s = this.sortedScores();
    let cut = Infinity;
    for (let lo = 0, hi = s.length; lo < hi;) {
      const mid = (lo + hi) >>> 1;
      if (this.percentileOf(s[mid]) < belowPercentile) lo = mid + 1; else { hi = mid; cut = s[mid]; }
    }
    return cut;
  }

  /**
   * The next (dir 1) or previous (dir -1) scored line after `from` whose percentile is below `belowPercentile`,
   * wrapping around the document; undefined when there is none. O(lines).
   */
  nextLow(from: number, dir: 1 | -1, belowPercentile: number): number | undefined {
    const n = this.entries.length;
    if (n === 0) return undefined;
    const cut = this.lowCut(belowPercentile);
    for (let step = 1; step <= n; step++) {
      const i = (((from + dir * step) % n) + n) % n;
      const score = this.entries[i]?.score;
      if (score !== undefined && score < cut) return i;
    }
    return undefined;
  }

  private count(e: ScoredLine, sign: 1 | -1): void {
    this.counts.done += sign;
    if (e.blank) this.counts.blank += sign;
    else if (e.score !== undefined) {
      this.counts.scored += sign;
      this.counts.pairs += sign * e.pairs;
      (sign > 0 ? this.added : this.removed).push(e.score);
      this.medians = undefined;
    } else this.counts.errors += sign;
  }
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (a[mid] < x) lo = mid + 1; else hi = mid; }
  return lo;
}

function upperBound(a: Float64Array, x: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (a[mid] <= x) lo = mid + 1; else hi = mid; }
  return lo;
}
