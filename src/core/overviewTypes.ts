// The names and shapes the dataset overview shares between the extension and its webview: problem kinds, bands, cut
// modes, sort columns, histograms and cut statistics. No imports, so the webview script bundles it alone.

/** Problems a line can have, as bits of OverviewRows.flags. */
export const ROW_FLAGS = {
  noPair: 1,
  duplicate: 2,
  nearDuplicate: 4,
  nonEnglish: 8,
  emptyResponse: 16,
  truncated: 32,
} as const;
export type ProblemKind = keyof typeof ROW_FLAGS;
export const PROBLEM_KINDS = Object.keys(ROW_FLAGS) as ProblemKind[];

export type RowBand = 'high' | 'mid' | 'low' | 'none';
export const ROW_BANDS: readonly RowBand[] = ['high', 'mid', 'low', 'none'];

export type CutMode = 'threshold' | 'top-k' | 'top-percent';
export const CUT_MODES: readonly CutMode[] = ['threshold', 'top-k', 'top-percent'];

export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
  /** Values above `hi` counted in the last bin (a length histogram's long tail). */
  clipped: number;
}

/** A cut: keep lines whose shown score is at least `value` (threshold), the best `value` lines (top-k), or the best `value`% (top-percent). */
export interface Cut {
  mode: CutMode;
  value: number;
}

/**
 * How a cut's counts relate to SCAR's cleaning, which the export runs first (duplicates, near-duplicates, other
 * languages, by the scar.selection settings):
 *   applied   the lines the export's cleaning removes are known and left out: the counts are the export's
 *   pending   the cleaning is not known yet (still running, or waiting for scores): counted before cleaning
 *   separate  the export cleans with other settings than the file's checks: counted before cleaning
 *   none      the export cleans nothing (both scar.selection steps off)
 */
export type CutCleaning = 'applied' | 'pending' | 'separate' | 'none';
export const CUT_CLEANING: readonly CutCleaning[] = ['applied', 'pending', 'separate', 'none'];

export interface CutStats {
  mode: CutMode;
  value: number;
  /** Lines the cut keeps, of the `scored` lines with a score (after cleaning when `cleaning` is applied). */
  kept: number;
  scored: number;
  cleaning: CutCleaning;
  /** Scored lines the cleaning leaves out (0 unless applied). */
  removed: number;
  /** kept / scored (0 when nothing is scored). */
  share: number;
  /** Median response length (tokens) of the kept lines and of every line whose length is known; NaN when none. */
  medianTokensKept: number;
  medianTokensAll: number;
  /** The lowest shown score kept (where the cut stands on the score histogram); NaN when nothing is kept. */
  boundary: number;
}

export type SortColumn = 'line' | 'score' | 'tokens' | 'instruction' | 'response' | 'problems';
export const SORT_COLUMNS: readonly SortColumn[] = ['line', 'score', 'tokens', 'instruction', 'response', 'problems'];

/** What the overview draws of a whole file: counts, both histograms, how far scoring got. */
export interface OverviewSummary {
  /** Non-blank lines (rows), blank lines, scored lines. */
  rows: number;
  blank: number;
  scored: number;
  counts: Record<ProblemKind, number>;
  scores: Histogram;
  lengths: Histogram;
  /** Whether response lengths are known for every row yet (they are read after the scores). */
  lengthsReady: boolean;
  /** 0-100, how much of the file has scores; complete when every line has its entry. */
  scoring: { percent: number; complete: boolean };
  /** Per band, scored rows. */
  bands: Record<RowBand, number>;
  /** The document version (or the file's modification time) the numbers belong to. */
  version: number;
}
