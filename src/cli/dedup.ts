// `scar dedup FILE [-o OUT] [--threshold J] [--ngram N] [--json] [--schema S] [--turns P] [--map-*]`
// Streams the file through SCAR's exact and near-duplicate steps (files/cleanFile.ts; no language filter, no
// scores: the first copy in the file is kept), then copies the file with the removed lines cut out, byte for byte.
import * as fs from 'fs';
import { StringDecoder } from 'string_decoder';
import { DEFAULT_NEAR_DUP_OPTIONS } from '../core/dedup';
import type { OutputSink } from '../core/export';
import type { AdapterOptions } from '../core/types';
import { ADAPTER_OPTION_SPECS, ADAPTER_OPTIONS_HELP, adapterOptionsFromArgs, CliError, isReadableError, parseArgs, type ParsedArgs, stringOption, UsageError } from './args';
import { ioErrorMessage } from '../files/errors';
import { cleanFile } from '../files/cleanFile';
import { EXIT_OK, EXIT_PROBLEMS, type CliIO, type Command } from './command';
import type { Writer } from './output';
import { checkInputFile, inputName, inputSource, withWholeInput } from './input';
import { fmt, LINE_OFFSET_HELP, lineOffsetOption, openSink } from './scoringCommon';
import { resolveCandidates, writeSignatures } from './shardDedup';

const HELP = `Usage: scar dedup FILE [options]
       scar dedup --signatures FILE [--line-offset N] [--language-filter] [options]
       scar dedup --resolve CANDIDATES [--language-filter] [options]

Removes exact duplicates (the same instruction and response after collapsing whitespace) and near-duplicates
(MinHash-LSH over lower-cased word n-grams of "instruction response", SCAR's method, each candidate pair
verified by its exact Jaccard similarity) from a JSON Lines file. The file is streamed; memory grows by about
200 bytes a line. Of each group of duplicates the first line in the file is kept. Lines that yield no pair,
blank lines and every kept line are written unchanged, byte for byte, line endings included.

Options:
  -o, --output OUT        write the kept lines here (atomically: a temporary file, then a rename)
  --json                  print the clusters on stdout as one JSON object:
                            {"clusters": [{"kept": LINE, "lines": [LINE, ...], "similarity": [J, ...]}],
                             "removed": N}
                          (1-based lines; "similarity" is each line's Jaccard to the kept one; exact
                          duplicates have similarity 1). With --json the kept lines are written only with -o.
  --threshold J           Jaccard at or above which two lines are near-duplicates, 0 < J <= 1 (default 0.5)
  --ngram N               words per shingle (default 2, word bigrams)

Across shards (docs/distributed.md): the two stages around a distributed engine's shuffle.
  --signatures            stream one row per line with a pair: {"line", "foreign", "keys"}: its MinHash-LSH
                          bucket keys as hex, 4 bytes per key; lines sharing the key at the same position
                          are the candidate pairs one-machine dedup compares
  --resolve               read candidate rows {"line", "score", "record"} (the lines that share a key with
                          another line, plus every foreign line; increasing line order), verify exact
                          Jaccard, cluster, and write the lines to drop: {"line", "step", "kept", ...}.
                          The kept copy is the one one-machine dedup keeps: the best score (rows with a
                          score; ties and no scores: the first line), as 'scar select' does
  --language-filter       also remove lines that are not English (what 'scar select' does before ranking)
${LINE_OFFSET_HELP}
${ADAPTER_OPTIONS_HELP}
  -h, --help              show this help

Without -o and --json the kept lines go to stdout. A summary goes to stderr, e.g.
  Removed 12 exact duplicates and 40 near-duplicates; kept 9,948 of 10,000 lines -> out.jsonl

FILE '-' reads stdin: --signatures and --resolve stream it; plain dedup copies it to a temporary file first
(TMPDIR), since it goes back to lines by offset.

Exit status: 0 success (duplicates found or not), 1 when a forced --schema (or custom mapping) fits no line
(the message names the schema the file looks like; nothing is written), 2 usage or I/O errors.`;

function numberOption(parsed: ParsedArgs, name: string): number | undefined {
  const raw = stringOption(parsed, name);
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} needs a number, got '${raw}'`, 'dedup');
  return n;
}

/** Text to stdout through the CLI's Writer (a multi-byte character split between chunks is kept whole). */
class TextSink implements OutputSink {
  private readonly decoder = new StringDecoder('utf8');
  constructor(private readonly out: Writer) {}
  async write(chunk: Buffer | string): Promise<void> {
    this.out.write(typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    await this.out.drain();
  }
  async close(): Promise<void> {
    this.out.write(this.decoder.end());
    await this.out.drain();
  }
  async abort(): Promise<void> { /* what reached stdout stays there */ }
}

/** Copies `file` to `sink` without the byte ranges in `cut` (sorted, disjoint), streaming. */
async function copyWithout(file: string, cut: ReadonlyArray<[number, number]>, sink: OutputSink): Promise<void> {
  let pos = 0;
  let k = 0;
  const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const chunkEnd = pos + chunk.length;
      let from = pos;
      while (from < chunkEnd) {
        while (k < cut.length && cut[k][1] <= from) k++;
        const next = k < cut.length ? cut[k] : undefined;
        if (!next || next[0] >= chunkEnd) {
          await sink.write(chunk.subarray(from - pos));
          from = chunkEnd;
        } else {
          if (next[0] > from) await sink.write(chunk.subarray(from - pos, next[0] - pos));
          from = Math.min(next[1], chunkEnd);
        }
      }
      pos = chunkEnd;
    }
  } finally {
    stream.destroy();
  }
}

async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, {
    output: { value: true, short: 'o' }, json: { value: false }, threshold: { value: true }, ngram: { value: true }, ...ADAPTER_OPTION_SPECS,
    signatures: { value: false }, resolve: { value: false }, 'language-filter': { value: false }, 'line-offset': { value: true },
  }, 'dedup');
  if (parsed.options.has('help')) { io.out.write(HELP + '\n'); return EXIT_OK; }
  if (parsed.positionals.length === 0) throw new UsageError('dedup needs a FILE', 'dedup');
  if (parsed.positionals.length > 1) throw new UsageError(`dedup takes one FILE, got ${parsed.positionals.length}`, 'dedup');
  const file = parsed.positionals[0];
  const threshold = numberOption(parsed, 'threshold') ?? DEFAULT_NEAR_DUP_OPTIONS.threshold;
  if (!(threshold > 0 && threshold <= 1)) throw new UsageError(`--threshold must be a Jaccard similarity in (0, 1], got ${threshold}`, 'dedup');
  const ngram = numberOption(parsed, 'ngram') ?? DEFAULT_NEAR_DUP_OPTIONS.ngram;
  if (!Number.isInteger(ngram) || ngram < 1) throw new UsageError(`--ngram must be a whole number >= 1, got ${ngram}`, 'dedup');
  const adapter = adapterOptionsFromArgs(parsed, 'dedup');
  const json = parsed.options.has('json');
  const output = stringOption(parsed, 'output');
  const signatures = parsed.options.has('signatures');
  const resolve = parsed.options.has('resolve');
  const languageFilter = parsed.options.has('language-filter');
  const offset = lineOffsetOption(parsed, 'dedup');
  if (signatures && resolve) throw new UsageError('give --signatures or --resolve, not both', 'dedup');
  if ((signatures || resolve) && json) throw new UsageError(`--json does not go with --${signatures ? 'signatures' : 'resolve'}`, 'dedup');
  if (!signatures && !resolve && (languageFilter || parsed.options.has('line-offset'))) {
    throw new UsageError(`--${languageFilter ? 'language-filter' : 'line-offset'} goes with --signatures or --resolve`, 'dedup');
  }
  if (resolve && parsed.options.has('line-offset')) throw new UsageError('--line-offset goes with --signatures (resolve reads global line numbers)', 'dedup');
  checkInputFile(file);

  if (signatures || resolve) {
    const source = inputSource(file, io);
    const input = typeof source === 'string' ? fs.createReadStream(source, { highWaterMark: 1 << 20 }) : source;
    const toStdout = output === undefined || output === '-';
    const sink = toStdout ? new TextSink(io.out) : await openSink(output, io.out);
    try {
      if (signatures) {
        const r = await writeSignatures(input, sink, { adapter, near: { threshold, ngram }, languageFilter, lineOffset: offset, stop: () => toStdout && io.out.closed });
        await sink.close();
        if (!r.stopped) {
          io.err.write(`Signed ${fmt(r.signed)} of ${fmt(r.lines)} lines${languageFilter ? ` (${fmt(r.foreign)} not English)` : ''}${toStdout ? '' : ` -> ${output}`}\n`);
        }
      } else {
        const r = await resolveCandidates(input, inputName(file), sink, { adapter, near: { threshold, ngram }, languageFilter });
        await sink.close();
        io.err.write(`Resolved ${fmt(r.input)} candidate lines: drop ${fmt(r.exact)} exact duplicate${r.exact === 1 ? '' : 's'}`
          + (languageFilter ? `, ${fmt(r.language)} non-English` : '') + ` and ${fmt(r.nearDuplicate)} near-duplicate${r.nearDuplicate === 1 ? '' : 's'}${toStdout ? '' : ` -> ${output}`}\n`);
      }
    } catch (e) {
      await sink.abort();
      if (isReadableError(e)) throw e;
      throw new CliError(ioErrorMessage(inputName(file), e));
    }
    return EXIT_OK;
  }
  return withWholeInput(file, io, (path) => dedupFile(path, file, { adapter, threshold, ngram, json, output }, io));
}

async function dedupFile(file: string, shown: string, o: { adapter: AdapterOptions; threshold: number; ngram: number; json: boolean; output?: string }, io: CliIO): Promise<number> {
  const { adapter, threshold, ngram, json, output } = o;
  const cleaned = await cleanFile(file, { adapter, cleaning: { exact: true, language: 'off', near: { threshold, ngram } } });
  const { result } = cleaned;
  if (cleaned.schemaProblem !== undefined) {
    io.err.write(`scar: ${shown === '-' ? 'stdin' : shown}: ${cleaned.schemaProblem}\n`);
    return EXIT_PROBLEMS;
  }
  const removed = result.removed.size;

  const writeLines = output !== undefined || !json;
  if (writeLines) {
    const sink = output === undefined || output === '-' ? new TextSink(io.out) : await openSink(output, io.out);
    try {
      await copyWithout(file, cleaned.removedRanges(), sink);
      await sink.close();
    } catch (e) {
      await sink.abort();
      if (isReadableError(e)) throw e;
      throw new CliError(ioErrorMessage(shown, e));
    }
  }
  if (json) {
    // Exact groups and near clusters are disjoint after cleaning (a near cluster lists only lines that are not
    // exact copies); ordered by their first line.
    const clusters = [...result.exactGroups, ...result.nearClusters]
      .sort((a, b) => a.lines[0] - b.lines[0])
      .map((c) => ({ kept: c.kept, lines: c.lines, similarity: c.similarity.map((s) => Math.round(s * 1e4) / 1e4) }));
    io.out.write(JSON.stringify({ clusters, removed }) + '\n');
    await io.out.drain();
  }
  const exact = result.counts.exact;
  const near = result.counts.nearDuplicate;
  const target = !writeLines ? '' : output === undefined || output === '-' ? ' -> stdout' : ` -> ${output}`;
  io.err.write(`Removed ${fmt(exact)} exact duplicate${exact === 1 ? '' : 's'} and ${fmt(near)} near-duplicate${near === 1 ? '' : 's'}; `
    + `kept ${fmt(cleaned.linesRead - removed)} of ${fmt(cleaned.linesRead)} lines${target}`
    + (cleaned.withoutPair ? `; ${fmt(cleaned.withoutPair)} line${cleaned.withoutPair === 1 ? '' : 's'} without a pair left unchanged` : '') + '\n');
  return EXIT_OK;
}

export const dedupCommand: Command = {
  name: 'dedup',
  summary: 'remove exact and near-duplicate pairs (MinHash-LSH), keeping the other lines byte for byte',
  help: HELP,
  run,
};
