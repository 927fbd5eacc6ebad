// `scar score FILE [-o OUT] [--model DIR] [--no-cache] [--schema S] [--turns P]`
// Writes one JSON object per non-blank input line, in input order:
//   {"line", "score", "style", "percentile", "error", "composition", "presentation", "model"}
// score/percentile/composition/presentation are null when error is set (the line yields no pair, and error
// says why). The percentile is the line's within the file (core/scores percentiles). With --turns all a line
// scores the mean of its exchanges.
import { loadCalibration, styleScore, type Calibration } from '../core/calibration';
import { summarizeScores } from '../core/scores';
import { ADAPTER_OPTIONS_HELP, CliError, parseArgs } from './args';
import { EXIT_OK, type CliIO, type Command } from './command';
import { writeScoreRows } from './scoredFile';
import { scoreFileStream, type FileScores } from './scoreStream';
import { asCliError, defaultDeps, fmt, makeClient, openSink, Progress, SCORING_OPTION_SPECS, SCORING_OPTIONS_HELP, scoringOptions, type ScoringDeps, type ScoringOptions } from './scoringCommon';

const HELP = `Usage: scar score FILE [options]

Scores every line of a JSON Lines file (streamed, any size) with the style-consistency ranker and writes one
JSON object per non-blank line, in input order:
  {"line", "score", "style", "percentile", "error", "composition", "presentation", "model"}
score is the ranker's raw score (unbounded; higher is more style-consistent; for the bundled ranker score =
composition + presentation). style is the calibrated 0-100 style score the editor shows: the chance, in percent,
that an answer scoring this was written by a strong instruction-tuned assistant rather than a person (null for a
ranker without a calibration, such as an exported official SCAR ranker). percentile (0-100) is the share of the
file's other scored lines that score lower (ties count half). A line that yields no pair has "error" set and
null scores. "model" names the ranker that scored the file (--model); composition and presentation are null for
a model that does not report them (an exported official SCAR ranker gives only the score). With
--turns all, a conversation's score is the mean over its exchanges.

Options:
${SCORING_OPTIONS_HELP}
${ADAPTER_OPTIONS_HELP}
  -h, --help              show this help

Exit status: 0 success, 2 usage, I/O or model errors.`;

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
      const parsed = parseArgs(args, SCORING_OPTION_SPECS, 'score');
      if (parsed.options.has('help')) { io.out.write(HELP + '\n'); return EXIT_OK; }
      const opts = scoringOptions(parsed, deps, 'score');
      const t0 = performance.now();
      let calibration: Calibration | undefined;
      try {
        calibration = loadCalibration(opts.modelDir);
      } catch (e) {
        throw new CliError((e as Error).message);
      }
      const result = await scoreWithEngine(opts, deps, io);
      const out = await openSink(opts.output, io.out);
      try {
        await writeScoreRows(result, out, calibration);
        await out.close();
      } catch (e) {
        await out.abort();
        throw asCliError(e, opts.output ?? 'stdout');
      }
      const secs = (performance.now() - t0) / 1000;
      const summary = summarizeScores(result.score);
      const without = result.errors.size;
      io.err.write(`Scored ${fmt(result.pairsScored)} pairs on ${fmt(result.count - without)} lines with ${result.model.name} in ${secs.toFixed(1)} s`
        + (summary ? ` — median ${summary.median.toFixed(2)}${calibration ? ` (style score ${Math.round(styleScore(summary.median, calibration))})` : ' (raw score)'}` : '')
        + (without ? `, ${fmt(without)} line${without === 1 ? '' : 's'} without a pair` : '')
        + (opts.output && opts.output !== '-' ? ` -> ${opts.output}` : '') + '\n');
      return EXIT_OK;
    },
  };
}

export const scoreCommand: Command = createScoreCommand();
