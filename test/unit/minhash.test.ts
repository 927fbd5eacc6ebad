import * as assert from 'node:assert/strict';
import {
  MinHasher,
  estimateJaccard,
  estimateJaccard8,
  fmix32,
  forEachCandidatePair,
  hashString32,
  jaccard,
  lshCandidateProbability,
  shingleHashes,
  shingleSet,
} from '../../src/core/minhash';
import { UnionFind } from '../../src/core/unionFind';
import { mulberry32 as rng } from '../util/prng';

/** Two sets of distinct random 32-bit values sharing `common` values, with `onlyA` / `onlyB` of their own. */
function setPair(rand: () => number, common: number, onlyA: number, onlyB: number): { a: Uint32Array; b: Uint32Array; j: number } {
  const seen = new Set<number>();
  const draw = (count: number): number[] => {
    const out: number[] = [];
    while (out.length < count) {
      const v = Math.floor(rand() * 4294967296);
      if (!seen.has(v)) {
        seen.add(v);
        out.push(v);
      }
    }
    return out;
  };
  const c = draw(common);
  const a = Uint32Array.from([...c, ...draw(onlyA)]);
  const b = Uint32Array.from([...c, ...draw(onlyB)]);
  return { a, b, j: common / (common + onlyA + onlyB) };
}

describe('minhash: hashing and shingles', () => {
  it('hashes strings deterministically to unsigned 32-bit values, differently for different strings and seeds', () => {
    assert.equal(hashString32('hello'), hashString32('hello'));
    assert.notEqual(hashString32('hello'), hashString32('hellp'));
    assert.notEqual(hashString32('hello', 1), hashString32('hello', 2));
    for (const s of ['', 'a', 'ünïcödé', '😀']) {
      const h = hashString32(s);
      assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32, `${s}: ${h}`);
    }
    assert.equal(fmix32(0), 0);
    assert.notEqual(fmix32(1), 1);
  });

  it('makes lower-cased word bigrams over any whitespace', () => {
    assert.deepEqual([...shingleSet('The cat\tsat\n on  THE mat')], ['the cat', 'cat sat', 'sat on', 'on the', 'the mat']);
    assert.deepEqual([...shingleSet('a b a b a b')], ['a b', 'b a']);
  });

  it('makes one shingle of a text shorter than n words, and none of an empty text', () => {
    assert.deepEqual([...shingleSet('Hello')], ['hello']);
    assert.deepEqual([...shingleSet('one two', 3)], ['one two']);
    assert.equal(shingleSet('   \n ').size, 0);
    assert.equal(shingleHashes('   ').length, 0);
  });

  it('supports other n-gram sizes', () => {
    assert.deepEqual([...shingleSet('a b c d', 3)], ['a b c', 'b c d']);
    assert.deepEqual([...shingleSet('a b c', 1)], ['a', 'b', 'c']);
    assert.throws(() => shingleSet('a b', 0), /n-gram.*positive integer, got 0/);
    assert.throws(() => shingleHashes('a b', 1.5), /positive integer/);
  });

  it('hashes each distinct shingle to its own value and equal shingles to equal values', () => {
    const text = 'the quick brown fox jumps over the quick brown dog';
    const hashes = shingleHashes(text);
    assert.equal(hashes.length, 9);
    assert.equal(new Set(hashes).size, shingleSet(text).size);
    assert.deepEqual(shingleHashes('THE   Quick'), shingleHashes('the quick'));
    assert.notDeepEqual(shingleHashes('quick the'), shingleHashes('the quick'));
  });

  it('computes exact Jaccard', () => {
    assert.equal(jaccard(new Set([1, 2, 3]), new Set([2, 3, 4])), 0.5);
    assert.equal(jaccard(new Set([1]), new Set([2])), 0);
    assert.equal(jaccard(new Set(), new Set()), 1);
    assert.equal(jaccard(new Set(['a']), new Set()), 0);
  });
});

describe('minhash: signatures', () => {
  const hasher = new MinHasher(128, 1);

  it('gives identical sets identical signatures, whatever the order and repetition of shingles', () => {
    const a = Uint32Array.from([5, 9, 1234567, 42, 42]);
    const b = Uint32Array.from([42, 1234567, 9, 5]);
    assert.deepEqual(hasher.signature(a), hasher.signature(b));
    assert.equal(estimateJaccard(hasher.signature(a), hasher.signature(b)), 1);
  });

  it('is reproducible from the seed and differs between seeds', () => {
    const x = Uint32Array.from([1, 2, 3, 4, 5]);
    assert.deepEqual(new MinHasher(128, 7).signature(x), new MinHasher(128, 7).signature(x));
    assert.notDeepEqual(new MinHasher(128, 7).signature(x), new MinHasher(128, 8).signature(x));
    assert.throws(() => new MinHasher(0), /permutations must be a positive integer/);
  });

  // Tolerance, derived: each of the k = 128 rows agrees with probability J, so by Hoeffding
  // P(|estimate - J| >= 0.15) <= 2 exp(-2 * 128 * 0.15^2) = 0.0063: within 0.15 with probability >= 0.99.
  // Over 600 pairs we therefore allow at most 1% of misses (the expected count is <= 3.8 even at the bound),
  // and the mean absolute error must be near its theoretical value (<= sqrt(1/(4*128)) = 0.044).
  it('estimates Jaccard within 0.15 for >= 99% of 600 random set pairs spanning J = 0..1', () => {
    const rand = rng(2024);
    let misses = 0;
    let absErr = 0;
    const pairs = 600;
    for (let t = 0; t < pairs; t++) {
      const size = 20 + Math.floor(rand() * 300);
      const common = Math.floor(rand() * size);
      const onlyA = Math.floor(rand() * (size - common + 1));
      const onlyB = size - common;
      const { a, b, j } = setPair(rand, common, onlyA, onlyB);
      const est = estimateJaccard(hasher.signature(a), hasher.signature(b));
      const err = Math.abs(est - j);
      absErr += err;
      if (err > 0.15) misses++;
    }
    assert.ok(misses <= pairs * 0.01, `${misses} of ${pairs} estimates missed by more than 0.15`);
    assert.ok(absErr / pairs <= 0.044, `mean absolute error ${(absErr / pairs).toFixed(4)}`);
  });

  it('removes the chance agreement of 8-bit rows: compact and full estimates agree', () => {
    const rand = rng(7);
    const k = 128;
    for (const common of [0, 50, 100, 150, 200]) {
      const { a, b, j } = setPair(rand, common, 200 - common, 200 - common);
      const sa = hasher.signature(a);
      const sb = hasher.signature(b);
      const sig8 = new Uint8Array(2 * k);
      for (let i = 0; i < k; i++) {
        sig8[i] = sa[i] & 0xff;
        sig8[k + i] = sb[i] & 0xff;
      }
      const est8 = estimateJaccard8(sig8, 0, 1, k);
      assert.ok(Math.abs(est8 - estimateJaccard(sa, sb)) <= 0.05, `J=${j.toFixed(2)}: ${est8} vs ${estimateJaccard(sa, sb)}`);
    }
  });
});

describe('minhash: LSH banding', () => {
  it("states SCAR's 16 x 8 curve and the multi-probe one", () => {
    assert.ok(Math.abs(lshCandidateProbability(0.7, 16, 8, false) - 0.614) < 0.005);
    assert.ok(lshCandidateProbability(0.7, 16, 8, true) > 0.99);
    assert.ok(lshCandidateProbability(0.3, 16, 8, true) < 0.03);
    assert.ok(lshCandidateProbability(1, 16, 8, false) === 1);
  });

  /** n compact signatures where text t's rows agree with text 0's on a chosen set of rows. */
  function signatures(n: number, k: number, rowsLike: (t: number, row: number) => boolean, rand: () => number): Uint8Array {
    const sig8 = new Uint8Array(n * k);
    for (let r = 0; r < k; r++) sig8[r] = Math.floor(rand() * 256);
    for (let t = 1; t < n; t++) {
      for (let r = 0; r < k; r++) {
        if (rowsLike(t, r)) sig8[t * k + r] = sig8[r];
        else sig8[t * k + r] = (sig8[r] + 1 + Math.floor(rand() * 255)) & 0xff;
      }
    }
    return sig8;
  }

  it('makes a candidate exactly when a whole band agrees (plain) or all but one row of it (multi-probe)', () => {
    const k = 128;
    // text 1 agrees with text 0 on band 3 only; text 2 on band 5 except row 2; text 3 on nothing.
    const like = (t: number, r: number): boolean => (t === 1 && r >= 24 && r < 32) || (t === 2 && r >= 40 && r < 48 && r !== 42);
    const sig8 = signatures(4, k, like, rng(3));
    const keys = new Uint32Array([1, 2, 3, 4]);
    const seen = (multiProbe: boolean): string[] => {
      const out = new Set<string>();
      forEachCandidatePair(sig8, 4, k, keys, { bands: 16, rows: 8, multiProbe, maxBucket: 100 }, (a, b) => {
        assert.ok(a < b);
        out.add(`${a}-${b}`);
      });
      return [...out].sort();
    };
    assert.deepEqual(seen(false), ['0-1']);
    assert.deepEqual(seen(true), ['0-1', '0-2']);
  });

  it('keeps giant buckets near-linear: 20,000 identical signatures cost O(n) pairs, and they all connect', () => {
    const n = 20000;
    const k = 128;
    const sig8 = new Uint8Array(n * k);
    const keys = new Uint32Array(n);
    for (let t = 0; t < n; t++) for (let r = 0; r < k; r++) sig8[t * k + r] = (r * 31) & 0xff;
    const uf = new UnionFind(n);
    const stats = forEachCandidatePair(sig8, n, k, keys, { bands: 16, rows: 8, multiProbe: true, maxBucket: 50 }, (a, b) => {
      uf.union(a, b);
    });
    assert.equal(uf.sizeOf(0), n);
    assert.equal(stats.giantBuckets, 16 * 8);
    assert.ok(stats.emitted <= 16 * 8 * n, `emitted ${stats.emitted}`);
  });

  it('compares distinct signatures in a giant bucket within a bounded window', () => {
    const n = 1000;
    const k = 16;
    const sig8 = new Uint8Array(n * k); // every band equal
    const keys = Uint32Array.from({ length: n }, (_, i) => i); // but every signature "distinct"
    const pairs: Array<[number, number]> = [];
    const stats = forEachCandidatePair(sig8, n, k, keys, { bands: 1, rows: 16, multiProbe: false, maxBucket: 10 }, (a, b) => {
      pairs.push([a, b]);
    });
    assert.equal(stats.giantBuckets, 1);
    assert.equal(stats.largestBucket, n);
    assert.ok(pairs.every(([a, b]) => b > a && b - a <= 10));
    assert.equal(pairs.length, stats.emitted);
    assert.ok(stats.emitted < n * 10);
  });

  it('bounds the failed comparisons of giant buckets over all bands: at most maxBucket per text', () => {
    // Every band of every signature is equal (one giant bucket per band and probe) but no two texts are alike:
    // without a bound each of the 4 x 4 band probes compares every text with a window of 10 more.
    const n = 2000;
    const k = 16;
    const sig8 = new Uint8Array(n * k);
    const keys = Uint32Array.from({ length: n }, (_, i) => i);
    const perText = new Uint32Array(n);
    const stats = forEachCandidatePair(sig8, n, k, keys, { bands: 4, rows: 4, multiProbe: true, maxBucket: 10 }, (a, b) => {
      perText[a]++;
      perText[b]++;
    });
    assert.equal(stats.giantBuckets, 16);
    assert.ok(perText.every((c) => c <= 10), `a text was compared ${Math.max(...perText)} times`);
    assert.ok(stats.emitted <= (n * 10) / 2, `emitted ${stats.emitted}`);
    assert.ok(stats.emitted >= n * 4, `emitted ${stats.emitted}: every text still meets its neighbours`);
  });

  it('spends no budget on comparisons that join: identical groups still connect completely', () => {
    const n = 3000;
    const k = 16;
    const sig8 = new Uint8Array(n * k);
    const keys = Uint32Array.from({ length: n }, (_, i) => i);
    const uf = new UnionFind(n);
    forEachCandidatePair(sig8, n, k, keys, { bands: 4, rows: 4, multiProbe: false, maxBucket: 5 }, (a, b) => { uf.union(a, b); }, (i) => uf.find(i));
    assert.equal(uf.sizeOf(0), n);
  });

  it('rejects a banding larger than the signature', () => {
    assert.throws(() => forEachCandidatePair(new Uint8Array(0), 0, 64, new Uint32Array(0), { bands: 16, rows: 8, multiProbe: false, maxBucket: 1 }, () => {}), /16 bands x 8 rows need 128 signature rows, but signatures have 64/);
  });
});

describe('unionFind', () => {
  it('merges sets, reports sizes and lists groups in element order', () => {
    const uf = new UnionFind(6);
    assert.equal(uf.union(4, 1), true);
    assert.equal(uf.union(1, 4), false);
    uf.union(5, 2);
    uf.union(2, 1);
    assert.equal(uf.sizeOf(4), 4);
    assert.ok(uf.connected(5, 4));
    assert.ok(!uf.connected(0, 3));
    assert.deepEqual(uf.groups(), [[1, 2, 4, 5]]);
    assert.deepEqual(uf.groups(1), [[0], [1, 2, 4, 5], [3]]);
  });
});
