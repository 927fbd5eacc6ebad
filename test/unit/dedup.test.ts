import * as assert from 'node:assert/strict';
import {
  ExactDupIndex,
  NearDupIndex,
  exactDupText,
  hash53,
  nearDupText,
  normaliseWhitespace,
  pickKept,
} from '../../src/core/dedup';
import { findExactDuplicates, findNearDuplicates } from '../util/oracles/dedup';
import { jaccard, shingleSet } from '../../src/core/minhash';
import { UnionFind } from '../../src/core/unionFind';
import { mulberry32 as rng } from '../util/prng';

/**
 * A corpus of random "documents" over a 5,000-word vocabulary (skewed like natural text), a third of them
 * planted near-copies of an earlier original: words deleted, replaced and inserted at a random rate up to 35%,
 * which spreads the copies' Jaccard over about 0.3..1.
 */
function plantedCorpus(n: number, seed: number): { texts: string[]; planted: Array<[number, number]> } {
  const rand = rng(seed);
  const vocab = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}`);
  const word = (): string => vocab[Math.floor(vocab.length * rand() ** 2)];
  const texts: string[] = [];
  const originals: number[] = [];
  const planted: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    if (originals.length > 0 && rand() < 0.33) {
      const j = originals[Math.floor(rand() * originals.length)];
      const rate = rand() * 0.35;
      const out: string[] = [];
      for (const w of texts[j].split(' ')) {
        const r = rand();
        if (r < rate / 3) continue;
        out.push(r < (2 * rate) / 3 ? word() : w);
        if (r >= (2 * rate) / 3 && r < rate) out.push(word());
      }
      texts.push(out.join(' '));
      planted.push([j, i]);
    } else {
      texts.push(Array.from({ length: 40 + Math.floor(rand() * 200) }, word).join(' '));
      originals.push(i);
    }
  }
  return { texts, planted };
}

describe('dedup: exact duplicates', () => {
  it('normalises surrounding and repeated whitespace but not case', () => {
    assert.equal(normaliseWhitespace('  a \t b\n\nc  '), 'a b c');
    assert.equal(exactDupText(' Hi ', 'x  y'), 'Hi\u0000x y');
    assert.notEqual(exactDupText('Hi', 'x'), exactDupText('hi', 'x'));
    assert.equal(exactDupText('Hi', 'X', { foldCase: true }), exactDupText('hi', 'x', { foldCase: true }));
    // the separator keeps the instruction/response boundary: moving a word across it is a different pair
    assert.notEqual(exactDupText('a b', 'c'), exactDupText('a', 'b c'));
  });

  it('hashes to safe integers that differ for different texts', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 20000; i++) {
      const h = hash53(`text number ${i}`);
      assert.ok(Number.isSafeInteger(h) && h >= 0);
      seen.add(h);
    }
    assert.equal(seen.size, 20000);
  });

  it('reports the first earlier copy while streaming, and groups copies in file order', () => {
    const index = new ExactDupIndex();
    assert.equal(index.add(1, 'Q', 'A'), undefined);
    assert.equal(index.add(2, 'Q', 'B'), undefined);
    assert.equal(index.add(5, ' Q ', 'A\n'), 1);
    assert.equal(index.add(9, 'Q', 'A'), 1);
    assert.equal(index.add(10, 'Q', 'B'), 2);
    assert.deepEqual(index.groups(), [
      { kept: 1, lines: [1, 5, 9], similarity: [1, 1, 1] },
      { kept: 2, lines: [2, 10], similarity: [1, 1] },
    ]);
  });

  it('keeps the highest-scored copy, then the first; a copy without a score loses to one with', () => {
    const index = new ExactDupIndex();
    for (const id of [3, 4, 7, 8]) index.add(id, 'same', 'pair');
    const scores: Record<number, number | undefined> = { 3: undefined, 4: 0.5, 7: 2, 8: 2 };
    assert.equal(index.groups((id) => scores[id])[0].kept, 7);
    assert.equal(index.groups((id) => (id === 3 ? undefined : -1))[0].kept, 4);
    assert.equal(index.groups(() => NaN)[0].kept, 3);
    assert.equal(pickKept([1, 2, 3], () => undefined), 1);
  });

  it('splits a group whose texts differ when the pairs are fetched back (a hash collision cannot merge pairs)', () => {
    const index = new ExactDupIndex();
    index.add(1, 'a', 'b');
    index.add(2, 'a', 'b');
    index.add(3, 'a', 'b');
    // pretend line 2 now reads differently: only 1 and 3 stay together
    const pairOf = (id: number) => (id === 2 ? { instruction: 'zzz', response: 'b' } : { instruction: 'a', response: 'b' });
    assert.deepEqual(index.groups(undefined, pairOf), [{ kept: 1, lines: [1, 3], similarity: [1, 1] }]);
  });

  it('insists on increasing non-negative integer ids and says so', () => {
    const index = new ExactDupIndex();
    index.add(4, 'a', 'b');
    assert.throws(() => index.add(4, 'a', 'b'), /increasing order \(file order\): 4 came after 4/);
    assert.throws(() => index.add(-1, 'a', 'b'), /non-negative integers/);
    assert.throws(() => index.add(5.5, 'a', 'b'), /non-negative integers/);
  });

  it('finds exact duplicates of an array, keeping by score', () => {
    const pairs = [
      { instruction: 'q', response: 'a' },
      { instruction: 'q', response: 'b' },
      { instruction: 'q ', response: ' a' },
    ];
    assert.deepEqual(findExactDuplicates(pairs), [{ kept: 0, lines: [0, 2], similarity: [1, 1] }]);
    assert.equal(findExactDuplicates(pairs, { scores: [0, 0, 1] })[0].kept, 2);
  });
});

describe('dedup: near duplicates', () => {
  const base = 'Explain how photosynthesis works in plants. Photosynthesis converts light energy into chemical energy stored in glucose, using water and carbon dioxide and releasing oxygen as a by-product of the light reactions.';

  it('clusters a lightly edited copy with its original and reports the exact Jaccard', () => {
    const edited = base.replace('stored in glucose', 'kept in glucose');
    const other = 'Write a haiku about autumn leaves falling on a quiet pond at dusk while the wind moves softly.';
    const texts = [base, other, edited];
    const result = findNearDuplicates(texts.map((t) => ({ instruction: t, response: '' })));
    assert.equal(result.clusters.length, 1);
    const [c] = result.clusters;
    assert.deepEqual(c.lines, [0, 2]);
    assert.equal(c.kept, 0);
    const exact = jaccard(shingleSet(nearDupText(base, '')), shingleSet(nearDupText(edited, '')));
    assert.deepEqual(c.similarity, [1, exact]);
    assert.ok(exact >= 0.5 && exact < 1);
  });

  it('keeps the highest score, else the first in the file', () => {
    const pairs = [0, 1, 2].map(() => ({ instruction: base, response: 'same answer' }));
    assert.equal(findNearDuplicates(pairs).clusters[0].kept, 0);
    assert.equal(findNearDuplicates(pairs, { scores: [0.1, 0.9, 0.5] }).clusters[0].kept, 1);
    assert.equal(findNearDuplicates(pairs, { scores: [undefined, 0.2, 0.2] }).clusters[0].kept, 1);
  });

  it('honours the threshold: a pair at J = 0.8 is a near-duplicate at 0.75, not at 0.85', () => {
    const a = 'a b c d e f g h i j';
    const b = 'a b c d e f g h i x';
    assert.equal(jaccard(shingleSet(a), shingleSet(b)), 0.8); // 8 shared bigrams of 10
    const run = (threshold: number) => findNearDuplicates([a, b].map((t) => ({ instruction: t, response: '' })), { threshold });
    const at75 = run(0.75);
    assert.deepEqual(at75.clusters, [{ kept: 0, lines: [0, 1], similarity: [1, 0.8] }]);
    const at85 = run(0.85);
    assert.equal(at85.clusters.length, 0);
    assert.ok(at85.stats.candidates > 0, 'the pair was a candidate and was rejected by verification or the estimate');
  });

  it('uses the n-gram size it is given', () => {
    // same words in another order: unigram sets are equal, bigram sets share little
    const a = 'alpha beta gamma delta epsilon zeta eta theta iota kappa';
    const b = 'kappa iota theta eta zeta epsilon delta gamma beta alpha';
    assert.equal(findNearDuplicates([a, b].map((t) => ({ instruction: t, response: '' })), { ngram: 1 }).clusters.length, 1);
    assert.equal(findNearDuplicates([a, b].map((t) => ({ instruction: t, response: '' })), { ngram: 2 }).clusters.length, 0);
  });

  it('rejects bad options with messages that name them', () => {
    assert.throws(() => new NearDupIndex({ threshold: 0 }), /threshold must be in \(0, 1\], got 0/);
    assert.throws(() => new NearDupIndex({ threshold: 1.5 }), /threshold/);
    assert.throws(() => new NearDupIndex({ ngram: 0 }), /n-gram size must be a positive integer/);
    assert.throws(() => new NearDupIndex({ bands: 20, rows: 8 }), /20 bands x 8 rows need more than 128 permutations/);
    assert.throws(() => new NearDupIndex({ maxBucket: 0 }), /maxBucket must be a positive integer/);
  });

  it('refuses a text fetched back that is not the one indexed', () => {
    const index = new NearDupIndex();
    index.add(1, base);
    index.add(2, base);
    assert.throws(() => index.clusters((id) => (id === 2 ? base + ' changed' : base)), /text fetched back for id 2 is not the text that was indexed/);
  });

  it('keeps no texts: clusters work from signatures plus fetched texts, for ids that are line numbers', () => {
    const index = new NearDupIndex();
    const lines = new Map([[10, base], [11, 'something else entirely, nothing alike at all here'], [250, base + ' indeed']]);
    for (const [line, text] of lines) index.add(line, text);
    const fetched: number[] = [];
    const result = index.clusters((id) => {
      fetched.push(id);
      return lines.get(id) as string;
    });
    assert.deepEqual(result.clusters.map((c) => c.lines), [[10, 250]]);
    assert.ok(!fetched.includes(11), 'a text without candidates is never fetched');
    assert.equal(result.stats.texts, 3);
  });

  // Recall of LSH, measured against exact Jaccard of the planted pairs (ground truth computed exactly here).
  // With multi-probe the theoretical candidate probability at J = 0.7 is 0.99 (0.61 without), and union-find
  // also joins pairs through a shared original.
  it('finds >= 95% of planted pairs with Jaccard >= 0.7, and every direct match it reports is real', () => {
    const { texts, planted } = plantedCorpus(3000, 11);
    const result = findNearDuplicates(texts.map((t) => ({ instruction: t, response: '' })));
    const clusterOf = new Map<number, number>();
    result.clusters.forEach((c, k) => c.lines.forEach((l) => clusterOf.set(l, k)));
    let high = 0;
    let found = 0;
    for (const [a, b] of planted) {
      const j = jaccard(shingleSet(texts[a]), shingleSet(texts[b]));
      if (j < 0.7) continue;
      high++;
      if (clusterOf.has(a) && clusterOf.get(a) === clusterOf.get(b)) found++;
    }
    assert.ok(high >= 300, `only ${high} planted pairs at J >= 0.7; the generator changed`);
    assert.ok(found / high >= 0.95, `recall ${found}/${high}`);
    // soundness: a two-member cluster is one verified edge, so its similarity must reach the threshold
    for (const c of result.clusters) if (c.lines.length === 2) assert.ok(c.similarity[1] >= 0.5, JSON.stringify(c));
  });

  it('agrees with an exact all-pairs pass on a small corpus: never merges what is not connected, misses little', () => {
    const { texts } = plantedCorpus(400, 5);
    const sets = texts.map((t) => shingleSet(t));
    const truth = new UnionFind(texts.length);
    let edges = 0;
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        if (jaccard(sets[i], sets[j]) >= 0.5) {
          truth.union(i, j);
          edges++;
        }
      }
    }
    assert.ok(edges > 50, `${edges} true edges`);
    const result = findNearDuplicates(texts.map((t) => ({ instruction: t, response: '' })));
    let together = 0;
    let pairsTogether = 0;
    for (const c of result.clusters) {
      for (const l of c.lines) assert.ok(truth.connected(c.lines[0], l), `lines ${c.lines[0]} and ${l} merged without a true path`);
      pairsTogether += (c.lines.length * (c.lines.length - 1)) / 2;
    }
    for (const g of truth.groups()) together += (g.length * (g.length - 1)) / 2;
    // SCAR's J >= 0.5 includes pairs the LSH curve catches only about half the time (P = 0.44 at 0.5)
    assert.ok(pairsTogether / together >= 0.8, `co-clustered ${pairsTogether} of ${together} truly connected pairs`);
  });

  it('stays near-linear on boilerplate: 5,000 identical responses with distinct short instructions', () => {
    const boiler = "I'm sorry, but I can't help with that request. If you have another question, I'd be happy to help with it instead.";
    const pairs = Array.from({ length: 5000 }, (_, i) => ({ instruction: `task ${i}`, response: boiler }));
    const t0 = Date.now();
    const result = findNearDuplicates(pairs);
    const ms = Date.now() - t0;
    assert.equal(result.clusters.length, 1);
    assert.equal(result.clusters[0].lines.length, 5000);
    assert.ok(result.stats.giantBuckets > 0);
    assert.ok(result.stats.verified < 5000 * 20, `verified ${result.stats.verified}`);
    assert.ok(ms < 20000, `${ms} ms`);
  });

  it('stays bounded on a template shared by every line with a varying tail (below the threshold): no unbounded memo, near-linear work', () => {
    // 2,000 texts share 60 of their 64 words, so almost every band lands in one giant bucket, yet at threshold
    // 0.99 no two are near-duplicates (Jaccard 0.94): every comparison fails. Before the per-text budget each of
    // the 128 band probes compared every text with a new window (3.9 million candidates handed over, 66,000
    // distinct pairs verified, all kept in an ever-growing Set that overflowed V8's limit on 100k-line files).
    const template = Array.from({ length: 60 }, (_, i) => `w${(i * 7919) % 1000}`).join(' ');
    const n = 2000;
    const maxBucket = 20;
    const pairs = Array.from({ length: n }, (_, i) => ({ instruction: `${template} tail ${i} end${i % 7}`, response: '' }));
    const result = findNearDuplicates(pairs, { threshold: 0.99, maxBucket });
    assert.equal(result.clusters.length, 0);
    assert.ok(result.stats.giantBuckets > 100, `giant buckets ${result.stats.giantBuckets}`);
    assert.ok(result.stats.emitted <= n * maxBucket, `emitted ${result.stats.emitted}`);
    assert.ok(result.stats.verified + result.stats.prefiltered <= n * maxBucket, `verified ${result.stats.verified}`);
    // At SCAR's threshold the same lines are all near-duplicates, and the bound does not lose any.
    const joined = findNearDuplicates(pairs, { threshold: 0.5, maxBucket });
    assert.equal(joined.clusters.length, 1);
    assert.equal(joined.clusters[0].lines.length, n);
  });
});
