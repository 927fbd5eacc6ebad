// Where a line of a derived document stands in the file its scores came from. A selection opens the top lines of a
// file in a new editor; percentiles recomputed within that editor would re-rank the selection against itself (its
// lowest line would read "bottom 1%"). Such an editor keeps its source's score distribution instead, so a line
// reads the percentile and rank it has in its source. Pure (no vscode import).
import { percentileInSorted, rankInSorted } from '../../core/scores';

export class ScoreReference {
  private readonly sorted: Float64Array;

  /** `scores`: the source file's raw line scores (NaN for lines without one), in any order; copied. */
  constructor(readonly source: string, scores: ArrayLike<number>) {
    const kept: number[] = [];
    for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i])) kept.push(scores[i]);
    this.sorted = Float64Array.from(kept).sort();
  }

  /** Scored lines of the source. */
  get count(): number { return this.sorted.length; }

  percentileOf(score: number): number { return percentileInSorted(this.sorted, score); }

  rankOf(score: number): number { return rankInSorted(this.sorted, score); }
}

/**
 * Whether a file is one SCAR Lens wrote from another (`<name>.top.jsonl` from "Select top…", `<name>.removed.jsonl`
 * from a filter or dedup): its lines are a cut of their source, so a percentile within it would mean something else
 * (the best line of a top-10% file is not "top 1%" of anything a user cares about). Such a file shows scores only.
 */
export function isOutputFileName(fileName: string): boolean {
  return /\.(top|removed)\.jsonl$/i.test(fileName);
}
