// The `scar` command: global flags, sub-command routing, and the one place that turns errors into exit codes.
// To add a command, write src/cli/<name>.ts exporting a Command (see ./command.ts) and add it to COMMANDS below.
import { version } from '../../package.json';
import { isReadableError, UsageError } from './args';
import { EXIT_OK, EXIT_USAGE, type CliIO, type Command } from './command';
import { cutCommand } from './cut';
import { dedupCommand } from './dedup';
import { inspectCommand } from './inspect';
import { scoreCommand } from './score';
import { selectCommand } from './select';
import { createWriter } from './output';

export const COMMANDS: readonly Command[] = [
  inspectCommand,
  scoreCommand,
  selectCommand,
  dedupCommand,
  cutCommand,
];

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const list = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join('\n');
  return `Usage: scar <command> [options]

Scores and inspects instruction/response pairs in JSON Lines files with the bundled SCAR style ranker,
offline, on the CPU.

Commands:
${list}

Options:
  -h, --help     show this help (scar <command> --help for a command's options)
  -V, --version  print the version

Exit status: 0 success, 1 the command found problems, 2 usage or I/O error.`;
}

/** Runs the CLI with the arguments after `node scar.js`; resolves to the exit code. Never rejects. */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const target = first === 'help' && rest[0] !== undefined ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    io.out.write((target?.help ?? mainHelp()) + '\n');
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '-V' || first === '--version') {
    io.out.write(`${version}\n`);
    return EXIT_OK;
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) {
    io.err.write(`scar: unknown command '${first}' (expected ${COMMANDS.map((c) => c.name).join(', ')}; see 'scar --help')\n`);
    return EXIT_USAGE;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err.write(`scar ${command.name}: ${e.message} (see 'scar ${command.name} --help')\n`);
      return EXIT_USAGE;
    }
    if (isReadableError(e)) {
      io.err.write(`scar: ${e.message}\n`);
      return EXIT_USAGE;
    }
    io.err.write(`scar ${command.name}: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    return EXIT_USAGE;
  }
}

if (require.main === module || isLoadedByBin()) {
  const io: CliIO = { out: createWriter(process.stdout), err: createWriter(process.stderr) };
  // For tests of bounded memory: the peak resident set size, reported on stderr as the process exits.
  if (process.env.SCAR_REPORT_MAXRSS === '1') {
    process.on('exit', () => { process.stderr.write(`scar: maxRSS ${process.resourceUsage().maxRSS} kB\n`); });
  }
  void main(process.argv.slice(2), io).then((code) => {
    // Let buffered output flush before the process ends; exitCode (not exit()) does that.
    process.exitCode = code;
  });
}

/** True when dist/cli.js was required by bin/scar.js (require.main is then bin/scar.js, not this bundle). */
function isLoadedByBin(): boolean {
  const m = require.main;
  return m !== undefined && m !== module && /[\\/]bin[\\/]scar(\.js)?$/.test(m.filename);
}
