// Turns one line of a document into the LineModel's small LineInfo, through the core's reader and schema
// adapters, so the editor says exactly what `scar inspect` says about the same line. Pure (no vscode import).
import type { AdapterOptions } from '../core/types';
import { parseLine } from '../core/jsonl';
import { adaptRecord } from '../core/schema';
import type { LineAnalyser, LineInfo } from './lineModel';

const BLANK: LineInfo = Object.freeze({ blank: true, pairs: 0 });

/** A LineAnalyser for the given adapter settings. */
export function lineAnalyserFor(options: Readonly<AdapterOptions>): LineAnalyser {
  return (text: string, line: number): LineInfo => {
    const record = parseLine(text, line, 0, text.length);
    if (record.blank) return BLANK;
    if (record.error) {
      return { blank: false, pairs: 0, problem: { kind: 'parse', message: record.error.message, column: record.error.column } };
    }
    const result = adaptRecord(record.value, options);
    if (result.ok) return { blank: false, schema: result.schema, pairs: result.pairs.length };
    return { blank: false, schema: result.schema, pairs: 0, problem: { kind: 'no-pair', message: result.reason } };
  };
}
