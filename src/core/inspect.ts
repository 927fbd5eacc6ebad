// What a file holds, line by line and in sum: the problem message of each line (shared by the editor's diagnostics
// and `scar inspect`, so the wording is the same everywhere) and a summary accumulator that works on a stream.
import { fileShapeProblem } from './jsonl';
import { t } from './l10n';
import { adaptRecord, majoritySchema, schemaLabel } from './schema';
import type { AdapterOptions, AdaptResult, JsonlRecord, SchemaId } from './types';

/** One line, judged: the adapter result when the line parses, and a problem message when it yields no pair. */
export interface RecordAnalysis {
  record: JsonlRecord;
  result?: AdaptResult;
  problem?: string;
}

/**
 * The message for a line that does not parse, e.g. "invalid JSON at column 12: trailing comma before '}' (…)" or
 * "invalid UTF-8 at byte 5 of the line (column 5)".
 */
export function parseProblem(record: JsonlRecord): string | undefined {
  const e = record.error;
  if (e === undefined) return undefined;
  if (e.kind === 'invalid-utf8') return t('{0} (column {1})', e.message, e.column);
  return t('invalid JSON at column {0}: {1}', e.column, e.message);
}

/**
 * Judges one record. Blank lines have no result and no problem. A line that does not parse, or that parses but
 * yields no pair, gets exactly one problem message.
 */
export function analyseRecord(record: JsonlRecord, options: AdapterOptions): RecordAnalysis {
  if (record.blank) return { record };
  if (record.error !== undefined) return { record, problem: parseProblem(record) };
  const result = adaptRecord(record.value, options);
  if (result.ok) return { record, result };
  return { record, result, problem: result.reason };
}

export interface InspectSummary {
  /**
   * The file's schema: the one that most pair-yielding lines are in, 'mixed' when no schema covers more than half
   * of them, 'unknown' when no line yields a pair.
   */
  schema: SchemaId | 'mixed' | 'unknown';
  /** Pair-yielding lines per schema id. */
  schemaCounts: Record<string, number>;
  /** Non-blank lines. */
  lines: number;
  /** Pairs extracted (more than the lines under the 'all' turn policy). */
  pairs: number;
  /** Lines that yield no pair, in line order (the first `maxErrors` of them when the accumulator was capped). */
  errors: { line: number; message: string }[];
  /** How many lines yield no pair (all of them, even past the cap). */
  problems: number;
  /** A file-level problem, e.g. a JSON array file opened as JSON Lines. */
  fileProblem?: string;
}

/** Adds records one at a time (in line order) and sums them up; holds counts and error messages only. */
export class InspectAccumulator {
  private lines = 0;
  private pairs = 0;
  private readonly counts = new Map<SchemaId, number>();
  private readonly errors: { line: number; message: string }[] = [];
  private problems = 0;
  private firstText: string | undefined;
  private readonly maxErrors: number;

  /** maxErrors caps the error messages kept (the count stays exact); unlimited by default. */
  constructor(options: { maxErrors?: number } = {}) {
    this.maxErrors = options.maxErrors ?? Infinity;
  }

  private problem(line: number, message: string): void {
    this.problems++;
    if (this.errors.length < this.maxErrors) this.errors.push({ line, message });
  }

  /**
   * Adds a record. Pass the adapter result when you already have it (e.g. from analyseRecord); without it the
   * record counts as a pair-less line only when it has a parse error.
   */
  add(record: JsonlRecord, result?: AdaptResult): void {
    if (record.blank) return;
    this.lines++;
    if (this.firstText === undefined) this.firstText = record.text;
    if (record.error !== undefined) {
      this.problem(record.line, parseProblem(record) ?? record.error.message);
      return;
    }
    if (result === undefined) return;
    if (result.ok) {
      this.pairs += result.pairs.length;
      this.counts.set(result.schema, (this.counts.get(result.schema) ?? 0) + 1);
    } else {
      this.problem(record.line, result.reason);
    }
  }

  /** Adds the analysis of a record (see analyseRecord). */
  addAnalysis(a: RecordAnalysis): void {
    this.add(a.record, a.result);
  }

  summary(): InspectSummary {
    const schemaCounts: Record<string, number> = {};
    let withPairs = 0;
    for (const [id, c] of this.counts) { schemaCounts[id] = c; withPairs += c; }
    const top = majoritySchema(this.counts);
    let schema: InspectSummary['schema'] = 'unknown';
    if (top !== undefined) schema = (this.counts.get(top) ?? 0) * 2 > withPairs ? top : 'mixed';
    const fileProblem = this.firstText === undefined ? undefined : fileShapeProblem(this.firstText);
    const s: InspectSummary = { schema, schemaCounts, lines: this.lines, pairs: this.pairs, errors: this.errors.slice(), problems: this.problems };
    if (fileProblem !== undefined) s.fileProblem = fileProblem;
    return s;
  }
}

/** "ShareGPT", "mixed (Alpaca 60, ShareGPT 40)", "unknown": the schema as a person reads it. */
export function describeSchema(summary: Pick<InspectSummary, 'schema' | 'schemaCounts'>): string {
  if (summary.schema === 'unknown') return 'unknown';
  if (summary.schema !== 'mixed') return schemaLabel(summary.schema);
  const parts = Object.entries(summary.schemaCounts)
    .sort((a, b) => b[1] - a[1])
    .map(([id, c]) => `${schemaLabel(id as SchemaId)} ${c}`);
  return `mixed (${parts.join(', ')})`;
}

/**
 * Tells when a forced schema (`--schema S`, or a custom field mapping) fits no line of a file, and what the file
 * looks like instead, so that a command can stop with a message naming it rather than report "0 pairs". Add every
 * record (with its adapter result, as analyseRecord gives it), then ask `problem()`. Detection stops costing anything
 * once one line fits.
 */
export class ForcedSchemaCheck {
  private fitted = 0;
  private nonBlank = 0;
  private readonly detected = new Map<SchemaId, number>();
  private readonly auto: AdapterOptions;

  constructor(private readonly options: AdapterOptions) {
    this.auto = { schema: 'auto', turnPolicy: options.turnPolicy };
  }

  /** True when the schema is forced (anything but `auto`). */
  get forced(): boolean {
    return this.options.schema !== 'auto';
  }

  add(record: JsonlRecord, result?: AdaptResult): void {
    this.addLine(record, result?.ok === true);
  }

  /** Adds a record and whether it yielded pairs in the forced schema. */
  addLine(record: JsonlRecord, fits: boolean): void {
    if (record.blank || !this.forced) return;
    this.nonBlank++;
    if (fits) { this.fitted++; return; }
    if (this.fitted > 0 || record.error !== undefined) return;
    const r = adaptRecord(record.value, this.auto);
    if (r.ok) this.detected.set(r.schema, (this.detected.get(r.schema) ?? 0) + 1);
  }

  addAnalysis(a: RecordAnalysis): void {
    this.add(a.record, a.result);
  }

  /**
   * The message when the schema is forced, the file has content and no line fits it, e.g. "no line fits the
   * schema sharegpt; the file looks like alpaca (197 of 197 lines); use --schema alpaca or --schema auto".
   * Undefined otherwise.
   */
  problem(): string | undefined {
    if (!this.forced || this.fitted > 0 || this.nonBlank === 0) return undefined;
    const m = this.options.mapping;
    const what = this.options.schema === 'custom'
      ? `no line has the fields of the custom mapping (--map-instruction ${m?.instruction ?? ''}, --map-response ${m?.response ?? ''})`
      : `no line fits the schema ${this.options.schema}`;
    const best = majoritySchema(this.detected);
    if (best === undefined) {
      return `${what}, and no line is in a schema SCAR Lens knows; map its fields with --map-instruction and --map-response`;
    }
    const n = this.detected.get(best) ?? 0;
    const lines = `${n.toLocaleString('en-US')} of ${this.nonBlank.toLocaleString('en-US')} line${this.nonBlank === 1 ? '' : 's'}`;
    return `${what}; the file looks like ${best} (${lines}); use --schema ${best} or --schema auto`;
  }
}
