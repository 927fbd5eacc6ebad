import * as assert from 'node:assert/strict';
import { meanOverPairs, meansByOwner, percentiles, percentilesOfSorted, quantileSorted, summarizeScores, summarizeSorted } from '../../src/core/scores';

describe('scores: percentiles', () => {
  it('gives 0 to the lowest and 100 to the highest of distinct scores, evenly between', () => {
    assert.deepEqual([...percentiles([0.3, -1, 2, 0.5, 1])], [25, 0, 100, 50, 75]);
  });

  it('averages ties: equal scores get equal percentiles, counting each other half', () => {
    // sorted: 1, 2, 2, 3 -> 2s have 1 lower and 1 other equal among 3 others: (1 + 0.5) / 3
    const p = percentiles([2, 1, 3, 2]);
    assert.equal(p[0], p[3]);
    assert.equal(p[0], 50);
    assert.equal(p[1], 0);
    assert.equal(p[2], 100);
    assert.deepEqual([...percentiles([5, 5, 5])], [50, 50, 50]);
  });

  it('skips NaN (lines without a score) and gives them NaN', () => {
    const p = percentiles([NaN, 1, NaN, 3]);
    assert.ok(Number.isNaN(p[0]) && Number.isNaN(p[2]));
    assert.equal(p[1], 0);
    assert.equal(p[3], 100);
  });

  it('gives a single scored line 50, and an empty input nothing', () => {
    assert.deepEqual([...percentiles([NaN, 4])].slice(1), [50]);
    assert.equal(percentiles([]).length, 0);
  });

  it('matches a brute-force definition on random data with ties', () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const xs = Array.from({ length: 300 }, () => (rnd() < 0.1 ? NaN : Math.round(rnd() * 40) / 4));
    const p = percentiles(xs);
    const scored = xs.filter((x) => !Number.isNaN(x));
    xs.forEach((x, i) => {
      if (Number.isNaN(x)) return;
      const lower = scored.filter((y) => y < x).length;
      const equalOthers = scored.filter((y) => y === x).length - 1;
      assert.ok(Math.abs(p[i] - (100 * (lower + 0.5 * equalOthers)) / (scored.length - 1)) < 1e-9);
    });
  });
});

describe('scores: the mean over pairs', () => {
  const a = { score: 1, composition: 0.5, presentation: 0.5 }, b = { score: 3, composition: 1, presentation: 2 }, c = { score: 5, composition: 4, presentation: 3 };
  it('is the mean of the exchanges, per component; NaN for a line without pairs', () => {
    const out = new Float64Array(9).fill(-1);
    meanOverPairs([c, a, b], 1, 2, out, 3);
    assert.deepEqual([...out.subarray(3, 6)], [2, 0.75, 1.25]);
    meanOverPairs([c], 0, 1, out, 0);
    assert.deepEqual([...out.subarray(0, 3)], [5, 4, 3]);
    meanOverPairs([], 0, 0, out, 6);
    assert.ok(out.subarray(6).every(Number.isNaN));
  });
  it('meansByOwner takes each line\'s run of pairs and leaves lines without pairs alone', () => {
    const out = new Float64Array(12).fill(-1);
    meansByOwner([a, b, c, c, a], [0, 0, 2, 3, 3], out);
    assert.deepEqual([...out], [2, 0.75, 1.25, -1, -1, -1, 5, 4, 3, 3, 2.25, 1.75]);
  });
});

describe('scores: summary', () => {
  it('computes quantiles by linear interpolation and ignores NaN', () => {
    const s = summarizeScores([4, NaN, 1, 3, 2, 5])!;
    assert.equal(s.count, 5);
    assert.equal(s.min, 1);
    assert.equal(s.max, 5);
    assert.equal(s.median, 3);
    assert.equal(s.mean, 3);
    assert.equal(s.p25, 2);
    assert.ok(Math.abs(s.p10 - 1.4) < 1e-12);
    assert.equal(summarizeScores([NaN]), undefined);
    assert.equal(quantileSorted([10, 20], 0.5), 15);
  });
  it('summarizeSorted gives the summary of scores already sorted, as summarizeScores does', () => {
    assert.deepEqual(summarizeSorted([1, 2, 3, 4, 5]), summarizeScores([4, NaN, 1, 3, 2, 5]));
    assert.equal(summarizeSorted([]), undefined);
  });
});

describe('scores: percentilesOfSorted', () => {
  it('gives each distinct score the percentile percentiles gives its lines', () => {
    const xs = [0.3, -1, 2, 0.5, 1, 2, 0.5, 0.5];
    const p = percentiles(xs);
    const bySorted = percentilesOfSorted(Float64Array.from(xs).sort());
    xs.forEach((x, i) => assert.equal(bySorted.get(x), p[i]));
    assert.deepEqual([...percentilesOfSorted([7])], [[7, 50]]);
    assert.equal(percentilesOfSorted([]).size, 0);
  });
});
