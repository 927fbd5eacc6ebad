// `scar select FILE (--top-k N | --ratio R | --threshold T) [-o OUT] [--format jsonl|json|sharegpt]
//   [--keep-order] [--with-score] [--model DIR] [--no-cache] [--schema S] [--turns P]`
// Pass 1 scores the file (keeping numbers per line only); pass 2 reads each selected line back from the file
// by its byte offsets and writes it in the chosen format, atomically. Selection rules: core/select.ts.
import * as fs from 'fs';
import { adaptRecord } from '../core/schema';
import { EXPORT_FORMATS, ExportFormatter, openOutput, type ExportFormat } from '../core/export';
import { describeCriterion, makeCriterion, selectIndices } from '../core/select';
import type { AdapterOptions, Pair } from '../core/types';
import { scoreFileStream, type FileScores } from './scoreStream';
import { COMMON_FLAGS, COMMON_VALUED, commonOptions, defaultIo, fmt, makeClient, parseArgv, Progress, runCommand, UsageError, type CommandIo } from './scoringCommon';

export const SELECT_USAGE = `Usage: scar select FILE (--top-k N | --ratio R | --threshold T) [-o OUT]
         [--format jsonl|json|sharegpt] [--keep-order] [--with-score]
         [--model DIR] [--no-cache] [--schema S] [--turns first|last|all]

Ranks the lines of a JSONL file by style-consistency score and writes the selected ones.
Exactly one criterion:
  --top-k N         the N best-scoring lines
  --ratio R         the best ceil(R x scored lines), 0 < R <= 1
  --threshold T     every line scoring T or more
Output:
  -o, --output OUT  write here (atomically) instead of stdout
  --format F        jsonl (default: the original lines, byte for byte), json (SCAR's
                    [{instruction, output, score}]) or sharegpt ([{id, conversations}])
  --keep-order      keep file order (default: best score first; ties keep file order)
  --with-score      add a "score" field to each output object
Scoring: --model DIR, --no-cache, --schema S, --turns P as in 'scar score'.
`;

function numberOption(values: Map<string, string>, name: string, integer: boolean): number | undefined {
  const raw = values.get(name);
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`${name} needs ${integer ? 'a whole number' : 'a number'}, got '${raw}'`);
  return n;
}

/** Reads line i's bytes back from the open file. */
function readLine(fd: number, scores: FileScores, i: number, scratch: { buf: Buffer }): Buffer {
  const len = scores.end[i] - scores.start[i];
  if (scratch.buf.length < len) scratch.buf = Buffer.allocUnsafe(Math.max(len, scratch.buf.length * 2));
  let got = 0;
  while (got < len) {
    const n = fs.readSync(fd, scratch.buf, got, len - got, scores.start[i] + got);
    if (n === 0) throw new Error(`the file changed while it was being read (line ${scores.line[i]} is cut short)`);
    got += n;
  }
  return Buffer.from(scratch.buf.subarray(0, len));
}

function pairsOf(value: unknown, adapter: AdapterOptions, line: number): Pair[] {
  const r = adaptRecord(value, adapter);
  if (!r.ok) throw new Error(`the file changed while it was being read (line ${line} no longer yields a pair)`);
  return r.pairs;
}

export async function run(argv: string[], io: CommandIo = defaultIo()): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) { io.stdout.write(SELECT_USAGE); return 0; }
  return runCommand('select', io, async () => {
    const parsed = parseArgv(argv, [...COMMON_VALUED, '--top-k', '--ratio', '--threshold', '--format'], [...COMMON_FLAGS, '--keep-order', '--with-score']);
    const opts = commonOptions(parsed, io);
    const criterion = makeCriterion({
      topK: numberOption(parsed.values, '--top-k', true),
      ratio: numberOption(parsed.values, '--ratio', false),
      threshold: numberOption(parsed.values, '--threshold', false),
    });
    if ('error' in criterion) throw new UsageError(criterion.error);
    const format = (parsed.values.get('--format') ?? 'jsonl') as ExportFormat;
    if (!EXPORT_FORMATS.includes(format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}; got '${format}'`);
    const withScore = parsed.flags.has('--with-score');
    if (!fs.existsSync(opts.file)) throw new Error(`cannot read '${opts.file}': no such file`);

    // Pass 1: scores.
    const client = makeClient(opts, io);
    const progress = new Progress(io.stderr, 'Scoring');
    let scores: FileScores;
    try {
      scores = await scoreFileStream(opts.file, client, {
        adapter: opts.adapter,
        persistentCache: !opts.noCache,
        onProgress: (lines, pairs) => progress.update(`${fmt(lines)} lines read, ${fmt(pairs)} pairs scored`),
      });
    } finally {
      progress.done();
      client.dispose();
    }
    const kept = selectIndices(scores.score, criterion, { keepOrder: parsed.flags.has('--keep-order') });

    // Pass 2: write the kept lines, read back by offset.
    const needsValue = format !== 'jsonl' || withScore;
    const formatter = new ExportFormatter({ format, withScore, eol: scores.fileEol });
    const out = await openOutput(opts.output, io.stdout);
    const fd = fs.openSync(opts.file, 'r');
    const scratch = { buf: Buffer.allocUnsafe(1 << 16) };
    const writing = new Progress(io.stderr, 'Writing');
    try {
      await out.write(formatter.header());
      for (let k = 0; k < kept.length; k++) {
        const i = kept[k];
        const raw = readLine(fd, scores, i, scratch);
        let value: unknown;
        let pairs: Pair[] = [];
        if (needsValue) {
          try { value = JSON.parse(raw.toString('utf8')); } catch { throw new Error(`the file changed while it was being read (line ${scores.line[i]} no longer parses)`); }
          if (format !== 'jsonl') pairs = pairsOf(value, opts.adapter, scores.line[i]);
        }
        // jsonl keeps each line's own ending (CRLF or LF); a last line without one gets the file's usual one.
        if (format === 'jsonl' && !withScore) {
          await out.write(Buffer.concat([raw, Buffer.from(scores.eol[i] === 2 ? '\r\n' : scores.eol[i] === 1 ? '\n' : scores.fileEol)]));
        } else {
          await out.write(formatter.item({ line: scores.line[i], raw, value, pairs, score: scores.score[i] }));
        }
        if ((k & 1023) === 0) writing.update(`${fmt(k)} of ${fmt(kept.length)} lines`);
      }
      await out.write(formatter.footer());
      await out.close();
    } catch (e) {
      await out.abort();
      throw e;
    } finally {
      writing.done();
      fs.closeSync(fd);
    }
    const scored = scores.count - scores.errors.size;
    const without = scores.errors.size;
    io.stderr.write(`Kept ${fmt(kept.length)} of ${fmt(scored)} lines (${describeCriterion(criterion)}) -> ${opts.output ?? 'stdout'}`
      + (without ? `; ${fmt(without)} line${without === 1 ? '' : 's'} without a pair not considered` : '') + '\n');
    return 0;
  });
}
