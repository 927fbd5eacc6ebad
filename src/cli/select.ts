// `scar select FILE (--top-k N | --ratio R | --threshold T) [-o OUT] [--format jsonl|json|sharegpt]
//   [--keep-order] [--with-score] [--no-dedup] [--no-language-filter] [--near-dup-threshold J]
//   [--model DIR] [--no-cache] [--schema S] [--turns P]`
// Pass 1 scores the file (keeping numbers per line only); pass 2 cleans it in SCAR's order (exact dedup,
// language, near-dedup: files/cleanFile.ts, keeping the best-scored copy); pass 3 reads each selected line back
// from the file by its byte offsets and writes it in the chosen format, atomically (both in files/scoredFile.ts). Selection rules:
// core/select.ts; the order of the steps and the report: core/selectionPipeline.ts.
import * as fs from 'fs';
import * as path from 'path';
import { lineTextPair } from '../core/cleaningPass';
import { EXPORT_FORMATS, type ExportFormat } from '../core/export';
import { ForcedSchemaCheck } from '../core/inspect';
import { languageFinding } from '../core/hygiene';
import { makeCriterion } from '../core/select';
import { formatPipelineReport, pipelineReport, selectSurvivors } from '../core/selectionPipeline';
import { ADAPTER_OPTIONS_HELP, parseArgs, stringOption, UsageError, type ParsedArgs } from './args';
import { EXIT_OK, EXIT_PROBLEMS, type CliIO, type Command } from './command';
import { inputSource, withWholeInput } from './input';
import { LineSet } from './lineSet';
import { scoreLinesInOrder } from '../files/lineStream';
import { scoreWithEngine } from './score';
import { cleanScoredFile, writeSelectedLines, type ScoredFileCleaning } from '../files/scoredFile';
import { asCliError, defaultDeps, fmt, LINE_OFFSET_HELP, lineOffsetOption, makeClient, openSink, Progress, SCORING_OPTION_SPECS, SCORING_OPTIONS_HELP, scoringOptions, type ScoringDeps, type ScoringOptions } from './scoringCommon';

const HELP = `Usage: scar select FILE (--top-k N | --ratio R | --threshold T) [options]

Ranks the lines of a JSON Lines file by style-consistency score, as SCAR does, and writes the selected ones.
Before ranking it cleans the file in SCAR's order: exact duplicates (of the whitespace-normalised pair), then
lines that are not English, then near-duplicates (MinHash-LSH, Jaccard of word bigrams >= 0.5). Of each group
of duplicates the best-scoring copy stays (the first in the file on a tie).
Exactly one criterion:
  --top-k N               the N best-scoring lines
  --ratio R               the best ceil(R x scored lines) lines, 0 < R <= 1 (rounded up)
  --threshold T           every line scoring T or more
  --ties-through L        with --threshold: of the lines scoring exactly T, keep only those up to line L
                          (what 'scar cut' prints for a global top-k or ratio over shards)

Options:
  --format F              jsonl (default: the original lines, byte for byte), json (SCAR's list of
                          {instruction, output, score}) or sharegpt (list of {id, conversations})
  --keep-order            keep file order (default: best score first; equal scores keep file order)
  --with-score            add a "score" field to each output object
  --no-dedup              keep exact and near-duplicates
  --no-language-filter    keep lines that are not English
  --near-dup-threshold J  Jaccard at or above which two lines are near-duplicates, 0 < J <= 1 (default 0.5)
  --drop FILE             never select the lines listed in FILE (what 'scar dedup --resolve' writes: rows
                          {"line": N, ...}, or one number a line), in --line-offset numbering
${LINE_OFFSET_HELP}
${SCORING_OPTIONS_HELP}
${ADAPTER_OPTIONS_HELP}
  -h, --help              show this help

FILE '-' reads stdin. With --threshold, --keep-order, --no-dedup and the jsonl format (no --with-score) the
selection streams: each selected line is written as soon as its batch is scored, in bounded memory. Every
other mode needs the whole input (ranking, duplicates), so stdin is first copied to a temporary file (TMPDIR).

Lines that yield no pair are never selected. A summary goes to stderr, e.g.
  Removed 12 exact duplicates, 3 non-English, 40 near-duplicates; kept 2,500 of 9,943 (top 25%) -> out.jsonl

Exit status: 0 success, 1 when a forced --schema (or custom mapping) fits no line (the message names the
schema the file looks like; nothing is written: no line fits, so none is selected), 2 usage, I/O or model errors.`;

function numberOption(parsed: ParsedArgs, name: string, integer: boolean): number | undefined {
  const raw = stringOption(parsed, name);
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} needs ${integer ? 'a whole number' : 'a number'}, got '${raw}'`, 'select');
  return n;
}

export function createSelectCommand(deps: ScoringDeps = defaultDeps()): Command {
  return {
    name: 'select',
    summary: 'keep the top-k / top ratio / above-threshold lines by style score (jsonl, json or sharegpt)',
    help: HELP,
    async run(args: string[], io: CliIO): Promise<number> {
      const parsed = parseArgs(args, {
        ...SCORING_OPTION_SPECS,
        'top-k': { value: true }, ratio: { value: true }, threshold: { value: true }, format: { value: true },
        'keep-order': { value: false }, 'with-score': { value: false },
        'no-dedup': { value: false }, 'no-language-filter': { value: false }, 'near-dup-threshold': { value: true },
        'ties-through': { value: true }, drop: { value: true }, 'line-offset': { value: true },
      }, 'select');
      if (parsed.options.has('help')) { io.out.write(HELP + '\n'); return EXIT_OK; }
      const criterion = makeCriterion({
        topK: numberOption(parsed, 'top-k', true),
        ratio: numberOption(parsed, 'ratio', false),
        threshold: numberOption(parsed, 'threshold', false),
      });
      if ('error' in criterion) throw new UsageError(criterion.error, 'select');
      const format = (stringOption(parsed, 'format') ?? 'jsonl') as ExportFormat;
      if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`unknown format '${format}' (expected ${EXPORT_FORMATS.join(', ')})`, 'select');
      const withScore = parsed.options.has('with-score');
      const dedup = !parsed.options.has('no-dedup');
      const languageFilter = !parsed.options.has('no-language-filter');
      const nearThreshold = numberOption(parsed, 'near-dup-threshold', false);
      if (nearThreshold !== undefined && !(nearThreshold > 0 && nearThreshold <= 1)) {
        throw new UsageError(`--near-dup-threshold must be a Jaccard similarity in (0, 1], got ${nearThreshold}`, 'select');
      }
      const opts = scoringOptions(parsed, deps, 'select');
      const offset = lineOffsetOption(parsed, 'select');
      const tiesThrough = numberOption(parsed, 'ties-through', true);
      if (tiesThrough !== undefined && criterion.kind !== 'threshold') throw new UsageError('--ties-through goes with --threshold', 'select');
      const dropFile = stringOption(parsed, 'drop');
      const drop = dropFile === undefined ? LineSet.EMPTY : await LineSet.read([dropFile]);
      const keepOrder = parsed.options.has('keep-order');
      /** Left out of the ranking by --drop or --ties-through (global line = offset + line). */
      const leftOut = (line: number, score: number): boolean =>
        drop.has(offset + line) || (tiesThrough !== undefined && criterion.kind === 'threshold' && score === criterion.threshold && offset + line > tiesThrough);

      if (opts.file === '-' && criterion.kind === 'threshold' && keepOrder && !dedup && format === 'jsonl' && !withScore) {
        return streamSelect(opts, criterion.threshold, languageFilter, leftOut, deps, io);
      }
      return withWholeInput(opts.file, io, async (file) => {
        const input = { ...opts, file };
        // Pass 1: scores, numbers only.
        const scores = await scoreWithEngine(input, deps, io);
        if (scores.schemaProblem !== undefined) {
          io.err.write(`scar: ${opts.file === '-' ? 'stdin' : opts.file}: ${scores.schemaProblem}\n`);
          return EXIT_PROBLEMS;
        }

        // Pass 2: SCAR's cleaning, keeping the best-scored copy of duplicates.
        const pipeline = { criterion, dedup, languageFilter, nearDup: nearThreshold === undefined ? undefined : { threshold: nearThreshold } };
        const cleaningProgress = new Progress(io.err, deps.progress, 'Cleaning');
        let removedLines: Set<number>;
        let cleaningCounts: ScoredFileCleaning['cleaning'];
        try {
          ({ removedLines, cleaning: cleaningCounts } = await cleanScoredFile(file, scores, opts.adapter, pipeline, (lines) => cleaningProgress.update(`${fmt(lines)} lines read`)));
        } finally {
          cleaningProgress.done();
        }
        const { indices: kept, ranked } = selectSurvivors(scores.score, (i) => removedLines.has(scores.line[i]) || leftOut(scores.line[i], scores.score[i]), criterion, keepOrder);
        const report = pipelineReport(cleaningCounts, ranked, kept.length, pipeline);

        // Pass 3: the kept lines, read back by offset.
        const out = await openSink(opts.output, io.out);
        const writing = new Progress(io.err, deps.progress, 'Writing');
        try {
          await writeSelectedLines(file, scores, kept, out, {
            format, withScore, adapter: opts.adapter, onProgress: (k) => writing.update(`${fmt(k)} of ${fmt(kept.length)} lines`),
          });
          await out.close();
        } catch (e) {
          await out.abort();
          throw asCliError(e, file);
        } finally {
          writing.done();
        }
        const without = scores.errors.size;
        io.err.write(`${formatPipelineReport(report)} -> ${opts.output && opts.output !== '-' ? opts.output : 'stdout'}`
          + (drop.size ? `; lines listed in ${dropFile} left out` : '')
          + (without ? `; ${fmt(without)} line${without === 1 ? '' : 's'} without a pair not considered` : '')
          // Which ranker chose, when it is not the bundled one (--model).
          + (scores.model.kind !== 'bundled' || path.resolve(opts.modelDir) !== path.resolve(deps.defaultModelDir) ? ` (ranked by ${scores.model.name})` : '') + '\n');
        return EXIT_OK;
      });
    },
  };
}

/**
 * The streaming selection: every line scoring the threshold or more (and not left out), in input order, each
 * written with its own line ending as soon as its batch is scored. The same lines, byte for byte, as the
 * whole-file path gives with --keep-order --no-dedup.
 */
async function streamSelect(
  opts: ScoringOptions,
  threshold: number,
  languageFilter: boolean,
  leftOut: (line: number, score: number) => boolean,
  deps: ScoringDeps,
  io: CliIO,
): Promise<number> {
  const client = makeClient(opts, deps);
  const out = await openSink(opts.output, io.out);
  const toStdout = opts.output === undefined || opts.output === '-';
  const source = inputSource(opts.file, io);
  const input = typeof source === 'string' ? fs.createReadStream(source) : source;
  let crlf = 0, lf = 0, foreign = 0, without = 0, ranked = 0, kept = 0;
  const schemaCheck = new ForcedSchemaCheck(opts.adapter);
  let totals;
  try {
    totals = await scoreLinesInOrder(input, client, {
      adapter: opts.adapter,
      persistentCache: !opts.noCache,
      stop: () => toStdout && io.out.closed,
      // A line dropped by --drop needs no score; a foreign line is removed before ranking, as in the whole-file path.
      wants: (l) => {
        if (leftOut(l.record.line, NaN)) return false;
        if (!languageFilter) return true;
        const t = lineTextPair(l.pairs!);
        if (languageFinding(t.instruction, t.response, 'detector') === undefined) return true;
        foreign++;
        return false;
      },
    }, async (lines) => {
      let buf = '';
      for (const l of lines) {
        if (l.eol === 2) crlf++; else if (l.eol === 1) lf++;
        schemaCheck.addLine(l.record, l.pairs !== undefined);
        if (l.pairs === undefined) { if (!l.record.blank) without++; continue; }
        if (Number.isNaN(l.score) || leftOut(l.record.line, l.score)) continue;
        ranked++;
        if (!(l.score >= threshold)) continue;
        kept++;
        buf += l.record.text + (l.eol === 2 ? '\r\n' : l.eol === 1 ? '\n' : crlf > lf ? '\r\n' : '\n');
      }
      if (buf.length > 0) await out.write(buf);
    });
    await out.close();
  } catch (e) {
    await out.abort();
    throw asCliError(e, 'stdin');
  } finally {
    client.dispose();
  }
  if (totals.stopped) return EXIT_OK;
  const schemaProblem = schemaCheck.problem();
  if (schemaProblem !== undefined) {
    io.err.write(`scar: stdin: ${schemaProblem}\n`);
    return EXIT_PROBLEMS;
  }
  io.err.write(`${languageFilter ? `Removed ${fmt(foreign)} non-English; k` : 'K'}ept ${fmt(kept)} of ${fmt(ranked)} (score >= ${threshold}) -> ${toStdout ? 'stdout' : opts.output}`
    + (without ? `; ${fmt(without)} line${without === 1 ? '' : 's'} without a pair not considered` : '') + '\n');
  return EXIT_OK;
}

export const selectCommand: Command = createSelectCommand();
