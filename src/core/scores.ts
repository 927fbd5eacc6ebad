// Numbers about scores: a line's score from its pairs, percentiles within a file, and summary statistics.
// Pure functions over plain arrays; no I/O.
import type { PairScore } from './types';

/**
 * The score of a line from the scores of its pairs. A line usually yields one pair; with the turn policy
 * 'all' a conversation yields one pair per exchange, and the line's score (and each component) is the
 * mean over its exchanges. Returns undefined for a line without pairs.
 */
export function lineScore(pairs: ReadonlyArray<PairScore>): PairScore | undefined {
  if (pairs.length === 0) return undefined;
  if (pairs.length === 1) return { score: pairs[0].score, composition: pairs[0].composition, presentation: pairs[0].presentation };
  let s = 0, c = 0, p = 0;
  for (const x of pairs) { s += x.score; c += x.composition; p += x.presentation; }
  const n = pairs.length;
  return { score: s / n, composition: c / n, presentation: p / n };
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
    // idx[i..j) tie: i lines are lower, (j - i - 1) others are equal.
    const pct = (100 * (i + 0.5 * (j - i - 1))) / (m - 1);
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
  return (100 * (lower + 0.5 * (Math.max(equal, 1) - 1))) / (m - 1);
}

/** Rank of a score among ascending-sorted scores, 1 = the highest; equal scores share the best rank. */
export function rankInSorted(sorted: ArrayLike<number>, score: number): number {
  return sorted.length - upperBound(sorted, score) + 1;
}
