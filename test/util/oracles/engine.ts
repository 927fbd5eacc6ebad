// Test helpers over the engine client: many pairs scored in chunks (what the benchmarks and engine tests drive), and
// a packed LineScores answer unpacked into one object per line (readable assertions; production reads the packed
// arrays directly).
import { type EngineClient, type ScoreOptions } from '../../../src/engine/client';
import { LINE_BLANK, LINE_ERROR, type LineScores, type PairText } from '../../../src/engine/protocol';
import type { PairScore } from '../../../src/core/types';

/** What one line of a ScoreLinesRequest turned out to be; a scored line's figures are the means over its pairs. */
export type LineResult =
  | { kind: 'blank' }
  | { kind: 'error'; error: string }
  | { kind: 'scored'; pairs: number; score: number; composition: number; presentation: number };

/** LineScores as one LineResult per line (an object each: for tests and small answers, not for 100k lines). */
export function lineResults(s: LineScores): LineResult[] {
  const errors = new Map(s.errors);
  return Array.from(s.kinds, (kind, i): LineResult => kind === LINE_BLANK ? { kind: 'blank' }
    : kind === LINE_ERROR ? { kind: 'error', error: errors.get(i) ?? 'no pair' }
    : { kind: 'scored', pairs: s.pairs[i], score: s.values[3 * i], composition: s.values[3 * i + 1], presentation: s.values[3 * i + 2] });
}

/** Options for scoreAll: chunking and progress on top of score(). */
export interface ScoreAllOptions extends ScoreOptions {
  /** Pairs per request (default 512). */
  chunkSize?: number;
  /** Requests kept in flight (default 2, so that the engine never waits for the next chunk). */
  inFlight?: number;
  /** Called after each chunk with the number of pairs scored so far. */
  onProgress?: (done: number, total: number) => void;
}

/** Scores many pairs in chunks, with progress and cancellation; resolves with scores in input order. */
export async function scoreAll(client: EngineClient, pairs: ReadonlyArray<PairText>, options: ScoreAllOptions = {}): Promise<PairScore[]> {
  const chunk = Math.max(1, options.chunkSize ?? 512);
  const inFlight = Math.max(1, options.inFlight ?? 2);
  const out: PairScore[] = new Array(pairs.length);
  let next = 0;
  let done = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (next < pairs.length && !failed) {
      const start = next;
      next = Math.min(pairs.length, next + chunk);
      let scores: PairScore[];
      try {
        scores = await client.score(pairs.slice(start, next), options);
      } catch (e) {
        failed = true; // the other workers stop at their next chunk
        throw e;
      }
      for (let i = 0; i < scores.length; i++) out[start + i] = scores[i];
      done += scores.length;
      options.onProgress?.(done, pairs.length);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return out;
}
