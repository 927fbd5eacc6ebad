// Test oracles: the duplicate detectors over a whole in-memory array (ids are array indices), the plain way to
// call the production indexes (src/core/dedup.ts ExactDupIndex and NearDupIndex) that the dedup tests check.
import { ExactDupIndex, NearDupIndex, nearDupText, type ExactDupOptions, type NearDupOptions, type NearDupResult, type TextPair } from '../../../src/core/dedup';
import type { DuplicateCluster } from '../../../src/core/types';

/** Exact duplicate groups of an array of pairs; ids are array indices. */
export function findExactDuplicates(pairs: ReadonlyArray<TextPair>, options: ExactDupOptions & { scores?: ReadonlyArray<number | undefined> } = {}): DuplicateCluster[] {
  const index = new ExactDupIndex(options);
  pairs.forEach((p, i) => index.add(i, p.instruction, p.response));
  const scores = options.scores;
  return index.groups(scores ? (i) => scores[i] : undefined, (i) => pairs[i]);
}

/** Near-duplicate clusters of an array of pairs; ids are array indices. */
export function findNearDuplicates(
  pairs: ReadonlyArray<TextPair>,
  options: Partial<NearDupOptions> & { scores?: ReadonlyArray<number | undefined> } = {},
): NearDupResult {
  const index = new NearDupIndex(options);
  const texts = pairs.map((p) => nearDupText(p.instruction, p.response));
  texts.forEach((t, i) => index.add(i, t));
  const scores = options.scores;
  return index.clusters((i) => texts[i], scores ? (i) => scores[i] : undefined);
}
