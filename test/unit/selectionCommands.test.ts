// The pure half of the editor's selection, sort and filter commands: document lines with scores, SCAR's cleaning
// run once, quick-pick labels with counts, typed input, and the whole-text edits of sort and filter.
import * as assert from 'node:assert/strict';
import { scoreScale } from '../../src/extension/scoring/scoreScale';
import { selectIndices } from '../../src/core/select';
import { runSelectionPipeline } from '../util/oracles/selectionPipeline';
import { alreadySorted, filteredText, linesAsJsonl, sortedLines, sortedText } from '../../src/extension/commands/lineEdits';
import { applyCriterion, keptCount, prepareSelection, type PreparedSelection } from '../../src/extension/commands/selectionPrep';
import { countBelow, filterChoices, parseFilterInput, percentileThreshold } from '../../src/extension/commands/filterInput';
import { criterionChoices, parseCriterionInput } from '../../src/extension/commands/criterionInput';
import { documentLines, documentLinesSliced } from '../../src/extension/commands/docLines';

const ADAPTER = { schema: 'auto' as const, turnPolicy: 'first' as const };
const OFF = { dedup: false, languageFilter: false };
const ON = { dedup: true, languageFilter: true };

/** A seeded PRNG, so the random cases are reproducible. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32; };
}

const WORDS = 'the a river mountain quietly explains why every student should measure carefully before writing answers about history science music'.split(' ');
function sentence(r: () => number, n: number): string {
  return Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
}
function alpaca(instruction: string, output: string): string {
  return JSON.stringify({ instruction, input: '', output });
}

describe('documentLines', () => {
  it('keeps every line with its own ending, pairs and scores, and knows the document ending', () => {
    const text = '\ufeff' + alpaca('Say hi', 'Hi — ça va?') + '\r\n\r\n{bad json\r\n' + JSON.stringify({ foo: 1 }) + '\r\n' + alpaca('Q', 'A');
    const doc = documentLines(text, ADAPTER, (i) => (i === 0 ? 0.5 : i === 4 ? -1 : 99));
    assert.equal(doc.lines.length, 5);
    assert.equal(doc.bom, '\ufeff');
    assert.equal(doc.eol, '\r\n');
    assert.equal(doc.finalEol, false);
    assert.deepEqual(doc.lines.map((l) => l.eol), ['\r\n', '\r\n', '\r\n', '\r\n', '']);
    assert.deepEqual(doc.lines.map((l) => l.blank), [false, true, false, false, false]);
    assert.equal(doc.lines[0].text, alpaca('Say hi', 'Hi — ça va?'));
    // Scores only for lines with a pair, whatever scoreOf says for the others.
    assert.deepEqual(doc.lines.map((l) => l.score), [0.5, undefined, undefined, undefined, -1]);
    assert.equal(doc.lines[0].pairs?.[0].response, 'Hi — ça va?');
    assert.equal(doc.lines[2].pairs, undefined);
  });

  it('gives the same lines in slices, yielding between them', async () => {
    const text = Array.from({ length: 300 }, (_, i) => (i % 50 === 7 ? '' : alpaca(`q${i}`, `a ${i}`))).join('\r\n');
    let pauses = 0;
    const sliced = await documentLinesSliced(text, ADAPTER, (i) => i / 3, { sliceMs: 0, pause: async () => { pauses++; } });
    assert.deepEqual(sliced, documentLines(text, ADAPTER, (i) => i / 3));
    assert.equal(pauses, Math.floor(300 / 64));
  });

  it('treats NaN scores as missing and an empty text as no lines', () => {
    const doc = documentLines(alpaca('a', 'b') + '\n', ADAPTER, () => NaN);
    assert.equal(doc.lines[0].score, undefined);
    assert.equal(doc.finalEol, true);
    assert.equal(doc.eol, '\n');
    assert.deepEqual(documentLines('', ADAPTER, () => 1).lines, []);
  });
});

describe('prepareSelection / applyCriterion', () => {
  it('without cleaning, selects exactly what core selectIndices selects, for random scores and criteria', async () => {
    const r = rng(7);
    for (let round = 0; round < 30; round++) {
      const n = 1 + Math.floor(r() * 60);
      const scores = Array.from({ length: n }, () => (r() < 0.15 ? NaN : Math.round(r() * 10) / 10));
      const text = scores.map((_, i) => alpaca(`question ${i} ${sentence(r, 6)}`, `answer ${i} ${sentence(r, 8)}`)).join('\n');
      const doc = documentLines(text, ADAPTER, (i) => scores[i]);
      const prep = await prepareSelection(doc.lines, OFF);
      for (const c of [{ kind: 'top-k', k: Math.floor(r() * n) }, { kind: 'ratio', ratio: Math.max(0.01, r()) }, { kind: 'threshold', threshold: r() }] as const) {
        const expected = Array.from(selectIndices(scores, c));
        const { selected, report } = applyCriterion(prep, c);
        assert.deepEqual(selected.map((l) => l.index), expected, JSON.stringify(c));
        assert.equal(keptCount(prep, c), expected.length, `count of ${JSON.stringify(c)}`);
        assert.equal(report.selected, expected.length);
        const inOrder = applyCriterion(prep, c, true).selected.map((l) => l.index);
        assert.deepEqual(inOrder, [...expected].sort((a, b) => a - b));
      }
    }
  });

  it('with cleaning, agrees with runSelectionPipeline (same lines, same report) and counts after cleaning', async () => {
    const r = rng(11);
    const rows: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i < 40; i++) {
      const base = alpaca(`explain ${sentence(r, 8)} number ${i}`, `${sentence(r, 25)} end ${i}`);
      rows.push(base);
      scores.push(r());
      if (i % 5 === 0) { rows.push(base); scores.push(r()); } // exact duplicates
    }
    rows.push(alpaca('Erkläre die Geschichte der Musik bitte genau', 'Die Geschichte der Musik ist lang und sie ist sehr alt und wir wissen nicht viel darüber, aber die Menschen haben immer gesungen.'));
    scores.push(0.99);
    const doc = documentLines(rows.join('\n'), ADAPTER, (i) => scores[i]);
    const prep = await prepareSelection(doc.lines, ON, { sliceMs: 0 });
    assert.ok(prep.removed.size >= 8, `duplicates removed: ${prep.removed.size}`);
    for (const c of [{ kind: 'ratio', ratio: 0.25 }, { kind: 'top-k', k: 7 }, { kind: 'threshold', threshold: 0.5 }] as const) {
      const items = doc.lines.filter((l) => l.pairs).map((l) => ({ line: l.index + 1, pairs: l.pairs!, score: l.score }));
      const expected = runSelectionPipeline(items, { criterion: c, ...ON });
      const got = applyCriterion(prep, c);
      assert.deepEqual(got.selected.map((l) => l.index + 1), expected.selected);
      assert.deepEqual(got.report, expected.report);
      assert.equal(keptCount(prep, c), expected.selected.length);
    }
  });
});

describe('prepareSelection in slices', () => {
  const r = rng(5);
  const text = Array.from({ length: 400 }, (_, i) => alpaca(`question ${i} ${sentence(r, 8)}`, `${sentence(r, 30)} ${i}`)).join('\n');
  const doc = documentLines(text, ADAPTER, (i) => i % 7);

  it('yields to the event loop between slices, reports progress, and gives the same result as one go', async () => {
    let pauses = 0;
    const progress: number[] = [];
    const sliced = await prepareSelection(doc.lines, ON, { sliceMs: 0, pause: async () => { pauses++; }, onProgress: (done, total) => { assert.equal(total, 400); progress.push(done); } });
    const whole = await prepareSelection(doc.lines, ON, { sliceMs: 1e9 });
    assert.ok(pauses >= 400 / 32 - 1, `paused ${pauses} times`);
    assert.deepEqual(progress, [...progress].sort((a, b) => a - b));
    assert.deepEqual([...sliced.removed.keys()], [...whole.removed.keys()]);
    assert.deepEqual(sliced.rankedScores, whole.rankedScores);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    await assert.rejects(prepareSelection(doc.lines, ON, { sliceMs: 0, pause: async () => ac.abort() , signal: ac.signal }), { name: 'AbortError' });
  });
});

const RAW = scoreScale(undefined);

describe('criterionChoices', () => {
  it('labels each choice with the number of lines it keeps', async () => {
    const text = Array.from({ length: 9 }, (_, i) => alpaca(`q ${i}`, `a ${i}`)).join('\n');
    const doc = documentLines(text, ADAPTER, (i) => (i === 8 ? undefined : i / 10));
    const prep = await prepareSelection(doc.lines, OFF);
    const choices = criterionChoices(prep, RAW);
    assert.deepEqual(choices.map((c) => c.label), ['Top 10%', 'Top 25%', 'Top 50%', 'Top percent…', 'Top k…', 'Score threshold…']);
    // 8 ranked lines: 10% -> ceil(0.8) = 1, 25% -> 2, 50% -> 4.
    assert.equal(choices[0].description, 'keeps 1 line of 8 ranked');
    assert.equal(choices[1].description, 'keeps 2 lines of 8 ranked');
    assert.equal(choices[2].description, 'keeps 4 lines of 8 ranked');
    assert.deepEqual(choices[1].criterion, { kind: 'ratio', ratio: 0.25 });
    assert.equal(choices[3].ask, 'ratio');
    assert.equal(choices[4].ask, 'top-k');
    assert.match(choices[5].description, /type a minimum raw score; the median here is 0\.35/);
    assert.equal(choices[0].detail, undefined);
  });

  it('says how many lines cleaning removed', async () => {
    const line = alpaca('the same question about rivers', 'the same long answer about rivers and mountains');
    const doc = documentLines([line, line, alpaca('other', 'thing entirely different here')].join('\n'), ADAPTER, (i) => i);
    const choices = criterionChoices(await prepareSelection(doc.lines, { dedup: true, languageFilter: false }), RAW);
    assert.match(choices[0].detail ?? '', /after removing 1 line/);
  });
});

describe('parseCriterionInput', () => {
  const doc = documentLines(Array.from({ length: 10 }, (_, i) => alpaca(`q${i}`, `a${i}`)).join('\n'), ADAPTER, (i) => i);
  let prep: PreparedSelection;
  before(async () => { prep = await prepareSelection(doc.lines, OFF); });
  it('reads numbers, percentages and scores, with the count they keep', () => {
    assert.deepEqual(parseCriterionInput('top-k', ' 3 ', prep, RAW), { criterion: { kind: 'top-k', k: 3 }, message: 'Keeps 3 lines of 10 (top 3).' });
    assert.deepEqual(parseCriterionInput('ratio', '25%', prep, RAW), { criterion: { kind: 'ratio', ratio: 0.25 }, message: 'Keeps 3 lines of 10 (top 25%).' });
    assert.deepEqual(parseCriterionInput('threshold', '6.5', prep, RAW), { criterion: { kind: 'threshold', threshold: 6.5, label: 'raw score >= 6.5' }, message: 'Keeps 3 lines of 10 (raw score >= 6.5).' });
    assert.equal((parseCriterionInput('top-k', '50', prep, RAW) as { message: string }).message, 'Keeps 10 lines of 10 (top 50).');
  });
  it('rejects what is not a valid number for the kind', () => {
    for (const [kind, input] of [['top-k', '2.5'], ['top-k', '0'], ['top-k', ''], ['ratio', '0'], ['ratio', '101'], ['ratio', 'abc'], ['threshold', 'x']] as const) {
      assert.ok('error' in parseCriterionInput(kind, input, prep, RAW), `${kind} ${input}`);
    }
  });
});

describe('filter input and choices', () => {
  const scores = [0.9, 0.1, 0.5, undefined, 0.3, 0.7, 0.5];
  const doc = documentLines(scores.map((_, i) => alpaca(`q${i}`, `a${i}`)).join('\n'), ADAPTER, (i) => scores[i]);
  it('reads a score or a percentile and counts the lines it removes', () => {
    const byScore = parseFilterInput('0.5', doc.lines, RAW);
    assert.ok(!('error' in byScore));
    assert.equal(byScore.removes, 2); // 0.1, 0.3
    assert.equal(byScore.cut.threshold, 0.5);
    const byPct = parseFilterInput('50%', doc.lines, RAW);
    assert.ok(!('error' in byPct));
    // Percentiles of 0.1 0.3 0.5 0.5 0.7 0.9: 0, 20, 50, 50, 80, 100: below 50 are 0.1 and 0.3.
    assert.equal(byPct.cut.threshold, 0.5);
    assert.equal(byPct.removes, 2);
    assert.match(byPct.message, /Removes 2 lines \(below the 50th percentile \(raw score < 0\.50\)\)/);
    assert.equal((parseFilterInput('p21', doc.lines, RAW) as { cut: { threshold: number } }).cut.threshold, 0.5);
    assert.equal((parseFilterInput('20%', doc.lines, RAW) as { removes: number }).removes, 1);
    assert.ok('error' in parseFilterInput('abc', doc.lines, RAW));
    assert.ok('error' in parseFilterInput('150%', doc.lines, RAW));
  });
  it('percentileThreshold removes exactly the lines under the percentile', () => {
    for (const p of [0, 1, 20, 33, 50, 79, 80, 99, 100]) {
      const t = percentileThreshold(doc.lines, p)!;
      const pcts = [0, 20, 50, 50, 80, 100];
      assert.equal(countBelow(doc.lines, t), pcts.filter((q) => q < p).length, `p=${p}`);
    }
  });
  it('offers percentiles with counts and a typed choice', () => {
    const c = filterChoices(doc.lines, RAW);
    assert.deepEqual(c.map((x) => x.label), ['Below the 10th percentile', 'Below the 25th percentile', 'Below the 50th percentile', 'Score or percentile…']);
    assert.equal(c[0].description, 'removes 1 line (raw score < 0.30)'); // percentiles 0, 20, 50, 50, 80, 100
    assert.equal(c[1].description, 'removes 2 lines (raw score < 0.50)');
    assert.equal(c[3].ask, true);
  });
});

describe('thresholds on the 0-100 style score', () => {
  // style = 100 * sigmoid(raw): raw 0 is 50, raw ln(3) is 75
  const STYLE = scoreScale({ a: 1, b: 0, model: 'm', anchors: { humanMedian: 10, assistantMedian: 80 }, fittedOn: '' });
  const raws = [-3, -1, 0, 0.5, 1, 2, 3, 4, 5, 6];
  const doc = documentLines(raws.map((_, i) => alpaca(`q${i}`, `a${i}`)).join('\n'), ADAPTER, (i) => raws[i]);
  let prep: PreparedSelection;
  before(async () => { prep = await prepareSelection(doc.lines, OFF); });
  it('takes a typed threshold as a style score, compares it as the raw score it stands for, and says it in style terms', () => {
    const r = parseCriterionInput('threshold', '75', prep, STYLE);
    assert.ok(!('error' in r));
    assert.ok(r.criterion.kind === 'threshold' && Math.abs(r.criterion.threshold - Math.log(3)) < 1e-12);
    assert.equal(r.message, 'Keeps 5 lines of 10 (style score >= 75).'); // raw 2 .. 6 (raw 1 is below ln 3)
  });
  it('rejects a threshold off the 0-100 scale with an example on it', () => {
    const r = parseCriterionInput('threshold', '-2.39', prep, STYLE);
    assert.ok('error' in r && /style score from 0 to 100, e\.g\. 50/.test(r.error), JSON.stringify(r));
    assert.ok('error' in parseFilterInput('101', doc.lines, STYLE));
  });
  it('offers the style threshold with the file\'s median on the same scale', () => {
    const c = criterionChoices(prep, STYLE);
    assert.equal(c[5].label, 'Style score threshold…');
    assert.match(c[5].description, /type a minimum style score \(0–100\); the median here is (8[0-9]|9[0-9])/);
    const f = filterChoices(doc.lines, STYLE);
    assert.match(f[3].description, /type a style score 0–100 \(e\.g\. \d+, the median here\)/);
    const byScore = parseFilterInput('50', doc.lines, STYLE);
    assert.ok(!('error' in byScore));
    assert.equal(byScore.removes, 2); // raw -3 and -1 are below raw 0 (style 50)
    assert.equal(byScore.cut.description, 'style score < 50');
  });
});

describe('sort and filter edits', () => {
  const rows = [
    alpaca('a', 'first 0.2'), '', alpaca('b', 'second 0.9 — ü'), '{broken', alpaca('c', 'third 0.2'), alpaca('d', 'fourth 0.5'), '   ',
  ];
  const scores = [0.2, undefined, 0.9, undefined, 0.2, 0.5, undefined];
  for (const eol of ['\n', '\r\n']) {
    for (const finalEol of [true, false]) {
      it(`sorts best first, stable for ties, unscored then blank lines last (eol ${JSON.stringify(eol)}, final ${finalEol})`, () => {
        const text = rows.join(eol) + (finalEol ? eol : '');
        const doc = documentLines(text, ADAPTER, (i) => scores[i]);
        const sorted = sortedText(doc);
        const expected = [rows[2], rows[5], rows[0], rows[4], rows[3], rows[1], rows[6]].join(eol) + (finalEol ? eol : '');
        assert.equal(sorted, expected);
        // Same lines, same count: nothing lost.
        assert.deepEqual(sorted.split(eol).sort(), text.split(eol).sort());
        assert.equal(alreadySorted(doc), false);
        assert.equal(alreadySorted(documentLines(sorted, ADAPTER, (i) => [0.9, 0.5, 0.2, 0.2][i])), true);
      });
    }
  }

  it('keeps a byte-order mark first', () => {
    const doc = documentLines('\ufeff' + alpaca('x', 'low') + '\n' + alpaca('y', 'high') + '\n', ADAPTER, (i) => i);
    assert.equal(sortedText(doc), '\ufeff' + alpaca('y', 'high') + '\n' + alpaca('x', 'low') + '\n');
  });

  it('sortedLines is a permutation for random inputs', () => {
    const r = rng(3);
    for (let k = 0; k < 20; k++) {
      const n = Math.floor(r() * 30);
      const s = Array.from({ length: n }, () => (r() < 0.2 ? undefined : Math.floor(r() * 4)));
      const doc = documentLines(s.map((_, i) => (r() < 0.1 ? '' : alpaca(`q${i}`, `a${i}`))).join('\n'), ADAPTER, (i) => s[i]);
      const out = sortedLines(doc.lines);
      assert.deepEqual(out.map((l) => l.index).sort((a, b) => a - b), doc.lines.map((l) => l.index));
      for (let i = 1; i < out.length; i++) {
        const a = out[i - 1], b = out[i];
        if (a.score !== undefined && b.score !== undefined) assert.ok(a.score > b.score || (a.score === b.score && a.index < b.index));
        if (a.score === undefined) assert.equal(b.score, undefined);
        if (a.blank) assert.ok(b.blank);
      }
    }
  });

  it('filters lines below the threshold, keeping unscored ones, and returns the removed ones in order', () => {
    const text = rows.join('\r\n') + '\r\n';
    const doc = documentLines(text, ADAPTER, (i) => scores[i]);
    const { text: kept, removed } = filteredText(doc, 0.5);
    assert.deepEqual(removed.map((l) => l.index), [0, 4]);
    assert.equal(kept, [rows[1], rows[2], rows[3], rows[5], rows[6]].join('\r\n') + '\r\n');
    assert.equal(linesAsJsonl(removed, '\r\n'), rows[0] + '\r\n' + rows[4] + '\r\n');
    assert.deepEqual(filteredText(doc, 0).removed, []);
    assert.equal(filteredText(doc, 0).text, text);
  });
});
