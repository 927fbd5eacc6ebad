// `scar select FILE (--top-k N | --ratio R | --threshold T) [-o OUT] [--format jsonl|json|sharegpt]
//   [--keep-order] [--with-score] [--no-dedup] [--no-language-filter] [--near-dup-threshold J]
//   [--model DIR] [--no-cache] [--schema S] [--turns P]`
// Pass 1 scores the file (keeping numbers per line only); pass 2 cleans it in SCAR's order (exact dedup,
// language, near-dedup: cli/cleanFile.ts, keeping the best-scored copy); pass 3 reads each selected line back
// from the file by its byte offsets and writes it in the chosen format, atomically. Selection rules:
// core/select.ts; the order of the steps and the report: core/selectionPipeline.ts.
import * as fs from 'fs';
import { EXPORT_FORMATS, ExportFormatter, type ExportFormat } from '../core/export';
import { adaptRecord } from '../core/schema';
import { makeCriterion } from '../core/select';
import { formatPipelineReport, pipelineCleaningOptions, pipelineReport, selectSurvivors } from '../core/selectionPipeline';
import type { AdapterOptions, Pair } from '../core/types';
import { ADAPTER_OPTIONS_HELP, CliError, parseArgs, stringOption, UsageError, type ParsedArgs } from './args';
import { cleanFile } from './cleanFile';
import { EXIT_OK, type CliIO, type Command } from './command';
import { scoreWithEngine } from './score';
import type { FileScores } from './scoreStream';
import { asCliError, defaultDeps, fmt, openSink, Progress, SCORING_OPTION_SPECS, SCORING_OPTIONS_HELP, scoringOptions, type ScoringDeps } from './scoringCommon';

const HELP = `Usage: scar select FILE (--top-k N | --ratio R | --threshold T) [options]

Ranks the lines of a JSON Lines file by style-consistency score, as SCAR does, and writes the selected ones.
Before ranking it cleans the file in SCAR's order: exact duplicates (of the whitespace-normalised pair), then
lines that are not English, then near-duplicates (MinHash-LSH, Jaccard of word bigrams >= 0.5). Of each group
of duplicates the best-scoring copy stays (the first in the file on a tie).
Exactly one criterion:
  --top-k N               the N best-scoring lines
  --ratio R               the best ceil(R x scored lines) lines, 0 < R <= 1 (rounded up)
  --threshold T           every line scoring T or more

Options:
  --format F              jsonl (default: the original lines, byte for byte), json (SCAR's list of
                          {instruction, output, score}) or sharegpt (list of {id, conversations})
  --keep-order            keep file order (default: best score first; equal scores keep file order)
  --with-score            add a "score" field to each output object
  --no-dedup              keep exact and near-duplicates
  --no-language-filter    keep lines that are not English
  --near-dup-threshold J  Jaccard at or above which two lines are near-duplicates, 0 < J <= 1 (default 0.5)
${SCORING_OPTIONS_HELP}
${ADAPTER_OPTIONS_HELP}
  -h, --help              show this help

Lines that yield no pair are never selected. A summary goes to stderr, e.g.
  Removed 12 exact duplicates, 3 non-English, 40 near-duplicates; kept 2,500 of 9,943 (top 25%) -> out.jsonl

Exit status: 0 success, 2 usage, I/O or model errors.`;

function numberOption(parsed: ParsedArgs, name: string, integer: boolean): number | undefined {
  const raw = stringOption(parsed, name);
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} needs ${integer ? 'a whole number' : 'a number'}, got '${raw}'`, 'select');
  return n;
}

/** Reads line i's bytes back from the open file. */
function readLine(fd: number, scores: FileScores, i: number, scratch: { buf: Buffer }): Buffer {
  const len = scores.end[i] - scores.start[i];
  if (scratch.buf.length < len) scratch.buf = Buffer.allocUnsafe(Math.max(len, scratch.buf.length * 2));
  let got = 0;
  while (got < len) {
    const n = fs.readSync(fd, scratch.buf, got, len - got, scores.start[i] + got);
    if (n === 0) throw new CliError(`the file changed while it was being read (line ${scores.line[i]} is cut short)`);
    got += n;
  }
  return Buffer.from(scratch.buf.subarray(0, len));
}

function pairsOf(value: unknown, adapter: AdapterOptions, line: number, file: string): Pair[] {
  const r = adaptRecord(value, adapter);
  if (!r.ok) throw new CliError(`${file} changed while it was being read (line ${line} no longer yields a pair)`);
  return r.pairs;
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

      // Pass 1: scores, numbers only.
      const scores = await scoreWithEngine(opts, deps, io);

      // Pass 2: SCAR's cleaning, keeping the best-scored copy of duplicates.
      const indexOfLine = (line: number): number => {
        let lo = 0, hi = scores.count - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          if (scores.line[mid] === line) return mid;
          if (scores.line[mid] < line) lo = mid + 1; else hi = mid - 1;
        }
        return -1;
      };
      const pipeline = { criterion, dedup, languageFilter, nearDup: nearThreshold === undefined ? undefined : { threshold: nearThreshold } };
      const removedLines = new Set<number>();
      let cleaningCounts = { input: scores.count - scores.errors.size, counts: { exact: 0, language: 0, nearDuplicate: 0 } };
      if (dedup || languageFilter) {
        const cleaning = new Progress(io.err, deps.progress, 'Cleaning');
        try {
          const cleaned = await cleanFile(opts.file, {
            adapter: opts.adapter,
            cleaning: pipelineCleaningOptions(pipeline),
            scoreOf: (line) => {
              const s = scores.score[indexOfLine(line)];
              return Number.isFinite(s) ? s : undefined;
            },
            onProgress: (lines) => cleaning.update(`${fmt(lines)} lines read`),
          });
          for (const line of cleaned.result.removed.keys()) removedLines.add(line);
          cleaningCounts = cleaned.result;
        } finally {
          cleaning.done();
        }
      }
      const { indices: kept, ranked } = selectSurvivors(scores.score, (i) => removedLines.has(scores.line[i]), criterion, parsed.options.has('keep-order'));
      const report = pipelineReport(cleaningCounts, ranked, kept.length, pipeline);

      // Pass 2: the kept lines, read back by offset.
      const needsValue = format !== 'jsonl' || withScore;
      const formatter = new ExportFormatter({ format, withScore, eol: scores.fileEol });
      const out = await openSink(opts.output, io.out);
      let fd: number;
      try {
        fd = fs.openSync(opts.file, 'r');
      } catch (e) {
        await out.abort();
        throw asCliError(e, opts.file);
      }
      const scratch = { buf: Buffer.allocUnsafe(1 << 16) };
      const writing = new Progress(io.err, deps.progress, 'Writing');
      try {
        await out.write(formatter.header());
        for (let k = 0; k < kept.length; k++) {
          const i = kept[k];
          const raw = readLine(fd, scores, i, scratch);
          if (format === 'jsonl' && !withScore) {
            // Each line keeps its own ending (CRLF or LF); a last line without one gets the file's usual one.
            await out.write(Buffer.concat([raw, Buffer.from(scores.eol[i] === 2 ? '\r\n' : scores.eol[i] === 1 ? '\n' : scores.fileEol)]));
          } else {
            let value: unknown;
            try { value = JSON.parse(raw.toString('utf8')); } catch { throw new CliError(`${opts.file} changed while it was being read (line ${scores.line[i]} no longer parses)`); }
            const pairs = needsValue && format !== 'jsonl' ? pairsOf(value, opts.adapter, scores.line[i], opts.file) : [];
            await out.write(formatter.item({ line: scores.line[i], raw, value, pairs, score: scores.score[i] }));
          }
          if ((k & 1023) === 0) writing.update(`${fmt(k)} of ${fmt(kept.length)} lines`);
        }
        await out.write(formatter.footer());
        await out.close();
      } catch (e) {
        await out.abort();
        throw asCliError(e, opts.file);
      } finally {
        writing.done();
        fs.closeSync(fd);
      }
      const without = scores.errors.size;
      io.err.write(`${formatPipelineReport(report)} -> ${opts.output && opts.output !== '-' ? opts.output : 'stdout'}`
        + (without ? `; ${fmt(without)} line${without === 1 ? '' : 's'} without a pair not considered` : '') + '\n');
      return EXIT_OK;
    },
  };
}

export const selectCommand: Command = createSelectCommand();
