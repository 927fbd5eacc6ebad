// SCAR's cleaning (core/cleaningPass.ts) over a file on disk, streamed: one pass reads every line, adapts it to
// pairs and adds it to the cleaning pass, keeping per line only its number and byte offsets (plus the cleaning
// indexes' ~150 bytes of signature); the few texts clustering must compare are read back from the file by
// offset. Used by `scar select` (before ranking), `scar dedup` and the editor's "Select top from file on disk".
import * as fs from 'fs';
import type { TextPair } from '../core/dedup';
import { CleaningPass, type CleaningOptions, type CleaningResult } from '../core/cleaningPass';
import { analyseRecord, ForcedSchemaCheck } from '../core/inspect';
import { streamRecords } from '../core/jsonl';
import { adaptRecord } from '../core/schema';
import { grownTo } from '../core/typedArrays';
import type { AdapterOptions } from '../core/types';
import { changedWhileReading, FileError, ioErrorMessage } from './errors';

export interface CleanFileOptions {
  adapter: AdapterOptions;
  cleaning: CleaningOptions;
  /** The line's score, when known: duplicates keep the highest-scored copy. */
  scoreOf?: (line: number) => number | undefined;
  /** Called now and then with the number of lines read. */
  onProgress?: (linesRead: number) => void;
}

/** The outcome, with where each cleaned line lies in the file. */
export interface CleanedFile {
  result: CleaningResult;
  /** Lines read (blank ones included). */
  linesRead: number;
  /** Non-blank lines that yield no pair (they take no part in cleaning). */
  withoutPair: number;
  /** Set when a forced schema fits no line of the file (core/inspect ForcedSchemaCheck's message). */
  schemaProblem?: string;
  /** Byte ranges [start, end) of the removed lines, each with its line ending, in file order. */
  removedRanges(): Array<[number, number]>;
}

/** Growable columns: line number, start offset, and the offset where the next line starts (or the file's end). */
class Offsets {
  count = 0;
  line = new Int32Array(1024);
  start = new Float64Array(1024);
  next = new Float64Array(1024);
  end = new Float64Array(1024);

  add(line: number, start: number, end: number): void {
    if (this.count === this.line.length) {
      const n = 2 * this.line.length;
      [this.line, this.start, this.next, this.end] = [grownTo(this.line, n), grownTo(this.start, n), grownTo(this.next, n), grownTo(this.end, n)];
    }
    this.line[this.count] = line;
    this.start[this.count] = start;
    this.end[this.count] = end;
    this.next[this.count] = end;
    this.count++;
  }

  /** Index of `line` (binary search; lines are increasing), or -1. */
  indexOf(line: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.line[mid];
      if (v === line) return mid;
      if (v < line) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

/** Streams `file` through SCAR's cleaning steps. I/O errors and a file changed under us are FileErrors. */
export async function cleanFile(file: string, options: CleanFileOptions): Promise<CleanedFile> {
  const pass = new CleaningPass(options.cleaning);
  const offsets = new Offsets();
  let linesRead = 0;
  let withoutPair = 0;
  let lastAdded = -1;
  const schemaCheck = new ForcedSchemaCheck(options.adapter);
  try {
    for await (const record of streamRecords(file)) {
      linesRead++;
      // The previous cleaned line's bytes run up to where this record starts (its line ending included).
      if (lastAdded >= 0 && offsets.next[lastAdded] === offsets.end[lastAdded]) offsets.next[lastAdded] = record.start;
      if (record.blank) continue;
      const a = analyseRecord(record, options.adapter);
      schemaCheck.addAnalysis(a);
      if (a.problem !== undefined || !a.result?.ok) {
        withoutPair++;
        continue;
      }
      offsets.add(record.line, record.start, record.end);
      lastAdded = offsets.count - 1;
      pass.add(record.line, a.result.pairs);
      if ((linesRead & 4095) === 0) options.onProgress?.(linesRead);
    }
    // The last cleaned line's bytes run to the end of the file when nothing follows it.
    if (lastAdded >= 0 && offsets.next[lastAdded] === offsets.end[lastAdded]) offsets.next[lastAdded] = fs.statSync(file).size;
  } catch (e) {
    if (e instanceof FileError) throw e;
    throw new FileError(ioErrorMessage(file, e));
  }

  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new FileError(ioErrorMessage(file, e));
  }
  let scratch = Buffer.allocUnsafe(1 << 16);
  const pairsOf = (line: number): ReadonlyArray<TextPair> => {
    const i = offsets.indexOf(line);
    const len = offsets.end[i] - offsets.start[i];
    if (scratch.length < len) scratch = Buffer.allocUnsafe(Math.max(len, scratch.length * 2));
    let got = 0;
    while (got < len) {
      const n = fs.readSync(fd, scratch, got, len - got, offsets.start[i] + got);
      if (n === 0) throw changedWhileReading(file, line, 'cut short');
      got += n;
    }
    let value: unknown;
    try {
      value = JSON.parse(scratch.toString('utf8', 0, len));
    } catch {
      throw changedWhileReading(file, line, 'no longer parses');
    }
    const r = adaptRecord(value, options.adapter);
    if (!r.ok) throw changedWhileReading(file, line, 'no longer yields a pair');
    return r.pairs;
  };
  let result: CleaningResult;
  try {
    result = pass.finish(pairsOf, options.scoreOf);
  } catch (e) {
    if (e instanceof FileError) throw e;
    // NearDupIndex notices a text that is not the one it indexed: the file changed between the reads.
    throw new FileError(`${file}: ${(e as Error).message}`);
  } finally {
    fs.closeSync(fd);
  }

  const schemaProblem = schemaCheck.problem();
  return {
    result,
    linesRead,
    withoutPair,
    ...(schemaProblem === undefined ? {} : { schemaProblem }),
    removedRanges: () => {
      const ranges: Array<[number, number]> = [];
      for (const line of [...result.removed.keys()].sort((a, b) => a - b)) {
        const i = offsets.indexOf(line);
        ranges.push([offsets.start[i], offsets.next[i]]);
      }
      return ranges;
    },
  };
}
