// The dataset overview's model: the columns of core/overview with their cut and table indexes, and the summary the
// webview draws; how a line's pairs fill a row; what the table previews and what a search looks in. Pure (no vscode
// import): the editor builds it for an open document, the overview service (src/engine/overviewService.ts) for a file
// on disk, and the benchmark as both do.
import { CutIndex, lengthHistogram, problemCounts, ROW_BANDS, ROW_FLAGS, rowBand, scoreHistogram, TableIndex, type OverviewRows, type RowBand } from './overview';
import type { CutCleaning, OverviewSummary } from './overviewTypes';
import type { LinePairs } from './linePairs';
import { countTokens } from './tokenise';
import type { Pair } from './types';

/** The most characters of an instruction or response preview in the table. */
export const PREVIEW_CHARS = 160;

/** The shown scale of scores (extension/scoring/scoreScale's ScoreScale is one): the map is monotone. */
export interface ScoreMap {
  readonly calibrated: boolean;
  shown(raw: number): number;
  raw(shown: number): number;
}

/** The two text columns the table sorts by their full text (core/textOrder). */
export type TextColumn = 'instruction' | 'response';

/** The rows of a file as the overview sees them, with what is derived from them. */
export class OverviewModel {
  readonly cut: CutIndex;
  private tableIndex: TableIndex;
  private readonly ranked = new Set<TextColumn>();

  constructor(
    readonly rows: OverviewRows,
    readonly blank: number,
    readonly version: number,
    readonly lengthsReady: boolean,
    readonly scoring: { percent: number; complete: boolean },
    readonly scale: ScoreMap,
    readonly cuts: { high: number; low: number },
    /** How the cut's counts relate to the export's cleaning (core/overviewTypes CutCleaning). */
    readonly cleaning: CutCleaning = 'none',
  ) {
    this.cut = new CutIndex(rows, (raw) => scale.shown(raw), (shown) => scale.raw(shown), cleaning);
    this.tableIndex = new TableIndex(rows, this.cut.percentile, cuts);
  }

  get table(): TableIndex {
    return this.tableIndex;
  }

  band(row: number): RowBand {
    return rowBand(this.cut.percentile[row], this.cuts);
  }

  /** Whether a text column has its full-text ranks (the table sorts by it only then). */
  hasTextRanks(column: TextColumn): boolean {
    return this.ranked.has(column);
  }

  /** Sets a text column's sort keys to its full-text ranks (core/textOrder textRanks, one per row). */
  setTextRanks(column: TextColumn, ranks: Float64Array): void {
    (column === 'instruction' ? this.rows.instKey : this.rows.respKey).set(ranks.subarray(0, this.rows.count));
    this.ranked.add(column);
    this.tableIndex = new TableIndex(this.rows, this.cut.percentile, this.cuts);
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

/** Response tokens and the empty-response flag of a line's first pair, into row `i`. */
export function fillFromPairs(rows: OverviewRows, i: number, pairs: readonly Pair[] | undefined): void {
  const p = pairs?.[0];
  if (!p) return;
  rows.tokens[i] = countTokens(p.response);
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

/** The text a column of the table sorts a line by: its first pair's instruction or response; undefined: none. */
export function columnText(found: LinePairs, column: TextColumn): string | undefined {
  if (!('pairs' in found) || !found.pairs[0]) return undefined;
  return column === 'instruction' ? found.pairs[0].instruction : found.pairs[0].response;
}

/**
 * A search of the table: case-insensitive, white space runs matching any white space, and no pattern syntax. It
 * looks where the user reads: the system prompt, instruction and response of each pair the line yields, or the
 * line's own text when it yields none (a parse error, say), never the JSON's keys and escapes.
 */
export class TextSearch {
  readonly needle: string;
  private readonly re: RegExp | undefined;

  constructor(text: string) {
    this.needle = text.trim().replace(/\s+/g, ' ').toLowerCase();
    const words = this.needle.split(' ').filter(Boolean).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.re = words.length ? new RegExp(words.join('\\s+'), 'i') : undefined;
  }

  get empty(): boolean {
    return this.re === undefined;
  }

  /** True when every line this search matches also matches `earlier` (it only narrows it: typing on). */
  narrows(earlier: TextSearch): boolean {
    return !earlier.empty && this.needle.includes(earlier.needle);
  }

  matches(found: LinePairs, lineText: string): boolean {
    if (!this.re) return true;
    if ('pairs' in found) {
      for (const p of found.pairs) {
        if (this.re.test(p.instruction) || this.re.test(p.response) || (p.system !== undefined && this.re.test(p.system))) return true;
      }
      return false;
    }
    return this.re.test(lineText);
  }
}
