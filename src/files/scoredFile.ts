// What happens to a file on disk once pass 1 (scoreStream.ts) has scored it, shared by `scar score`, `scar select`
// and the editor's commands for files too large to open (src/extension/commands/onDisk.ts):
//   writeScoreRows      the per-line scores as JSONL {"line", "score", "style", "percentile", "error", "composition", "presentation"}
//   cleanScoredFile     SCAR's cleaning (cleanFile.ts) keeping the best-scored copy of duplicates
//   writeSelectedLines  the selected lines read back from the file by byte offset, in one of the export formats
// Memory stays proportional to the number of lines: texts are never held, only offsets and numbers.
import * as fs from 'fs';
import type { CleaningResult } from '../core/cleaningPass';
import { ExportFormatter, roundScore, type ExportFormat, type OutputSink } from '../core/export';
import { adaptRecord } from '../core/schema';
import { styleScore, type Calibration } from '../core/calibration';
import { percentiles } from '../core/scores';
import { pipelineCleaningOptions, type PipelineOptions } from '../core/selectionPipeline';
import type { AdapterOptions, Pair } from '../core/types';
import { changedWhileReading } from './errors';
import { cleanFile } from './cleanFile';
import type { FileScores } from './scoreStream';

/**
 * Writes one JSON object per scored (non-blank) line to the sink, in file order. Does not close the sink. `style` is
 * the calibrated 0-100 style score when the model has a calibration (else null); `score` stays the raw score. `lineOffset` is added to every line number.
 */
export async function writeScoreRows(result: FileScores, out: OutputSink, calibration?: Calibration, lineOffset = 0): Promise<void> {
  const pct = percentiles(result.score);
  let buf = '';
  for (let i = 0; i < result.count; i++) {
    const error = result.errors.get(i);
    const scored = error === undefined;
    buf += JSON.stringify({
      line: lineOffset + result.line[i],
      score: scored ? roundScore(result.score[i]) : null,
      style: scored && calibration ? Math.round(styleScore(result.score[i], calibration) * 100) / 100 : null,
      percentile: scored ? Math.round(pct[i] * 100) / 100 : null,
      error: error ?? null,
      composition: scored ? roundScore(result.composition[i]) : null,
      presentation: scored ? roundScore(result.presentation[i]) : null,
      model: result.model.name,
    }) + '\n';
    if (buf.length > 1 << 16) { await out.write(buf); buf = ''; }
  }
  await out.write(buf);
}

/** Index of a 1-based line among the scored lines (binary search; lines increase), or -1. */
export function indexOfLine(scores: FileScores, line: number): number {
  let lo = 0, hi = scores.count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (scores.line[mid] === line) return mid;
    if (scores.line[mid] < line) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/** The outcome of cleaning a scored file: which lines went, and the counts the pipeline report needs. */
export interface ScoredFileCleaning {
  removedLines: Set<number>;
  cleaning: Pick<CleaningResult, 'input' | 'counts'>;
}

/**
 * Runs SCAR's cleaning steps the pipeline options ask for over the file, keeping the best-scored copy of each
 * duplicate group. With dedup and the language filter both off, removes nothing and reads nothing.
 */
export async function cleanScoredFile(
  file: string,
  scores: FileScores,
  adapter: AdapterOptions,
  pipeline: Pick<PipelineOptions, 'dedup' | 'languageFilter' | 'languageCheck' | 'nearDup'>,
  onProgress?: (linesRead: number) => void,
): Promise<ScoredFileCleaning> {
  const removedLines = new Set<number>();
  if (pipeline.dedup === false && pipeline.languageFilter === false) {
    return { removedLines, cleaning: { input: scores.count - scores.errors.size, counts: { exact: 0, language: 0, nearDuplicate: 0 } } };
  }
  const cleaned = await cleanFile(file, {
    adapter,
    cleaning: pipelineCleaningOptions(pipeline),
    scoreOf: (line) => {
      const s = scores.score[indexOfLine(scores, line)];
      return Number.isFinite(s) ? s : undefined;
    },
    onProgress,
  });
  for (const line of cleaned.result.removed.keys()) removedLines.add(line);
  return { removedLines, cleaning: cleaned.result };
}

export interface WriteSelectedOptions {
  format: ExportFormat;
  withScore: boolean;
  /** To re-adapt lines for the json and sharegpt formats. */
  adapter: AdapterOptions;
  /** Called every 1,024 lines with how many were written. */
  onProgress?: (written: number) => void;
  /** Checked between lines: stop (throwing the signal's reason) when aborted. */
  signal?: AbortSignal;
}

/**
 * Reads each kept line (indices into `scores`, in output order) back from `file` by byte offset and writes it to
 * the sink in the chosen format; jsonl without a score keeps each line's bytes and its own line ending. Does not
 * close or abort the sink. Throws FileError when the file changed since it was scored.
 */
export async function writeSelectedLines(file: string, scores: FileScores, kept: ArrayLike<number>, out: OutputSink, options: WriteSelectedOptions): Promise<void> {
  const { format, withScore } = options;
  const formatter = new ExportFormatter({ format, withScore, eol: scores.fileEol });
  const fd = fs.openSync(file, 'r');
  let scratch = Buffer.allocUnsafe(1 << 16);
  const readLine = (i: number): Buffer => {
    const len = scores.end[i] - scores.start[i];
    if (scratch.length < len) scratch = Buffer.allocUnsafe(Math.max(len, scratch.length * 2));
    let got = 0;
    while (got < len) {
      const n = fs.readSync(fd, scratch, got, len - got, scores.start[i] + got);
      if (n === 0) throw changedWhileReading(file, scores.line[i], 'cut short');
      got += n;
    }
    return Buffer.from(scratch.subarray(0, len));
  };
  const pairsOf = (value: unknown, line: number): Pair[] => {
    const r = adaptRecord(value, options.adapter);
    if (!r.ok) throw changedWhileReading(file, line, 'no longer yields a pair');
    return r.pairs;
  };
  try {
    await out.write(formatter.header());
    for (let k = 0; k < kept.length; k++) {
      if (options.signal?.aborted) throw options.signal.reason ?? new Error('cancelled');
      const i = kept[k];
      const raw = readLine(i);
      if (format === 'jsonl' && !withScore) {
        // Each line keeps its own ending (CRLF or LF); a last line without one gets the file's usual one.
        await out.write(Buffer.concat([raw, Buffer.from(scores.eol[i] === 2 ? '\r\n' : scores.eol[i] === 1 ? '\n' : scores.fileEol)]));
      } else {
        let value: unknown;
        try { value = JSON.parse(raw.toString('utf8')); } catch { throw changedWhileReading(file, scores.line[i], 'no longer parses'); }
        const pairs = format !== 'jsonl' ? pairsOf(value, scores.line[i]) : [];
        await out.write(formatter.item({ line: scores.line[i], raw, value, pairs, score: scores.score[i] }));
      }
      if ((k & 1023) === 0) options.onProgress?.(k);
    }
    await out.write(formatter.footer());
  } finally {
    fs.closeSync(fd);
  }
}
