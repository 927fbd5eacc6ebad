import * as assert from 'node:assert/strict';
import { MAX_PAIR_MEMO_SLOTS, PairMemo } from '../../src/core/pairMemo';

describe('PairMemo', () => {
  it('remembers pairs it was given and no others', () => {
    const memo = new PairMemo(1024);
    memo.add(3, 7);
    memo.add(0, 0);
    memo.add(2 ** 31 - 1, 5);
    assert.ok(memo.has(3, 7));
    assert.ok(memo.has(0, 0));
    assert.ok(memo.has(2 ** 31 - 1, 5));
    assert.ok(!memo.has(7, 3), 'order matters');
    assert.ok(!memo.has(3, 8));
    assert.ok(!memo.has(0, 1));
  });

  it('stays at its capacity however many pairs it sees, forgetting old ones, never claiming an unseen pair', () => {
    const memo = new PairMemo(100);
    assert.equal(memo.capacity, 128);
    const n = 200000;
    for (let i = 0; i < n; i++) memo.add(i, i + 1);
    let remembered = 0;
    for (let i = 0; i < n; i++) if (memo.has(i, i + 1)) remembered++;
    assert.ok(remembered > 0 && remembered <= memo.capacity, `remembered ${remembered}`);
    assert.ok(memo.has(n - 1, n), 'the newest pair is always remembered');
    for (let i = 0; i < 1000; i++) assert.ok(!memo.has(i, i + 2));
  });

  it('caps its size', () => {
    assert.equal(new PairMemo(1e12).capacity, MAX_PAIR_MEMO_SLOTS);
    assert.equal(new PairMemo(0).capacity, 16);
  });

  it('refuses what it cannot hold', () => {
    const memo = new PairMemo(16);
    assert.throws(() => memo.add(-1, 2), /PairMemo holds pairs of integers in \[0, 2\^31\), got \(-1, 2\)/);
    assert.throws(() => memo.add(1, 2 ** 31), /got \(1, 2147483648\)/);
    assert.throws(() => memo.add(1.5, 2), /got \(1.5, 2\)/);
  });
});
