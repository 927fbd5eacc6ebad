// The extension host's side of the cleaning worker (cleaningWorker.ts): runs SCAR's cleaning of a selection's
// lines in a worker thread of its own, started for the one cleaning and terminated after it (or when cancelled,
// since its clustering is one synchronous call). The lines are posted in parts of PART_LINES, one part per turn of
// the event loop, so that no step of the host's is long. No vscode import, so it is unit-tested with real workers.
import type { Worker } from 'worker_threads';
import type { CleaningOptions } from '../core/cleaningPass';
import type { TextPair } from '../core/dedup';
import type { CleaningLine, CleaningWorkerReply, CleaningWorkerRequest } from './cleaningWorkerProtocol';
import type { CleaningOutcome } from './commands/selectionPrep';

/** Lines per message to the worker. */
export const PART_LINES = 2000;

/** A line to clean: 0-based index, its pairs, and its score when it has one. */
export interface CleaningInputLine {
  readonly index: number;
  readonly pairs?: ReadonlyArray<TextPair>;
  readonly score?: number;
}

export interface WorkerCleaningOptions {
  /** Rejects (with the signal's reason, an AbortError by default) and terminates the worker. */
  signal?: AbortSignal;
  /** Called after each part is posted with the lines posted so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Cleans `lines` (those with pairs, in file order) with `options` in a worker started by `spawn`; resolves with
 * what was removed, exactly what CleaningPass gives in this thread for the same lines.
 */
export async function cleanInWorker(
  spawn: () => Worker,
  lines: ReadonlyArray<CleaningInputLine>,
  options: CleaningOptions,
  run: WorkerCleaningOptions = {},
): Promise<CleaningOutcome> {
  run.signal?.throwIfAborted();
  const worker = spawn();
  let settled = false;
  let fail!: (e: unknown) => void;
  const reply = new Promise<CleaningOutcome>((resolve, reject) => {
    fail = reject;
    worker.on('message', (m: CleaningWorkerReply) => {
      if (m.error !== undefined) reject(new Error(`the cleaning worker failed: ${m.error}`));
      else resolve({ input: m.result.input, removed: new Map(m.result.removed), counts: m.result.counts });
    });
    worker.on('error', (e: Error) => reject(new Error(`the cleaning worker failed: ${e.stack ?? e.message}`)));
    worker.on('exit', (code: number) => { if (!settled) reject(new Error(`the cleaning worker stopped (exit code ${code})`)); });
  });
  const onAbort = (): void => fail(run.signal!.reason);
  run.signal?.addEventListener('abort', onAbort, { once: true });
  // Posting runs alongside; a failure (or abort) while posting ends it.
  let stopped = false;
  const post = async (): Promise<void> => {
    const send = (m: CleaningWorkerRequest): void => worker.postMessage(m);
    send({ type: 'start', options });
    const withPairs = lines.filter((l) => l.pairs !== undefined);
    for (let start = 0; start < withPairs.length; start += PART_LINES) {
      if (stopped) return;
      const part: CleaningLine[] = [];
      for (const l of withPairs.slice(start, start + PART_LINES)) part.push([l.index + 1, l.pairs as TextPair[], l.score ?? NaN]);
      send({ type: 'lines', lines: part });
      run.onProgress?.(Math.min(start + PART_LINES, withPairs.length), withPairs.length);
      await nextTurn();
    }
    if (!stopped) send({ type: 'finish' });
  };
  try {
    const [outcome] = await Promise.all([reply, post().catch((e: unknown) => { fail(e); })]);
    return outcome;
  } finally {
    settled = true;
    stopped = true;
    run.signal?.removeEventListener('abort', onAbort);
    void worker.terminate();
  }
}
