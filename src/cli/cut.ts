// `scar cut SUMMARY... (--top-k N | --ratio R) [--exclude FILE]...`: the global cut over shards. Merges the
// summaries `scar score --summary` wrote for each shard, leaves out the lines cleaning removed (the drop list of
// `scar dedup --resolve`), and prints the exact threshold for the criterion (scoreSummary.ts) as one JSON line:
//   {"threshold": T, "tiesThrough": L | null, "selected": K, "ranked": N}
// Each shard then runs `scar select --threshold T [--ties-through L]`, and the union of their selections is
// what one `scar select --top-k N | --ratio R` over the concatenated shards selects.
import { makeCriterion, describeCriterion } from '../core/select';
import { parseArgs, stringOption, UsageError, type ParsedArgs } from './args';
import { EXIT_OK, type CliIO, type Command } from './command';
import { checkInputFile } from './input';
import { LineSet } from './lineSet';
import { computeCut } from './scoreSummary';
import { fmt } from './scoringCommon';

const HELP = `Usage: scar cut SUMMARY... (--top-k N | --ratio R) [--exclude FILE]

Merges the shard summaries written by 'scar score --summary' and prints the global cut for a top-k or ratio
selection over all shards, as one JSON line:
  {"threshold": T, "tiesThrough": L, "selected": K, "ranked": N}
Run 'scar select SHARD --threshold T --ties-through L' (leave --ties-through out when L is null) on each
shard: together they select exactly the lines one 'scar select --top-k N' (or --ratio R) over the
concatenated shards would, ties included (of lines with equal scores the first in the corpus wins, and
tiesThrough is the last such line the cut keeps). The cut is exact: summaries hold every scored line's exact
score, and the merge streams them (memory grows with the number of summaries, not their size).

Options:
  --top-k N               the N best-scoring lines over all shards
  --ratio R               the best ceil(R x ranked lines), 0 < R <= 1 (rounded up, as 'scar select' does)
  --exclude FILE          leave these lines out of the ranking: the drop list of 'scar dedup --resolve'
                          (rows {"line": N, ...}) or one line number a line; repeat for several files
  -h, --help              show this help

Exit status: 0 success, 2 usage or I/O errors (a file that is not a summary, entries out of order).`;

function numberOption(parsed: ParsedArgs, name: string, integer: boolean): number | undefined {
  const raw = stringOption(parsed, name);
  if (raw === undefined) return undefined;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} needs ${integer ? 'a whole number' : 'a number'}, got '${raw}'`, 'cut');
  return n;
}

async function run(args: string[], io: CliIO): Promise<number> {
  // --exclude may repeat: collect every occurrence before the parser keeps only the last.
  const excludes: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--exclude') {
      if (i + 1 >= args.length) throw new UsageError("option '--exclude' needs a value", 'cut');
      excludes.push(args[++i]);
    } else if (a.startsWith('--exclude=')) excludes.push(a.slice('--exclude='.length));
    else rest.push(a);
  }
  const parsed = parseArgs(rest, { 'top-k': { value: true }, ratio: { value: true }, threshold: { value: true } }, 'cut');
  if (parsed.options.has('help')) { io.out.write(HELP + '\n'); return EXIT_OK; }
  if (parsed.options.has('threshold')) throw new UsageError('a threshold needs no cut: pass it to each shard\'s scar select directly', 'cut');
  const criterion = makeCriterion({ topK: numberOption(parsed, 'top-k', true), ratio: numberOption(parsed, 'ratio', false) });
  if ('error' in criterion) throw new UsageError(criterion.error.replace(', --ratio R or --threshold T', ' or --ratio R').replace(', --ratio and --threshold', ' and --ratio'), 'cut');
  if (parsed.positionals.length === 0) throw new UsageError('cut needs at least one SUMMARY file', 'cut');
  for (const f of [...parsed.positionals, ...excludes]) {
    if (f === '-') throw new UsageError('cut reads its summaries twice, so they must be files, not stdin', 'cut');
    checkInputFile(f);
  }
  const exclude = await LineSet.read(excludes);
  const cut = await computeCut(parsed.positionals, exclude, criterion);
  io.out.write(JSON.stringify(cut) + '\n');
  io.err.write(`Cut for ${describeCriterion(criterion)} over ${fmt(parsed.positionals.length)} summar${parsed.positionals.length === 1 ? 'y' : 'ies'}: `
    + `${fmt(cut.selected)} of ${fmt(cut.ranked)} lines, score >= ${cut.threshold}`
    + (cut.tiesThrough === null ? '' : ` (of those scoring exactly ${cut.threshold}, lines up to ${cut.tiesThrough})`)
    + (exclude.size ? `; ${fmt(exclude.size)} excluded lines` : '') + '\n');
  return EXIT_OK;
}

export const cutCommand: Command = {
  name: 'cut',
  summary: 'merge shard score summaries into the exact global threshold for --top-k or --ratio',
  help: HELP,
  run,
};
