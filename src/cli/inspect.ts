// `scar inspect FILE`: streams a JSONL file and reports its schema, counts and the lines that yield no pair.
import { analyseRecord, describeSchema, ForcedSchemaCheck, InspectAccumulator } from '../core/inspect';
import { streamRecords } from '../core/jsonl';
import { ADAPTER_OPTION_SPECS, ADAPTER_OPTIONS_HELP, adapterOptionsFromArgs, CliError, parseArgs, UsageError } from './args';
import { ioErrorMessage } from '../files/errors';
import { EXIT_OK, EXIT_PROBLEMS, type CliIO, type Command } from './command';
import { checkInputFile, inputName, inputSource } from './input';

/** Problems listed in the human report before "… and N more". */
const SHOWN_PROBLEMS = 50;

const HELP = `Usage: scar inspect FILE [options]

Reads a JSON Lines file (streamed, any size; FILE '-' reads stdin) and reports the schema it is in, how many lines and
(instruction, response) pairs it holds, and every line that yields no pair, with the reason.

Options:
  --json                  print one JSON object {"file", "schema", "lines", "pairs", "errors": [{"line", "message"}]}
${ADAPTER_OPTIONS_HELP}
  -h, --help              show this help

Exit status: 0 when every non-blank line yields a pair, 1 when some do not, 2 for usage or I/O errors.`;

const fmt = (n: number): string => n.toLocaleString('en-US');

async function run(args: string[], io: CliIO): Promise<number> {
  const parsed = parseArgs(args, { json: { value: false }, ...ADAPTER_OPTION_SPECS }, 'inspect');
  if (parsed.options.has('help')) { io.out.write(HELP + '\n'); return EXIT_OK; }
  if (parsed.positionals.length === 0) throw new UsageError('inspect needs a FILE', 'inspect');
  if (parsed.positionals.length > 1) throw new UsageError(`inspect takes one FILE, got ${parsed.positionals.length}`, 'inspect');
  const file = parsed.positionals[0];
  const options = adapterOptionsFromArgs(parsed, 'inspect');
  const json = parsed.options.has('json');

  checkInputFile(file);
  const acc = new InspectAccumulator(json ? {} : { maxErrors: SHOWN_PROBLEMS });
  const schemaCheck = new ForcedSchemaCheck(options);
  try {
    for await (const record of streamRecords(inputSource(file, io))) {
      const a = analyseRecord(record, options);
      acc.addAnalysis(a);
      schemaCheck.addAnalysis(a);
    }
  } catch (e) {
    throw new CliError(ioErrorMessage(inputName(file), e));
  }
  const s = acc.summary();
  const schemaProblem = schemaCheck.problem();

  if (json) {
    if (s.fileProblem !== undefined) io.err.write(`scar: ${file}: ${s.fileProblem}\n`);
    if (schemaProblem !== undefined) io.err.write(`scar: ${file}: ${schemaProblem}\n`);
    io.out.write(JSON.stringify({ file, schema: s.schema, lines: s.lines, pairs: s.pairs, errors: s.errors }) + '\n');
  } else {
    const lines: string[] = [file];
    if (s.fileProblem !== undefined) lines.push(`  ${s.fileProblem}`);
    if (schemaProblem !== undefined) lines.push(`  ${schemaProblem}`);
    const withPairs = Object.values(s.schemaCounts).reduce((a, b) => a + b, 0);
    lines.push(`  schema    ${describeSchema(s)}${s.schema === 'unknown' ? '' : ` (${fmt(withPairs)} of ${fmt(s.lines)} lines)`}`);
    lines.push(`  lines     ${fmt(s.lines)} non-blank`);
    lines.push(`  pairs     ${fmt(s.pairs)}`);
    lines.push(`  problems  ${fmt(s.problems)}`);
    for (const e of s.errors) lines.push(`${file}:${e.line}: ${e.message}`);
    if (s.problems > s.errors.length) lines.push(`… and ${fmt(s.problems - s.errors.length)} more`);
    io.out.write(lines.join('\n') + '\n');
  }
  return s.problems > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

export const inspectCommand: Command = {
  name: 'inspect',
  summary: 'report the schema, counts and problem lines of a JSONL file',
  help: HELP,
  run,
};
