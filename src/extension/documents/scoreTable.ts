// One document's line scores, aligned to its lines and kept in step with its edits. Pure (no vscode import).
import { percentileInSorted, quantileSorted, rankInSorted } from '../../core/scores';
import { t } from '../../core/l10n';
import { checkSplice, spliceSlots, type LineSplice } from './lineSplice';
// An entry remembers the exact line text it was computed for, so a score is only ever shown for that text: an
// edited line loses its entry (it is scored again), lines around it keep theirs, and a result that arrives for
// text the line no longer has is dropped. Percentiles and ranks come from one sorted copy of the scores, brought up
// to date only when a score changed since it was last asked for.
// The entries are stored column by column (typed arrays of kinds, pair counts and scores, one array of texts), not
// as an object per line: a 100k-line file would otherwise hold 400k small objects (each entry and its three
// numbers) that every major garbage collection of the extension host has to mark.

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

/** What a line's slot holds. */
const NONE = 0;
const BLANK = 1;
const ERROR = 2;
const SCORED = 3;

export class ScoreTable {
  /** Bumped by every change of an entry, an edit and a reset: views made from the table compare it (one staleness key). */
  revision = 0;
  /** Lines of the document; the typed columns have room for `capacity` lines. */
  private n!: number;
  private capacity!: number;
  /** The line text each entry belongs to (undefined: no entry). */
  private texts!: Array<string | undefined>;
  private kinds!: Uint8Array;
  private pairCounts!: Uint32Array;
  /** score, composition, presentation of line i at 3i, 3i+1, 3i+2. */
  private values!: Float64Array;
  /** Why lines without a pair have none, by line text, with the number of entries that use each. */
  private errors!: Map<string, { message: string; uses: number }>;
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
  private counts!: TableCounts;
  /** Lowest line index that may lack an entry (everything above it has one). */
  private firstGap = 0;

  constructor(lineCount: number) {
    this.reset(lineCount);
  }

  get lineCount(): number {
    return this.n;
  }

  get complete(): boolean {
    return this.counts.done === this.n;
  }

  stats(): TableCounts {
    return { ...this.counts };
  }

  /** The entry of line `index` if it belongs to `text` (the line's current text), else undefined. */
  get(index: number, text: string): ScoredLine | undefined {
    return this.has(index) && this.texts[index] === text ? this.entry(index) : undefined;
  }

  /** The entry of line `index` whatever its text (callers that know the table mirrors the document). */
  entry(index: number): ScoredLine | undefined {
    if (!this.has(index)) return undefined;
    const text = this.texts[index]!;
    switch (this.kinds[index]) {
      case BLANK: return { text, pairs: 0, blank: true };
      case ERROR: return { text, pairs: 0, error: this.errors.get(text)?.message ?? t('no pair') };
      default: {
        const v = this.values;
        return { text, pairs: this.pairCounts[index], score: v[3 * index], composition: v[3 * index + 1], presentation: v[3 * index + 2] };
      }
    }
  }

  /** True when line `index` has an entry (scored, blank or with a problem). */
  has(index: number): boolean {
    return index >= 0 && index < this.n && this.kinds[index] !== NONE;
  }

  /** The score of line `index`, or NaN when it has none (no entry, blank, or no pair): for loops over every line. */
  scoreAt(index: number): number {
    return index >= 0 && index < this.n && this.kinds[index] === SCORED ? this.values[3 * index] : NaN;
  }

  /** True when line `index` has an entry that is a problem (a line without a pair). */
  isProblem(index: number): boolean {
    return index >= 0 && index < this.n && this.kinds[index] === ERROR;
  }

  /** Stores the entry of line `index` (replacing any). */
  set(index: number, entry: ScoredLine): void {
    if (entry.blank) this.setBlank(index, entry.text);
    else if (entry.score === undefined) this.setProblem(index, entry.text, entry.error ?? t('no pair'));
    else this.setScored(index, entry.text, entry.pairs, entry.score, entry.composition ?? NaN, entry.presentation ?? NaN);
  }

  /** Line `index` (with text `text`) scored: the mean score and components over its `pairs` pairs. */
  setScored(index: number, text: string, pairs: number, score: number, composition: number, presentation: number): void {
    if (!this.take(index, text, SCORED)) return;
    this.pairCounts[index] = pairs;
    this.values[3 * index] = score;
    this.values[3 * index + 1] = composition;
    this.values[3 * index + 2] = presentation;
    this.count(index, +1);
  }

  /** Line `index` (with text `text`) is blank. */
  setBlank(index: number, text: string): void {
    if (!this.take(index, text, BLANK)) return;
    this.count(index, +1);
  }

  /** Line `index` (with text `text`) yields no pair, for the reason given. */
  setProblem(index: number, text: string, message: string): void {
    if (!this.take(index, text, ERROR)) return;
    const e = this.errors.get(text);
    if (e) { e.message = message; e.uses++; } else this.errors.set(text, { message, uses: 1 });
    this.count(index, +1);
  }

  /** Clears line `index`'s slot for a new entry of `kind`; false when the index is outside the table. */
  private take(index: number, text: string, kind: number): boolean {
    if (index < 0 || index >= this.n) return false;
    this.revision++;
    this.drop(index);
    this.texts[index] = text;
    this.kinds[index] = kind;
    this.pairCounts[index] = 0;
    return true;
  }

  /** Forgets line `index`'s entry, if any. */
  private drop(index: number): void {
    if (this.kinds[index] === NONE) return;
    this.revision++;
    this.count(index, -1);
    if (this.kinds[index] === ERROR) {
      const text = this.texts[index]!;
      const e = this.errors.get(text);
      if (e && --e.uses === 0) this.errors.delete(text);
    }
    this.kinds[index] = NONE;
    this.texts[index] = undefined;
  }

  /**
   * Lines firstLine..lastLine (0-based, inclusive) were replaced by `newLineCount` lines: their entries go, the
   * lines below move. Costs O(lines of the document) for an edit that changes the line count (the columns shift).
   */
  replaceLines(splice: LineSplice): void {
    checkSplice(splice, this.n, 'a table');
    const { first: firstLine, last: lastLine, count: newLineCount } = splice;
    const n = this.n;
    for (let i = firstLine; i <= lastLine; i++) this.drop(i);
    const removedCount = lastLine - firstLine + 1;
    if (newLineCount !== removedCount) {
      const size = n - removedCount + newLineCount;
      if (size > this.capacity) this.grow(Math.max(size, Math.ceil(this.capacity * 1.5)));
      const from = lastLine + 1;
      const to = firstLine + newLineCount;
      this.kinds.copyWithin(to, from, n);
      this.pairCounts.copyWithin(to, from, n);
      this.values.copyWithin(3 * to, 3 * from, 3 * n);
      if (size < n) this.kinds.fill(NONE, size, n); // the freed tail
      this.kinds.fill(NONE, firstLine, to);
      this.texts = spliceSlots(this.texts, splice).slots;
      this.n = size;
    }
    this.counts.lines = this.n;
    this.firstGap = Math.min(this.firstGap, firstLine);
    this.revision++;
  }

  /** Makes room for `capacity` lines, keeping the first n. */
  private grow(capacity: number): void {
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds.subarray(0, this.n));
    const pairCounts = new Uint32Array(capacity);
    pairCounts.set(this.pairCounts.subarray(0, this.n));
    const values = new Float64Array(3 * capacity);
    values.set(this.values.subarray(0, 3 * this.n));
    this.kinds = kinds;
    this.pairCounts = pairCounts;
    this.values = values;
    this.capacity = capacity;
  }

  /** Forgets every entry (new settings or model); the table takes the given line count. (The constructor's too.) */
  reset(lineCount: number): void {
    this.revision++;
    this.n = lineCount;
    this.capacity = lineCount;
    this.texts = new Array<string | undefined>(lineCount).fill(undefined);
    this.kinds = new Uint8Array(lineCount);
    this.pairCounts = new Uint32Array(lineCount);
    this.values = new Float64Array(3 * lineCount);
    this.errors = new Map();
    this.counts = { lines: lineCount, done: 0, scored: 0, pairs: 0, errors: 0, blank: 0 };
    this.sortedBuffer = new Float64Array(0);
    this.sortedSize = 0;
    this.sortedView = new Float64Array(0);
    this.added = [];
    this.removed = [];
    this.medians = undefined;
    this.firstGap = 0;
  }

  /** The first line without an entry, at or after the remembered first gap; undefined when complete. */
  firstMissing(): number | undefined {
    if (this.complete) return undefined;
    for (let i = this.firstGap; i < this.n; i++) {
      if (this.kinds[i] === NONE) { this.firstGap = i; return i; }
    }
    // The counts say something is missing above the remembered gap (should not happen): search from the start.
    for (let i = 0; i < this.n; i++) if (this.kinds[i] === NONE) { this.firstGap = i; return i; }
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
    const out = new Float64Array(this.n).fill(NaN);
    for (let i = 0; i < this.n; i++) if (this.kinds[i] === SCORED) out[i] = this.values[3 * i];
    return out;
  }

  /** Medians of the two components over the scored lines (NaN when none is scored). */
  componentMedians(): { composition: number; presentation: number } {
    if (this.medians) return this.medians;
    const c = new Float64Array(this.counts.scored);
    const p = new Float64Array(this.counts.scored);
    let k = 0;
    for (let i = 0; i < this.n && k < c.length; i++) {
      if (this.kinds[i] === SCORED) { c[k] = this.values[3 * i + 1]; p[k] = this.values[3 * i + 2]; k++; }
    }
    const median = (a: Float64Array): number => quantileSorted(a.sort(), 0.5);
    this.medians = { composition: median(c.subarray(0, k)), presentation: median(p.subarray(0, k)) };
    return this.medians;
  }

  /**
   * Percentile (0-100) of a score among the scored lines, as core/scores `percentiles` defines it: the share of
   * the OTHER scored lines that are lower, ties counted half. A file with a single scored line gives 50.
   */
  percentileOf(score: number): number {
    return percentileInSorted(this.sortedScores(), score);
  }

  /** Rank of a score, 1 = the highest; equal scores share the best rank. */
  rankOf(score: number): number {
    return rankInSorted(this.sortedScores(), score);
  }

  /** The score at percentile p (0-100) of the scored lines (the band cut-offs), or undefined when none is scored. */
  scoreAtPercentile(p: number): number | undefined {
    const s = this.sortedScores();
    return s.length === 0 ? undefined : quantileSorted(s, p / 100);
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
    const n = this.n;
    if (n === 0) return undefined;
    const cut = this.lowCut(belowPercentile);
    for (let step = 1; step <= n; step++) {
      const i = (((from + dir * step) % n) + n) % n;
      if (this.kinds[i] === SCORED && this.values[3 * i] < cut) return i;
    }
    return undefined;
  }

  /** Counts line `index`'s entry in (+1) or out (-1) of the totals and the sorted scores. */
  private count(index: number, sign: 1 | -1): void {
    this.counts.done += sign;
    const kind = this.kinds[index];
    if (kind === BLANK) this.counts.blank += sign;
    else if (kind === SCORED) {
      this.counts.scored += sign;
      this.counts.pairs += sign * this.pairCounts[index];
      (sign > 0 ? this.added : this.removed).push(this.values[3 * index]);
      this.medians = undefined;
    } else this.counts.errors += sign;
  }
}

