// The cut of "Filter out lines below…": a score or a percentile typed or picked, and how many lines it removes (the
// document's own scores; no cleaning). Pure (no vscode import).
import { percentiles, summarizeScores } from '../../core/scores';
import { t } from '../../core/l10n';
import type { ScoreScale } from '../scoring/scoreScale';
import { isScored, type DocLine } from './docLines';

const fmt = (n: number): string => n.toLocaleString('en-US');
const lines = (n: number): string => (n === 1 ? t('1 line') : t('{0} lines', fmt(n)));

/** A filter's cut: lines whose score is below `threshold` are removed; lines without a score stay. */
export interface FilterCut {
  threshold: number;
  /** How to say it, e.g. "score < 0.31" or "below the 25th percentile (score < 0.31)". */
  description: string;
}

/** What typed filter input means: a score ("0.3") or a percentile ("25%", "p25"), and how many lines go. */
export function parseFilterInput(input: string, lines: ReadonlyArray<DocLine>, scale: ScoreScale): { cut: FilterCut; removes: number; message: string } | { error: string } {
  const typed = input.trim();
  const pct = /^(?:p\s*)?([0-9]+(?:\.[0-9]+)?)\s*%$|^p\s*([0-9]+(?:\.[0-9]+)?)$/i.exec(typed);
  let cut: FilterCut;
  if (pct) {
    const p = Number(pct[1] ?? pct[2]);
    if (!(p >= 0 && p <= 100)) return { error: t('A percentile is from 0% to 100%.') };
    const threshold = percentileThreshold(lines, p);
    if (threshold === undefined) return { error: t('No line has a score yet.') };
    cut = { threshold, description: t('below the {0} percentile ({1} < {2})', ordinal(p), scale.noun, scale.text(threshold, true)) };
  } else {
    const x = typed === '' ? NaN : Number(typed);
    if (!scale.valid(x)) {
      return { error: scale.calibrated ? t('Type a {0} from 0 to 100 (e.g. {1}) or a percentile (e.g. 25%).', scale.noun, scale.example(median(lines)))
        : t('Type a {0} (e.g. {1}) or a percentile (e.g. 25%).', scale.noun, scale.example(median(lines))) };
    }
    cut = { threshold: scale.raw(x), description: t('{0} < {1}', scale.noun, scale.textOfShown(x)) };
  }
  const removes = countBelow(lines, cut.threshold);
  return { cut, removes, message: t('Removes {0} ({1}).', lines_(removes), cut.description) };
}
const lines_ = lines;

function ordinal(p: number): string {
  const n = Math.round(p);
  if (n !== p) return t('{0}th', p);
  if (n % 100 >= 11 && n % 100 <= 13) return t('{0}th', n);
  switch (n % 10) {
    case 1: return t('{0}st', n);
    case 2: return t('{0}nd', n);
    case 3: return t('{0}rd', n);
    default: return t('{0}th', n);
  }
}

/**
 * The score below which a line is under the p-th percentile (core/scores percentiles: share of the other scored
 * lines that are lower). Filtering `score < threshold` removes exactly the lines whose percentile is below p.
 */
export function percentileThreshold(lines: ReadonlyArray<DocLine>, p: number): number | undefined {
  const scored = lines.filter(isScored);
  if (scored.length === 0) return undefined;
  const pct = percentiles(scored.map((l) => l.score));
  // The lowest score whose percentile is >= p; every lower score has a percentile < p (percentiles rise with scores).
  let best = Infinity;
  pct.forEach((q, i) => { if (q >= p && scored[i].score < best) best = scored[i].score; });
  return best;
}

export function countBelow(lines: ReadonlyArray<DocLine>, threshold: number): number {
  let n = 0;
  for (const l of lines) if (l.score !== undefined && l.score < threshold) n++;
  return n;
}

/** Suggested filter cuts for the quick pick, each with the number of lines it removes. */
export function filterChoices(lines: ReadonlyArray<DocLine>, scale: ScoreScale): Array<{ label: string; description: string; cut?: FilterCut; ask?: true }> {
  const out: Array<{ label: string; description: string; cut?: FilterCut; ask?: true }> = [];
  for (const p of [10, 25, 50]) {
    const r = parseFilterInput(`${p}%`, lines, scale);
    if ('error' in r) continue;
    out.push({ label: t('Below the {0} percentile', ordinal(p)), description: t('removes {0} ({1} < {2})', lines_(r.removes), scale.noun, scale.text(r.cut.threshold, true)), cut: r.cut });
  }
  const m = median(lines);
  out.push({
    label: scale.calibrated ? t('Style score or percentile…') : t('Score or percentile…'),
    description: scale.calibrated ? t('type a {0} 0–100 (e.g. {1}, the median here) or a percentile (25%)', scale.noun, scale.example(m))
      : t('type a {0} (e.g. {1}, the median here) or a percentile (25%)', scale.noun, scale.example(m)),
    ask: true,
  });
  return out;
}

/** The median raw score of the scored lines, or undefined when none is scored. */
function median(lines: ReadonlyArray<DocLine>): number | undefined {
  const scored = lines.filter(isScored);
  return scored.length ? summarizeScores(scored.map((l) => l.score))?.median : undefined;
}
