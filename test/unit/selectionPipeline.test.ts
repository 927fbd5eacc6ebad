import * as assert from 'node:assert/strict';
import { CleaningPass, cleaningFindings, lineTextPair } from '../../src/core/cleaningPass';
import { formatPipelineReport, selectSurvivors } from '../../src/core/selectionPipeline';
import { checkHygiene } from '../util/oracles/hygiene';
import { runSelectionPipeline, type PipelineItem } from '../util/oracles/selectionPipeline';

const story = 'Write a short story about a lighthouse keeper who finds a message in a bottle on a stormy night.';
const storyAnswer =
  'The storm had been raging for three days when Elias noticed the bottle wedged between the rocks below the lighthouse. ' +
  'Inside, a rolled note asked whoever found it to light the lamp one more time, for a ship that had never come home.';
const german = { instruction: 'Schreibe eine kurze Geschichte über einen Hund, der im Park spielt.', response: 'Der Hund spielt im Park und ist sehr glücklich, weil die Sonne scheint.' };

function distinct(i: number): { instruction: string; response: string } {
  const topics = ['volcanoes', 'tides', 'bread', 'comets', 'bees', 'glaciers', 'radio', 'chess', 'coffee', 'maps', 'owls', 'rivers'];
  const t = topics[i % topics.length];
  return { instruction: `Explain how ${t} work number ${i}.`, response: `Here is a plain account of ${t}, item ${i}, written for a curious reader who likes ${t}.` };
}

/** Lines: 1 story, 2 distinct, 3 exact copy of 1, 4 German, 5 near copy of 1, 6..13 distinct. */
function items(scores: Record<number, number> = {}): PipelineItem[] {
  const out: PipelineItem[] = [
    { line: 1, pairs: [{ instruction: story, response: storyAnswer }] },
    { line: 2, pairs: [distinct(2)] },
    { line: 3, pairs: [{ instruction: `  ${story} `, response: storyAnswer.replace(/ /g, '  ') }] },
    { line: 4, pairs: [german] },
    { line: 5, pairs: [{ instruction: story, response: storyAnswer.replace('three days', 'four days') }] },
  ];
  for (let l = 6; l <= 13; l++) out.push({ line: l, pairs: [distinct(l)] });
  for (const it of out) it.score = scores[it.line] ?? it.line / 100; // later lines score higher by default
  return out;
}

describe('cleaning pass: SCAR order over lines', () => {
  it('removes exact, foreign and near copies, each with its message naming the other line', () => {
    const pass = new CleaningPass();
    for (const it of items()) pass.add(it.line, it.pairs);
    const byLine = new Map(items().map((it) => [it.line, it.pairs]));
    const r = pass.finish((l) => byLine.get(l)!);
    assert.deepEqual(r.counts, { exact: 1, language: 1, nearDuplicate: 1 });
    assert.equal(r.input, 13);
    assert.deepEqual(r.removed.get(3), { step: 'duplicate', otherLine: 1, message: 'Duplicate of line 1' });
    assert.deepEqual(r.removed.get(4), { step: 'not-english', language: 'de', message: 'Not English (detected: de)' });
    const near = r.removed.get(5)!;
    assert.equal(near.step, 'near-duplicate');
    assert.equal(near.otherLine, 1);
    assert.ok(near.similarity! >= 0.5 && near.similarity! < 1, `similarity ${near.similarity}`);
    assert.equal(near.message, `Near-duplicate of line 1 (Jaccard ${near.similarity!.toFixed(2)})`);
    // The cluster lists only survivors of steps 1-2 (line 3, the exact copy, is not in it).
    assert.deepEqual(r.nearClusters, [{ kept: 1, lines: [1, 5], similarity: [1, near.similarity] }]);
  });

  it('agrees with the in-memory checkHygiene on the same lines', () => {
    const its = items();
    const pass = new CleaningPass({ emptyResponse: true });
    for (const it of its) pass.add(it.line, it.pairs);
    const r = pass.finish((l) => its[l - 1].pairs);
    const report = checkHygiene(its.map((it) => ({ line: it.line, ...it.pairs[0] })));
    assert.deepEqual(cleaningFindings(r), report.findings);
  });

  it('keeps the highest-scored copy, even when it is an exact copy later in the file', () => {
    const its = items({ 1: 0.1, 3: 0.9, 5: 0.5 });
    const pass = new CleaningPass();
    for (const it of its) pass.add(it.line, it.pairs);
    const r = pass.finish((l) => its[l - 1].pairs, (l) => its[l - 1].score);
    assert.equal(r.removed.get(1)?.message, 'Duplicate of line 3');
    assert.equal(r.removed.get(5)?.otherLine, 3);
    assert.equal(r.removed.has(3), false);
    assert.deepEqual(r.nearClusters.map((c) => [c.kept, c.lines]), [[3, [3, 5]]]);
  });

  it('lets a near copy with a better score win over the first copy', () => {
    const its = items({ 1: 0.2, 3: 0.2, 5: 0.95 });
    const pass = new CleaningPass();
    for (const it of its) pass.add(it.line, it.pairs);
    const r = pass.finish((l) => its[l - 1].pairs, (l) => its[l - 1].score);
    assert.equal(r.removed.get(3)?.message, 'Duplicate of line 1');
    assert.equal(r.removed.get(1)?.step, 'near-duplicate');
    assert.equal(r.removed.get(1)?.otherLine, 5);
  });

  it('an exact copy of a foreign line is a duplicate, not a second non-English line', () => {
    const its: PipelineItem[] = [{ line: 1, pairs: [german] }, { line: 2, pairs: [distinct(2)] }, { line: 4, pairs: [german] }];
    const pass = new CleaningPass();
    for (const it of its) pass.add(it.line, it.pairs);
    const r = pass.finish((l) => its.find((it) => it.line === l)!.pairs);
    assert.equal(r.removed.get(1)?.step, 'not-english');
    assert.equal(r.removed.get(4)?.message, 'Duplicate of line 1');
    assert.deepEqual(r.counts, { exact: 1, language: 1, nearDuplicate: 0 });
  });

  it('compares a multi-pair line on all its pairs', () => {
    const a = distinct(1), b = distinct(2);
    assert.deepEqual(lineTextPair([a, b]), { instruction: `${a.instruction}\n${b.instruction}`, response: `${a.response}\n${b.response}` });
    const pass = new CleaningPass({ language: 'off', near: false });
    pass.add(1, [a, b]);
    pass.add(2, [a]); // same first exchange only: not a duplicate
    pass.add(3, [a, b]);
    const all = new Map([[1, [a, b]], [2, [a]], [3, [a, b]]]);
    const r = pass.finish((l) => all.get(l)!);
    assert.deepEqual([...r.removed.keys()], [3]);
  });

  it('reports empty and truncated responses without removing them', () => {
    const pass = new CleaningPass({ emptyResponse: true, truncation: { maxResponseTokens: 5, responseTokens: (s) => s.split(' ').length } });
    pass.add(1, [{ instruction: 'Say nothing at all please.', response: ' ' }]);
    pass.add(2, [{ instruction: 'Count to seven for me.', response: 'one two three four five six seven' }]);
    pass.add(3, [{ instruction: 'Count to two for me.', response: 'one two' }]);
    const r = pass.finish(() => { throw new Error('no text needed'); });
    assert.equal(r.removed.size, 0);
    assert.deepEqual(r.notes.map((n) => [n.line, n.message]), [[1, 'Empty response'], [2, 'Response truncated to 5 tokens for scoring']]);
  });

  it('refuses lines without pairs, and use after finish', () => {
    const pass = new CleaningPass();
    assert.throws(() => pass.add(1, []), /line 1 yields no pair/);
    pass.add(2, [distinct(2)]);
    pass.finish(() => [distinct(2)]);
    assert.throws(() => pass.add(3, [distinct(3)]), /after finish/);
  });
});

describe('selection pipeline', () => {
  it('cleans, then ranks the survivors, and reports each step', () => {
    const r = runSelectionPipeline(items(), { criterion: { kind: 'top-k', k: 3 } });
    // Survivors: 2, 5 (outscores its near copy on line 1), 6..13: 10 lines; the best scores are the last lines.
    assert.deepEqual(r.selected, [13, 12, 11]);
    assert.deepEqual(
      { ...r.report, criterion: undefined },
      { input: 13, removedExact: 1, removedLanguage: 1, removedNearDup: 1, ranked: 10, selected: 3, criterion: undefined, dedup: true, languageFilter: true },
    );
    assert.equal(formatPipelineReport(r.report), 'Removed 1 exact duplicate, 1 non-English, 1 near-duplicate; kept 3 of 10 (top 3)');
  });

  it('never selects a removed line, however well it scores', () => {
    const r = runSelectionPipeline(items({ 3: 99, 4: 98, 5: 97 }), { criterion: { kind: 'top-k', k: 2 }, keepOrder: true });
    // Line 3 (best) is kept over line 1; line 5 is its near copy and goes; line 4 is German.
    assert.deepEqual(r.selected, [3, 13]);
    assert.equal(r.removed.get(1)?.otherLine, 3);
    assert.equal(r.removed.get(5)?.otherLine, 3);
  });

  it('turns dedup and the language filter off', () => {
    const noDedup = runSelectionPipeline(items(), { criterion: { kind: 'ratio', ratio: 1 }, dedup: false });
    assert.equal(noDedup.report.ranked, 12);
    assert.equal(formatPipelineReport(noDedup.report), 'Removed 1 non-English; kept 12 of 12 (top 100%)');
    const none = runSelectionPipeline(items(), { criterion: { kind: 'threshold', threshold: 0.1 }, dedup: false, languageFilter: false });
    assert.deepEqual(none.selected, [13, 12, 11, 10]);
    assert.equal(formatPipelineReport(none.report), 'Kept 4 of 13 (score >= 0.1)');
    const noLang = runSelectionPipeline(items(), { criterion: { kind: 'top-k', k: 100 }, languageFilter: false, keepOrder: true });
    // Line 5 outscores line 1 (scores rise with the line), so it is the near-duplicate cluster's kept copy.
    assert.deepEqual(noLang.selected, [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  });

  it('honours the near-duplicate threshold', () => {
    const strict = runSelectionPipeline(items(), { criterion: { kind: 'top-k', k: 100 }, nearDup: { threshold: 0.99 } });
    assert.equal(strict.report.removedNearDup, 0);
    assert.equal(strict.removed.has(5), false);
  });

  it('cleans lines without a score but never selects them', () => {
    const its = items();
    its[1].score = undefined;
    its[5].score = NaN;
    const r = runSelectionPipeline(its, { criterion: { kind: 'ratio', ratio: 1 }, keepOrder: true });
    assert.deepEqual(r.selected, [5, 7, 8, 9, 10, 11, 12, 13]);
    assert.equal(r.report.ranked, 8);
  });

  it('formats large counts and plurals', () => {
    const text = formatPipelineReport({ input: 12000, removedExact: 12, removedLanguage: 3, removedNearDup: 40, ranked: 9943, selected: 2500, criterion: { kind: 'ratio', ratio: 0.25 }, dedup: true, languageFilter: true });
    assert.equal(text, 'Removed 12 exact duplicates, 3 non-English, 40 near-duplicates; kept 2,500 of 9,943 (top 25%)');
  });

  it('selectSurvivors masks removed indices before ranking', () => {
    const { indices, ranked } = selectSurvivors([5, 4, NaN, 3, 2], (i) => i === 0, { kind: 'top-k', k: 2 });
    assert.deepEqual(Array.from(indices), [1, 3]);
    assert.equal(ranked, 3);
  });
});
