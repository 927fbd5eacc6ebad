// The numbers behind the dataset overview (src/extension/views/overviewPanel.ts): per-line columns of a file (score,
// response length, problem flags, sort keys), histograms of scores and of response lengths, what a cut keeps
// (threshold, top-k or top-%: how many lines, which share, the median response length kept against the whole file's)
// and pages of a sorted, filtered table. Pure (no vscode import, no I/O): the same code serves an open document and
// a file streamed from disk, and it is unit-tested. Columns are typed arrays, never an object per line, so a million
// lines cost a few tens of megabytes in the extension host and nothing in the webview (it gets bins and pages).
import { percentileAt } from './scores';
import { ratioCount } from './select';
import { PROBLEM_KINDS, ROW_FLAGS, type Cut, type CutCleaning, type CutStats, type Histogram, type ProblemKind, type RowBand, type SortColumn } from './overviewTypes';

export * from './overviewTypes';


/** One row per non-blank line of a file, column by column. */
export interface OverviewRows {
  count: number;
  /** 0-based line index in the file. */
  line: Int32Array;
  /** The ranker's raw line score; NaN: none (no pair, or not scored yet). */
  score: Float64Array;
  /** Response length in word tokens (core/tokenise); -1: not known (no pair, or not read yet). */
  tokens: Int32Array;
  /** ROW_FLAGS bits. */
  flags: Uint8Array;
  /** Sort keys of the instruction and the response: their full-text ranks (core/textOrder), NaN until known or none. */
  instKey: Float64Array;
  respKey: Float64Array;
}

export function emptyRows(count: number): OverviewRows {
  const rows: OverviewRows = {
    count, line: new Int32Array(count), score: new Float64Array(count).fill(NaN), tokens: new Int32Array(count).fill(-1),
    flags: new Uint8Array(count), instKey: new Float64Array(count).fill(NaN), respKey: new Float64Array(count).fill(NaN),
  };
  return rows;
}

/** Counts finite values (and, with `valid`, only those it accepts) into `bins` equal bins over [lo, hi]. */
export function histogram(values: ArrayLike<number>, count: number, lo: number, hi: number, bins: number, valid: (v: number) => boolean = Number.isFinite): Histogram {
  const counts = new Array<number>(bins).fill(0);
  const width = (hi - lo) / bins || 1;
  let clipped = 0;
  for (let i = 0; i < count; i++) {
    const v = values[i];
    if (!valid(v)) continue;
    let b = Math.floor((v - lo) / width);
    if (b >= bins) { if (v > hi) clipped++; b = bins - 1; }
    if (b < 0) b = 0;
    counts[b]++;
  }
  return { lo, hi, counts, clipped };
}

/** A round number at or above x (1, 2, 2.5, 5 times a power of ten). */
export function niceCeil(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}

/** Score histogram on the shown scale: 0-100 in `bins` bins when calibrated, else over the scores' own range. */
export function scoreHistogram(shown: ArrayLike<number>, count: number, calibrated: boolean, bins = 50): Histogram {
  if (calibrated) return histogram(shown, count, 0, 100, bins);
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < count; i++) { const v = shown[i]; if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }
  if (lo === Infinity) { lo = 0; hi = 1; }
  if (hi === lo) hi = lo + 1;
  return histogram(shown, count, lo, hi, bins);
}

/** Response lengths: 0 to a round number at or above the 99th percentile, in `bins` bins (longer ones in the last). */
export function lengthHistogram(tokens: Int32Array, count: number, bins = 40): Histogram {
  const known = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < count; i++) if (tokens[i] >= 0) known[k++] = tokens[i];
  if (k === 0) return { lo: 0, hi: 1, counts: new Array<number>(bins).fill(0), clipped: 0 };
  const p99 = quickselect(known.subarray(0, k), Math.floor(0.99 * (k - 1)));
  const hi = niceCeil(Math.max(bins, p99 + 1));
  return histogram(tokens, count, 0, hi, bins, (v) => v >= 0);
}

/** The k-th smallest (0-based) of `a`, rearranging `a` (Hoare's selection, expected linear time). */
export function quickselect(a: Int32Array | Float64Array, k: number): number {
  let lo = 0, hi = a.length - 1;
  while (hi > lo) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) { const t = a[i]; a[i] = a[j]; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else return a[k];
  }
  return a[k];
}

/** The median of the first `n` values of `a` (a copy is rearranged; `scratch` is reused when large enough). */
function medianOf(values: Int32Array, n: number, scratch: Int32Array): number {
  if (n === 0) return NaN;
  const s = scratch.subarray(0, n);
  s.set(values.subarray(0, n));
  const lower = quickselect(s, (n - 1) >> 1);
  if (n % 2 === 1) return lower;
  let upper = Infinity;
  for (let i = (n >> 1); i < n; i++) if (s[i] < upper) upper = s[i];
  return (lower + upper) / 2;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Row indices ordered by `key` (ascending or descending), ties in index order, NaN keys last (in index order): a
 * stable least-significant-digit radix sort on the keys' bits (four passes of 16 bits over an order-preserving form
 * of each double), so that 100k rows take milliseconds and a million stay well under a second, with no comparator
 * called per pair.
 */
export function orderBy(key: ArrayLike<number>, count: number, descending: boolean): Int32Array {
  const order = new Int32Array(count);
  let m = 0;
  for (let i = 0; i < count; i++) if (!Number.isNaN(key[i])) order[m++] = i;
  let nan = m;
  for (let i = 0; i < count; i++) if (Number.isNaN(key[i])) order[nan++] = i;
  if (!LITTLE_ENDIAN) {
    const part = order.subarray(0, m);
    part.sort((a, b) => (descending ? key[b] - key[a] : key[a] - key[b]) || a - b);
    return order;
  }
  const f = new Float64Array(m);
  for (let k = 0; k < m; k++) { const v = key[order[k]]; f[k] = v === 0 ? 0 : v; } // -0 sorts as 0
  const u = new Uint32Array(f.buffer);
  const hi = new Uint32Array(m), lo = new Uint32Array(m);
  for (let k = 0; k < m; k++) {
    let h = u[2 * k + 1], l = u[2 * k];
    if (h & 0x80000000) { h = ~h >>> 0; l = ~l >>> 0; } else h = (h | 0x80000000) >>> 0;
    if (descending) { h = ~h >>> 0; l = ~l >>> 0; }
    hi[k] = h; lo[k] = l;
  }
  let src = new Int32Array(m);
  for (let k = 0; k < m; k++) src[k] = k;
  let dst = new Int32Array(m);
  const counts = new Int32Array(65537);
  for (let pass = 0; pass < 4; pass++) {
    const words = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let k = 0; k < m; k++) counts[((words[src[k]] >>> shift) & 0xffff) + 1]++;
    for (let d = 1; d < 65537; d++) counts[d] += counts[d - 1];
    for (let k = 0; k < m; k++) { const e = src[k]; dst[counts[(words[e] >>> shift) & 0xffff]++] = e; }
    const t = src; src = dst; dst = t;
  }
  const rows = order.slice(0, m);
  for (let k = 0; k < m; k++) order[k] = rows[src[k]];
  return order;
}




/**
 * Each row's percentile among the rows with a value (core/scores: ties get the mean of their places; NaN rows get
 * NaN), from `order`, the rows best first (orderBy descending) with the `m` valued ones in front.
 */
export function percentilesOf(values: ArrayLike<number>, count: number, order: Int32Array, m: number): Float64Array {
  const out = new Float64Array(count).fill(NaN);
  for (let r = 0; r < m;) {
    let e = r + 1;
    while (e < m && values[order[e]] === values[order[r]]) e++;
    const pct = percentileAt(m - e, e - r, m); // m - e scores are lower, e - r tie
    for (let q = r; q < e; q++) out[order[q]] = pct;
    r = e;
  }
  return out;
}

/** The problems SCAR's cleaning removes before a selection ranks (core/cleaningPass). */
export const CLEANING_FLAGS = ROW_FLAGS.duplicate | ROW_FLAGS.nearDuplicate | ROW_FLAGS.nonEnglish;

/**
 * Everything a cut needs, computed once per version of the columns: the scored rows in rank order (score descending,
 * ties in file order, as "Select top…" ranks them), their scores, their response lengths in that order, and every
 * row's percentile (core/scores: ties get the mean of their places). With the cleaning `applied`, the rows it removes
 * (CLEANING_FLAGS) take no part in a cut, as the export removes them before it ranks; percentiles stay over every
 * scored row, as the editor's badges show them.
 */
export class CutIndex {
  /** Row indices of scored rows, best first. */
  readonly order: Int32Array;
  /** The rows a cut ranks, best first: `order` without the cleaning's removals when it is applied. */
  private readonly ranked: Int32Array;
  /** Raw scores in rank order (descending). */
  private readonly rankedRaw: Float64Array;
  /** Response lengths in rank order (-1 unknown). */
  private readonly rankedTokens: Int32Array;
  /** Each row's percentile among scored rows; NaN for unscored rows. */
  readonly percentile: Float64Array;
  private readonly medianAll: number;
  private scratch: Int32Array;
  private known: Int32Array;

  constructor(rows: OverviewRows, private readonly shownOf: (raw: number) => number, private readonly rawOf: (shown: number) => number, readonly cleaning: CutCleaning = 'none') {
    const n = rows.count;
    const order = orderBy(rows.score, n, true);
    let m = 0;
    for (let i = 0; i < n; i++) if (!Number.isNaN(rows.score[i])) m++;
    this.order = order.subarray(0, m);
    if (cleaning === 'applied') {
      const kept = new Int32Array(m);
      let k = 0;
      for (let r = 0; r < m; r++) if ((rows.flags[this.order[r]] & CLEANING_FLAGS) === 0) kept[k++] = this.order[r];
      this.ranked = kept.subarray(0, k);
    } else {
      this.ranked = this.order;
    }
    const ranked = this.ranked;
    this.rankedRaw = new Float64Array(ranked.length);
    this.rankedTokens = new Int32Array(ranked.length);
    for (let r = 0; r < ranked.length; r++) { this.rankedRaw[r] = rows.score[ranked[r]]; this.rankedTokens[r] = rows.tokens[ranked[r]]; }
    this.percentile = percentilesOf(rows.score, n, order, m);
    this.scratch = new Int32Array(Math.max(1, m));
    this.known = new Int32Array(Math.max(1, n));
    let k = 0;
    for (let i = 0; i < n; i++) if (rows.tokens[i] >= 0) this.known[k++] = rows.tokens[i];
    const all = this.known.slice(0, k);
    this.medianAll = medianOf(all, k, new Int32Array(Math.max(1, k)));
  }

  get scored(): number {
    return this.order.length;
  }

  /** How many lines a cut keeps. */
  keptBy(cut: Cut): number {
    const m = this.ranked.length;
    switch (cut.mode) {
      case 'top-k': return Math.max(0, Math.min(m, Math.floor(cut.value)));
      case 'top-percent': return cut.value <= 0 ? 0 : ratioCount(Math.min(1, cut.value / 100), m);
      case 'threshold': {
        // Compared on the raw scale, as the selection's threshold criterion does (the map is monotone).
        const t = this.rawOf(cut.value);
        let lo = 0, hi = m;
        while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.rankedRaw[mid] >= t) lo = mid + 1; else hi = mid; }
        return lo;
      }
    }
  }

  stats(cut: Cut): CutStats {
    const m = this.ranked.length;
    const kept = this.keptBy(cut);
    let n = 0;
    for (let r = 0; r < kept; r++) { const t = this.rankedTokens[r]; if (t >= 0) this.known[n++] = t; }
    return {
      mode: cut.mode, value: cut.value, kept, scored: m, share: m === 0 ? 0 : kept / m,
      cleaning: this.cleaning, removed: this.order.length - m,
      medianTokensKept: medianOf(this.known, n, this.scratch), medianTokensAll: this.medianAll,
      boundary: kept === 0 ? NaN : this.shownOf(this.rankedRaw[kept - 1]),
    };
  }

  /** The row indices a cut keeps, best first. */
  keptRows(cut: Cut): Int32Array {
    return this.ranked.subarray(0, this.keptBy(cut));
  }
}

/** Counts of each problem kind, and of scored rows per band. */
export function problemCounts(rows: OverviewRows): Record<ProblemKind, number> {
  const out = Object.fromEntries(PROBLEM_KINDS.map((k) => [k, 0])) as Record<ProblemKind, number>;
  for (let i = 0; i < rows.count; i++) {
    const f = rows.flags[i];
    if (f === 0) continue;
    for (const k of PROBLEM_KINDS) if (f & ROW_FLAGS[k]) out[k]++;
  }
  return out;
}

/** The band of a row from its percentile (NaN: 'none'), with the bands' cut percentiles. */
export function rowBand(percentile: number, cuts: { high: number; low: number }): RowBand {
  if (Number.isNaN(percentile)) return 'none';
  if (percentile >= cuts.high) return 'high';
  if (percentile < cuts.low) return 'low';
  return 'mid';
}


export interface TableFilter {
  /** Rows in any of these bands (empty: every band). */
  bands: readonly RowBand[];
  /** Rows with any of these problems (empty: every row). */
  kinds: readonly ProblemKind[];
  /** Rows whose text contains this (case-insensitive); the caller supplies the test (it holds the text). */
  text: string;
}

export interface TableQuery extends TableFilter {
  sort: SortColumn;
  descending: boolean;
  offset: number;
  limit: number;
}

function popcount(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}

/**
 * Sorted and filtered views of the rows, for pages of the table. A column's order (either way; rows without a
 * value last, ties in line order) is computed once and the filtered list once per filter, so scrolling costs a slice.
 */
export class TableIndex {
  private readonly orders = new Map<string, Int32Array>();
  private last: { key: string; rows: Int32Array } | undefined;

  constructor(private readonly rows: OverviewRows, private readonly percentile: Float64Array, private readonly cuts: { high: number; low: number }) {}

  private value(col: SortColumn, i: number): number {
    const r = this.rows;
    switch (col) {
      case 'line': return r.line[i];
      case 'score': return r.score[i];
      case 'tokens': return r.tokens[i] < 0 ? NaN : r.tokens[i];
      case 'instruction': return r.instKey[i];
      case 'response': return r.respKey[i];
      case 'problems': return popcount(r.flags[i]);
    }
  }

  private orderOf(col: SortColumn, descending: boolean): Int32Array {
    const cacheKey = `${col}:${descending}`;
    let o = this.orders.get(cacheKey);
    if (o) return o;
    const n = this.rows.count;
    if (col === 'line' && !descending) {
      o = new Int32Array(n);
      for (let i = 0; i < n; i++) o[i] = i; // rows are in line order
    } else {
      const key = new Float64Array(n);
      for (let i = 0; i < n; i++) key[i] = this.value(col, i);
      o = orderBy(key, n, descending);
    }
    this.orders.set(cacheKey, o);
    return o;
  }

  /** The filtered rows in sort order (cached for the last query), and a page of them. */
  query(q: TableQuery, textMatches?: (row: number) => boolean): { total: number; rows: Int32Array } {
    const key = JSON.stringify([q.sort, q.descending, q.bands, q.kinds, q.text]);
    let all = this.last?.key === key ? this.last.rows : undefined;
    if (!all) {
      const order = this.orderOf(q.sort, q.descending);
      const n = order.length;
      const mask = q.kinds.reduce((m, k) => m | ROW_FLAGS[k], 0);
      const bands = new Set(q.bands);
      const needText = q.text.trim() !== '' && textMatches !== undefined;
      const out = new Int32Array(n);
      let k = 0;
      for (let j = 0; j < n; j++) {
        const i = order[j];
        if (mask && (this.rows.flags[i] & mask) === 0) continue;
        if (bands.size && !bands.has(rowBand(this.percentile[i], this.cuts))) continue;
        if (needText && !textMatches!(i)) continue;
        out[k++] = i;
      }
      all = out.subarray(0, k);
      this.last = { key, rows: all };
    }
    const offset = Math.max(0, Math.min(q.offset, all.length));
    return { total: all.length, rows: all.subarray(offset, Math.min(all.length, offset + Math.max(0, q.limit))) };
  }
}
