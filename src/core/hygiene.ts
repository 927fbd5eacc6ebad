// The language step of SCAR's cleaning, and what the truncation report needs: languageFinding says why a pair is
// not English (language.ts's detector, or SCAR's own ASCII-letter heuristic), with the sentence a person reads,
// "Not English (detected: de)". CleaningPass (cleaningPass.ts) runs it between the exact and near-duplicate steps.

import { findingMessage } from './findingMessages';
import { detectLanguage, isForeign, passesScarHeuristic, scarAsciiLetterRatio } from './language';

/**
 * 'detector': flag texts detectLanguage names as another language (default).
 * 'scar': SCAR's heuristic, flag texts with at most 70% ASCII letters among non-whitespace characters.
 * 'off': no language check.
 */
export type LanguageCheck = 'detector' | 'scar' | 'off';

/** What truncation needs from the featuriser (a LoadedFeaturiser from featurise.ts fits as it is). */
export interface ResponseTokenLimit {
  readonly maxResponseTokens: number;
  /** The response's token count; anything above maxResponseTokens means truncated. */
  responseTokens(response: string): number;
}

/** Why a pair is not English under `check`, or undefined when it passes (or the check is off). */
export function languageFinding(instruction: string, response: string, check: LanguageCheck): { language: string; message: string } | undefined {
  if (check === 'off') return undefined;
  if (check === 'detector') {
    for (const text of [response, instruction]) {
      const guess = detectLanguage(text);
      if (isForeign(guess)) return { language: guess.language, message: findingMessage.notEnglish(guess.language) };
    }
    return undefined;
  }
  for (const [field, text] of [['instruction', instruction], ['response', response]] as const) {
    if (passesScarHeuristic(text)) continue;
    const guess = detectLanguage(text);
    if (isForeign(guess)) return { language: guess.language, message: findingMessage.notEnglish(guess.language) };
    const pct = Math.round(scarAsciiLetterRatio(text) * 100);
    return { language: 'und', message: findingMessage.notEnglishAscii(pct, field) };
  }
  return undefined;
}
