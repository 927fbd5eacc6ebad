// MinHash signatures and LSH banding: the approximate half of near-duplicate detection (dedup.ts verifies).
//
// Shingles (SCAR's definition): the lower-cased text is split on whitespace into words, and every run of `n`
// consecutive words (default n = 2, word bigrams) is one shingle; a text of fewer than n words (but at least one)
// is one shingle of all its words; a text without words has no shingles. Two texts' similarity is the Jaccard
// index of their shingle *sets*.
//
// Hashing: each word is hashed once to 32 bits (FNV-1a over UTF-16 code units, then murmur3's fmix32 finaliser),
// a shingle's hash combines its words' hashes (and is finalised with fmix32, so it is already well mixed), and
// each of the k "permutations" is
//   h_i(x) = y ^ (y >>> 15)  where  y = (x ^ b_i) * a_i mod 2^32      (a_i odd; a_i, b_i from a seeded PRNG)
// a bijection of the 32-bit integers (xor, odd multiply and xorshift are each invertible), three operations with
// Math.imul. The signature holds, per permutation, the minimum of h_i over the shingles. (A full fmix32 per
// permutation measured no more accurate and 35% slower.)
//
// Estimate accuracy: for two sets with Jaccard J each signature row agrees with probability J, independently
// across rows to the extent the hash family allows, so the estimate (agreeing rows / k) has standard deviation
// sqrt(J(1-J)/k) <= 0.044 for k = 128, and by Hoeffding P(|est - J| >= eps) <= 2 exp(-2 k eps^2):
// eps = 0.15, k = 128 gives <= 0.0063, i.e. within 0.15 with probability >= 0.99 (test/unit/minhash.test.ts).
//
// Compact signatures: an index keeps only the low 8 bits of each row (128 bytes a text instead of 512). Two rows
// whose full values differ agree in their low byte with probability 1/256, so a row agrees with probability
// J + (1 - J)/256; estimateJaccard8 removes that bias. Band keys built from 8-bit rows collide falsely with
// probability about 256^-rows per band, which verification absorbs.
//
// LSH banding: the k rows are cut into `bands` bands of `rows` rows; two texts become a candidate pair when all
// rows of some band agree: P = 1 - (1 - s^rows)^bands. With SCAR's 16 x 8 that is only 0.61 at s = 0.7 (the
// curve's midpoint is (1/16)^(1/8) = 0.707). Multi-probe (on by default) also makes a band collide when 7 of its
// 8 rows agree, by bucketing each band under each of its `rows` drop-one-row keys:
// P_band = s^8 + 8 s^7 (1 - s), so P = 0.99 at s = 0.7, 0.44 at s = 0.5, 0.02 at s = 0.3 (lshCandidateProbability).
//
// Buckets are found by sorting (key, text) pairs with a linear radix sort per band key, never with an all-pairs
// pass. A bucket larger than `maxBucket` (boilerplate shared by thousands of texts) is handled in O(size x
// maxBucket): texts with identical signatures are chained to the first of them, one text stands for each group
// already joined, and those are compared with their next `maxBucket` neighbours in file order; a text takes part
// in at most `maxBucket` failed giant-bucket comparisons over all bands (visitGiantBucket), so giant buckets cost
// O(n x maxBucket) in all, not per band. Pairs in giant buckets can therefore be missed (they are boilerplate by
// construction); pairs in ordinary buckets never are.

/** murmur3's 32-bit finaliser: a bijection that spreads every input bit over the output. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units of `s`, finalised with fmix32. Unsigned 32-bit. */
export function hashString32(s: string, seed = 0x811c9dc5): number {
  let h = seed | 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** The lower-cased whitespace-separated words of `text`. */
export function shingleWords(text: string): string[] {
  return text.toLowerCase().match(/\S+/g) ?? [];
}

function checkNgram(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`the shingle size (n-gram) must be a positive integer, got ${n}`);
}

/** The 32-bit hashes of the word n-gram shingles of `text`, one per position (duplicates are harmless to MinHash). */
export function shingleHashes(text: string, n = 2): Uint32Array {
  checkNgram(n);
  const words = shingleWords(text);
  if (words.length === 0) return new Uint32Array(0);
  const wordHash = new Uint32Array(words.length);
  for (let i = 0; i < words.length; i++) wordHash[i] = hashString32(words[i]);
  const count = Math.max(1, words.length - n + 1);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const end = Math.min(words.length, i + n);
    let h = 0x9747b28c;
    for (let j = i; j < end; j++) {
      h = Math.imul(h ^ wordHash[j], 0x9e3779b1);
      h = (h << 13) | (h >>> 19);
    }
    out[i] = fmix32(h ^ (end - i));
  }
  return out;
}

/** The word n-gram shingles of `text` as a set of strings: what exact Jaccard is computed over. */
export function shingleSet(text: string, n = 2): Set<string> {
  checkNgram(n);
  const words = shingleWords(text);
  const out = new Set<string>();
  if (words.length === 0) return out;
  if (words.length <= n) {
    out.add(words.join(' '));
    return out;
  }
  if (n === 2) {
    for (let i = 0; i + 1 < words.length; i++) out.add(words[i] + ' ' + words[i + 1]);
  } else {
    for (let i = 0; i + n <= words.length; i++) out.add(words.slice(i, i + n).join(' '));
  }
  return out;
}

/** The exact Jaccard index |A n B| / |A u B|; two empty sets are identical (1). */
export function jaccard<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): number {
  if (a.size === 0 && b.size === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let inter = 0;
  for (const x of small) if (large.has(x)) inter++;
  return inter / (a.size + b.size - inter);
}

/** A seeded 32-bit PRNG (splitmix32): the permutations' coefficients are reproducible from the seed. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

/** k seeded hash permutations and the MinHash signatures they give. */
export class MinHasher {
  private readonly a: Int32Array;
  private readonly b: Int32Array;

  constructor(readonly permutations = 128, readonly seed = 1) {
    if (!Number.isInteger(permutations) || permutations < 1) throw new RangeError(`permutations must be a positive integer, got ${permutations}`);
    const next = splitmix32(seed);
    this.a = new Int32Array(permutations);
    this.b = new Int32Array(permutations);
    for (let i = 0; i < permutations; i++) {
      this.a[i] = next() | 1;
      this.b[i] = next();
    }
  }

  /** The signature of a shingle-hash list: per permutation the minimum hash (0xffffffff for an empty list). */
  signature(hashes: Uint32Array, out: Uint32Array = new Uint32Array(this.permutations)): Uint32Array {
    const { a, b } = this;
    const len = hashes.length;
    for (let i = 0; i < this.permutations; i++) {
      const ai = a[i];
      const bi = b[i];
      let min = 0xffffffff;
      for (let j = 0; j < len; j++) {
        let h = Math.imul(hashes[j] ^ bi, ai);
        h = (h ^ (h >>> 15)) >>> 0;
        if (h < min) min = h;
      }
      out[i] = min;
    }
    return out;
  }
}

/** The MinHash estimate of Jaccard: the fraction of rows on which two full signatures agree. */
export function estimateJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length !== b.length) throw new RangeError(`signatures differ in length (${a.length} vs ${b.length})`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** The Jaccard estimate from two compact (8-bit) signatures stored at rows `ia` and `ib` of `sig8`, bias removed. */
export function estimateJaccard8(sig8: Uint8Array, ia: number, ib: number, k: number): number {
  const oa = ia * k;
  const ob = ib * k;
  let same = 0;
  for (let i = 0; i < k; i++) if (sig8[oa + i] === sig8[ob + i]) same++;
  const chance = 1 / 256;
  return Math.max(0, (same / k - chance) / (1 - chance));
}

/** The probability that LSH makes a candidate of two texts whose signature rows agree with probability s. */
export function lshCandidateProbability(s: number, bands: number, rows: number, multiProbe: boolean): number {
  const band = multiProbe ? s ** rows + rows * s ** (rows - 1) * (1 - s) : s ** rows;
  return 1 - (1 - band) ** bands;
}

export interface LshBanding {
  bands: number;
  rows: number;
  /** A band also collides when all but one of its rows agree (see the header). */
  multiProbe: boolean;
  /** Buckets larger than this are handled in O(size x maxBucket) instead of all pairs within them. */
  maxBucket: number;
}

export interface LshStats {
  /** Candidate pairs handed to the visitor (a pair colliding in several bands is handed over once per band). */
  emitted: number;
  /** Buckets (runs of equal band keys) with at least two texts. */
  buckets: number;
  /** Buckets larger than maxBucket. */
  giantBuckets: number;
  largestBucket: number;
}

/** The hash seed of one band (and drop-one-row probe) of the LSH banding. */
function bandProbeSeed(band: number, probe: number): number {
  return Math.imul(0x811c9dc5 ^ (band * 257 + probe + 1), 0x01000193);
}

/** The bucket key of the `rows` signature rows from `base`, leaving out row `omit` (-1: none). */
function bandProbeKey(sig8: Uint8Array, base: number, rows: number, omit: number, seed: number): number {
  let h = seed;
  for (let r = 0; r < rows; r++) {
    if (r === omit) continue;
    h = Math.imul(h ^ sig8[base + r], 0x01000193);
  }
  return fmix32(h);
}

/** How many bucket keys a text has under a banding: bands x rows with multiProbe (rows > 1), else bands. */
export function bandKeyCount(banding: Pick<LshBanding, 'bands' | 'rows' | 'multiProbe'>): number {
  return banding.bands * (banding.multiProbe && banding.rows > 1 ? banding.rows : 1);
}

/**
 * The bucket keys of one compact signature (row `row` of `sig8`, k rows a signature), in the order
 * forEachCandidatePair visits them: key [band x probes + probe]. Two texts are LSH candidates exactly when they
 * share a key at the same position (with buckets no larger than maxBucket), so a distributed engine can find the
 * candidates by grouping on (position, key) without ever holding all signatures in one place.
 */
export function lshBandKeys(sig8: Uint8Array, row: number, k: number, banding: Pick<LshBanding, 'bands' | 'rows' | 'multiProbe'>, out?: Uint32Array): Uint32Array {
  const { bands, rows, multiProbe } = banding;
  if (bands * rows > k) throw new RangeError(`${bands} bands x ${rows} rows need ${bands * rows} signature rows, but signatures have ${k}`);
  const probes = multiProbe && rows > 1 ? rows : 1;
  const keys = out ?? new Uint32Array(bands * probes);
  for (let band = 0; band < bands; band++) {
    for (let probe = 0; probe < probes; probe++) {
      keys[band * probes + probe] = bandProbeKey(sig8, row * k + band * rows, rows, probes === 1 ? -1 : probe, bandProbeSeed(band, probe));
    }
  }
  return keys;
}

/**
 * Calls `visit(a, b)` (a < b, indices of signatures) for every pair that shares a band bucket, band by band.
 * `sig8` holds n compact signatures of k rows each; `signatureKey[i]` is a hash of text i's whole signature (equal
 * signatures, equal keys), used to collapse identical texts in giant buckets; `groupOf(i)`, when given, names the
 * group text i is already known to belong to (a union-find root), so that a giant bucket compares one text per
 * group. Memory: 16 bytes per text.
 */
export function forEachCandidatePair(
  sig8: Uint8Array,
  n: number,
  k: number,
  signatureKey: Uint32Array,
  banding: LshBanding,
  visit: (a: number, b: number) => void,
  groupOf?: (i: number) => number,
): LshStats {
  const { bands, rows, multiProbe, maxBucket } = banding;
  if (bands * rows > k) throw new RangeError(`${bands} bands x ${rows} rows need ${bands * rows} signature rows, but signatures have ${k}`);
  const stats: LshStats = { emitted: 0, buckets: 0, giantBuckets: 0, largestBucket: 0 };
  if (n < 2) return stats;
  const keys = new Uint32Array(n);
  const order = new Uint32Array(n);
  const keysTmp = new Uint32Array(n);
  const orderTmp = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  const probes = multiProbe && rows > 1 ? rows : 1;
  // Failed giant-bucket comparisons per text, over all bands (allocated with the first giant bucket).
  let spent: Uint16Array | undefined;
  const budget = Math.min(maxBucket, 0xffff);

  for (let band = 0; band < bands; band++) {
    for (let probe = 0; probe < probes; probe++) {
      const omit = probes === 1 ? -1 : probe;
      const seed = bandProbeSeed(band, probe);
      for (let i = 0; i < n; i++) {
        keys[i] = bandProbeKey(sig8, i * k + band * rows, rows, omit, seed);
        order[i] = i;
      }
      radixSortByKey(keys, order, keysTmp, orderTmp, counts);
      let start = 0;
      for (let i = 1; i <= n; i++) {
        if (i < n && keys[i] === keys[start]) continue;
        const size = i - start;
        if (size > 1) {
          stats.buckets++;
          if (size > stats.largestBucket) stats.largestBucket = size;
          if (size <= maxBucket) {
            for (let x = start; x < i; x++) for (let y = x + 1; y < i; y++) visit(order[x], order[y]);
            stats.emitted += (size * (size - 1)) / 2;
          } else {
            stats.giantBuckets++;
            spent ??= new Uint16Array(n);
            stats.emitted += visitGiantBucket(order, start, i, signatureKey, maxBucket, visit, groupOf, spent, budget);
          }
        }
        start = i;
      }
    }
  }
  return stats;
}

/**
 * A bucket too big for all pairs: identical signatures chain to their first text; of the rest, one text per
 * group already joined (`groupOf`, e.g. a union-find root) stands for its group, and those compare in a window.
 *
 * Each text may fail at most `budget` window comparisons over all giant buckets (a comparison fails when the two
 * texts are still in different groups after `visit`; without `groupOf` every comparison counts), and a text that
 * has used its budget takes no further part in giant windows. Without that bound, texts that share boilerplate
 * but are not near-duplicates of one another (a template with a varying tail) meet a new window in every band
 * and probe: 128 x n x window comparisons, most of them distinct pairs that are verified and fail. With it,
 * failed giant comparisons are at most n x budget / 2 in all; successful ones join groups, at most n - 1.
 */
function visitGiantBucket(
  order: Uint32Array,
  start: number,
  end: number,
  signatureKey: Uint32Array,
  window: number,
  visit: (a: number, b: number) => void,
  groupOf: ((i: number) => number) | undefined,
  spent: Uint16Array,
  budget: number,
): number {
  let emitted = 0;
  const firstWithKey = new Map<number, number>();
  const distinct: number[] = [];
  for (let x = start; x < end; x++) {
    const t = order[x];
    const first = firstWithKey.get(signatureKey[t]);
    if (first === undefined) {
      firstWithKey.set(signatureKey[t], t);
      distinct.push(t);
    } else {
      visit(first, t);
      emitted++;
    }
  }
  const leaders: number[] = [];
  const seenGroups = groupOf ? new Set<number>() : undefined;
  for (const t of distinct) {
    if (spent[t] >= budget) continue;
    if (groupOf) {
      const g = groupOf(t);
      if (seenGroups!.has(g)) continue;
      seenGroups!.add(g);
    }
    leaders.push(t);
  }
  for (let i = 0; i < leaders.length; i++) {
    const a = leaders[i];
    const last = Math.min(leaders.length, i + 1 + window);
    for (let j = i + 1; j < last && spent[a] < budget; j++) {
      const b = leaders[j];
      if (spent[b] >= budget) continue;
      visit(a, b);
      emitted++;
      if (!groupOf || groupOf(a) !== groupOf(b)) {
        spent[a]++;
        spent[b]++;
      }
    }
  }
  return emitted;
}

/**
 * Stable LSD radix sort of (keys, order) by key: four 8-bit passes for small inputs (cheap to set up), two
 * 16-bit passes for large ones. Linear time; the Tmp arrays and `counts` (65,536 entries) are scratch.
 */
function radixSortByKey(keys: Uint32Array, order: Uint32Array, keysTmp: Uint32Array, orderTmp: Uint32Array, counts: Uint32Array): void {
  const n = keys.length;
  const bits = n < 65536 ? 8 : 16;
  const radix = 1 << bits;
  const mask = radix - 1;
  const passes = 32 / bits;
  for (let pass = 0; pass < passes; pass++) {
    const shift = pass * bits;
    const [srcK, srcO, dstK, dstO] = pass % 2 === 0 ? [keys, order, keysTmp, orderTmp] : [keysTmp, orderTmp, keys, order];
    counts.fill(0, 0, radix);
    for (let i = 0; i < n; i++) counts[(srcK[i] >>> shift) & mask]++;
    let sum = 0;
    for (let d = 0; d < radix; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const d = (srcK[i] >>> shift) & mask;
      const at = counts[d]++;
      dstK[at] = srcK[i];
      dstO[at] = srcO[i];
    }
  }
}
