// Argument parsing shared by every `scar` command, and the adapter options every command that reads pairs accepts.
import { isSchemaId, TURN_POLICIES } from '../core/schema';
import type { AdapterOptions, FieldMapping, TurnPolicy } from '../core/types';
import { FileError } from '../files/errors';

/** Bad usage: main prints "scar: <message>" plus a pointer to --help, and exits with 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An error a person should read as it is (e.g. an unreadable file): main prints "scar: <message>", exits with 2. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** True for the errors main prints as they are (exit 2): CliError, and the file pipeline's FileError (src/files). */
export function isReadableError(e: unknown): e is Error {
  return e instanceof CliError || e instanceof FileError;
}

export interface OptionSpec {
  /** True when the option takes a value (`--schema alpaca` or `--schema=alpaca`); false for a switch (`--json`). */
  value: boolean;
  /** A one-letter alias, e.g. 'o' for -o. */
  short?: string;
}

export interface ParsedArgs {
  positionals: string[];
  /** Option name (without dashes) to its value, or true for a switch. Repeating an option keeps the last value. */
  options: Map<string, string | true>;
}

/**
 * Parses `args` against `spec` (option names without the leading dashes). `--` ends the options. `-h`/`--help` is
 * always a switch named "help". Unknown options and missing values are UsageErrors naming the option.
 */
export function parseArgs(args: readonly string[], spec: Record<string, OptionSpec>, command?: string): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  const byShort = new Map<string, string>();
  for (const [name, s] of Object.entries(spec)) if (s.short) byShort.set(s.short, name);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') { positionals.push(...args.slice(i + 1)); break; }
    if (a === '-h' || a === '--help') { options.set('help', true); continue; }
    let name: string | undefined;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      inline = eq < 0 ? undefined : a.slice(eq + 1);
    } else if (a.length === 2 && a[0] === '-' && a[1] !== '-') {
      name = byShort.get(a[1]);
      if (name === undefined) throw new UsageError(`unknown option '${a}'`, command);
    } else {
      positionals.push(a); // includes "-" (stdin, where a command supports it)
      continue;
    }
    const s = Object.prototype.hasOwnProperty.call(spec, name) ? spec[name] : undefined;
    if (s === undefined) throw new UsageError(`unknown option '--${name}'`, command);
    if (!s.value) {
      if (inline !== undefined) throw new UsageError(`option '--${name}' takes no value`, command);
      options.set(name, true);
      continue;
    }
    let v = inline;
    if (v === undefined) {
      if (i + 1 >= args.length) throw new UsageError(`option '--${name}' needs a value`, command);
      v = args[++i];
    }
    options.set(name, v);
  }
  return { positionals, options };
}

/** A string option's value, or undefined when absent. */
export function stringOption(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

/** The options every pair-reading command accepts, for its OptionSpec table. */
export const ADAPTER_OPTION_SPECS: Record<string, OptionSpec> = {
  schema: { value: true },
  turns: { value: true },
  'map-instruction': { value: true },
  'map-response': { value: true },
  'map-system': { value: true },
};

/** The help lines for ADAPTER_OPTION_SPECS, to paste into a command's help text. */
export const ADAPTER_OPTIONS_HELP = `  --schema S              auto (default), alpaca, sharegpt, openai, prompt-completion, prompt-response,
                          question-answer, query-response, instruction-response or custom
  --turns P               multi-turn policy: first (default; first user turn and first reply),
                          last (last exchange) or all (every exchange)
  --map-instruction PATH  custom mapping: dot path of the instruction, e.g. data.q or turns[0].text
  --map-response PATH     custom mapping: dot path of the response
  --map-system PATH       custom mapping: dot path of a system prompt (optional)`;

/** Builds AdapterOptions from --schema, --turns and --map-*; invalid values are UsageErrors. */
export function adapterOptionsFromArgs(parsed: ParsedArgs, command?: string): AdapterOptions {
  const schema = stringOption(parsed, 'schema') ?? 'auto';
  if (schema !== 'auto' && !isSchemaId(schema)) {
    throw new UsageError(`unknown schema '${schema}' (expected auto, alpaca, sharegpt, openai, prompt-completion, prompt-response, question-answer, query-response, instruction-response or custom)`, command);
  }
  const turns = stringOption(parsed, 'turns') ?? 'first';
  if (!(TURN_POLICIES as readonly string[]).includes(turns)) {
    throw new UsageError(`unknown turn policy '${turns}' (expected first, last or all)`, command);
  }
  const instruction = stringOption(parsed, 'map-instruction');
  const response = stringOption(parsed, 'map-response');
  const system = stringOption(parsed, 'map-system');
  let mapping: FieldMapping | undefined;
  if (instruction !== undefined || response !== undefined || system !== undefined) {
    if (instruction === undefined || response === undefined) {
      throw new UsageError('a custom mapping needs both --map-instruction and --map-response', command);
    }
    mapping = system === undefined ? { instruction, response } : { instruction, response, system };
  }
  if (schema === 'custom' && mapping === undefined) {
    throw new UsageError('--schema custom needs --map-instruction and --map-response', command);
  }
  const options: AdapterOptions = { schema, turnPolicy: turns as TurnPolicy };
  if (mapping !== undefined) options.mapping = mapping;
  return options;
}

