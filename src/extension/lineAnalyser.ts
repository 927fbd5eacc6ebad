// Turns one line of a document into the LineModel's small LineInfo through the core's analyseRecord, so the editor
// says exactly what `scar inspect` says about the same line. Pure (no vscode import).
import { analyseRecord } from '../core/inspect';
import { parseLine } from '../core/jsonl';
import type { AdapterOptions } from '../core/types';
import type { LineAnalyser, LineInfo } from './lineModel';

const BLANK: LineInfo = Object.freeze({ blank: true, pairs: 0 });

/** A LineAnalyser for the given adapter settings. */
export function lineAnalyserFor(options: Readonly<AdapterOptions>): LineAnalyser {
  return (text: string, line: number): LineInfo => {
    const record = parseLine(text, line, 0, text.length);
    if (record.blank) return BLANK;
    const { result, problem } = analyseRecord(record, options);
    if (record.error) return { blank: false, pairs: 0, problem: { kind: 'parse', message: problem ?? record.error.message, column: record.error.column } };
    // Like `scar inspect`, a line counts towards a schema only when it yields pairs in it.
    if (result?.ok) return { blank: false, schema: result.schema, pairs: result.pairs.length };
    return { blank: false, pairs: 0, problem: { kind: 'no-pair', message: problem ?? 'no pair' } };
  };
}
