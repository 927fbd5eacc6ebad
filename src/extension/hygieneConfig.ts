// The typed form of the data-hygiene settings (scar.hygiene.*, scar.removedLinesFile). Pure, so it is unit-tested;
// configValues.ts calls hygieneConfigFrom and config.ts reads the raw values; settings.ts declares them.
import { defaultsOf, HYGIENE_SETTINGS, settingValue } from './settings';

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

export const HYGIENE_DEFAULTS: HygieneConfig = Object.freeze(defaultsOf(HYGIENE_SETTINGS));

/** Validates the raw values by settings.ts's table; a bad one falls back to its default and is described in `invalid`. */
export function hygieneConfigFrom(raw: RawHygieneSettings, invalid: string[]): HygieneConfig {
  return Object.fromEntries(Object.entries(HYGIENE_SETTINGS).map(([id, spec]) => [id, settingValue(spec, raw[id as keyof RawHygieneSettings], invalid)])) as unknown as HygieneConfig;
}

/** True when a change between two configs changes what the checks find (not just whether they are shown). */
export function sameHygieneChecks(a: HygieneConfig, b: HygieneConfig): boolean {
  return a.nearDuplicateThreshold === b.nearDuplicateThreshold && a.ngram === b.ngram && a.languageCheck === b.languageCheck;
}
