// Test oracle: SCAR's selection over in-memory lines in one go (clean with CleaningPass, then rank and select the
// survivors), the plain composition of the production halves that the editor runs in slices
// (src/extension/selectionModel.ts prepareSelection) and `scar select` runs streaming.
import type { Removal } from '../../../src/core/cleaningPass';
import { CleaningPass } from '../../../src/core/cleaningPass';
import type { TextPair } from '../../../src/core/dedup';
import { pipelineCleaningOptions, pipelineReport, selectSurvivors, type PipelineOptions, type PipelineReport } from '../../../src/core/selectionPipeline';

export interface PipelineItem {
  /** 1-based line of the record. */
  line: number;
  /** The pairs the line yields (lines without a pair should not be passed). */
  pairs: ReadonlyArray<TextPair>;
  /** The line's ranker score; a line without one is cleaned but never selected. */
  score?: number;
}

export interface PipelineResult {
  /** Selected lines, in rank order (best first) or file order with keepOrder. */
  selected: number[];
  report: PipelineReport;
  /** Why each removed line was removed. */
  removed: Map<number, Removal>;
}

/** Runs the whole pipeline over in-memory lines (items in file order, increasing lines). */
export function runSelectionPipeline(items: ReadonlyArray<PipelineItem>, options: PipelineOptions): PipelineResult {
  const pass = new CleaningPass(pipelineCleaningOptions(options));
  const byLine = new Map<number, number>();
  items.forEach((it, i) => {
    byLine.set(it.line, i);
    pass.add(it.line, it.pairs);
  });
  const scoreAt = (i: number): number | undefined => {
    const s = items[i].score;
    return s !== undefined && Number.isFinite(s) ? s : undefined;
  };
  const cleaning = pass.finish((line) => items[byLine.get(line) as number].pairs, (line) => scoreAt(byLine.get(line) as number));
  const scores = items.map((_, i) => scoreAt(i) ?? NaN);
  const { indices, ranked } = selectSurvivors(scores, (i) => cleaning.removed.has(items[i].line), options.criterion, options.keepOrder);
  const selected = Array.from(indices, (i) => items[i].line);
  return { selected, report: pipelineReport(cleaning, ranked, selected.length, options), removed: cleaning.removed };
}
