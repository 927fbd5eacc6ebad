import * as assert from 'node:assert/strict';
import { describeCriterion, makeCriterion, ratioCount, rankIndices, selectIndices, type SelectCriterion } from '../../src/core/select';

const scores = [0.5, 2, NaN, -1, 2, 0.7, 3, NaN, -2, 0.5];

describe('select: criteria', () => {
  it('requires exactly one criterion and valid values', () => {
    assert.match((makeCriterion({}) as { error: string }).error, /exactly one/);
    assert.match((makeCriterion({ topK: 3, ratio: 0.5 }) as { error: string }).error, /only one/);
    assert.match((makeCriterion({ topK: 2.5 }) as { error: string }).error, /whole number/);
    assert.match((makeCriterion({ topK: -1 }) as { error: string }).error, /whole number >= 0/);
    assert.match((makeCriterion({ ratio: 0 }) as { error: string }).error, /\(0, 1\]/);
    assert.match((makeCriterion({ ratio: 1.5 }) as { error: string }).error, /\(0, 1\]/);
    assert.match((makeCriterion({ threshold: Infinity }) as { error: string }).error, /finite/);
    assert.deepEqual(makeCriterion({ threshold: -2 }), { kind: 'threshold', threshold: -2 });
    assert.throws(() => selectIndices([1], { kind: 'ratio', ratio: 2 }), RangeError);
  });
});

describe('select: ranking', () => {
  it('orders by score descending, ties in file order, and leaves out NaN', () => {
    assert.deepEqual([...rankIndices(scores)], [6, 1, 4, 5, 0, 9, 3, 8]);
  });
});

describe('select: top-k', () => {
  it('keeps exactly k (or every scored line when k is larger)', () => {
    for (let k = 0; k <= 8; k++) assert.equal(selectIndices(scores, { kind: 'top-k', k }).length, k);
    assert.equal(selectIndices(scores, { kind: 'top-k', k: 100 }).length, 8);
    assert.deepEqual([...selectIndices(scores, { kind: 'top-k', k: 3 })], [6, 1, 4]);
  });

  it('returns the same set in file order with keepOrder', () => {
    assert.deepEqual([...selectIndices(scores, { kind: 'top-k', k: 4 }, { keepOrder: true })], [1, 4, 5, 6]);
  });

  it('breaks a tie at the cut by file order', () => {
    // the two 0.5s: the earlier line wins the last place
    assert.deepEqual([...selectIndices(scores, { kind: 'top-k', k: 5 })], [6, 1, 4, 5, 0]);
  });
});

describe('select: ratio', () => {
  it('rounds up: ceil(ratio x scored lines)', () => {
    assert.equal(ratioCount(0.25, 9998), 2500);
    assert.equal(ratioCount(0.5, 8), 4);
    assert.equal(ratioCount(0.3, 8), 3); // 2.4 -> 3
    assert.equal(ratioCount(0.01, 8), 1); // never nothing from a non-empty file
    assert.equal(ratioCount(1, 8), 8);
    assert.equal(ratioCount(0.07, 100), 7); // 7.000000000000001 is 7, not 8
    assert.equal(ratioCount(0.5, 0), 0);
    assert.deepEqual([...selectIndices(scores, { kind: 'ratio', ratio: 0.3 })], [6, 1, 4]);
  });

  it('keeps the ratio over many sizes', () => {
    for (let n = 1; n < 200; n += 7) {
      const xs = Array.from({ length: n }, (_, i) => Math.sin(i));
      for (const r of [0.1, 0.25, 0.5, 0.9]) {
        const got = selectIndices(xs, { kind: 'ratio', ratio: r }).length;
        assert.ok(got >= r * n - 1e-9 && got < r * n + 1, `n=${n} r=${r} got ${got}`);
      }
    }
  });
});

describe('select: threshold', () => {
  it('keeps every line at or above the threshold', () => {
    assert.deepEqual([...selectIndices(scores, { kind: 'threshold', threshold: 0.7 })], [6, 1, 4, 5]);
    assert.deepEqual([...selectIndices(scores, { kind: 'threshold', threshold: 0.5 }, { keepOrder: true })], [0, 1, 4, 5, 6, 9]);
    assert.equal(selectIndices(scores, { kind: 'threshold', threshold: 10 }).length, 0);
    assert.equal(selectIndices(scores, { kind: 'threshold', threshold: -100 }).length, 8);
  });
});

describe('select: descriptions', () => {
  it('describes each criterion for the summary', () => {
    const d = (c: SelectCriterion) => describeCriterion(c);
    assert.equal(d({ kind: 'ratio', ratio: 0.25 }), 'top 25%');
    assert.equal(d({ kind: 'top-k', k: 2500 }), 'top 2,500');
    assert.equal(d({ kind: 'threshold', threshold: -2 }), 'score >= -2');
  });
});
