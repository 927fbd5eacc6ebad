// Exact and near-duplicate detection over (instruction, response) pairs, SCAR's first and last cleaning steps.
//
// Both detectors are streaming-friendly indexes that remember a few bytes per pair, never the texts:
//   ExactDupIndex  ~60 bytes a pair (a 53-bit hash of the normalised pair in a Map).
//   NearDupIndex   144 bytes a pair (a 128-byte compact MinHash signature, two hashes and the id; arrays grow
//                  by doubling, so up to twice that); clustering adds ~70 bytes a pair (union-find, LSH scratch,
//                  a fixed-size memo of rejected pairs: pairMemo.ts) and a bounded text cache.
// When results are asked for, texts are fetched back by id through a callback (`textOf`), so `scar dedup` on a
// file larger than memory re-reads just the lines it must verify (e.g. by the byte offsets of JsonlRecord).
//
// Ids are the caller's: non-negative integers added in strictly increasing order, normally 1-based line numbers
// (or pair indices when a line holds several pairs). "First in the file" means "smallest id".
//
// Which copy is kept: the one with the highest score when `scoreOf` gives finite scores (a pair without a score
// loses to any pair with one), ties and the no-score case going to the first in the file.
//
// CleaningPass (cleaningPass.ts) runs both with the language check in SCAR's order.
//
// Streaming, e.g. `scar dedup FILE` (one pair per line):
//   const exact = new ExactDupIndex(); const near = new NearDupIndex({ threshold });
//   for each record r with pair p:                       // offsets[r.line] = [r.start, r.end] (bytes)
//     if (exact.add(r.line, p.instruction, p.response) === undefined) near.add(r.line, nearDupText(p.instruction, p.response));
//   const exactGroups = exact.groups(scoreOf, (line) => pairAt(line));      // pairAt: re-read + re-adapt the line
//   const { clusters } = near.clusters((line) => { const q = pairAt(line); return nearDupText(q.instruction, q.response); }, scoreOf);
//   removed = every non-kept line of exactGroups and clusters; write the other lines byte for byte.
// With scores, add every pair to `near` (a duplicate may outscore the first copy) or dedup exactly first.

import { t } from './l10n';
import type { DuplicateCluster } from './types';
import {
  MinHasher,
  estimateJaccard8,
  fmix32,
  forEachCandidatePair,
  hashString32,
  jaccard,
  lshBandKeys,
  shingleHashes,
  shingleSet,
  type LshStats,
} from './minhash';
import { PairMemo } from './pairMemo';
import { UnionFind } from './unionFind';

export interface TextPair {
  instruction: string;
  response: string;
}

/** Optional per-id ranker score: higher is kept. */
export type ScoreOf = (id: number) => number | undefined;

// ---------------------------------------------------------------------------------------------------------------
// Exact duplicates

export interface ExactDupOptions {
  /**
   * Fold case before comparing. Off by default, like SCAR (which strips surrounding whitespace and nothing else):
   * "yes" and "Yes" are different training targets.
   */
  foldCase?: boolean;
}

/** Trims the text and collapses every run of whitespace (spaces, tabs, newlines) to one space. */
export function normaliseWhitespace(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** The text exact duplicates are compared on: normalised instruction, U+0000, normalised response. */
export function exactDupText(instruction: string, response: string, options: ExactDupOptions = {}): string {
  const s = normaliseWhitespace(instruction) + '\u0000' + normaliseWhitespace(response);
  return options.foldCase ? s.toLowerCase() : s;
}

/**
 * A 53-bit hash (a safe integer) of a string: two 32-bit multiplicative hashes computed in one pass.
 * Two different texts share it with probability about 2^-53, i.e. about n^2 / 2^54 for a file of n pairs.
 */
export function hash53(s: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 = (h2 << 15) | (h2 >>> 17);
  }
  const hi = fmix32(h1 ^ s.length);
  const lo = fmix32(h2 ^ 0x27d4eb2f);
  return (hi & 0x1fffff) * 0x100000000 + lo;
}

function checkId(id: number, previous: number): void {
  if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`ids must be non-negative integers (line numbers), got ${id}`);
  if (id <= previous) throw new RangeError(`ids must be added in increasing order (file order): ${id} came after ${previous}`);
}

/** Picks the kept member of a group: highest finite score, then the smallest id. `ids` is in increasing order. */
export function pickKept(ids: readonly number[], scoreOf?: ScoreOf): number {
  let kept = ids[0];
  if (!scoreOf) return kept;
  let best = -Infinity;
  for (const id of ids) {
    const s = scoreOf(id);
    if (s !== undefined && Number.isFinite(s) && s > best) {
      best = s;
      kept = id;
    }
  }
  return kept;
}

/** Exact duplicates of normalised (instruction, response) pairs, streaming: add pairs in file order, then `groups()`. */
export class ExactDupIndex {
  private readonly firstByKey = new Map<number, number>();
  private readonly others = new Map<number, number[]>();
  private last = -1;

  constructor(private readonly options: ExactDupOptions = {}) {}

  get size(): number {
    return this.firstByKey.size;
  }

  /** Adds a pair; returns the id of an earlier pair with the same normalised text, if there is one. */
  add(id: number, instruction: string, response: string): number | undefined {
    checkId(id, this.last);
    this.last = id;
    const key = hash53(exactDupText(instruction, response, this.options));
    const first = this.firstByKey.get(key);
    if (first === undefined) {
      this.firstByKey.set(key, id);
      return undefined;
    }
    const list = this.others.get(first);
    if (list) list.push(id);
    else this.others.set(first, [id]);
    return first;
  }

  /**
   * Groups of two or more identical pairs, ordered by their first id; `lines` in file order, `similarity` all 1.
   * With `pairOf`, members are re-compared on their actual text, so a hash collision can never merge two
   * different pairs.
   */
  groups(scoreOf?: ScoreOf, pairOf?: (id: number) => TextPair): DuplicateCluster[] {
    const out: DuplicateCluster[] = [];
    for (const [first, rest] of this.others) {
      const all = [first, ...rest];
      const parts: number[][] = [];
      if (pairOf) {
        const byText = new Map<string, number[]>();
        for (const id of all) {
          const p = pairOf(id);
          const t = exactDupText(p.instruction, p.response, this.options);
          const g = byText.get(t);
          if (g) g.push(id);
          else byText.set(t, [id]);
        }
        for (const g of byText.values()) if (g.length > 1) parts.push(g);
      } else {
        parts.push(all);
      }
      for (const lines of parts) out.push({ kept: pickKept(lines, scoreOf), lines, similarity: lines.map(() => 1) });
    }
    return out.sort((a, b) => a.lines[0] - b.lines[0]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Near duplicates

export interface NearDupOptions {
  /** Jaccard of the shingle sets at or above which two pairs are near-duplicates (SCAR: 0.5). */
  threshold: number;
  /** Words per shingle (SCAR: 2, word bigrams). */
  ngram: number;
  /** MinHash permutations (SCAR: 128). */
  permutations: number;
  /** LSH bands and rows per band (SCAR: 16 x 8). */
  bands: number;
  rows: number;
  /** Also bucket bands on their drop-one-row keys, raising recall at Jaccard 0.7 from 0.61 to 0.99 (minhash.ts). */
  multiProbe: boolean;
  /** Bucket size above which a bucket is compared in a bounded window instead of all pairs. */
  maxBucket: number;
  /**
   * Candidates whose MinHash estimate is below threshold - prefilterMargin are not verified. With 128 rows the
   * estimate misses by 0.2 or more with probability <= 2 exp(-2 * 128 * 0.04) = 7e-5 (Hoeffding). 1 disables it.
   */
  prefilterMargin: number;
  /** Seed of the permutations. */
  seed: number;
  /**
   * How many texts' shingle sets verification keeps at once. Candidates arrive bucket by bucket, so a small cache
   * already catches the reuse; a large one (4096) made the 100k benchmark slower and its heap 3x larger, because
   * cached sets outlive V8's young generation before they are evicted.
   */
  cacheSize: number;
}

export const DEFAULT_NEAR_DUP_OPTIONS: Readonly<NearDupOptions> = Object.freeze({
  threshold: 0.5,
  ngram: 2,
  permutations: 128,
  bands: 16,
  rows: 8,
  multiProbe: true,
  maxBucket: 100,
  prefilterMargin: 0.2,
  seed: 1,
  cacheSize: 64,
});

export interface NearDupStats extends LshStats {
  texts: number;
  /** Distinct candidate pairs not yet known to be in one cluster. */
  candidates: number;
  /** Candidates dropped by the MinHash estimate before verification. */
  prefiltered: number;
  /** Candidates whose exact Jaccard was computed. */
  verified: number;
  /** Verified pairs at or above the threshold (edges of the union-find). */
  matched: number;
}

export interface NearDupResult {
  /** Clusters of two or more near-duplicates, ordered by their first id; `similarity[i]` = exact Jaccard of lines[i] to kept. */
  clusters: DuplicateCluster[];
  stats: NearDupStats;
}

/** The text near-duplicates are compared on (SCAR): "instruction response". */
export function nearDupText(instruction: string, response: string): string {
  return instruction + ' ' + response;
}

function validateNearOptions(o: NearDupOptions): void {
  if (!(o.threshold > 0 && o.threshold <= 1)) throw new RangeError(`the near-duplicate threshold must be in (0, 1], got ${o.threshold}`);
  if (!Number.isInteger(o.ngram) || o.ngram < 1) throw new RangeError(`the n-gram size must be a positive integer, got ${o.ngram}`);
  for (const k of ['permutations', 'bands', 'rows', 'maxBucket', 'cacheSize'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`${k} must be a positive integer, got ${o[k]}`);
  }
  if (o.bands * o.rows > o.permutations) throw new RangeError(`${o.bands} bands x ${o.rows} rows need more than ${o.permutations} permutations`);
  if (!(o.prefilterMargin >= 0)) throw new RangeError(`prefilterMargin must be >= 0, got ${o.prefilterMargin}`);
}

/**
 * What NearDupIndex and NearDupSigner both start from, so that they hash alike: the validated, frozen options, the
 * MinHasher of their permutations and seed, and a scratch signature.
 */
function minHashSetup(options: Partial<NearDupOptions>): { options: Readonly<NearDupOptions>; hasher: MinHasher; scratch: Uint32Array } {
  const o = { ...DEFAULT_NEAR_DUP_OPTIONS, ...options };
  validateNearOptions(o);
  return { options: Object.freeze(o), hasher: new MinHasher(o.permutations, o.seed), scratch: new Uint32Array(o.permutations) };
}

/**
 * Near-duplicates by MinHash-LSH with exact verification, streaming: `add(id, text)` in file order (text =
 * nearDupText(instruction, response)), then `clusters(textOf)`. Cost about linear in the number of texts.
 */
export class NearDupIndex {
  readonly options: Readonly<NearDupOptions>;
  private readonly hasher: MinHasher;
  private readonly scratch: Uint32Array;
  private sig8 = new Uint8Array(0);
  private sigKey = new Uint32Array(0);
  private textHash = new Uint32Array(0);
  private ids = new Float64Array(0);
  private n = 0;
  private last = -1;

  constructor(options: Partial<NearDupOptions> = {}) {
    ({ options: this.options, hasher: this.hasher, scratch: this.scratch } = minHashSetup(options));
  }

  get size(): number {
    return this.n;
  }

  add(id: number, text: string): void {
    checkId(id, this.last);
    this.last = id;
    const k = this.options.permutations;
    if (this.n === this.ids.length) this.grow();
    const sig = this.hasher.signature(shingleHashes(text, this.options.ngram), this.scratch);
    const base = this.n * k;
    let h = 0x811c9dc5;
    for (let i = 0; i < k; i++) {
      this.sig8[base + i] = sig[i] & 0xff;
      h = Math.imul(h ^ sig[i], 0x01000193);
    }
    this.sigKey[this.n] = fmix32(h);
    this.textHash[this.n] = hashString32(text);
    this.ids[this.n] = id;
    this.n++;
  }

  private grow(): void {
    const cap = Math.max(1024, this.ids.length * 2);
    const k = this.options.permutations;
    const sig8 = new Uint8Array(cap * k);
    sig8.set(this.sig8);
    const sigKey = new Uint32Array(cap);
    sigKey.set(this.sigKey);
    const textHash = new Uint32Array(cap);
    textHash.set(this.textHash);
    const ids = new Float64Array(cap);
    ids.set(this.ids);
    [this.sig8, this.sigKey, this.textHash, this.ids] = [sig8, sigKey, textHash, ids];
  }

  /**
   * Finds the clusters. `textOf(id)` must return the text given to add() for that id (checked by hash: a changed
   * text throws rather than giving wrong clusters); it is called only for candidates and cluster members.
   */
  clusters(textOf: (id: number) => string, scoreOf?: ScoreOf): NearDupResult {
    const o = this.options;
    const k = o.permutations;
    const n = this.n;
    const uf = new UnionFind(n);
    const cache = new Map<number, Set<string>>();
    const shinglesOf = (slot: number): Set<string> => {
      let s = cache.get(slot);
      if (s) {
        cache.delete(slot);
        cache.set(slot, s);
        return s;
      }
      const id = this.ids[slot];
      const text = textOf(id);
      if (typeof text !== 'string' || hashString32(text) !== this.textHash[slot]) {
        throw new Error(t('the text fetched back for id {0} is not the text that was indexed (was the file changed?)', id));
      }
      s = shingleSet(text, o.ngram);
      if (cache.size >= o.cacheSize) cache.delete(cache.keys().next().value as number);
      cache.set(slot, s);
      return s;
    };
    // Rejected candidates, so that a pair colliding in several bands is verified once (mostly: the memo is
    // bounded, ~16 slots a text up to 32 MB, and a forgotten pair is merely verified again).
    const rejected = new PairMemo(16 * n);
    let candidates = 0;
    let prefiltered = 0;
    let verified = 0;
    let matched = 0;
    const minEstimate = o.threshold - o.prefilterMargin;
    const lsh = forEachCandidatePair(this.sig8, n, k, this.sigKey, o, (a, b) => {
      if (uf.connected(a, b)) return;
      if (rejected.has(a, b)) return;
      candidates++;
      if (minEstimate > 0 && estimateJaccard8(this.sig8, a, b, k) < minEstimate) {
        prefiltered++;
        rejected.add(a, b);
        return;
      }
      verified++;
      if (jaccard(shinglesOf(a), shinglesOf(b)) >= o.threshold) {
        matched++;
        uf.union(a, b);
      } else {
        rejected.add(a, b);
      }
    }, (slot) => uf.find(slot));
    const clusters: DuplicateCluster[] = [];
    for (const slots of uf.groups(2)) {
      const lines = slots.map((s) => this.ids[s]);
      const kept = pickKept(lines, scoreOf);
      const keptSet = shinglesOf(slots[lines.indexOf(kept)]);
      const similarity = slots.map((s, i) => (lines[i] === kept ? 1 : jaccard(keptSet, shinglesOf(s))));
      clusters.push({ kept, lines, similarity });
    }
    return { clusters, stats: { ...lsh, texts: n, candidates, prefiltered, verified, matched } };
  }
}

/**
 * The LSH bucket keys NearDupIndex gives a text (same permutations, same compact signature, same banding), for
 * near-dedup across shards: lines that share a key at the same position are exactly the candidate pairs one
 * NearDupIndex over all the lines would visit (buckets no larger than maxBucket). See docs/distributed.md.
 */
export class NearDupSigner {
  readonly options: Readonly<NearDupOptions>;
  private readonly hasher: MinHasher;
  private readonly scratch: Uint32Array;
  private readonly sig8: Uint8Array;

  constructor(options: Partial<NearDupOptions> = {}) {
    ({ options: this.options, hasher: this.hasher, scratch: this.scratch } = minHashSetup(options));
    this.sig8 = new Uint8Array(this.options.permutations);
  }

  /** The keys of `text` (nearDupText(instruction, response)), position band x probes + probe. */
  bandKeys(text: string): Uint32Array {
    const sig = this.hasher.signature(shingleHashes(text, this.options.ngram), this.scratch);
    for (let i = 0; i < sig.length; i++) this.sig8[i] = sig[i] & 0xff;
    return lshBandKeys(this.sig8, 0, this.options.permutations, this.options);
  }
}
