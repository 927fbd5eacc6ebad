// The number people see for a score, and back. The engine and every table hold the ranker's raw score; what the
// badges, hovers, status bar, quick picks and prompts show and take is the calibrated 0-100 style score of
// core/calibration (the chance, in percent, that an answer scoring this is a strong assistant's rather than a
// person's). The map is monotone, so ranks, percentiles and every cut agree on both scales. A ranker without a
// calibration (another model folder) has only its raw score, and then everything says "raw score".
// Pure (no vscode import), so it is unit-tested.
import { rawForStyle, styleScore, type Calibration } from '../../core/calibration';
import { t } from '../../core/l10n';
import { rawScoreText } from '../surfaces/badgeText';

export interface ScoreScale {
  /** True when the shown number is the 0-100 style score; false when it is the raw score. */
  readonly calibrated: boolean;
  /** What the number is called where a prompt or a table names it: "style score" or "raw score". */
  readonly noun: string;
  /** One sentence saying what the number means, for hovers, tooltips and prompts. */
  readonly meaning: string;
  /** The shown number of a raw score. */
  shown(raw: number): number;
  /** The raw score of a shown number (a threshold typed by the user, say). */
  raw(shown: number): number;
  /** The shown number as text: "72" on the style scale (one decimal with `precise`), "-3.41" raw. */
  text(raw: number, precise?: boolean): string;
  /** A number typed on the shown scale, as text: "50", "62.5", "-3.41". */
  textOfShown(shown: number): string;
  /** An example threshold on the shown scale, for placeholders: the middle of the scale, or the file's median. */
  example(medianRaw?: number): string;
  /** Whether a typed threshold is on the scale (0-100 for the style score, any finite number raw). */
  valid(shown: number): boolean;
}

function roundShown(x: number, precise: boolean): string {
  if (!Number.isFinite(x)) return String(x);
  if (precise) return (Math.round(x * 10) / 10).toFixed(1);
  // never show 0 or 100 for a score that is not exactly there: the ends stay readable as "<1" and ">99"
  const r = Math.round(x);
  if (r <= 0 && x > 0) return '<1';
  if (r >= 100 && x < 100) return '>99';
  return String(r);
}

const rawText = rawScoreText;

export function scoreScale(calibration: Calibration | undefined): ScoreScale {
  if (!calibration) {
    return {
      calibrated: false,
      noun: t('raw score'),
      meaning: t('Raw score of this ranker (no calibration for it): unbounded, higher is more style-consistent; compare lines, not absolute values.'),
      shown: (raw) => raw,
      raw: (shown) => shown,
      text: (raw) => rawText(raw),
      textOfShown: (shown) => String(shown),
      example: (median) => (median === undefined || !Number.isFinite(median) ? '0' : rawText(median)),
      valid: (shown) => Number.isFinite(shown),
    };
  }
  const cal = calibration;
  const { humanMedian, assistantMedian } = cal.anchors;
  return {
    calibrated: true,
    noun: t('style score'),
    meaning: t('Style score 0–100: the chance, in percent, that an answer scoring this was written by a strong instruction-tuned assistant rather than a person (fitted on held-out pairs; a typical human answer reads about {0}, a typical assistant answer about {1}).', Math.round(humanMedian), Math.round(assistantMedian)),
    shown: (raw) => styleScore(raw, cal),
    raw: (shown) => rawForStyle(shown, cal),
    text: (raw, precise = false) => roundShown(styleScore(raw, cal), precise),
    textOfShown: (shown) => (Number.isInteger(shown) ? String(shown) : String(Math.round(shown * 10) / 10)),
    example: (median) => (median === undefined || !Number.isFinite(median) ? '50' : String(Math.round(styleScore(median, cal)))),
    valid: (shown) => Number.isFinite(shown) && shown >= 0 && shown <= 100,
  };
}
