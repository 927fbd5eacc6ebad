// Pass 1 of `scar score` and `scar select`: stream a JSONL file from disk, adapt each line to pairs, score
// the pairs through the engine in chunks (a few in flight, so reading and inference overlap on two cores),
// and keep only numbers per line: line number, byte offsets, line-ending length, and the line's scores.
// Texts are dropped as soon as they are sent, so memory grows with the number of lines, not their size.
import type { ModelKind } from '../core/modelFolder';
import { streamRecords } from '../core/jsonl';
import { analyseRecord, ForcedSchemaCheck } from '../core/inspect';
import { meansByOwner } from '../core/scores';
import { grownTo } from '../core/typedArrays';
import type { AdapterOptions, PairScore } from '../core/types';
import { CancelledError, type EngineClient } from '../engine/client';
import type { PairText } from '../engine/protocol';

/** Per non-blank line of a file, in file order (index i = the i-th non-blank line). */
export interface FileScores {
  count: number;
  /** 1-based line numbers. */
  line: Int32Array;
  /** Byte offsets of each line's text (without its line ending); end is exclusive. */
  start: Float64Array;
  end: Float64Array;
  /** Length of each line's own ending: 2 for CRLF, 1 for LF, 0 for the last line (unknown, maybe none). */
  eol: Uint8Array;
  /** The line score (the mean over its pairs, core/scores meanOverPairs), NaN when the line has no pair. */
  score: Float64Array;
  composition: Float64Array;
  presentation: Float64Array;
  /** How many pairs each line yielded. */
  pairs: Int32Array;
  /** Why a line has no score (parse error or adapter reason), by index. */
  errors: Map<number, string>;
  /** Totals. */
  pairsScored: number;
  /** The more common line ending of the file ("\r\n" or "\n"). */
  fileEol: string;
  /** Set when a forced schema fits no line of the file (core/inspect ForcedSchemaCheck's message). */
  schemaProblem?: string;
  /** The model that scored the file (its display name, cache id and kind). */
  model: { name: string; id: string; kind: ModelKind };
}

export interface ScoreStreamOptions {
  adapter: AdapterOptions;
  /** false: bypass the persistent cache (--no-cache). */
  persistentCache: boolean;
  /** Pairs per engine request (default 2048: the engine pipelines batches within a request) and requests in flight (default 3). */
  chunkSize?: number;
  inFlight?: number;
  /** Called now and then with progress: lines read, pairs scored. */
  onProgress?: (linesRead: number, pairsScored: number) => void;
  signal?: AbortSignal;
}

class Columns {
  cap = 1024;
  count = 0;
  line = new Int32Array(this.cap);
  start = new Float64Array(this.cap);
  end = new Float64Array(this.cap);
  eol = new Uint8Array(this.cap);
  /** Per line, its score, composition and presentation (core/scores meanOverPairs), once its pairs are scored. */
  means = new Float64Array(this.cap * 3);
  pairs = new Int32Array(this.cap);

  add(line: number, start: number, end: number): number {
    if (this.count === this.cap) this.grow();
    const i = this.count++;
    this.line[i] = line; this.start[i] = start; this.end[i] = end;
    return i;
  }

  private grow(): void {
    this.cap *= 2;
    this.line = grownTo(this.line, this.cap); this.start = grownTo(this.start, this.cap); this.end = grownTo(this.end, this.cap);
    this.eol = grownTo(this.eol, this.cap); this.means = grownTo(this.means, this.cap * 3); this.pairs = grownTo(this.pairs, this.cap);
  }
}

/** What scores the pairs: the engine's client, or a relay to one (the overview service asks the extension's). */
export type PairScorer = Pick<EngineClient, 'start' | 'score'>;

/** Scores every non-blank line of a file. Rejects on I/O errors, engine failures or cancellation. */
export async function scoreFileStream(file: string, client: PairScorer, options: ScoreStreamOptions): Promise<FileScores> {
  const chunkSize = options.chunkSize ?? 2048;
  const maxInFlight = options.inFlight ?? 3;
  // The model loads first: a broken model folder fails before the file is read, and the result names the model.
  const ready = await client.start();
  const cols = new Columns();
  const errors = new Map<number, string>();
  let pairsScored = 0;
  let linesRead = 0;
  let crlf = 0, lf = 0;
  const schemaCheck = new ForcedSchemaCheck(options.adapter);

  let batch: PairText[] = [];
  let owners: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;

  const flush = (): void => {
    if (batch.length === 0) return;
    const pairs = batch, who = owners;
    batch = []; owners = [];
    const p = client.score(pairs, { signal: options.signal, persistentCache: options.persistentCache }).then((scores: PairScore[]) => {
      // A line's pairs all go in one request (the batch is sent between lines), so each line's mean is made here.
      meansByOwner(scores, who, cols.means);
      pairsScored += scores.length;
      options.onProgress?.(linesRead, pairsScored);
    }, (e) => { failure ??= e; });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  let prev = -1; // index of the previous non-blank line, whose line ending we learn from the next record
  let prevEnd = 0;
  let lastEnd = 0;
  for await (const record of streamRecords(file)) {
    linesRead++;
    // The gap between one line's end and the next line's start is the first line's ending.
    if (prev >= 0 && cols.eol[prev] === 0 && record.start > prevEnd) cols.eol[prev] = Math.min(2, record.start - prevEnd);
    const gap = record.start - lastEnd;
    if (record.line > 1) { if (gap === 2) crlf++; else if (gap === 1) lf++; }
    lastEnd = record.end;
    if (record.blank) continue;
    const i = cols.add(record.line, record.start, record.end);
    prev = i; prevEnd = record.end;
    const a = analyseRecord(record, options.adapter);
    schemaCheck.addAnalysis(a);
    if (a.problem !== undefined || !a.result?.ok) {
      errors.set(i, a.problem ?? 'no pair');
      continue;
    }
    const pairs = a.result.pairs;
    cols.pairs[i] = pairs.length;
    for (const p of pairs) {
      batch.push({ instruction: p.instruction, response: p.response });
      owners.push(i);
    }
    if (batch.length >= chunkSize) {
      flush();
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      if (failure) throw failure;
    }
    if ((linesRead & 1023) === 0) {
      // Stop reading as soon as the caller cancels, not at the end of the file.
      if (options.signal?.aborted) throw new CancelledError();
      options.onProgress?.(linesRead, pairsScored);
    }
  }
  flush();
  await Promise.all(inFlight);
  if (failure) throw failure;

  const n = cols.count;
  const schemaProblem = schemaCheck.problem();
  const score = new Float64Array(n), composition = new Float64Array(n), presentation = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = cols.pairs[i];
    if (k === 0) { score[i] = composition[i] = presentation[i] = NaN; continue; }
    score[i] = cols.means[i * 3]; composition[i] = cols.means[i * 3 + 1]; presentation[i] = cols.means[i * 3 + 2];
  }
  return {
    count: n,
    line: cols.line.subarray(0, n),
    start: cols.start.subarray(0, n),
    end: cols.end.subarray(0, n),
    eol: cols.eol.subarray(0, n),
    score, composition, presentation,
    pairs: cols.pairs.subarray(0, n),
    errors,
    pairsScored,
    fileEol: crlf > lf ? '\r\n' : '\n',
    ...(schemaProblem === undefined ? {} : { schemaProblem }),
    model: { name: ready.modelName, id: ready.modelId, kind: ready.modelKind },
  };
}
