// The messages between the extension host (cleaningWorkerClient.ts) and the cleaning worker (cleaningWorker.ts),
// which runs SCAR's cleaning (core/cleaningPass.ts) for "Select top style-consistent examples" off the host.
import type { CleaningOptions, Removal } from '../core/cleaningPass';
import type { TextPair } from '../core/dedup';

/** One line to clean: its 1-based number, its pairs and its score (NaN when it has none). */
export type CleaningLine = [line: number, pairs: TextPair[], score: number];

/**
 * The host sends `start` with the options, then the lines in file order in `lines` messages, then `finish`.
 * The worker answers `finish` with one reply.
 */
export type CleaningWorkerRequest =
  | { type: 'start'; options: CleaningOptions }
  | { type: 'lines'; lines: CleaningLine[] }
  | { type: 'finish' };

export interface CleaningWorkerResult {
  /** Lines given to the pass. */
  input: number;
  /** Why each removed line was removed, as [1-based line, removal] in line order. */
  removed: Array<[number, Removal]>;
  counts: { exact: number; language: number; nearDuplicate: number };
}

export type CleaningWorkerReply = { result: CleaningWorkerResult; error?: undefined } | { error: string; result?: undefined };
