// A document's lines as the score commands use them: each line's text and line ending, its parsed value and pairs,
// and its score from the dataset's score column. Pure (no vscode import); read in slices that yield to the event
// loop so that a 100k-line file never stalls the extension host.
import { analyseRecord } from '../../core/inspect';
import { iterateRecords } from '../../core/jsonl';
import type { AdapterOptions, Pair } from '../../core/types';

/** One physical line of a document, with what the commands need to know about it. */
export interface DocLine {
  /** 0-based line index in the document. */
  index: number;
  /** The line's text, without its line ending. */
  text: string;
  /** The ending that follows the line in the document: "\r\n", "\n", or "" for a last line without one. */
  eol: string;
  blank: boolean;
  /** The parsed value, when the line parses. */
  value?: unknown;
  /** The pairs the line yields; undefined when it yields none. */
  pairs?: Pair[];
  /** The line's score; undefined when it has none (no pair, or not scored). */
  score?: number;
}

/** The lines of a document and the text around them. */
export interface DocLines {
  lines: DocLine[];
  /** A byte-order mark at the start of the text, kept by whole-document edits. */
  bom: string;
  /** The document's line ending (the more common one; "\n" for a one-line document). */
  eol: string;
  /** Whether the text ends with a line ending. */
  finalEol: boolean;
}

/** Yields to the event loop: a macrotask, so that the extension host handles its other events in between. */
export const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Reads the lines one at a time (yielding after each), returning the whole; shared by the sync and sliced forms. */
function* readLines(text: string, adapter: AdapterOptions, scoreOf: (index: number) => number | undefined): Generator<void, DocLines> {
  const lines: DocLine[] = [];
  let prev: DocLine | undefined;
  let prevEnd = 0;
  let crlf = 0, lf = 0;
  for (const record of iterateRecords(text)) {
    if (prev) {
      prev.eol = text.slice(prevEnd, record.start);
      if (prev.eol === '\r\n') crlf++; else lf++;
    }
    // Every line gets every field, so that all lines share one object shape (fast property access in loops).
    const line: DocLine = { index: record.line - 1, text: record.text, eol: '', blank: record.blank, value: undefined, pairs: undefined, score: undefined };
    if (!record.blank && record.error === undefined) {
      line.value = record.value;
      const a = analyseRecord(record, adapter);
      if (a.problem === undefined && a.result?.ok) {
        line.pairs = a.result.pairs;
        const s = scoreOf(line.index);
        if (s !== undefined && Number.isFinite(s)) line.score = s;
      }
    }
    lines.push(line);
    prev = line;
    prevEnd = record.end;
    yield;
  }
  if (prev) prev.eol = text.slice(prevEnd);
  if (prev?.eol === '\r\n') crlf++; else if (prev?.eol === '\n') lf++;
  return {
    lines,
    bom: text.charCodeAt(0) === 0xfeff ? '\ufeff' : '',
    eol: crlf > lf ? '\r\n' : '\n',
    finalEol: prev !== undefined && prev.eol !== '',
  };
}

/**
 * Splits a document's text into lines, adapts each to pairs with `adapter`, and attaches the scores that
 * `scoreOf(index)` knows (0-based line index; undefined or NaN = no score).
 */
export function documentLines(text: string, adapter: AdapterOptions, scoreOf: (index: number) => number | undefined): DocLines {
  const it = readLines(text, adapter, scoreOf);
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
  }
}

/** documentLines in slices of at most `sliceMs` (default 20), yielding to the event loop between them. */
export async function documentLinesSliced(
  text: string,
  adapter: AdapterOptions,
  scoreOf: (index: number) => number | undefined,
  options: { sliceMs?: number; pause?: () => Promise<void>; signal?: AbortSignal } = {},
): Promise<DocLines> {
  const sliceMs = options.sliceMs ?? 20;
  const pause = options.pause ?? macrotask;
  const it = readLines(text, adapter, scoreOf);
  let sliceStart = performance.now();
  for (let n = 1; ; n++) {
    const step = it.next();
    if (step.done) return step.value;
    if ((n & 63) === 0 && performance.now() - sliceStart > sliceMs) {
      await pause();
      options.signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
}

/** A line with a score. */
export type ScoredDocLine = DocLine & { score: number; pairs: Pair[] };

export const isScored = (l: DocLine): l is ScoredDocLine => l.score !== undefined && l.pairs !== undefined;
