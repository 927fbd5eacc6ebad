// Streaming pipe mode: read JSON Lines from a stream (stdin or a file), score the lines that want it through the
// engine in batches (a few in flight, so reading and inference overlap), and hand every line back IN INPUT ORDER,
// blank and problem lines included, as soon as its batch is scored. Memory is bounded by the batches in flight
// (chunkSize pairs x inFlight) plus the caller's output buffer, whatever the input's length: nothing per line is
// kept once it has been handed back. Used by `scar score --no-percentile`, streaming `scar select --threshold`,
// and (without an engine) `scar dedup --signatures`.
//
// A batch is sent when it holds chunkSize pairs, maxBatchLines lines, or when the input has been idle for
// idleFlushMs (a slow producer still sees its lines come back promptly).
import { ByteLineSplitter } from '../core/jsonl';
import { analyseRecord } from '../core/inspect';
import { meansByOwner } from '../core/scores';
import type { AdapterOptions, JsonlRecord, Pair, PairScore } from '../core/types';
import { CancelledError, type EngineClient } from '../engine/client';
import type { PairText } from '../engine/protocol';

/** One input line as the stream hands it back. */
export interface StreamLine {
  record: JsonlRecord;
  /** Bytes of the line's own ending: 2 for CRLF, 1 for LF, 0 for a last line without one. */
  eol: number;
  /** The pairs the line yields; undefined for blank lines and problem lines. */
  pairs?: Pair[];
  /** Why a non-blank line yields no pair (a parse error or the adapter's reason). */
  problem?: string;
  /** The line score (the mean over its pairs, core/scores meanOverPairs); NaN when not scored. */
  score: number;
  composition: number;
  presentation: number;
}

/**
 * The records of a byte stream, each with its line ending's length, known as soon as the line is complete (the
 * splitter has seen its "\n"). Destroys a stream it opened, and the given stream when the consumer stops early.
 */
export async function* streamLinesWithEndings(input: NodeJS.ReadableStream): AsyncGenerator<{ record: JsonlRecord; eol: number }> {
  const splitter = new ByteLineSplitter();
  let finished = false;
  try {
    for await (const chunk of input as AsyncIterable<Buffer | string>) {
      const records = splitter.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
      for (let j = 0; j < records.length; j++) {
        const next = j + 1 < records.length ? records[j + 1].start : splitter.nextLineStart;
        yield { record: records[j], eol: next - records[j].end };
      }
    }
    for (const record of splitter.end()) yield { record, eol: 0 };
    finished = true;
  } finally {
    if (!finished) (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
  }
}

export interface OrderedScoringOptions {
  adapter: AdapterOptions;
  /** false: bypass the persistent cache (--no-cache). */
  persistentCache: boolean;
  /** Whether a line with pairs is scored (default: every one). A line not scored comes back with NaN scores. */
  wants?: (line: StreamLine) => boolean;
  /** Pairs per engine request (default 1024) and requests in flight (default 3). */
  chunkSize?: number;
  inFlight?: number;
  /** Lines per batch at most, whatever their pairs (default 4096): bounds memory on inputs of problem lines. */
  maxBatchLines?: number;
  /** Send a partial batch after the input has been idle this long (default 50 ms). */
  idleFlushMs?: number;
  /** Checked between lines: true stops reading (the reader went away); what is in flight is dropped. */
  stop?: () => boolean;
  onProgress?: (linesRead: number, pairsScored: number) => void;
  signal?: AbortSignal;
}

export interface OrderedScoringTotals {
  lines: number;
  pairsScored: number;
  /** True when stop() ended the stream before its end. */
  stopped: boolean;
}

interface Batch {
  lines: StreamLine[];
  pairs: PairText[];
  /** Per pair, the index of its line in `lines`. */
  owners: number[];
  /** Per line, whether its pairs were sent. */
  sent: boolean[];
}

const IDLE = Symbol('idle');

/**
 * Reads `input` line by line, scores the lines with pairs (that `wants`), and calls `emit` with each batch's
 * lines in input order, one batch at a time (emit may be async: the next batch waits for it, which is how output
 * backpressure reaches the reader). Rejects on I/O errors, engine failures, cancellation, or an emit that throws.
 * With no engine client, nothing is scored (every line comes back with NaN) and emission follows reading.
 */
export async function scoreLinesInOrder(
  input: NodeJS.ReadableStream,
  client: EngineClient | undefined,
  options: OrderedScoringOptions,
  emit: (lines: StreamLine[]) => Promise<void> | void,
): Promise<OrderedScoringTotals> {
  const chunkSize = options.chunkSize ?? 1024;
  const maxInFlight = options.inFlight ?? 3;
  const maxLines = options.maxBatchLines ?? 4096;
  const idleMs = options.idleFlushMs ?? 50;
  const totals: OrderedScoringTotals = { lines: 0, pairsScored: 0, stopped: false };

  let chain: Promise<void> = Promise.resolve();
  const waiting: Promise<void>[] = [];
  let batch: Batch = { lines: [], pairs: [], owners: [], sent: [] };

  const submit = (): void => {
    if (batch.lines.length === 0) return;
    const b = batch;
    batch = { lines: [], pairs: [], owners: [], sent: [] };
    const scored: Promise<unknown> = b.pairs.length === 0 || client === undefined
      ? Promise.resolve()
      : client.score(b.pairs, { signal: options.signal, persistentCache: options.persistentCache }).then((scores: PairScore[]) => {
        const means = new Float64Array(b.lines.length * 3);
        meansByOwner(scores, b.owners, means);
        for (let i = 0; i < b.lines.length; i++) {
          const line = b.lines[i];
          if (!b.sent[i]) continue; // not sent: stays NaN
          line.score = means[i * 3]; line.composition = means[i * 3 + 1]; line.presentation = means[i * 3 + 2];
        }
        totals.pairsScored += scores.length;
        options.onProgress?.(totals.lines, totals.pairsScored);
      });
    scored.catch(() => undefined); // reaches the chain below; a batch dropped after stop() must not be an unhandled rejection
    b.pairs = []; // the engine client holds the texts until it answers; the batch need not
    chain = chain.then(() => scored).then(() => (totals.stopped ? undefined : emit(b.lines)));
    const p = chain;
    p.catch(() => undefined); // awaited below; never an unhandled rejection
    waiting.push(p);
  };

  const source = streamLinesWithEndings(input);
  const it = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<{ record: JsonlRecord; eol: number }>> | undefined;
  let completed = false;
  try {
    for (;;) {
      if (options.stop?.()) { totals.stopped = true; break; }
      pending ??= it.next();
      let step: IteratorResult<{ record: JsonlRecord; eol: number }> | typeof IDLE;
      if (batch.lines.length > 0) {
        let timer: NodeJS.Timeout | undefined;
        step = await Promise.race([pending, new Promise<typeof IDLE>((resolve) => { timer = setTimeout(() => resolve(IDLE), idleMs); })]);
        clearTimeout(timer);
      } else {
        step = await pending;
      }
      if (step === IDLE) { submit(); continue; }
      pending = undefined;
      if (step.done) break;
      const { record, eol } = step.value;
      totals.lines++;
      const line: StreamLine = { record, eol, score: NaN, composition: NaN, presentation: NaN };
      if (!record.blank) {
        const a = analyseRecord(record, options.adapter);
        if (a.problem !== undefined || !a.result?.ok) line.problem = a.problem ?? 'no pair';
        else line.pairs = a.result.pairs;
      }
      const index = batch.lines.length;
      batch.lines.push(line);
      const send = line.pairs !== undefined && client !== undefined && (options.wants?.(line) ?? true);
      batch.sent.push(send);
      if (send) {
        for (const p of line.pairs!) { batch.pairs.push({ instruction: p.instruction, response: p.response }); batch.owners.push(index); }
      }
      if (batch.pairs.length >= chunkSize || batch.lines.length >= maxLines) {
        submit();
        while (waiting.length >= maxInFlight) await waiting.shift();
      }
      if ((totals.lines & 1023) === 0) {
        if (options.signal?.aborted) throw new CancelledError();
        options.onProgress?.(totals.lines, totals.pairsScored);
      }
    }
    if (!totals.stopped) {
      submit();
      while (waiting.length > 0) await waiting.shift();
      completed = true;
    }
  } finally {
    if (!completed) {
      // Stopped early or failed: release the input now (an idle stdin would otherwise keep the process alive).
      (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      pending?.catch(() => undefined);
      void it.return?.(undefined).catch(() => undefined);
    }
  }
  return totals;
}
