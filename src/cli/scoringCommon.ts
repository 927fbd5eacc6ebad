// What `scar score` and `scar select` share: their common options (--model, --no-cache, -o and the adapter
// options of args.ts), the engine client they start, the default model and cache folders, the output sink
// (an atomic file, or stdout) and progress on a TTY.
import * as os from 'os';
import * as path from 'path';
import { AtomicFileWriter, type OutputSink } from '../core/export';
import type { AdapterOptions } from '../core/types';
import { EngineClient } from '../engine/client';
import { ADAPTER_OPTION_SPECS, adapterOptionsFromArgs, CliError, stringOption, UsageError, type OptionSpec, type ParsedArgs } from './args';
import { ioErrorMessage } from '../files/errors';
import { checkInputFile } from './input';
import type { Writer } from './output';

/** Where the scoring commands find the engine and the bundled model, and how they show progress. */
export interface ScoringDeps {
  /** dist/engine.js; default: next to the running dist/cli.js. */
  enginePath: string;
  /** The bundled models/ folder; default: ../models from dist/. */
  defaultModelDir: string;
  /** Environment for the cache folder and the engine. */
  env: NodeJS.ProcessEnv;
  /** Show progress on stderr (default: when stderr is a terminal). */
  progress: boolean;
}

export function defaultDeps(): ScoringDeps {
  return {
    enginePath: path.join(__dirname, 'engine.js'),
    defaultModelDir: path.join(__dirname, '..', 'models'),
    env: process.env,
    progress: Boolean(process.stderr.isTTY),
  };
}

export const SCORING_OPTION_SPECS: Record<string, OptionSpec> = {
  output: { value: true, short: 'o' },
  model: { value: true },
  'no-cache': { value: false },
  ...ADAPTER_OPTION_SPECS,
};

/** --line-offset N: a whole number >= 0 added to every line number a command reads or writes (default 0). */
export function lineOffsetOption(parsed: ParsedArgs, command: string): number {
  const raw = stringOption(parsed, 'line-offset');
  if (raw === undefined) return 0;
  const n = raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--line-offset needs a whole number >= 0, got '${raw}'`, command);
  return n;
}

export const LINE_OFFSET_HELP = `  --line-offset N         add N to every line number (a shard's place in the whole corpus: the lines
                          of the shards before it), so that line numbers are global`;

export const SCORING_OPTIONS_HELP = `  -o, --output OUT        write here (atomically: a temporary file, then a rename) instead of stdout
  --model DIR             model folder (default: the bundled model): a SCAR Lens ranker (ranker.onnx +
                          featuriser.json) or an official SCAR ranker exported by
                          training/export_official_scar.py (scar-model.json + tokenizer.json + ONNX)
  --no-cache              neither read nor write the persistent score cache (SCAR_CACHE_DIR moves it;
                          default ~/.cache/scar-lens)
  (SCAR_FEATURISE_WORKERS=N: the engine's featurising worker threads; default 1 on 2 cores, 0: none)`;

export interface ScoringOptions {
  file: string;
  output?: string;
  modelDir: string;
  noCache: boolean;
  adapter: AdapterOptions;
}

export function scoringOptions(parsed: ParsedArgs, deps: ScoringDeps, command: string): ScoringOptions {
  if (parsed.positionals.length === 0) throw new UsageError(`${command} needs a FILE`, command);
  if (parsed.positionals.length > 1) throw new UsageError(`${command} takes one FILE, got ${parsed.positionals.length}`, command);
  const file = parsed.positionals[0];
  checkInputFile(file);
  return {
    file,
    output: stringOption(parsed, 'output'),
    modelDir: path.resolve(stringOption(parsed, 'model') ?? deps.defaultModelDir),
    noCache: parsed.options.has('no-cache'),
    adapter: adapterOptionsFromArgs(parsed, command),
  };
}

/** The CLI's persistent cache folder: $XDG_CACHE_HOME/scar-lens, else ~/.cache/scar-lens (SCAR_CACHE_DIR wins, in the engine). */
export function cliCacheDir(env: NodeJS.ProcessEnv): string {
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'scar-lens');
}

export function makeClient(opts: ScoringOptions, deps: ScoringDeps): EngineClient {
  return new EngineClient({
    enginePath: deps.enginePath,
    modelDir: opts.modelDir,
    cacheDir: opts.noCache ? null : cliCacheDir(deps.env),
    env: deps.env,
    // A one-shot command: one restart after a crash, then give up with the reason.
    maxRestarts: 1,
  });
}

/** stdout through the CLI's EPIPE-safe Writer. Selected lines are valid UTF-8 (others do not parse), so text is exact. */
class WriterSink implements OutputSink {
  constructor(private readonly out: Writer) {}
  async write(chunk: Buffer | string): Promise<void> {
    this.out.write(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    await this.out.drain();
  }
  async close(): Promise<void> { await this.out.drain(); }
  async abort(): Promise<void> { /* what reached stdout stays there */ }
}

/** An atomic file writer for OUT, or stdout when there is none (or it is '-'). */
export async function openSink(output: string | undefined, out: Writer): Promise<OutputSink> {
  if (output === undefined || output === '-') return new WriterSink(out);
  try {
    return await AtomicFileWriter.open(output);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
}

/** Progress on stderr when enabled (a TTY); redrawn at most every 100 ms and erased by done(). */
export class Progress {
  private last = 0;
  private shown = false;
  constructor(private readonly err: Writer, private readonly enabled: boolean, private readonly label: string) {}

  update(text: string): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    this.err.write(`\r\x1b[K${this.label}: ${text}`);
  }

  done(): void {
    if (this.shown) this.err.write('\r\x1b[K');
    this.shown = false;
  }
}

export const fmt = (n: number): string => n.toLocaleString('en-US');

/** Engine, model and I/O failures are messages for a person (exit 2), not internal errors. */
export function asCliError(e: unknown, file: string): unknown {
  if (e instanceof Error && ['ModelError', 'EngineCrashedError', 'EngineError'].includes(e.name)) return new CliError(e.message);
  if (typeof (e as NodeJS.ErrnoException | undefined)?.code === 'string' && (e as NodeJS.ErrnoException).syscall) return new CliError(ioErrorMessage(file, e));
  return e;
}
