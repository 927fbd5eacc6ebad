// Where a command's FILE comes from: a path, or '-' for standard input. Commands that stream (inspect, score
// --no-percentile, select --threshold --keep-order --no-dedup, dedup --signatures, dedup --resolve) read stdin
// as it comes; commands that need the whole input (percentiles, --ratio, --top-k, duplicate removal, which go
// back to lines by byte offset) first copy stdin to a temporary file, then run exactly as on a file, so the
// result never differs from the same bytes given as a file. The copy goes to $TMPDIR and is removed afterwards.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pipeline } from 'stream/promises';
import { CliError } from './args';
import { ioErrorMessage } from '../files/errors';
import type { CliIO } from './command';

/** The FILE that means standard input. */
export const STDIN = '-';

/** Checks that FILE is '-' or a readable file (not a directory); throws a CliError naming it otherwise. */
export function checkInputFile(file: string): void {
  if (file === STDIN) return;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    throw new CliError(ioErrorMessage(file, e));
  }
  if (stat.isDirectory()) throw new CliError(`cannot read '${file}': it is a directory`);
}

/** The input to stream: the path itself (streamRecords opens it), or the stdin stream for '-'. */
export function inputSource(file: string, io: CliIO): NodeJS.ReadableStream | string {
  return file === STDIN ? io.in ?? process.stdin : file;
}

/** How a message names the input: the path, or "stdin". */
export function inputName(file: string): string {
  return file === STDIN ? 'stdin' : file;
}

/**
 * Runs `fn` on a path holding the whole input: FILE itself, or, for '-', a temporary copy of stdin (removed when
 * `fn` settles). Memory stays bounded: the copy is streamed to disk.
 */
export async function withWholeInput<T>(file: string, io: CliIO, fn: (path: string) => Promise<T>): Promise<T> {
  if (file !== STDIN) return fn(file);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-stdin-'));
  const copy = path.join(dir, 'stdin.jsonl');
  try {
    try {
      await pipeline(io.in ?? process.stdin, fs.createWriteStream(copy));
    } catch (e) {
      throw new CliError(`cannot copy stdin to a temporary file in ${os.tmpdir()}: ${(e as Error).message}`);
    }
    return await fn(copy);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
