import * as assert from 'node:assert/strict';
import { languageFinding, type ResponseTokenLimit } from '../../src/core/hygiene';
import { CleaningPass, cleaningFindings, type CleaningOptions } from '../../src/core/cleaningPass';
import { checkHygiene, type HygieneInput, type HygieneOptions } from '../util/oracles/hygiene';

const story = 'Write a short story about a lighthouse keeper who finds a message in a bottle on a stormy night.';
const storyAnswer =
  'The storm had been raging for three days when Elias noticed the bottle wedged between the rocks below the lighthouse. ' +
  'Inside, a rolled note asked whoever found it to light the lamp one more time, for a ship that had never come home.';

function pairs(): HygieneInput[] {
  return [
    { line: 1, instruction: story, response: storyAnswer },
    { line: 2, instruction: 'What is the boiling point of water at sea level?', response: 'It boils at 100 degrees Celsius (212 degrees Fahrenheit) at sea level.' },
    { line: 3, instruction: `  ${story} `, response: storyAnswer.replace(/ /g, '  ') }, // exact duplicate of 1 after normalising
    { line: 4, instruction: 'Schreibe eine kurze Geschichte über einen Hund, der im Park spielt.', response: 'Der Hund spielt im Park und ist sehr glücklich, weil die Sonne scheint.' },
    { line: 5, instruction: story, response: storyAnswer.replace('three days', 'four days') }, // near-duplicate of 1
    { line: 6, instruction: 'Name a primary colour.', response: '   ' },
  ];
}

describe('hygiene: checkHygiene', () => {
  it('reports each problem with its message, naming the other line', () => {
    const report = checkHygiene(pairs());
    const byLine = report.findings.map((f) => [f.line, f.kind, f.message]);
    assert.deepEqual(byLine, [
      [3, 'duplicate', 'Duplicate of line 1'],
      [4, 'not-english', 'Not English (detected: de)'],
      [5, 'near-duplicate', report.findings.find((f) => f.line === 5)?.message],
      [6, 'empty-response', 'Empty response'],
    ]);
    const near = report.findings.find((f) => f.kind === 'near-duplicate');
    assert.equal(near?.otherLine, 1);
    assert.ok(near?.similarity !== undefined && near.similarity >= 0.5 && near.similarity < 1);
    assert.equal(near?.message, `Near-duplicate of line 1 (Jaccard ${near?.similarity?.toFixed(2)})`);
    assert.equal(report.findings.find((f) => f.kind === 'not-english')?.language, 'de');
  });

  it("removes in SCAR's order and says what each step removed", () => {
    const report = checkHygiene(pairs());
    assert.deepEqual(report.removed, { duplicate: [2], language: [3], nearDuplicate: [4] });
    assert.deepEqual(report.kept, [0, 1, 5]);
    assert.deepEqual(report.exactGroups, [{ kept: 1, lines: [1, 3], similarity: [1, 1] }]);
    assert.equal(report.nearClusters.length, 1);
    assert.deepEqual(report.nearClusters[0].lines, [1, 5]);
  });

  it('keeps the highest-scored copy of duplicates and near-duplicates', () => {
    const input = pairs();
    input[2].score = 3; // the exact copy on line 3 beats line 1
    input[4].score = 5; // and the near copy on line 5 beats it
    const report = checkHygiene(input);
    assert.deepEqual(report.exactGroups[0], { kept: 3, lines: [1, 3], similarity: [1, 1] });
    assert.equal(report.findings.find((f) => f.line === 1)?.message, 'Duplicate of line 3');
    assert.equal(report.nearClusters[0].kept, 5);
    assert.deepEqual(report.nearClusters[0].lines, [3, 5]);
    assert.deepEqual(report.removed, { duplicate: [0], language: [3], nearDuplicate: [2] });
  });

  it('turns steps off', () => {
    const report = checkHygiene(pairs(), { exact: false, language: 'off', near: false, emptyResponse: false });
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.kept, [0, 1, 2, 3, 4, 5]);
    // without exact dedup, the exact copy is found by the near-duplicate step instead (Jaccard 1)
    const nearOnly = checkHygiene(pairs(), { exact: false });
    const three = nearOnly.findings.find((f) => f.line === 3);
    assert.equal(three?.kind, 'near-duplicate');
    assert.equal(three?.message, 'Near-duplicate of line 1 (Jaccard 1.00)');
  });

  it('passes near-duplicate options through (a threshold above the pair\'s Jaccard finds nothing)', () => {
    const report = checkHygiene(pairs(), { near: { threshold: 0.99 } });
    assert.equal(report.nearClusters.length, 0);
    assert.deepEqual(report.removed.nearDuplicate, []);
  });

  it('reports responses longer than the ranker reads', () => {
    const limit: ResponseTokenLimit = { maxResponseTokens: 10, responseTokens: (r) => r.split(/\s+/).filter(Boolean).length };
    const report = checkHygiene(pairs(), { truncation: limit });
    const truncated = report.findings.filter((f) => f.kind === 'truncated');
    assert.deepEqual(truncated.map((f) => f.line), [1, 2, 3, 4, 5]);
    assert.equal(truncated[0].message, 'Response truncated to 10 tokens for scoring');
    assert.equal(truncated[0].tokens, 10);
    assert.deepEqual(report.removed.duplicate, [2], 'truncation is reported, never removed');
  });

  it("uses SCAR's heuristic when asked, and says why a text failed it", () => {
    const input: HygieneInput[] = [
      { line: 1, instruction: 'Compute 12 * 34 + 56 / 7', response: '= 416' }, // 7 letters of 17 characters
      { line: 2, instruction: 'Напишите стихотворение о море.', response: 'Море шумит.' },
      { line: 3, instruction: 'Schreibe ein Gedicht über das Meer.', response: 'Das Meer rauscht laut und die Wellen sind hoch.' },
    ];
    const scar = checkHygiene(input, { language: 'scar' });
    const msgs = scar.findings.map((f) => [f.line, f.language, f.message]);
    assert.deepEqual(msgs, [
      [1, 'und', 'Not English (41% ASCII letters in the instruction; SCAR requires over 70%)'],
      [2, 'ru', 'Not English (detected: ru)'],
    ]);
    // the detector instead passes the arithmetic and catches the German that SCAR's heuristic lets through
    const detector = checkHygiene(input);
    assert.deepEqual(detector.findings.map((f) => [f.line, f.language]), [[2, 'ru'], [3, 'de']]);
  });

  it('judges the instruction too', () => {
    assert.deepEqual(languageFinding('Erkläre bitte, warum der Himmel blau ist und was das bedeutet.', 'Because of Rayleigh scattering.', 'detector'), {
      language: 'de',
      message: 'Not English (detected: de)',
    });
    assert.equal(languageFinding('Why is the sky blue?', 'Because of Rayleigh scattering.', 'detector'), undefined);
    assert.equal(languageFinding('Почему небо голубое?', 'Рассеяние Рэлея.', 'off'), undefined);
  });

  it('handles several pairs on one line and an empty input', () => {
    const report = checkHygiene([
      { line: 7, instruction: 'Hi', response: 'Hello there, how can I help you today?' },
      { line: 7, instruction: 'Hi', response: 'Hello there, how can I help you today?' },
    ]);
    assert.deepEqual(report.findings.map((f) => f.message), ['Duplicate of line 7']);
    const empty = checkHygiene([]);
    assert.deepEqual([empty.findings, empty.kept, empty.exactGroups, empty.nearClusters], [[], [], [], []]);
  });
});

// checkHygiene is the tests' oracle (test/util/oracles/hygiene.ts); what the extension and the CLI run is CleaningPass.
// Over the same lines and options, the two must find the same things: the tests above then speak of production too.
describe('hygiene: production CleaningPass agrees with the checkHygiene oracle', () => {
  const limit: ResponseTokenLimit = { maxResponseTokens: 10, responseTokens: (r) => r.split(/\s+/).filter(Boolean).length };
  const scarInput: HygieneInput[] = [
    { line: 1, instruction: 'Compute 12 * 34 + 56 / 7', response: '= 416' },
    { line: 2, instruction: 'Напишите стихотворение о море.', response: 'Море шумит.' },
    { line: 3, instruction: 'Schreibe ein Gedicht über das Meer.', response: 'Das Meer rauscht laut und die Wellen sind hoch.' },
  ];
  const variants: Array<[string, HygieneInput[], HygieneOptions, CleaningOptions]> = [
    ['the defaults', pairs(), {}, {}],
    ['exact step off', pairs(), { exact: false }, { exact: false }],
    ['every step off', pairs(), { exact: false, language: 'off', near: false }, { exact: false, language: 'off', near: false }],
    ['a strict near-duplicate threshold', pairs(), { near: { threshold: 0.99 } }, { near: { threshold: 0.99 } }],
    ['truncation', pairs(), { truncation: limit }, { truncation: limit }],
    ["SCAR's language heuristic", scarInput, { language: 'scar' }, { language: 'scar' }],
    ['the detector on foreign lines', scarInput, {}, {}],
  ];
  for (const [name, input, oracleOptions, passOptions] of variants) {
    it(`with ${name}`, () => {
      const report = checkHygiene(input, oracleOptions);
      const pass = new CleaningPass({ emptyResponse: true, ...passOptions });
      for (const p of input) pass.add(p.line, [{ instruction: p.instruction, response: p.response }]);
      const result = pass.finish((line) => input.filter((p) => p.line === line));
      assert.deepEqual(cleaningFindings(result), report.findings);
      assert.deepEqual(result.exactGroups, report.exactGroups);
      assert.deepEqual(result.nearClusters, report.nearClusters);
    });
  }
});
