// The words and symbols of a line's score badge, and its band. Pure (no vscode import), so it is unit-tested.
// Every badge of a format has the same number of characters, so that a badge before the line's text keeps the JSON
// of all lines aligned (the editor font is monospace; the decoration also sets a fixed width in `ch`).
import type { BadgeFormat } from './configValues';

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
 * Where a line stands in its file, from its percentile: "top 12%" for the upper half (the share of lines scoring at
 * least as high), "bottom 17%" for the lower half (the share scoring at most as high); from 1% to 50%.
 */
export function topShare(percentile: number): string {
  const top = Math.round(100 - percentile);
  if (top <= 50) return `top ${Math.max(1, top)}%`;
  return `bottom ${Math.max(1, Math.round(percentile))}%`;
}

/** Characters of the longest share text ("bottom 49%"). */
const SHARE_WIDTH = 10;

/** A five-cell bar of the percentile, e.g. 62 -> "▮▮▮▯▯" (cells rounded to the nearest fifth). */
export function percentileBar(percentile: number, cells = 5): string {
  const filled = Math.min(cells, Math.max(0, Math.round((percentile / 100) * cells)));
  return '▮'.repeat(filled) + '▯'.repeat(cells - filled);
}

/** The score right-aligned in 6 characters: two decimals ("-17.53", " -4.55", "  0.82"), fewer for large values. */
export function scoreText(score: number): string {
  let s = score.toFixed(2);
  if (s.length > 6) s = score.toFixed(1);
  if (s.length > 6) s = score.toFixed(0);
  if (s.length > 6) s = score < 0 ? '≤-1e5' : '≥1e6';
  return s.length >= 6 ? s : ' '.repeat(6 - s.length) + s;
}

/** Characters of every badge of a format (symbol included). */
export function badgeWidth(format: BadgeFormat): number {
  switch (format) {
    case 'score': return 2 + 6;
    case 'percentile': return 2 + SHARE_WIDTH;
    case 'bar': return 2 + 5;
    case 'both': return 2 + 6 + 3 + SHARE_WIDTH;
  }
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The badge of a scored line, e.g. "▲  -4.55 · top 12%" or "▼ -10.31 · bottom 6%" (format both), padded to the format's width. */
export function scoreBadge(score: number, percentile: number, band: Band, format: BadgeFormat): string {
  const sym = BAND_SYMBOL[band];
  let body: string;
  switch (format) {
    case 'score': body = scoreText(score); break;
    case 'percentile': body = pad(topShare(percentile), SHARE_WIDTH); break;
    case 'bar': body = percentileBar(percentile); break;
    case 'both': body = `${scoreText(score)} · ${pad(topShare(percentile), SHARE_WIDTH)}`; break;
  }
  return pad(`${sym} ${body}`, badgeWidth(format));
}

/** The badge of a line without a pair: its problem, cut to the badge width with an ellipsis. */
export function problemBadge(problem: string, format: BadgeFormat): string {
  const width = badgeWidth(format);
  const text = `${PROBLEM_SYMBOL} ${problem}`;
  return text.length <= width ? pad(text, width) : text.slice(0, width - 1) + '…';
}

/** The badge of a line whose score is on its way (keeps the line's text where it was). */
export function pendingBadge(format: BadgeFormat): string {
  return pad(`${PENDING_SYMBOL} ···`, badgeWidth(format));
}
