// Selection as in SCAR: rank the scored lines, then keep the top k, the top ratio, or every line at or above
// a threshold (exactly one criterion). Lines without a score are never selected.
//
// Semantics, fixed here and tested:
// - Ranking is by score, descending; ties keep file order (a stable sort), so results are reproducible.
// - top-k keeps min(k, scored) lines.
// - ratio R in (0, 1] keeps ceil(R x scored) lines: rounded UP, so a positive ratio of a non-empty file never
//   keeps nothing, and 25% of 9,998 lines keeps 2,500 (floor would keep 2,499). To guard against float noise
//   (0.07 x 100 = 7.000000000000001) the product is rounded to 9 decimals before the ceiling.
// - threshold T keeps every line whose score is >= T (SCAR's README filters at -2.0).
// - The output is in rank order, or in file order when keepOrder is set (the same set either way).

import { t } from './l10n';

export type SelectCriterion =
  | { kind: 'top-k'; k: number }
  | { kind: 'ratio'; ratio: number }
  /** threshold: a raw score; `label`, when the number people typed was on another scale, says the cut in their terms
   *  (e.g. "style score >= 60"). */
  | { kind: 'threshold'; threshold: number; label?: string };

export interface SelectOptions {
  /** Return the selected lines in file order instead of rank order. */
  keepOrder?: boolean;
}

/** Why a criterion is invalid, or undefined when it is valid. */
export function criterionProblem(c: SelectCriterion): string | undefined {
  switch (c.kind) {
    case 'top-k':
      return Number.isInteger(c.k) && c.k >= 0 ? undefined : `--top-k must be a whole number >= 0, got ${c.k}`;
    case 'ratio':
      return Number.isFinite(c.ratio) && c.ratio > 0 && c.ratio <= 1 ? undefined : `--ratio must be a number in (0, 1], got ${c.ratio}`;
    case 'threshold':
      return Number.isFinite(c.threshold) ? undefined : `--threshold must be a finite number, got ${c.threshold}`;
  }
}

/**
 * Builds the one criterion from optional values (as a command line gives them). Exactly one must be set.
 * Returns the criterion or a message saying what is wrong.
 */
export function makeCriterion(opts: { topK?: number; ratio?: number; threshold?: number }): SelectCriterion | { error: string } {
  const given = [opts.topK !== undefined, opts.ratio !== undefined, opts.threshold !== undefined].filter(Boolean).length;
  if (given !== 1) {
    return { error: given === 0 ? 'give exactly one of --top-k N, --ratio R or --threshold T' : 'give only one of --top-k, --ratio and --threshold, not several' };
  }
  const c: SelectCriterion = opts.topK !== undefined ? { kind: 'top-k', k: opts.topK }
    : opts.ratio !== undefined ? { kind: 'ratio', ratio: opts.ratio }
    : { kind: 'threshold', threshold: opts.threshold as number };
  const problem = criterionProblem(c);
  return problem ? { error: problem } : c;
}

/** How many of `scored` lines a ratio keeps (see the rounding rule above). */
export function ratioCount(ratio: number, scored: number): number {
  return Math.min(scored, Math.ceil(Math.round(ratio * scored * 1e9) / 1e9));
}

/** Indices of the scored entries (not NaN) in rank order: score descending, ties by index ascending. */
export function rankIndices(scores: ArrayLike<number>): Int32Array {
  let m = 0;
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) m++;
  const idx = new Int32Array(m);
  let k = 0;
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) idx[k++] = i;
  // Typed-array sort with a comparator is not guaranteed stable in every engine: break ties explicitly.
  idx.sort((a, b) => (scores[b] - scores[a]) || (a - b));
  return idx;
}

/**
 * Selects from per-line scores (NaN = line without a score). Returns the indices of the kept entries, in
 * rank order or (keepOrder) ascending index order. Throws on an invalid criterion.
 */
export function selectIndices(scores: ArrayLike<number>, criterion: SelectCriterion, options: SelectOptions = {}): Int32Array {
  const problem = criterionProblem(criterion);
  if (problem) throw new RangeError(problem);
  const ranked = rankIndices(scores);
  let count: number;
  switch (criterion.kind) {
    case 'top-k': count = Math.min(criterion.k, ranked.length); break;
    case 'ratio': count = ratioCount(criterion.ratio, ranked.length); break;
    case 'threshold': {
      count = 0;
      while (count < ranked.length && scores[ranked[count]] >= criterion.threshold) count++;
      break;
    }
  }
  const kept = ranked.slice(0, count);
  if (options.keepOrder) kept.sort();
  return kept;
}

/** A short description of the criterion for summaries, e.g. "top 25%", "top 100", "score >= -2". */
export function describeCriterion(c: SelectCriterion): string {
  switch (c.kind) {
    case 'top-k': return t('top {0}', c.k.toLocaleString('en-US'));
    case 'ratio': return t('top {0}%', +(c.ratio * 100).toFixed(4));
    case 'threshold': return c.label ?? t('score >= {0}', c.threshold);
  }
}
