// The one place that decides how "Select top" cleans (selectionCleaning.ts): its near-duplicates are the warnings'
// (scar.hygiene.nearDuplicateThreshold and scar.hygiene.ngram), and a hygiene snapshot serves it exactly when the
// check ran the same steps, in which case the snapshot's findings give exactly the removals, counts and selection
// that cleaning the lines again would give.
import * as assert from 'node:assert/strict';
import { documentHygiene, splitLines as hygieneLines } from '../../src/core/documentHygiene';
import { HygieneFindings, packHygiene } from '../../src/core/packedHygiene';
import { documentLines } from '../../src/extension/commands/docLines';
import { applyCriterion, prepareSelection } from '../../src/extension/commands/selectionPrep';
import { cleaningFromFindings, hygieneServesSelection, nearDuplicateParams, selectionCleaningOptions } from '../../src/extension/hygiene/selectionCleaning';
import { HYGIENE_DEFAULTS } from '../../src/extension/hygieneConfig';
import { mulberry32 as rng } from '../util/prng';

const ADAPTER = { schema: 'auto' as const, turnPolicy: 'all' as const };
const WORDS = 'the a river mountain quietly explains why every student should measure carefully before writing answers about history science music'.split(' ');
const sentence = (r: () => number, n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
const alpaca = (instruction: string, output: string): string => JSON.stringify({ instruction, input: '', output });

function planted(n: number): string {
  const r = rng(17);
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = alpaca(`explain ${sentence(r, 8)} number ${i}`, `${sentence(r, 25)} end ${i}`);
    rows.push(base);
    if (i % 5 === 0) rows.push(base);
    if (i % 7 === 0) rows.push(base.replace(`end ${i}`, `end ${i} indeed`));
    if (i % 9 === 0) rows.push(base.replace(/ end /, ' finish quietly end '));
    if (i % 23 === 0) rows.push(alpaca('Erkläre die Geschichte der Musik bitte genau', `Die Geschichte der Musik ist lang und sie ist sehr alt ${i}, aber die Menschen haben immer gesungen.`));
    if (i % 31 === 0) rows.push('', '{broken', alpaca('empty', ''));
    if (i % 11 === 0) rows.push(JSON.stringify({ conversations: [{ from: 'human', value: `why ${sentence(r, 6)}` }, { from: 'gpt', value: sentence(r, 20) }, { from: 'human', value: 'and?' }, { from: 'gpt', value: `${sentence(r, 12)} ${i}` }] }));
  }
  return rows.join('\n') + '\n';
}

const byLine = <T>(m: Map<number, T>): Array<[number, T]> => [...m].sort((a, b) => a[0] - b[0]);

describe('selection cleaning', () => {
  it('uses the near-duplicate parameters of scar.hygiene.* for every selection', () => {
    const hygiene = { ...HYGIENE_DEFAULTS, nearDuplicateThreshold: 0.7, ngram: 3 };
    assert.deepEqual(nearDuplicateParams(hygiene), { threshold: 0.7, ngram: 3 });
    assert.deepEqual(selectionCleaningOptions({ dedup: true, languageFilter: true }, hygiene), { exact: true, language: 'detector', near: { threshold: 0.7, ngram: 3 } });
    assert.deepEqual(selectionCleaningOptions({ dedup: true, languageFilter: false }, hygiene), { exact: true, language: 'off', near: { threshold: 0.7, ngram: 3 } });
    assert.deepEqual(selectionCleaningOptions({ dedup: false, languageFilter: true }, hygiene), { exact: false, language: 'detector', near: false });
    // The defaults are SCAR's, so a user who changed nothing gets SCAR's cleaning.
    assert.deepEqual(nearDuplicateParams(HYGIENE_DEFAULTS), { threshold: 0.5, ngram: 2 });
  });

  it('a hygiene snapshot serves a selection only when it ran the same steps', () => {
    for (const dedup of [true, false]) {
      for (const languageFilter of [true, false]) {
        for (const languageCheck of [true, false]) {
          assert.equal(hygieneServesSelection({ dedup, languageFilter }, { languageCheck }), dedup && languageFilter === languageCheck, JSON.stringify({ dedup, languageFilter, languageCheck }));
        }
      }
    }
  });

  for (const [languageCheck, threshold, ngram, scored] of [[true, 0.5, 2, true], [false, 0.5, 2, true], [true, 0.6, 3, true], [true, 0.5, 2, false]] as const) {
    it(`a serving snapshot's findings give exactly what cleaning again gives (language ${languageCheck ? 'on' : 'off'}, J ${threshold}, ${ngram}-grams, ${scored ? 'scored' : 'unscored'})`, async () => {
      const text = planted(1500);
      const r = rng(5);
      const lineScores = Float64Array.from(hygieneLines(text), () => (scored ? Math.round(r() * 100) / 10 : NaN));
      const hygiene = { ...HYGIENE_DEFAULTS, languageCheck, nearDuplicateThreshold: threshold, ngram };
      const switches = { dedup: true, languageFilter: languageCheck };
      assert.ok(hygieneServesSelection(switches, hygiene));
      const check = documentHygiene(hygieneLines(text), { adapter: ADAPTER, languageCheck, nearDuplicateThreshold: threshold, ngram, maxResponseTokens: 256, scores: lineScores })!;
      const findings = new HygieneFindings(packHygiene(check));
      const doc = documentLines(text, ADAPTER, (i) => lineScores[i]);
      const cleaning = selectionCleaningOptions(switches, hygiene);
      const again = await prepareSelection(doc.lines, switches, { cleaning, sliceMs: 1e9 });
      const reused = await prepareSelection(doc.lines, switches, { cleaning, clean: async () => cleaningFromFindings(findings) });
      assert.ok(again.cleaning.counts.exact > 0 && again.cleaning.counts.nearDuplicate > 0, JSON.stringify(again.cleaning.counts));
      if (languageCheck) assert.ok(again.cleaning.counts.language > 0, JSON.stringify(again.cleaning.counts));
      assert.ok(findings.size > reused.removed.size, 'the snapshot also holds notes (empty responses), which remove nothing');
      assert.deepEqual(reused.cleaning, again.cleaning);
      assert.deepEqual(byLine(reused.removed), byLine(again.removed));
      assert.deepEqual(reused.rankedScores, again.rankedScores);
      if (scored) {
        for (const c of [{ kind: 'ratio', ratio: 0.25 }, { kind: 'top-k', k: 40 }] as const) {
          assert.deepEqual(applyCriterion(reused, c, true), applyCriterion(again, c, true));
        }
      }
    });
  }
});
