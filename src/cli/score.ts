// `scar score FILE [-o OUT] [--no-percentile] [--summary S] [--line-offset N] [--model DIR] [--no-cache] [--schema S] [--turns P]`
// Writes one JSON object per non-blank input line, in input order:
//   {"line", "score", "style", "percentile", "error", "composition", "presentation", "model"}
// score/percentile/composition/presentation are null when error is set (the line yields no pair, and error
// says why). The percentile is the line's within the file (core/scores percentiles). With --turns all a line
// scores the mean of its exchanges. FILE '-' is stdin.
// --no-percentile is the streaming pipe mode (files/lineStream.ts): one object per input line, blank lines included,
// written as soon as its batch is scored, in bounded memory. --summary writes the shard summary `scar cut`
// merges (scoreSummary.ts).
import * as fs from 'fs';
import { loadCalibration, styleScore, type Calibration } from '../core/calibration';
import { roundScore } from '../core/export';
import { ForcedSchemaCheck } from '../core/inspect';
import { summarizeScores } from '../core/scores';
import { ADAPTER_OPTIONS_HELP, CliError, parseArgs, stringOption } from './args';
import { EXIT_OK, EXIT_PROBLEMS, type CliIO, type Command } from './command';
import { inputSource, withWholeInput } from './input';
import { scoreLinesInOrder } from '../files/lineStream';
import { writeScoreRows } from '../files/scoredFile';
import { SummaryCollector } from './scoreSummary';
import { scoreFileStream, type FileScores } from '../files/scoreStream';
import { asCliError, defaultDeps, fmt, LINE_OFFSET_HELP, lineOffsetOption, makeClient, openSink, Progress, SCORING_OPTION_SPECS, SCORING_OPTIONS_HELP, scoringOptions, type ScoringDeps, type ScoringOptions } from './scoringCommon';

const HELP = `Usage: scar score FILE [options]

Scores every line of a JSON Lines file (streamed, any size; FILE '-' reads stdin) with the style-consistency
ranker and writes one JSON object per non-blank line, in input order:
  {"line", "score", "style", "percentile", "error", "composition", "presentation", "model"}
score is the ranker's raw score (unbounded; higher is more style-consistent; for the bundled ranker score =
composition + presentation). style is the calibrated 0-100 style score the editor shows: the chance, in percent,
that an answer scoring this was written by a strong instruction-tuned assistant rather than a person (null for a
ranker without a calibration, such as an exported official SCAR ranker). percentile (0-100) is the share of the
file's other scored lines that score lower (ties count half). A line that yields no pair has "error" set and
null scores. "model" names the ranker that scored the file (--model); composition and presentation are null for
a model that does not report them (an exported official SCAR ranker gives only the score). With
--turns all, a conversation's score is the mean over its exchanges. Percentiles need the whole input: from
stdin it is first copied to a temporary file (TMPDIR); use --no-percentile to stream.

Options:
  --no-percentile         stream: one object per INPUT line (a blank line has "error": "blank line"),
                          "percentile" null, each written as soon as its batch is scored; memory stays
                          bounded on an endless input (cat data.jsonl | scar score - --no-percentile | head)
  --summary S             also write the shard summary 'scar cut' merges into a global cut: every scored
                          line's exact score and line number, in rank order (about 20 bytes a line)
${LINE_OFFSET_HELP}
${SCORING_OPTIONS_HELP}
${ADAPTER_OPTIONS_HELP}
  -h, --help              show this help

Exit status: 0 success (also when the reader of stdout goes away early, as with | head), 1 when a forced
--schema (or custom mapping) fits no line (the message names the schema the file looks like; nothing is
written, except the rows --no-percentile streamed), 2 usage, I/O or model errors.`;

/** Pass 1 of both scoring commands, with progress and errors a person can read. */
export async function scoreWithEngine(opts: ScoringOptions, deps: ScoringDeps, io: CliIO): Promise<FileScores> {
  const client = makeClient(opts, deps);
  const progress = new Progress(io.err, deps.progress, 'Scoring');
  try {
    return await scoreFileStream(opts.file, client, {
      adapter: opts.adapter,
      persistentCache: !opts.noCache,
      onProgress: (lines, pairs) => progress.update(`${fmt(lines)} lines read, ${fmt(pairs)} pairs scored`),
    });
  } catch (e) {
    throw asCliError(e, opts.file);
  } finally {
    progress.done();
    client.dispose();
  }
}

export function createScoreCommand(deps: ScoringDeps = defaultDeps()): Command {
  return {
    name: 'score',
    summary: 'score every pair of a JSONL file with the style ranker (one JSON line per input line)',
    help: HELP,
    async run(args: string[], io: CliIO): Promise<number> {
      const parsed = parseArgs(args, {
        ...SCORING_OPTION_SPECS, 'no-percentile': { value: false }, summary: { value: true }, 'line-offset': { value: true },
      }, 'score');
      if (parsed.options.has('help')) { io.out.write(HELP + '\n'); return EXIT_OK; }
      const opts = scoringOptions(parsed, deps, 'score');
      const offset = lineOffsetOption(parsed, 'score');
      const summaryFile = stringOption(parsed, 'summary');
      let calibration: Calibration | undefined;
      try {
        calibration = loadCalibration(opts.modelDir);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      if (parsed.options.has('no-percentile')) return streamScores(opts, offset, summaryFile, calibration, deps, io);
      return withWholeInput(opts.file, io, async (file) => {
        const t0 = performance.now();
        const result = await scoreWithEngine({ ...opts, file }, deps, io);
        if (result.schemaProblem !== undefined) {
          io.err.write(`scar: ${opts.file === '-' ? 'stdin' : opts.file}: ${result.schemaProblem}\n`);
          return EXIT_PROBLEMS;
        }
        const out = await openSink(opts.output, io.out);
        try {
          await writeScoreRows(result, out, calibration, offset);
          await out.close();
        } catch (e) {
          await out.abort();
          throw asCliError(e, opts.output ?? 'stdout');
        }
        if (summaryFile !== undefined) {
          const summary = new SummaryCollector();
          for (let i = 0; i < result.count; i++) summary.add(result.score[i], offset + result.line[i]);
          await summary.write(summaryFile);
        }
        const secs = (performance.now() - t0) / 1000;
        const summary = summarizeScores(result.score);
        const without = result.errors.size;
        io.err.write(`Scored ${fmt(result.pairsScored)} pairs on ${fmt(result.count - without)} lines with ${result.model.name} in ${secs.toFixed(1)} s`
          + (summary ? ` — median ${summary.median.toFixed(2)}${calibration ? ` (style score ${Math.round(styleScore(summary.median, calibration))})` : ' (raw score)'}` : '')
          + (without ? `, ${fmt(without)} line${without === 1 ? '' : 's'} without a pair` : '')
          + (opts.output && opts.output !== '-' ? ` -> ${opts.output}` : '') + '\n');
        return EXIT_OK;
      });
    },
  };
}

/** --no-percentile: one row per input line, in order, as each batch is scored. */
async function streamScores(opts: ScoringOptions, offset: number, summaryFile: string | undefined, calibration: Calibration | undefined, deps: ScoringDeps, io: CliIO): Promise<number> {
  const t0 = performance.now();
  const client = makeClient(opts, deps);
  const out = await openSink(opts.output, io.out);
  const toStdout = opts.output === undefined || opts.output === '-';
  const summary = summaryFile === undefined ? undefined : new SummaryCollector();
  const source = inputSource(opts.file, io);
  const input = typeof source === 'string' ? fs.createReadStream(source, { highWaterMark: 1 << 20 }) : source;
  let scoredLines = 0, without = 0;
  const schemaCheck = new ForcedSchemaCheck(opts.adapter);
  let totals;
  let model = '';
  try {
    // The model loads first: a broken folder fails before any input is read, and every row names the model.
    model = (await client.start()).modelName;
    totals = await scoreLinesInOrder(input, client, {
      adapter: opts.adapter,
      persistentCache: !opts.noCache,
      stop: () => toStdout && io.out.closed,
    }, async (lines) => {
      let buf = '';
      for (const l of lines) {
        const line = offset + l.record.line;
        const scored = l.pairs !== undefined;
        schemaCheck.addLine(l.record, scored);
        if (scored) { scoredLines++; summary?.add(l.score, line); } else if (!l.record.blank) without++;
        buf += JSON.stringify({
          line,
          score: scored ? roundScore(l.score) : null,
          style: scored && calibration ? Math.round(styleScore(l.score, calibration) * 100) / 100 : null,
          percentile: null,
          error: scored ? null : l.problem ?? 'blank line',
          composition: scored ? roundScore(l.composition) : null,
          presentation: scored ? roundScore(l.presentation) : null,
          model,
        }) + '\n';
      }
      await out.write(buf);
    });
    await out.close();
  } catch (e) {
    await out.abort();
    throw asCliError(e, opts.file === '-' ? 'stdin' : opts.file);
  } finally {
    client.dispose();
  }
  if (totals.stopped) return EXIT_OK; // the reader went away (| head): stop quietly, like other Unix tools
  const schemaProblem = schemaCheck.problem();
  if (schemaProblem !== undefined) {
    io.err.write(`scar: ${opts.file === '-' ? 'stdin' : opts.file}: ${schemaProblem}\n`);
    return EXIT_PROBLEMS;
  }
  if (summary !== undefined && summaryFile !== undefined) await summary.write(summaryFile);
  const secs = (performance.now() - t0) / 1000;
  io.err.write(`Scored ${fmt(totals.pairsScored)} pairs on ${fmt(scoredLines)} lines with ${model} in ${secs.toFixed(1)} s`
    + (without ? `, ${fmt(without)} line${without === 1 ? '' : 's'} without a pair` : '')
    + (opts.output && opts.output !== '-' ? ` -> ${opts.output}` : '') + '\n');
  return EXIT_OK;
}

export const scoreCommand: Command = createScoreCommand();
