// The message of each hygiene finding, in one place for every pass that makes one (the editor's hygiene check, the
// cleaning pass of "Select top" and `scar select`, a document's empty-response scan). Localised through t().
import { t } from './l10n';

export const findingMessage = {
  duplicate: (otherLine: number): string => t('Duplicate of line {0}', otherLine),
  nearDuplicate: (otherLine: number, similarity: number): string =>
    t('Near-duplicate of line {0} (Jaccard {1})', otherLine, similarity.toFixed(2)),
  notEnglish: (language: string): string => t('Not English (detected: {0})', language),
  /** SCAR's own test failed and no detector named a language: share of ASCII letters, in percent. */
  notEnglishAscii: (percent: number, field: 'instruction' | 'response'): string =>
    field === 'instruction'
      ? t('Not English ({0}% ASCII letters in the instruction; SCAR requires over 70%)', percent)
      : t('Not English ({0}% ASCII letters in the response; SCAR requires over 70%)', percent),
  emptyResponse: (): string => t('Empty response'),
  truncated: (tokens: number): string => t('Response truncated to {0} tokens for scoring', tokens),
};
