// The criterion quick pick of "Select top" and "Export top" (top 10/25/50%, top percent, top k, a style-score
// threshold), each with how many lines it keeps, and what typed input means. Pure (no vscode import).
import { summarizeScores } from '../../core/scores';
import { describeCriterion, type SelectCriterion } from '../../core/select';
import { t } from '../../core/l10n';
import type { ScoreScale } from '../scoring/scoreScale';
import { keptCount, type RankedScores } from './selectionPrep';


const fmt = (n: number): string => n.toLocaleString('en-US');
const lines = (n: number): string => (n === 1 ? t('1 line') : t('{0} lines', fmt(n)));

/** One entry of the criterion quick pick: a ready criterion, or one that asks for a number. */
export interface CriterionChoice {
  label: string;
  description: string;
  detail?: string;
  criterion?: SelectCriterion;
  ask?: SelectCriterion['kind'];
}

/** The choices offered by "Select top…" and "Export top…", each saying how many lines it keeps. */
export function criterionChoices(prep: RankedScores, scale: ScoreScale): CriterionChoice[] {
  const n = prep.rankedScores.length;
  const of = t('of {0} ranked', fmt(n));
  const out: CriterionChoice[] = [];
  for (const pct of [10, 25, 50]) {
    const c: SelectCriterion = { kind: 'ratio', ratio: pct / 100 };
    out.push({ label: t('Top {0}%', pct), description: t('keeps {0} {1}', lines(keptCount(prep, c)), of), criterion: c });
  }
  out.push({ label: t('Top percent…'), description: t('type a percentage {0}', of), ask: 'ratio' });
  out.push({ label: t('Top k…'), description: t('type how many lines to keep (at most {0})', fmt(n)), ask: 'top-k' });
  const median = n > 0 ? summarizeScores(prep.rankedScores)?.median : undefined;
  out.push({
    label: scale.calibrated ? t('Style score threshold…') : t('Score threshold…'),
    description: (scale.calibrated ? t('type a minimum {0} (0–100)', scale.noun) : t('type a minimum {0}', scale.noun))
      + (median === undefined ? '' : t('; the median here is {0}', scale.text(median))),
    ask: 'threshold',
  });
  const removedCount = prep.removedCount;
  if (removedCount > 0) {
    for (const o of out) o.detail = t('after removing {0} (duplicates / not English)', lines(removedCount));
  }
  return out;
}

/** What typed text means for a criterion that asks a number: the criterion and what it keeps, or why it is wrong. */
export function parseCriterionInput(
  kind: SelectCriterion['kind'],
  input: string,
  prep: RankedScores,
  scale: ScoreScale,
): { criterion: SelectCriterion; message: string } | { error: string } {
  const raw = input.trim().replace(/%$/, '').trim();
  const x = raw === '' ? NaN : Number(raw);
  const n = prep.rankedScores.length;
  let c: SelectCriterion;
  switch (kind) {
    case 'top-k':
      if (!Number.isInteger(x) || x < 1) return { error: t('Type a whole number of lines, 1 or more.') };
      c = { kind: 'top-k', k: x };
      break;
    case 'ratio':
      if (!Number.isFinite(x) || x <= 0 || x > 100) return { error: t('Type a percentage above 0 and at most 100.') };
      c = { kind: 'ratio', ratio: x / 100 };
      break;
    case 'threshold':
      if (!scale.valid(x)) {
        return { error: scale.calibrated ? t('Type a style score from 0 to 100, e.g. {0}.', scale.example()) : t('Type a score, e.g. {0}.', scale.example()) };
      }
      c = thresholdCriterion(x, scale);
      break;
  }
  return { criterion: c, message: t('Keeps {0} of {1} ({2}).', lines(keptCount(prep, c)), fmt(n), describeCriterion(c)) };
}

/** The criterion "at or above `shown`" for a threshold typed on the shown scale: compared as a raw score. */
export function thresholdCriterion(shown: number, scale: ScoreScale): SelectCriterion {
  return { kind: 'threshold', threshold: scale.raw(shown), label: t('{0} >= {1}', scale.noun, scale.textOfShown(shown)) };
}
