// Selection in SCAR's order: exact dedup, then the language filter, then near-dedup (cleaningPass.ts), then
// rank the surviving scored lines and select (select.ts). Used by the editor's "Select top style-consistent
// examples" over in-memory lines; `scar select` runs the same two halves over a streamed file
// (CleaningPass while reading, selectSurvivors on the scores) and prints the same report.

import type { CleaningOptions, CleaningResult } from './cleaningPass';
import type { NearDupOptions } from './dedup';
import { describeCriterion, selectIndices, type SelectCriterion } from './select';
import { t } from './l10n';

export interface PipelineOptions {
  criterion: SelectCriterion;
  /** Exact and near-duplicate removal (default true). */
  dedup?: boolean;
  /** Drop lines that are not English (default true). */
  languageFilter?: boolean;
  /** Which language check: the detector (default) or SCAR's ASCII-letter heuristic. */
  languageCheck?: 'detector' | 'scar';
  /** Near-duplicate parameters (threshold, ngram, ...); SCAR's by default. */
  nearDup?: Partial<NearDupOptions>;
  /** Return the selected lines in file order instead of rank order. */
  keepOrder?: boolean;
}

export interface PipelineReport {
  /** Lines given to the pipeline. */
  input: number;
  removedExact: number;
  removedLanguage: number;
  removedNearDup: number;
  /** Lines that survived cleaning and have a score: what selection ranked. */
  ranked: number;
  selected: number;
  criterion: SelectCriterion;
  /** Which steps ran (the report names only those). */
  dedup: boolean;
  languageFilter: boolean;
}

/** The cleaning options the pipeline's switches stand for. */
export function pipelineCleaningOptions(o: Pick<PipelineOptions, 'dedup' | 'languageFilter' | 'languageCheck' | 'nearDup'>): CleaningOptions {
  const dedup = o.dedup !== false;
  return {
    exact: dedup,
    language: o.languageFilter === false ? 'off' : o.languageCheck ?? 'detector',
    near: dedup ? o.nearDup ?? true : false,
  };
}

/**
 * Selects among `scores` (NaN = no score), never choosing an index for which `isRemoved` is true. Returns
 * indices into `scores` in rank order, or file order with keepOrder, and how many were ranked.
 */
export function selectSurvivors(
  scores: ArrayLike<number>,
  isRemoved: (index: number) => boolean,
  criterion: SelectCriterion,
  keepOrder = false,
): { indices: Int32Array; ranked: number } {
  const masked = new Float64Array(scores.length);
  let ranked = 0;
  for (let i = 0; i < scores.length; i++) {
    const s = isRemoved(i) ? NaN : scores[i];
    masked[i] = s;
    if (!Number.isNaN(s)) ranked++;
  }
  return { indices: selectIndices(masked, criterion, { keepOrder }), ranked };
}

/** The report of a cleaning result and a selection, as the pipeline and `scar select` make it. */
export function pipelineReport(
  cleaning: Pick<CleaningResult, 'input' | 'counts'>,
  ranked: number,
  selected: number,
  options: Pick<PipelineOptions, 'criterion' | 'dedup' | 'languageFilter'>,
): PipelineReport {
  return {
    input: cleaning.input,
    removedExact: cleaning.counts.exact,
    removedLanguage: cleaning.counts.language,
    removedNearDup: cleaning.counts.nearDuplicate,
    ranked,
    selected,
    criterion: options.criterion,
    dedup: options.dedup !== false,
    languageFilter: options.languageFilter !== false,
  };
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/**
 * One line for the CLI and the editor, e.g.
 * "Removed 12 exact duplicates, 3 non-English, 40 near-duplicates; kept 2,500 of 9,943 (top 25%)".
 * Steps that did not run are not named; with none, it is "Kept 2,500 of 9,998 (top 25%)".
 */
export function formatPipelineReport(r: PipelineReport): string {
  const parts: string[] = [];
  if (r.dedup) parts.push(r.removedExact === 1 ? t('1 exact duplicate') : t('{0} exact duplicates', fmt(r.removedExact)));
  if (r.languageFilter) parts.push(t('{0} non-English', fmt(r.removedLanguage)));
  if (r.dedup) parts.push(r.removedNearDup === 1 ? t('1 near-duplicate') : t('{0} near-duplicates', fmt(r.removedNearDup)));
  const criterion = describeCriterion(r.criterion);
  return parts.length ? t('Removed {0}; kept {1} of {2} ({3})', parts.join(', '), fmt(r.selected), fmt(r.ranked), criterion)
    : t('Kept {0} of {1} ({2})', fmt(r.selected), fmt(r.ranked), criterion);
}
