// `scar score FILE [-o OUT] [--model DIR] [--no-cache] [--schema S] [--turns P]`
// Writes one JSON object per non-blank input line, in input order:
//   {"line", "score", "percentile", "error", "composition", "presentation"}
// score/percentile/composition/presentation are null when error is set (the line yields no pair, and error
// says why). The percentile is the line's within the file (core/scores percentiles). With --turns all a line
// scores the mean of its exchanges.
import * as fs from 'fs';
import { openOutput, roundScore } from '../core/export';
import { percentiles, summarizeScores } from '../core/scores';
import { scoreFileStream } from './scoreStream';
import { COMMON_FLAGS, COMMON_VALUED, commonOptions, defaultIo, fmt, makeClient, parseArgv, Progress, runCommand, type CommandIo } from './scoringCommon';

export const SCORE_USAGE = `Usage: scar score FILE [-o OUT] [--model DIR] [--no-cache] [--schema S] [--turns first|last|all]

Scores every line of a JSONL file with the style-consistency ranker and writes one JSON object per
non-blank line, in input order: {"line", "score", "percentile", "error", "composition", "presentation"}.
Lines that yield no (instruction, response) pair have "error" set and null scores.

  -o, --output OUT  write here (atomically) instead of stdout
  --model DIR       model folder with ranker.onnx and featuriser.json (default: the bundled model)
  --no-cache        do not read or write the persistent score cache (SCAR_CACHE_DIR moves it)
  --schema S        force a schema instead of detecting it per line
  --turns P         which exchanges of a conversation to score: first (default), last, all (mean)
`;

export async function run(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { io.stdout.write(SCORE_USAGE); return 0; }
  return runCommand('score', io, async () => {
    const opts = commonOptions(parseArgv(argv, COMMON_VALUED, COMMON_FLAGS), io);
    if (!fs.existsSync(opts.file)) throw new Error(`cannot read '${opts.file}': no such file`);
    const client = makeClient(opts, io);
    const progress = new Progress(io.stderr, 'Scoring');
    const t0 = performance.now();
    let result;
    try {
      result = await scoreFileStream(opts.file, client, {
        adapter: opts.adapter,
        persistentCache: !opts.noCache,
        onProgress: (lines, pairs) => progress.update(`${fmt(lines)} lines read, ${fmt(pairs)} pairs scored`),
      });
    } finally {
      progress.done();
      client.dispose();
    }
    const pct = percentiles(result.score);
    const out = await openOutput(opts.output, io.stdout);
    try {
      let buf = '';
      for (let i = 0; i < result.count; i++) {
        const error = result.errors.get(i);
        const scored = error === undefined;
        buf += JSON.stringify({
          line: result.line[i],
          score: scored ? roundScore(result.score[i]) : null,
          percentile: scored ? Math.round(pct[i] * 100) / 100 : null,
          error: error ?? null,
          composition: scored ? roundScore(result.composition[i]) : null,
          presentation: scored ? roundScore(result.presentation[i]) : null,
        }) + '\n';
        if (buf.length > 1 << 16) { await out.write(buf); buf = ''; }
      }
      await out.write(buf);
      await out.close();
    } catch (e) {
      await out.abort();
      throw e;
    }
    const secs = (performance.now() - t0) / 1000;
    const summary = summarizeScores(result.score);
    const without = result.errors.size;
    io.stderr.write(`Scored ${fmt(result.pairsScored)} pairs on ${fmt(result.count - without)} lines in ${secs.toFixed(1)} s`
      + (summary ? ` — median ${summary.median.toFixed(2)}` : '')
      + (without ? `, ${fmt(without)} line${without === 1 ? '' : 's'} without a pair` : '')
      + (opts.output ? ` -> ${opts.output}` : '') + '\n');
    return 0;
  });
}
