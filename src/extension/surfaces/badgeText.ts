// The words and symbols of a line's score badge, and its band. Pure (no vscode import), so it is unit-tested.
// Every badge of a format has the same number of characters, so that a badge before the line's text keeps the JSON
// of all lines aligned (the editor font is monospace; the decoration also sets a fixed width in `ch`).
import type { BadgeFormat } from '../configValues';
import { t } from '../../core/l10n';

export type Band = 'high' | 'mid' | 'low';

export const BAND_SYMBOL: Readonly<Record<Band, string>> = { high: '▲', mid: '●', low: '▼' };
export const PENDING_SYMBOL = '◌';
export const PROBLEM_SYMBOL = '⚠';

/** The band of a percentile: high at or above `high`, low below `low`, mid between. */
export function bandOf(percentile: number, cuts: { high: number; low: number }): Band {
  if (percentile >= cuts.high) return 'high';
  if (percentile < cuts.low) return 'low';
  return 'mid';
}

/**
 * Where a line stands in its file, from its percentile: "top 12%" for the upper half, "bottom 17%" for the lower half,
 * from 1% to 50%. Rounded up, so that "top k%" is true of the line: about 1% of a file's lines read "top 1%", not the
 * 1.5% that rounding to the nearest would give.
 */
export function topShare(percentile: number): string {
  const above = 100 - percentile;
  if (above <= 50) return t('top {0}%', Math.max(1, Math.ceil(above - 1e-9)));
  return t('bottom {0}%', Math.max(1, Math.ceil(percentile - 1e-9)));
}

/** Characters of the longest share text ("bottom 49%"). */
const SHARE_WIDTH = 10;

/** A five-cell bar of the percentile, e.g. 62 -> "▮▮▮▯▯" (cells rounded to the nearest fifth). */
export function percentileBar(percentile: number, cells = 5): string {
  const filled = Math.min(cells, Math.max(0, Math.round((percentile / 100) * cells)));
  return '▮'.repeat(filled) + '▯'.repeat(cells - filled);
}

/** Characters of the score in a badge: 3 for the 0-100 style score ("72", "<1", ">99"), 6 for a raw score ("-17.53"). */
export const STYLE_SCORE_WIDTH = 3;
export const RAW_SCORE_WIDTH = 6;

/** The raw score in 6 characters: two decimals ("-17.53", "-4.55", "0.82"), fewer for large values. */
export function rawScoreText(score: number): string {
  let s = score.toFixed(2);
  if (s.length > 6) s = score.toFixed(1);
  if (s.length > 6) s = score.toFixed(0);
  if (s.length > 6) s = score < 0 ? '≤-1e5' : '≥1e6';
  return s;
}

function padStart(text: string, width: number): string {
  return text.length >= width ? text : ' '.repeat(width - text.length) + text;
}

/** Characters of every badge of a format (symbol included), for scores `scoreWidth` characters wide. */
export function badgeWidth(format: BadgeFormat, scoreWidth = STYLE_SCORE_WIDTH): number {
  switch (format) {
    case 'score': return 2 + scoreWidth;
    case 'percentile': return 2 + SHARE_WIDTH;
    case 'bar': return 2 + 5;
    case 'both': return 2 + scoreWidth + 3 + SHARE_WIDTH;
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/**
 * The badge of a scored line, e.g. "▲ 82 · top 12%" or "▼  9 · bottom 6%" (format both), padded to the format's width.
 * `score` is the number as shown (the style score, or the raw score), right-aligned in `scoreWidth` characters.
 * `percentile` undefined: a file whose percentiles would mean something else (a selection, which holds only the top
 * of its source): the share is left out, and 'percentile' and 'bar' show the score instead.
 */
export function scoreBadge(score: string, percentile: number | undefined, band: Band, format: BadgeFormat, scoreWidth = STYLE_SCORE_WIDTH): string {
  const sym = BAND_SYMBOL[band];
  const scoreField = padStart(score, scoreWidth);
  let body: string;
  if (percentile === undefined) body = scoreField;
  else {
    switch (format) {
      case 'score': body = scoreField; break;
      case 'percentile': body = pad(topShare(percentile), SHARE_WIDTH); break;
      case 'bar': body = percentileBar(percentile); break;
      case 'both': body = `${scoreField} · ${pad(topShare(percentile), SHARE_WIDTH)}`; break;
    }
  }
  return pad(`${sym} ${body}`, badgeWidth(format, scoreWidth));
}

/** The badge of a line without a pair: its problem, cut to the badge width with an ellipsis. */
export function problemBadge(problem: string, format: BadgeFormat, scoreWidth = STYLE_SCORE_WIDTH): string {
  const width = badgeWidth(format, scoreWidth);
  const text = `${PROBLEM_SYMBOL} ${problem}`;
  return text.length <= width ? pad(text, width) : text.slice(0, width - 1) + '…';
}

/** The badge of a line whose score is on its way (keeps the line's text where it was). */
export function pendingBadge(format: BadgeFormat, scoreWidth = STYLE_SCORE_WIDTH): string {
  return pad(`${PENDING_SYMBOL} ···`, badgeWidth(format, scoreWidth));
}
