// EngineClient: the caller's side of the engine, used by the extension and the CLI alike. It forks the
// engine (dist/engine.js) on the first request, sends typed requests over IPC and matches the answers.
// If the engine dies, every waiting caller gets an EngineCrashedError (never a hang) and the next request
// starts a new engine, after a back-off that doubles with each consecutive crash, up to a limit.
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import type { AdapterOptions, PairScore } from '../core/types';
import type { EngineMessage, EngineRequest, EngineStats, LineScores, PairText, ReadyInfo } from './protocol';
import { t } from '../core/l10n';

/** The caller cancelled the request. */
export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor(message = 'cancelled') { super(message); }
}

/** The engine process exited or crashed while the request was pending (or could not be restarted). */
export class EngineCrashedError extends Error {
  override readonly name = 'EngineCrashedError';
}

/** The model or its featuriser could not be loaded; the message names the file. */
export class ModelError extends Error {
  override readonly name = 'ModelError';
}

/** Any other failure the engine reported for a request. */
export class EngineError extends Error {
  override readonly name = 'EngineError';
}

export interface EngineClientOptions {
  /** Path of dist/engine.js. */
  enginePath: string;
  /** A model folder of either kind (ranker.onnx + featuriser.json, or an exported official ranker). */
  modelDir: string;
  /** Folder of the persistent cache (SCAR_CACHE_DIR in the environment wins), or null for none at all. */
  cacheDir: string | null;
  /** onnxruntime intra-op threads; default chosen by the engine. */
  threads?: number;
  /** Featurising worker threads beside the engine's own (protocol.ts InitRequest); default chosen by the engine. */
  featuriseWorkers?: number;
  /**
   * Scheduling priority of the engine process (os.setPriority: 0 normal, 19 lowest; default 0). The editor runs
   * its engine at 10, so that scoring in the background never takes a core from the editor while the user types.
   */
  niceness?: number;
  /** Extra environment for the engine (on top of this process's). */
  env?: NodeJS.ProcessEnv;
  /** How many consecutive crashes are restarted before giving up (default 3). */
  maxRestarts?: number;
  /** First restart delay in ms, doubled per consecutive crash (default 200). */
  restartBackoffMs?: number;
  /** Called when a crashed engine is restarted (attempt counts from 1), e.g. to tell the user once. */
  onRestart?: (attempt: number, reason: string) => void;
}

/** What tests may make the engine do (protocol.ts CrashRequest and SlowRequest). */
export interface EngineProbe {
  /** The engine kills itself, after `afterMs`. */
  crash(afterMs?: number): Promise<void>;
  /** The engine's featurising workers end abruptly, after `afterMs`; the engine goes on without them. */
  crashWorkers(afterMs?: number): Promise<void>;
  /** Each inference batch takes at least `ms` (0: back to normal), to test cancellation. */
  slow(ms: number): Promise<void>;
}

export interface ScoreOptions {
  signal?: AbortSignal;
  /** false: bypass the persistent cache for this request. */
  persistentCache?: boolean;
  /** Someone waits for it: the engine serves it before, and between the batches of, requests that are not urgent. */
  urgent?: boolean;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  cleanup?: () => void;
}

interface Running {
  child: ChildProcess;
  ready: Promise<ReadyInfo>;
  stderr: string[];
  initError?: string;
}

/**
 * Lowers a process's scheduling priority: its nice value and, where it leads an autogroup of its own (Linux), the
 * group's. Where that is not permitted (some containers) it runs at normal priority.
 */
export function lowerPriority(pid: number, niceness: number, ownGroup: boolean): void {
  try {
    os.setPriority(pid, niceness);
  } catch {
    // not permitted: normal priority
  }
  if (!ownGroup) return;
  try {
    fs.writeFileSync(`/proc/${pid}/autogroup`, String(niceness));
  } catch {
    // no autogroups here (the kernel's sched_autogroup is off, or the process runs in a cgroup): nothing to weigh
  }
}

/**
 * The environment of a Node process SCAR Lens forks (the engine, the cleaning service, the overview service): glibc
 * malloc settings from `defaults` where `env` (the caller's environment) has none of its own, then `env`, run as
 * plain Node under Electron. Other C libraries ignore the malloc variables.
 */
export function childEnvironment(env: NodeJS.ProcessEnv, defaults: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...defaults, ...env, ELECTRON_RUN_AS_NODE: '1' };
}

/**
 * The engine's malloc default: two arenas. Without the cap, glibc gives the threads that allocate at once (the
 * featurising worker, V8's GC helpers, libuv's pool) arenas of their own, which keep what they free: on 100k pairs
 * (13 alternating runs each) the engine's peak RSS was 257-289 MB with two arenas against 292-312 MB without, median
 * time 14.8 s against 14.6 s, within the runs' spread.
 */
export const ENGINE_MALLOC_DEFAULTS: NodeJS.ProcessEnv = { MALLOC_ARENA_MAX: '2' };

export class EngineClient {
  private running: Running | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private crashes = 0;
  private lastCrash = '';
  private disposed = false;

  constructor(private readonly options: EngineClientOptions) {}

  /** The engine's process id while it runs. */
  get pid(): number | undefined { return this.running?.child.pid; }

  /** Starts the engine now (otherwise the first request does); resolves when the model is loaded. */
  async start(): Promise<ReadyInfo> {
    return (await this.ensure()).ready;
  }

  /** Scores pairs (any number: the engine batches them). Rejects with CancelledError when the signal aborts. */
  async score(pairs: ReadonlyArray<PairText>, options: ScoreOptions = {}): Promise<PairScore[]> {
    const wire: PairText[] = pairs.map((p) => ({ instruction: p.instruction, response: p.response }));
    return this.request<PairScore[]>((id) => ({ type: 'score', id, pairs: wire, persistentCache: options.persistentCache, urgent: options.urgent }), options.signal);
  }

  /**
   * Scores JSON Lines lines as they are (the engine reads their pairs with the adapter options): the packed
   * LineScores, one entry per line in order. `firstLine` is the 1-based number of
   * lines[0]. Rejects with CancelledError when the signal aborts.
   */
  async scoreLines(lines: ReadonlyArray<string>, firstLine: number, adapter: Readonly<AdapterOptions>, options: ScoreOptions = {}): Promise<LineScores> {
    return this.request<LineScores>((id) => ({ type: 'score-lines', id, lines: lines as string[], firstLine, adapter: adapter as AdapterOptions, persistentCache: options.persistentCache, urgent: options.urgent }), options.signal);
  }

  async stats(): Promise<EngineStats> {
    return this.request<EngineStats>((id) => ({ type: 'stats', id }));
  }

  /** The engine's test hooks, honoured only with SCAR_ENGINE_TEST=1 (ENGINE_PROBE_ENV) in its environment. */
  readonly probe: EngineProbe = {
    crash: (afterMs = 0) => this.sendCrash(afterMs, 'engine'),
    crashWorkers: (afterMs = 0) => this.sendCrash(afterMs, 'workers'),
    slow: async (ms) => {
      await this.request<void>((id) => ({ type: 'slow', id, batchDelayMs: ms }));
    },
  };

  /** Stops the engine; waiting callers get an error. The client cannot be used afterwards. */
  dispose(): void {
    this.disposed = true;
    this.stop(new EngineCrashedError(t('the SCAR engine was shut down')));
  }

  /** Stops the engine if it runs (the next request starts a new one). */
  private stop(reason: Error): void {
    const r = this.running;
    this.running = undefined;
    if (r) {
      r.child.removeAllListeners('exit');
      r.child.removeAllListeners('message');
      if (r.child.connected) r.child.disconnect();
      r.child.kill();
    }
    this.rejectAll(reason);
  }

  private rejectAll(error: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) { p.cleanup?.(); p.reject(error); }
  }

  private async request<T>(make: (id: number) => EngineRequest, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) throw new CancelledError();
    const r = await this.ensure();
    if (signal?.aborted) throw new CancelledError();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { resolve: resolve as (v: unknown) => void, reject };
      if (signal) {
        const onAbort = () => {
          if (!this.pending.delete(id)) return;
          if (this.running === r && r.child.connected) r.child.send({ type: 'cancel', target: id } satisfies EngineRequest);
          reject(new CancelledError());
        };
        signal.addEventListener('abort', onAbort, { once: true });
        entry.cleanup = () => signal.removeEventListener('abort', onAbort);
      }
      this.pending.set(id, entry);
      r.child.send(make(id), (err) => {
        if (err && this.pending.delete(id)) { entry.cleanup?.(); reject(new EngineCrashedError(t('cannot reach the SCAR engine: {0}', err.message))); }
      });
    });
  }

  /** A crash test hook: no answer comes, since what it ends may be the engine itself. */
  private async sendCrash(afterMs: number, target: 'engine' | 'workers'): Promise<void> {
    const r = await this.ensure();
    await r.ready;
    r.child.send({ type: 'crash', id: this.nextId++, afterMs, target } satisfies EngineRequest);
  }

  /** The running engine, starting one (after a back-off if the last one crashed). */
  private async ensure(): Promise<Running> {
    if (this.disposed) throw new EngineCrashedError(t('the SCAR engine was shut down'));
    if (this.running) return this.running;
    const maxRestarts = this.options.maxRestarts ?? 3;
    if (this.crashes > 0) {
      if (this.crashes > maxRestarts) {
        throw new EngineCrashedError(t('the SCAR engine crashed {0} times in a row; not restarting it (last: {1})', this.crashes, this.lastCrash));
      }
      const delay = (this.options.restartBackoffMs ?? 200) * 2 ** (this.crashes - 1);
      await new Promise((res) => setTimeout(res, delay));
      if (this.running) return this.running; // another caller restarted it meanwhile
      if (this.disposed) throw new EngineCrashedError(t('the SCAR engine was shut down'));
      this.options.onRestart?.(this.crashes, this.lastCrash);
    }
    this.running = this.spawn();
    return this.running;
  }

  private spawn(): Running {
    const niceness = this.options.niceness ?? 0;
    // On Linux a niced engine gets a session of its own, so that it also gets a scheduler autogroup of its own,
    // weighted by the same niceness (below). Within one autogroup a nice value only ranks the group's own tasks; a
    // busy engine sharing its caller's group would use up the group's share, and its caller would wait behind other
    // groups. The engine still exits when its caller goes (the IPC channel closes: see main.ts).
    const ownGroup = niceness > 0 && process.platform === 'linux';
    const child = fork(this.options.enginePath, [], {
      // A young generation of 4 MB semi-spaces (V8's default is up to 16 MB): the engine's JavaScript garbage is
      // short-lived (texts in, scores out), and its peak RSS on 100k pairs fell by 25-40 MB at the same speed
      // (bench/score.bench.js (d)).
      execArgv: ['--max-semi-space-size=4'],
      env: childEnvironment({ ...process.env, ...this.options.env }, ENGINE_MALLOC_DEFAULTS),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      detached: ownGroup,
    });
    if (niceness > 0 && child.pid !== undefined) lowerPriority(child.pid, niceness, ownGroup);
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => { stderr.push(s); if (stderr.length > 20) stderr.shift(); });
    let settle!: { resolve: (v: ReadyInfo) => void; reject: (e: Error) => void };
    const ready = new Promise<ReadyInfo>((resolve, reject) => { settle = { resolve, reject }; });
    ready.catch(() => undefined); // callers see it through their own requests
    const running: Running = { child, ready, stderr };

    child.on('message', (msg: EngineMessage) => this.onMessage(running, msg, settle));
    child.on('error', (err) => {
      if (this.running !== running) return;
      this.running = undefined;
      this.crashes++;
      this.lastCrash = err.message;
      const e = new EngineCrashedError(t("cannot start the SCAR engine '{0}': {1}", this.options.enginePath, err.message));
      settle.reject(e);
      this.rejectAll(e);
    });
    child.on('exit', (code, signal) => {
      if (this.running !== running) return;
      this.running = undefined;
      if (running.initError !== undefined) {
        const e = new ModelError(running.initError);
        settle.reject(e);
        this.rejectAll(e);
        return;
      }
      this.crashes++;
      const tail = stderr.join('').trim().split('\n').slice(-3).join(' | ');
      this.lastCrash = `${signal ? `killed by ${signal}` : `exit code ${code}`}${tail ? `: ${tail}` : ''}`;
      const e = new EngineCrashedError(t('the SCAR engine stopped unexpectedly ({0})', this.lastCrash));
      settle.reject(e);
      this.rejectAll(e);
    });
    child.send({ type: 'init', modelDir: this.options.modelDir, cacheDir: this.options.cacheDir, threads: this.options.threads, featuriseWorkers: this.options.featuriseWorkers } satisfies EngineRequest);
    return running;
  }

  private onMessage(running: Running, msg: EngineMessage, settle: { resolve: (v: ReadyInfo) => void; reject: (e: Error) => void }): void {
    switch (msg.type) {
      case 'ready':
        settle.resolve({ modelId: msg.modelId, modelName: msg.modelName, modelKind: msg.modelKind, hasComponents: msg.hasComponents, loadMs: msg.loadMs, pid: msg.pid });
        return;
      case 'init-error': {
        running.initError = msg.message;
        const e = new ModelError(msg.message);
        settle.reject(e);
        if (this.running === running) this.running = undefined;
        this.rejectAll(e);
        return;
      }
      default: {
        const p = this.pending.get(msg.id);
        if (!p) return; // cancelled or unknown: nobody waits
        this.pending.delete(msg.id);
        p.cleanup?.();
        if (msg.type === 'error') {
          p.reject(msg.code === 'cancelled' ? new CancelledError() : msg.code === 'model' ? new ModelError(msg.message) : new EngineError(msg.message));
        } else {
          this.crashes = 0; // a good answer ends a crash streak
          p.resolve(msg.type === 'scores' || msg.type === 'line-scores' ? msg.scores : msg.type === 'stats' ? msg.stats : undefined);
        }
      }
    }
  }
}
