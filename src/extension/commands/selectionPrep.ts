// "Select top" and "Export top" before the criterion: SCAR's cleaning run once over a document's lines (exact
// duplicates, language, near-duplicates, keeping the best-scored copies), off the host or in slices, then any
// criterion answered from the ranked scores without cleaning again. Pure (no vscode import).
import { CleaningPass, type CleaningOptions, type Removal } from '../../core/cleaningPass';
import { ratioCount, type SelectCriterion } from '../../core/select';
import { pipelineCleaningOptions, pipelineReport, selectSurvivors, type PipelineReport } from '../../core/selectionPipeline';
import type { Pair } from '../../core/types';
import { macrotask, type DocLine, type ScoredDocLine } from './docLines';
import type { SelectionSwitches } from '../hygiene/selectionCleaning';
import type { CleaningOutcome } from '../../engine/cleaningClient';

export type { SelectionSwitches } from '../hygiene/selectionCleaning';
export type { CleaningOutcome } from '../../engine/cleaningClient';

/** What the quick pick needs to count what each criterion keeps: the ranked scores, best first. */
export interface RankedScores {
  /** Survivors of cleaning with a score, best first (their scores). */
  rankedScores: Float64Array;
  /** How many lines cleaning removed. */
  removedCount: number;
}

/** The ranked scores of per-line scores (NaN = none), leaving out the lines `isRemoved` names. */
export function rankScores(scores: ArrayLike<number>, isRemoved: (i: number) => boolean, removedCount: number): RankedScores {
  let n = 0;
  const kept = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i]) && !isRemoved(i)) kept[n++] = scores[i];
  return { rankedScores: kept.subarray(0, n).sort().reverse(), removedCount };
}

/** A document cleaned in SCAR's order, ready to answer any criterion without cleaning again. */
export interface PreparedSelection extends RankedScores {
  switches: SelectionSwitches;
  /** Lines that yield pairs, in document order (what cleaning saw). */
  candidates: DocLine[];
  /** Score per candidate, NaN when it has none. */
  scores: Float64Array;
  /** Why each removed line was removed, by 1-based line. */
  removed: Map<number, Removal>;
  /** The cleaning counts, for the report. */
  cleaning: { input: number; counts: { exact: number; language: number; nearDuplicate: number } };
}

export interface PrepareOptions {
  /** Longest stretch of work between two yields to the event loop, in ms (default 20). */
  sliceMs?: number;
  /** How to yield (default: a macrotask, so that the extension host handles its other events). */
  pause?: () => Promise<void>;
  /** Called after each slice with the lines cleaned so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Stops between slices (rejects with the signal's reason). */
  signal?: AbortSignal;
  /**
   * The CleaningPass options (selectionCleaning.ts selectionCleaningOptions decides them for the editor); default:
   * the switches' steps with SCAR's near-duplicate parameters.
   */
  cleaning?: CleaningOptions;
  /**
   * Runs the cleaning elsewhere (the cleaning service, off the extension host, or a hygiene snapshot that already
   * holds it) instead of in slices here: given the candidates and the CleaningPass options, it must give what
   * CleaningPass gives.
   */
  clean?: (candidates: ReadonlyArray<DocLine>, options: CleaningOptions, run: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }) => Promise<CleaningOutcome>;
}



/** CleaningPass over the candidates in this thread: adding lines in slices that yield, then finish() in one go. */
async function cleanInSlices(candidates: ReadonlyArray<DocLine>, cleaningOptions: CleaningOptions, options: PrepareOptions): Promise<CleaningOutcome> {
  const sliceMs = options.sliceMs ?? 20;
  const pause = options.pause ?? macrotask;
  const pass = new CleaningPass(cleaningOptions);
  let sliceStart = performance.now();
  for (let i = 0; i < candidates.length; i++) {
    pass.add(candidates[i].index + 1, candidates[i].pairs as Pair[]);
    if ((i & 31) === 31 && performance.now() - sliceStart > sliceMs) {
      options.onProgress?.(i + 1, candidates.length);
      await pause();
      options.signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
  const byLine = new Map(candidates.map((l) => [l.index + 1, l]));
  return pass.finish((line) => byLine.get(line)?.pairs as Pair[], (line) => byLine.get(line)?.score);
}

/**
 * Runs SCAR's cleaning over the lines once (exact dedup, language, near-dedup, keeping best-scored copies), as
 * core/cleaningPass CleaningPass does in one go (the tests' runSelectionPipeline oracle), but in slices that yield to the event loop: cleaning 100k
 * lines takes seconds, and the extension host must not stall meanwhile. With both switches off nothing is removed.
 */
export async function prepareSelection(lines: ReadonlyArray<DocLine>, switches: SelectionSwitches, options: PrepareOptions = {}): Promise<PreparedSelection> {
  const candidates = lines.filter((l) => l.pairs !== undefined);
  const scores = new Float64Array(candidates.length);
  candidates.forEach((l, i) => { scores[i] = l.score ?? NaN; });
  let removed = new Map<number, Removal>();
  let cleaning = { input: candidates.length, counts: { exact: 0, language: 0, nearDuplicate: 0 } };
  if (switches.dedup || switches.languageFilter) {
    const cleaningOptions = options.cleaning ?? pipelineCleaningOptions(switches);
    const result = options.clean
      ? await options.clean(candidates, cleaningOptions, { signal: options.signal, onProgress: options.onProgress })
      : await cleanInSlices(candidates, cleaningOptions, options);
    removed = result.removed;
    cleaning = { input: result.input, counts: result.counts };
  }
  return {
    ...rankScores(scores, (i) => removed.has(candidates[i].index + 1), removed.size),
    switches,
    candidates,
    scores,
    removed,
    cleaning,
  };
}

/** How many lines a criterion keeps (cheap: from the ranked scores). */
export function keptCount(prep: RankedScores, c: SelectCriterion): number {
  const n = prep.rankedScores.length;
  switch (c.kind) {
    case 'top-k': return Math.min(c.k, n);
    case 'ratio': return ratioCount(c.ratio, n);
    case 'threshold': {
      // rankedScores is descending: binary search for the first score below the threshold.
      let lo = 0, hi = n;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (prep.rankedScores[mid] >= c.threshold) lo = mid + 1; else hi = mid; }
      return lo;
    }
  }
}

/** The selected lines (rank order, or document order with keepOrder) and the pipeline's report. */
export function applyCriterion(prep: PreparedSelection, c: SelectCriterion, keepOrder = false): { selected: ScoredDocLine[]; report: PipelineReport } {
  const { indices, ranked } = selectSurvivors(prep.scores, (i) => prep.removed.has(prep.candidates[i].index + 1), c, keepOrder);
  const selected = Array.from(indices, (i) => prep.candidates[i] as ScoredDocLine);
  return { selected, report: pipelineReport(prep.cleaning, ranked, selected.length, { criterion: c, ...prep.switches }) };
}
