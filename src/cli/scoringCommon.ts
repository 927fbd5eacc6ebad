// What `scar score` and `scar select` share: their common options (--model, --no-cache, --schema, --turns,
// -o), the engine client they start, the default model and cache folders, and progress on a TTY.
import * as os from 'os';
import * as path from 'path';
import { isSchemaId, SCHEMA_IDS, TURN_POLICIES } from '../core/schema';
import type { AdapterOptions, SchemaId, TurnPolicy } from '../core/types';
import { EngineClient } from '../engine/client';

/** Where a command writes, and where it finds the engine and the bundled model (tests point these elsewhere). */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** dist/engine.js; default: next to the running dist/cli.js. */
  enginePath: string;
  /** The bundled models/ folder. */
  defaultModelDir: string;
  env: NodeJS.ProcessEnv;
}

export function defaultIo(): CommandIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    enginePath: path.join(__dirname, 'engine.js'),
    defaultModelDir: path.join(__dirname, '..', 'models'),
    env: process.env,
  };
}

/** A command-line mistake: the command prints the message and exits with 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CommonOptions {
  file: string;
  output?: string;
  modelDir: string;
  noCache: boolean;
  adapter: AdapterOptions;
}

/**
 * A small parser for `--name value`, `--name=value`, `-o value` and boolean flags. `valued` lists the options
 * that take a value; `flags` those that do not. Anything else is a UsageError; exactly one positional (FILE).
 */
export function parseArgv(argv: readonly string[], valued: readonly string[], flags: readonly string[]): { file: string; values: Map<string, string>; flags: Set<string> } {
  const values = new Map<string, string>();
  const set = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positional.push(...argv.slice(i + 1)); break; }
    if (a.startsWith('-') && a !== '-') {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(0, eq) : a;
      if (valued.includes(name)) {
        let v: string | undefined;
        if (eq > 0) v = a.slice(eq + 1);
        else if (i + 1 < argv.length) v = argv[++i];
        if (v === undefined) throw new UsageError(`${name} needs a value`);
        if (values.has(name)) throw new UsageError(`${name} is given more than once`);
        values.set(name, v);
      } else if (flags.includes(name) && eq < 0) {
        set.add(name);
      } else {
        throw new UsageError(`unknown option '${a}'`);
      }
    } else {
      positional.push(a);
    }
  }
  if (positional.length === 0) throw new UsageError('give the JSONL FILE to read');
  if (positional.length > 1) throw new UsageError(`give one FILE, not ${positional.length} (${positional.join(', ')})`);
  return { file: positional[0], values, flags: set };
}

export const COMMON_VALUED = ['-o', '--output', '--model', '--schema', '--turns'] as const;
export const COMMON_FLAGS = ['--no-cache'] as const;

export function commonOptions(parsed: ReturnType<typeof parseArgv>, io: CommandIo): CommonOptions {
  const schema = parsed.values.get('--schema') ?? 'auto';
  if (schema !== 'auto' && (!isSchemaId(schema) || schema === 'custom')) {
    throw new UsageError(`--schema must be auto or one of ${SCHEMA_IDS.filter((s) => s !== 'custom').join(', ')}; got '${schema}'`);
  }
  const turns = parsed.values.get('--turns') ?? 'first';
  if (!(TURN_POLICIES as readonly string[]).includes(turns)) throw new UsageError(`--turns must be one of ${TURN_POLICIES.join(', ')}; got '${turns}'`);
  if (parsed.values.has('-o') && parsed.values.has('--output')) throw new UsageError('give -o or --output, not both');
  return {
    file: parsed.file,
    output: parsed.values.get('-o') ?? parsed.values.get('--output'),
    modelDir: path.resolve(parsed.values.get('--model') ?? io.defaultModelDir),
    noCache: parsed.flags.has('--no-cache'),
    adapter: { schema: schema as SchemaId | 'auto', turnPolicy: turns as TurnPolicy },
  };
}

/** The CLI's persistent cache folder: $XDG_CACHE_HOME/scar-lens, else ~/.cache/scar-lens (SCAR_CACHE_DIR wins, in the engine). */
export function cliCacheDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'scar-lens');
}

export function makeClient(opts: CommonOptions, io: CommandIo): EngineClient {
  return new EngineClient({
    enginePath: io.enginePath,
    modelDir: opts.modelDir,
    cacheDir: opts.noCache ? null : cliCacheDir(io.env),
    env: io.env,
    maxRestarts: 1,
  });
}

/** Progress on stderr, only when it is a terminal; redrawn at most every 100 ms and erased by done(). */
export class Progress {
  private last = 0;
  private shown = false;
  constructor(private readonly stream: CommandIo['stderr'], private readonly label: string) {}

  update(text: string): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    this.stream.write(`\r\x1b[K${this.label}: ${text}`);
  }

  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

export const fmt = (n: number): string => n.toLocaleString('en-US');

/** Runs a command body: a UsageError exits 2 with its message; any other error exits 2 with "scar CMD: message". */
export async function runCommand(name: string, io: CommandIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    io.stderr.write(`scar ${name}: ${msg}\n`);
    if (e instanceof UsageError) io.stderr.write(`Run 'scar ${name} --help' for usage.\n`);
    return 2;
  }
}
