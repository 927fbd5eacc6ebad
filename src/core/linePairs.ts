// The pairs one JSONL line yields, or why it yields none: what live scoring (in the engine process) and the
// editor's hover read from a single line. Pure.
import { analyseRecord } from './inspect';
import { parseLine } from './jsonl';
import type { AdapterOptions, Pair } from './types';

export type LinePairs = { blank: true } | { pairs: Pair[] } | { error: string };

/** The pairs of one line (`line` is its 1-based number, for messages), or `blank`, or the reason it has none. */
export function linePairs(text: string, line: number, adapter: Readonly<AdapterOptions>): LinePairs {
  const record = parseLine(text, line, 0, text.length);
  if (record.blank) return { blank: true };
  const a = analyseRecord(record, adapter);
  if (a.problem !== undefined || !a.result?.ok) return { error: a.problem ?? 'no pair' };
  return { pairs: a.result.pairs };
}
