import * as assert from 'node:assert/strict';
import { HYGIENE_DEFAULTS, hygieneConfigFrom, sameHygieneChecks } from '../../src/extension/hygieneConfig';

describe('hygiene settings', () => {
  it('defaults to SCAR: threshold 0.5, bigrams, language check on, removed lines beside the file', () => {
    const invalid: string[] = [];
    assert.deepEqual(hygieneConfigFrom({}, invalid), { enabled: true, nearDuplicateThreshold: 0.5, ngram: 2, languageCheck: true, reportTruncation: false, removedLinesFile: 'sibling' });
    assert.deepEqual(invalid, []);
  });

  it('takes valid values', () => {
    const invalid: string[] = [];
    const c = hygieneConfigFrom({ enabled: false, nearDuplicateThreshold: 0.8, ngram: 3, languageCheck: false, reportTruncation: true, removedLinesFile: 'none' }, invalid);
    assert.deepEqual(c, { enabled: false, nearDuplicateThreshold: 0.8, ngram: 3, languageCheck: false, reportTruncation: true, removedLinesFile: 'none' });
    assert.deepEqual(invalid, []);
  });

  it('falls back per value and says why', () => {
    const invalid: string[] = [];
    const c = hygieneConfigFrom({ enabled: 'yes', nearDuplicateThreshold: 0, ngram: 2.5, languageCheck: 1, reportTruncation: 'no', removedLinesFile: 'trash' }, invalid);
    assert.deepEqual(c, HYGIENE_DEFAULTS);
    assert.deepEqual(invalid, [
      'scar.hygiene.enabled must be true or false; using true.',
      'scar.hygiene.nearDuplicateThreshold must be a number from 0.01 to 1; using 0.5.',
      'scar.hygiene.ngram must be a whole number from 1 to 10; using 2.',
      'scar.hygiene.languageCheck must be true or false; using true.',
      'scar.hygiene.reportTruncation must be true or false; using false.',
      'scar.removedLinesFile "trash" is not one of sibling, none; using sibling.',
    ]);
  });

  it('tells a change of what is checked from a change of what is shown', () => {
    assert.equal(sameHygieneChecks(HYGIENE_DEFAULTS, { ...HYGIENE_DEFAULTS, enabled: false, removedLinesFile: 'none', reportTruncation: true }), true);
    assert.equal(sameHygieneChecks(HYGIENE_DEFAULTS, { ...HYGIENE_DEFAULTS, ngram: 3 }), false);
  });
});
