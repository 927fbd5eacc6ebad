// Turns one line of a document into the LineModel's small LineInfo through the core's analyseRecord, so the editor
// says exactly what `scar inspect` says about the same line. Pure (no vscode import).
import { analyseRecord } from '../../core/inspect';
import { t } from '../../core/l10n';
import { parseLine } from '../../core/jsonl';
import type { AdapterOptions, SchemaId } from '../../core/types';
import type { LineAnalyser, LineInfo } from './lineModel';

const BLANK: LineInfo = Object.freeze({ blank: true, pairs: 0 });

/** A LineAnalyser for the given adapter settings. */
export function lineAnalyserFor(options: Readonly<AdapterOptions>): LineAnalyser {
  // Lines that yield pairs share one frozen LineInfo per (schema, pair count): a 100k-line file then holds a handful
  // of them, not 100k objects for the garbage collector to copy and promote.
  const shared = new Map<string, LineInfo>();
  const ok = (schema: SchemaId, pairs: number): LineInfo => {
    const key = `${schema}\u0000${pairs}`;
    let info = shared.get(key);
    if (!info) shared.set(key, (info = Object.freeze({ blank: false, schema, pairs })));
    return info;
  };
  return (text: string, line: number): LineInfo => {
    const record = parseLine(text, line, 0, text.length);
    if (record.blank) return BLANK;
    const { result, problem } = analyseRecord(record, options);
    if (record.error) return { blank: false, pairs: 0, problem: { kind: 'parse', message: problem ?? record.error.message, column: record.error.column } };
    // Like `scar inspect`, a line counts towards a schema only when it yields pairs in it.
    if (result?.ok) return ok(result.schema, result.pairs.length);
    return { blank: false, pairs: 0, problem: { kind: 'no-pair', message: problem ?? t('no pair') } };
  };
}
