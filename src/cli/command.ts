// The shape of a `scar` sub-command. To add one: write src/cli/<name>.ts exporting a Command, then add it to the
// COMMANDS table in src/cli/main.ts (one import, one table entry). main.ts handles --help, usage errors and exit codes.
import type { Writer } from './output';

/** Exit codes shared by every command. */
export const EXIT_OK = 0;
/** The command ran, and found problems (lines that yield no pair, pairs below a threshold, ...). */
export const EXIT_PROBLEMS = 1;
/** Bad usage or an I/O error; a message is on stderr. */
export const EXIT_USAGE = 2;

export interface CliIO {
  out: Writer;
  err: Writer;
  /** What FILE '-' reads (default: process.stdin). */
  in?: NodeJS.ReadableStream;
}

export interface Command {
  /** The word after `scar`, e.g. "inspect". */
  name: string;
  /** One line for `scar --help`. */
  summary: string;
  /** The full text of `scar <name> --help`, starting with a "Usage:" line. */
  help: string;
  /**
   * Runs with the arguments after the command name. Returns the exit code. Throw a UsageError (src/cli/args.ts)
   * or a CliError for messages that main prints as "scar: <message>" with exit code 2.
   */
  run(args: string[], io: CliIO): Promise<number>;
}
