// The typed form of the data-hygiene settings (scar.hygiene.*, scar.removedLinesFile). Pure, so it is unit-tested;
// configValues.ts calls hygieneConfigFrom and config.ts reads the raw values.

/** Data hygiene in the editor: duplicates, near-duplicates, language, empty and truncated responses. */
export interface HygieneConfig {
  /** Publish the hygiene warnings (their own Problems source, 'SCAR hygiene'). */
  readonly enabled: boolean;
  /** Jaccard at or above which two lines are near-duplicates (SCAR: 0.5). */
  readonly nearDuplicateThreshold: number;
  /** Words per shingle for near-duplicates (SCAR: 2). */
  readonly ngram: number;
  /** Warn about lines that are not English. */
  readonly languageCheck: boolean;
  /**
   * One Information diagnostic per line whose response the ranker truncates. Off (the default): one summary for
   * the file ("212 of 300 lines have a response longer than the ranker reads ...").
   */
  readonly reportTruncation: boolean;
  /** Where "Remove duplicates and near-duplicates" puts the removed lines: `<name>.removed.jsonl`, or nowhere. */
  readonly removedLinesFile: 'sibling' | 'none';
}

export interface RawHygieneSettings {
  enabled?: unknown;
  nearDuplicateThreshold?: unknown;
  ngram?: unknown;
  languageCheck?: unknown;
  reportTruncation?: unknown;
  removedLinesFile?: unknown;
}

export const HYGIENE_DEFAULTS: HygieneConfig = Object.freeze({
  enabled: true, nearDuplicateThreshold: 0.5, ngram: 2, languageCheck: true, reportTruncation: false, removedLinesFile: 'sibling',
});
export const MAX_NGRAM = 10;

/** Validates the raw values; a bad one falls back to its default and is described in `invalid`. */
export function hygieneConfigFrom(raw: RawHygieneSettings, invalid: string[]): HygieneConfig {
  const flag = (v: unknown, name: string, fallback: boolean): boolean => {
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    invalid.push(`${name} must be true or false; using ${fallback}.`);
    return fallback;
  };
  let nearDuplicateThreshold = HYGIENE_DEFAULTS.nearDuplicateThreshold;
  const t = raw.nearDuplicateThreshold;
  if (t !== undefined) {
    if (typeof t === 'number' && t > 0 && t <= 1) nearDuplicateThreshold = t;
    else invalid.push(`scar.hygiene.nearDuplicateThreshold must be a Jaccard similarity above 0 and at most 1; using ${HYGIENE_DEFAULTS.nearDuplicateThreshold}.`);
  }
  let ngram = HYGIENE_DEFAULTS.ngram;
  const n = raw.ngram;
  if (n !== undefined) {
    if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= MAX_NGRAM) ngram = n;
    else invalid.push(`scar.hygiene.ngram must be a whole number from 1 to ${MAX_NGRAM}; using ${HYGIENE_DEFAULTS.ngram}.`);
  }
  let removedLinesFile = HYGIENE_DEFAULTS.removedLinesFile;
  const r = raw.removedLinesFile;
  if (r !== undefined) {
    if (r === 'sibling' || r === 'none') removedLinesFile = r;
    else invalid.push(`scar.removedLinesFile "${String(r)}" is not one of sibling, none; using sibling.`);
  }
  return {
    enabled: flag(raw.enabled, 'scar.hygiene.enabled', true),
    nearDuplicateThreshold,
    ngram,
    languageCheck: flag(raw.languageCheck, 'scar.hygiene.languageCheck', true),
    reportTruncation: flag(raw.reportTruncation, 'scar.hygiene.reportTruncation', false),
    removedLinesFile,
  };
}

/** True when a change between two configs changes what the checks find (not just whether they are shown). */
export function sameHygieneChecks(a: HygieneConfig, b: HygieneConfig): boolean {
  return a.nearDuplicateThreshold === b.nearDuplicateThreshold && a.ngram === b.ngram && a.languageCheck === b.languageCheck;
}
