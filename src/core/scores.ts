// Numbers about scores: a line's score from its pairs, percentiles within a file, and summary statistics.
// Pure functions over plain arrays; no I/O.
import type { PairScore } from './types';

/**
 * The score of a line from the scores of its pairs, the one rule every runtime uses (the engine's 'score-lines', the
 * file pipeline's streams). A line usually yields one pair; with the turn policy 'all' a conversation yields one pair
 * per exchange, and the line's score (and each component) is the mean over its exchanges.
 * Writes the mean of scores[from, from + count) to out[at] (score), out[at + 1] (composition) and out[at + 2]
 * (presentation); NaN for a line without pairs (count 0).
 */
export function meanOverPairs(scores: ArrayLike<PairScore>, from: number, count: number, out: Float64Array, at: number): void {
  let s = 0, c = 0, p = 0;
  for (let k = from; k < from + count; k++) { const x = scores[k]; s += x.score; c += x.composition; p += x.presentation; }
  out[at] = s / count; out[at + 1] = c / count; out[at + 2] = p / count;
}

/**
 * meanOverPairs for a batch of pairs from several lines: owners[k] is the line (a row of `out`, three numbers a row)
 * that pair k belongs to, and a line's pairs stand next to each other. Rows of lines with no pair are left alone.
 */
export function meansByOwner(scores: ArrayLike<PairScore>, owners: ArrayLike<number>, out: Float64Array): void {
  for (let k = 0; k < scores.length;) {
    const owner = owners[k];
    let j = k + 1;
    while (j < scores.length && owners[j] === owner) j++;
    meanOverPairs(scores, k, j - k, out, 3 * owner);
    k = j;
  }
}

/**
 * The percentile rule: among m scores, one with `lower` scores below it and `equal` scores equal to it (itself
 * included) stands at the share of the OTHER scores that are lower, ties counted half, 0-100. 50 when m is 1.
 */
export function percentileAt(lower: number, equal: number, m: number): number {
  return m <= 1 ? 50 : (100 * (lower + 0.5 * (equal - 1))) / (m - 1);
}

/**
 * Percentile of each score within its file, 0-100: the share of the OTHER scored lines whose score is
 * lower, with ties counted half. The lowest of distinct scores gets 0, the highest 100, the median about
 * 50; equal scores get equal percentiles. A file with a single scored line gives it 50.
 * NaN marks a line without a score: its percentile is NaN and it does not count for the others.
 */
export function percentiles(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  const out = new Float64Array(n).fill(NaN);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(scores[i])) idx.push(i);
  const m = idx.length;
  if (m === 0) return out;
  if (m === 1) { out[idx[0]] = 50; return out; }
  idx.sort((a, b) => scores[a] - scores[b]);
  let i = 0;
  while (i < m) {
    let j = i + 1;
    while (j < m && scores[idx[j]] === scores[idx[i]]) j++;
    // idx[i..j) tie: i lines are lower, j - i are equal.
    const pct = percentileAt(i, j - i, m);
    for (let k = i; k < j; k++) out[idx[k]] = pct;
    i = j;
  }
  return out;
}

export interface ScoreSummary {
  /** How many scores (NaN excluded). */
  count: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p10: number;
  p25: number;
  p75: number;
  p90: number;
}

/** Quantile q (0-1) of ascending-sorted values, by linear interpolation between closest ranks. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = Math.min(Math.max(q, 0), 1) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Summary statistics of the scores; NaN entries (lines without a score) are ignored. Undefined if none. */
export function summarizeScores(scores: ArrayLike<number>): ScoreSummary | undefined {
  let count = 0;
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) count++;
  if (count === 0) return undefined;
  const sorted = new Float64Array(count);
  let k = 0, sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const v = scores[i];
    if (!Number.isNaN(v)) { sorted[k++] = v; sum += v; }
  }
  sorted.sort();
  return summaryOf(sorted, sum);
}

/** Summary statistics of scores already in ascending order, without NaN (a score table's sorted copy). Undefined if none. */
export function summarizeSorted(sorted: ArrayLike<number>): ScoreSummary | undefined {
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i];
  return sorted.length === 0 ? undefined : summaryOf(sorted, sum);
}

function summaryOf(sorted: ArrayLike<number>, sum: number): ScoreSummary {
  const count = sorted.length;
  return {
    count,
    min: sorted[0],
    max: sorted[count - 1],
    mean: sum / count,
    median: quantileSorted(sorted, 0.5),
    p10: quantileSorted(sorted, 0.1),
    p25: quantileSorted(sorted, 0.25),
    p75: quantileSorted(sorted, 0.75),
    p90: quantileSorted(sorted, 0.9),
  };
}

/** Index of the first element of ascending `sorted` that is not below x. */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid] < x) lo = mid + 1; else hi = mid; }
  return lo;
}

/** Index of the first element of ascending `sorted` that is above x. */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) { const mid = (lo + hi) >>> 1; if (sorted[mid] <= x) lo = mid + 1; else hi = mid; }
  return lo;
}

/**
 * The percentile (as `percentiles` defines it) of a score that is one of the ascending-sorted scores of a file: the
 * share of the file's other scores that are lower, ties counted half. 50 for a file of one score.
 */
export function percentileInSorted(sorted: ArrayLike<number>, score: number): number {
  const m = sorted.length;
  if (m <= 1) return 50;
  const lower = lowerBound(sorted, score);
  const equal = upperBound(sorted, score) - lower; // includes the line itself
  return percentileAt(lower, Math.max(equal, 1), m);
}

/**
 * Every distinct score of ascending-sorted scores with its percentile (as `percentiles` defines it), in one pass: a
 * line's percentile is then a look-up, not a search.
 */
export function percentilesOfSorted(sorted: ArrayLike<number>): Map<number, number> {
  const m = sorted.length;
  const out = new Map<number, number>();
  for (let i = 0; i < m;) {
    let j = i + 1;
    while (j < m && sorted[j] === sorted[i]) j++;
    out.set(sorted[i], percentileAt(i, j - i, m));
    i = j;
  }
  return out;
}

/** Rank of a score among ascending-sorted scores, 1 = the highest; equal scores share the best rank. */
export function rankInSorted(sorted: ArrayLike<number>, score: number): number {
  return sorted.length - upperBound(sorted, score) + 1;
}
