// The dataset overview's model: the columns of core/overview with their cut and table indexes, and the summary the
// webview draws; and how a line's pairs fill a row. Pure (no vscode import): the benchmark builds it as the panel does.
import { CutIndex, lengthHistogram, problemCounts, ROW_BANDS, ROW_FLAGS, rowBand, scoreHistogram, sortKey, TableIndex, type OverviewRows, type RowBand } from '../../core/overview';
import type { LinePairs } from '../../core/linePairs';
import { countTokens } from '../../core/tokenise';
import type { Pair } from '../../core/types';
import type { ScoreScale } from '../scoring/scoreScale';
import type { OverviewSummary } from './protocol';

/** The most characters of an instruction or response preview in the table. */
export const PREVIEW_CHARS = 160;
/** The rows of a file as the overview sees them, with what is derived from them. */
export class OverviewModel {
  readonly cut: CutIndex;
  readonly table: TableIndex;

  constructor(
    readonly rows: OverviewRows,
    readonly blank: number,
    readonly version: number,
    readonly lengthsReady: boolean,
    readonly scoring: { percent: number; complete: boolean },
    readonly scale: ScoreScale,
    readonly cuts: { high: number; low: number },
  ) {
    this.cut = new CutIndex(rows, (raw) => scale.shown(raw), (shown) => scale.raw(shown));
    this.table = new TableIndex(rows, this.cut.percentile, cuts);
  }

  band(row: number): RowBand {
    return rowBand(this.cut.percentile[row], this.cuts);
  }

  summary(): OverviewSummary {
    const r = this.rows;
    const shown = new Float64Array(r.count);
    for (let i = 0; i < r.count; i++) shown[i] = Number.isNaN(r.score[i]) ? NaN : this.scale.shown(r.score[i]);
    const bands = Object.fromEntries(ROW_BANDS.map((b) => [b, 0])) as Record<RowBand, number>;
    for (let i = 0; i < r.count; i++) bands[this.band(i)]++;
    return {
      rows: r.count, blank: this.blank, scored: this.cut.scored, counts: problemCounts(r),
      scores: scoreHistogram(shown, r.count, this.scale.calibrated), lengths: lengthHistogram(r.tokens, r.count),
      lengthsReady: this.lengthsReady, scoring: this.scoring, bands, version: this.version,
    };
  }
}

/** Response tokens and the two sort keys of a line's first pair, into row `i`. */
export function fillFromPairs(rows: OverviewRows, i: number, pairs: readonly Pair[] | undefined): void {
  const p = pairs?.[0];
  if (!p) return;
  rows.tokens[i] = countTokens(p.response);
  rows.instKey[i] = sortKey(p.instruction);
  rows.respKey[i] = sortKey(p.response);
  if (p.response.trim() === '') rows.flags[i] |= ROW_FLAGS.emptyResponse;
}

/** A preview: the text on one line, cut at PREVIEW_CHARS. */
export function preview(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > PREVIEW_CHARS ? `${one.slice(0, PREVIEW_CHARS - 1)}…` : one;
}

export function previewOf(found: LinePairs): { instruction: string; response: string } {
  if ('pairs' in found && found.pairs[0]) return { instruction: preview(found.pairs[0].instruction), response: preview(found.pairs[0].response) };
  if ('error' in found) return { instruction: preview(found.error), response: '' };
  return { instruction: '', response: '' };
}

/** A case-insensitive test for a search text (no regular-expression syntax). */
export function textTest(text: string): RegExp {
  return new RegExp(text.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

