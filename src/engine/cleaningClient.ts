// CleaningClient: the extension host's side of the cleaning service (cleaningService.ts, dist/cleaning.js), the one
// process that runs the hygiene checks of every open document and the cleaning of "Select top" (open documents and
// files on disk) off the host. No vscode import, so it is unit-tested against the real bundle.
// - One request runs at a time; the rest wait here, requests a person waits for ('user') ahead of background ones.
// - A request's input is posted in parts, one part per turn of the event loop, so no step of the host's is long.
// - Cancelling a queued request drops it. Cancelling the running one answers its caller at once; while its parts
//   are still being posted the service just drops them, and once it computes (a synchronous burst of seconds) the
//   process is ended and the next request starts a fresh one.
// - A service that crashes fails only the request it was running; the next request restarts it, after a back-off
//   that doubles with each crash in a row, and `onRestart` says why (the extension tells the user once).
import { fork, type ChildProcess } from 'child_process';
import type { CleaningOptions, Removal } from '../core/cleaningPass';
import type { DocumentHygieneOptions } from '../core/documentHygiene';
import { t, type L10nBundle } from '../core/l10n';
import type { PackedHygiene } from '../core/packedHygiene';
import type { TextPair } from '../core/dedup';
import { childEnvironment, lowerPriority } from './client';
import type { CleaningLine, CleaningReply, CleaningRequest, CleanResult, FileSource } from './cleaningProtocol';

/** Lines per part of a request's input: the text of a check, the lines of a clean. */
export const PART_LINES = 5000;

/** The service stopped while it ran the request (or could not be started). */
export class CleaningServiceError extends Error {
  override readonly name = 'CleaningServiceError';
}

/** The request's input could not be read (a file on disk missing, unreadable, or changed while read). */
export class CleaningInputError extends Error {
  override readonly name = 'CleaningInputError';
}

/** What a clean removed: the 1-based lines and why, and the counts of each step. */
export interface CleaningOutcome {
  input: number;
  removed: Map<number, Removal>;
  counts: { exact: number; language: number; nearDuplicate: number };
}

/** A clean of a file on disk: also the lines read (blank ones included) and the non-blank lines without a pair. */
export interface FileCleaningOutcome extends CleaningOutcome {
  linesRead: number;
  withoutPair: number;
}

/** A line of an open document to clean: 0-based index, its pairs (none: it takes no part), its score if any. */
export interface CleaningInputLine {
  readonly index: number;
  readonly pairs?: ReadonlyArray<TextPair>;
  readonly score?: number;
}

export type Priority = 'user' | 'background';

/** A request in flight: its answer (undefined once cancelled) and its cancel switch. */
export interface CleaningJob<T> {
  readonly result: Promise<T | undefined>;
  cancel(): void;
  /** Moves a queued request ahead of the background ones (a person now waits for it). */
  promote(): void;
  /** The longest the host spent in one step of taking a part of the input and posting it, in milliseconds. */
  readonly longestStepMs: number;
  /** The same step's longest CPU time of the host's thread (undefined where Node cannot tell). */
  readonly longestStepCpuMs: number | undefined;
}

export interface CleaningRunOptions {
  /** Rejects with the signal's reason (an AbortError by default) and stops the request. */
  signal?: AbortSignal;
  /** Open documents: after each part posted, the lines posted and the total. Files: the lines read so far (total 0). */
  onProgress?: (done: number, total: number) => void;
  priority?: Priority;
}

export interface CleaningClientOptions {
  /** Path of dist/cleaning.js. */
  servicePath: string;
  /** The host's translation bundle (vscode.l10n.bundle): the service's messages read in the user's language. */
  l10n?: L10nBundle;
  /** Scheduling priority of the service process (os.setPriority: 0 normal, 19 lowest; default 0). */
  niceness?: number;
  /** Extra environment for the service (on top of this process's). */
  env?: NodeJS.ProcessEnv;
  /** First restart delay after a crash in ms, doubled per crash in a row up to 10 s (default 200). */
  restartBackoffMs?: number;
  /** Called when a crashed service is restarted (attempt counts from 1 within a streak of crashes). */
  onRestart?: (attempt: number, reason: string) => void;
  /** CPU milliseconds of the calling thread so far (extension/cpuTime threadCpuMs), to time the host's steps; undefined: wall time only. */
  cpuMs?: () => number | undefined;
}

interface Pending {
  id: number;
  priority: Priority;
  /** The messages to send, in order: the opening one, the parts (taken lazily), and `end` where there is one. */
  messages: Iterator<CleaningRequest>;
  /** True once the service has everything and computes: from then on only ending the process stops it. */
  computing: boolean;
  decode(reply: CleaningReply): unknown;
  onProgress?: (linesRead: number) => void;
  longestStepMs: number;
  longestStepCpuMs: number | undefined;
  resolve(value: unknown): void;
  reject(error: Error): void;
  done: boolean;
}

interface Service {
  child: ChildProcess;
  stderr: string[];
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const MAX_BACKOFF_MS = 10_000;
/** A message that cannot go because the service just exited: its 'exit' handler reports that. */
const ignoreClosed = (): void => undefined;

export class CleaningClient {
  private service: Service | undefined;
  private running: Pending | undefined;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private crashes = 0;
  private lastCrash = '';
  private disposed = false;
  /** Service processes started so far, and requests answered by kind (for tests and the probe). */
  started = 0;
  readonly served = { check: 0, clean: 0, cleanFile: 0 };

  constructor(private readonly options: CleaningClientOptions) {}

  /** The service's process id while it runs. */
  get pid(): number | undefined {
    return this.service?.child.pid;
  }

  /** Queues a hygiene check of the text made of `parts` (taken one per turn); resolves with its packed findings. */
  check(parts: Iterable<string> & object, options: DocumentHygieneOptions, priority: Priority = 'background'): CleaningJob<PackedHygiene> {
    const texts = parts[Symbol.iterator]();
    return this.enqueue<PackedHygiene>(priority, (id) => (function* messages(): Generator<CleaningRequest> {
      yield { type: 'check', id, options };
      for (let part = texts.next(); !part.done; part = texts.next()) yield { type: 'text', id, text: part.value };
      yield { type: 'end', id };
    })(), (reply) => {
      if (reply.type !== 'checked') throw new Error(`unexpected answer '${reply.type}' to a check`);
      this.served.check++;
      return reply.result;
    });
  }

  /**
   * Cleans the lines that have pairs (in file order) with `options`: exactly what CleaningPass gives in this thread
   * for the same lines. Rejects with the signal's reason when it aborts.
   */
  clean(lines: ReadonlyArray<CleaningInputLine>, options: CleaningOptions, run: CleaningRunOptions = {}): Promise<CleaningOutcome> {
    if (run.signal?.aborted) return Promise.reject(run.signal.reason);
    const withPairs = lines.filter((l) => l.pairs !== undefined);
    const total = withPairs.length;
    const job = this.enqueue<CleaningOutcome>(run.priority ?? 'user', (id) => (function* messages(): Generator<CleaningRequest> {
      yield { type: 'clean', id, options };
      for (let start = 0; start < total; start += PART_LINES) {
        const part: CleaningLine[] = [];
        for (let k = start; k < Math.min(start + PART_LINES, total); k++) {
          const l = withPairs[k];
          part.push([l.index + 1, l.pairs as TextPair[], l.score ?? NaN]);
        }
        yield { type: 'lines', id, lines: part };
        run.onProgress?.(Math.min(start + PART_LINES, total), total);
      }
      yield { type: 'end', id };
    })(), (reply) => {
      if (reply.type !== 'cleaned') throw new Error(`unexpected answer '${reply.type}' to a clean`);
      this.served.clean++;
      return outcomeOf(reply.result);
    });
    return this.withSignal(job, run.signal);
  }

  /** Cleans a file on disk, which the service streams itself; `onProgress` gets the lines read so far. */
  cleanFile(file: FileSource, options: CleaningOptions, run: CleaningRunOptions = {}): Promise<FileCleaningOutcome> {
    if (run.signal?.aborted) return Promise.reject(run.signal.reason);
    const job = this.enqueue<FileCleaningOutcome>(run.priority ?? 'user', (id) => [{ type: 'clean', id, options, file } satisfies CleaningRequest][Symbol.iterator](), (reply) => {
      if (reply.type !== 'cleaned') throw new Error(`unexpected answer '${reply.type}' to a clean`);
      this.served.cleanFile++;
      return { ...outcomeOf(reply.result), linesRead: reply.result.linesRead ?? 0, withoutPair: reply.result.withoutPair ?? 0 };
    }, (linesRead) => run.onProgress?.(linesRead, 0));
    return this.withSignal(job, run.signal);
  }

  /**
   * The service's test hooks, honoured only with SCAR_CLEANING_TEST=1 (CLEANING_PROBE_ENV) in its environment: it
   * crashes, or computes (a synchronous burst) for `ms`. Each is a request like any other.
   */
  readonly probe = {
    crash: (): CleaningJob<unknown> => this.testRequest('crash', 0),
    busy: (ms: number): CleaningJob<unknown> => this.testRequest('busy', ms),
  };

  private testRequest(action: 'crash' | 'busy', ms: number): CleaningJob<unknown> {
    return this.enqueue<unknown>('user', (id) => [{ type: 'test', id, action, ms } satisfies CleaningRequest][Symbol.iterator](), (reply) => reply.type);
  }

  /** Stops the service; every waiting request answers undefined (or rejects with AbortError through a signal). */
  dispose(): void {
    this.disposed = true;
    for (const p of [...this.queue, ...(this.running ? [this.running] : [])]) this.settle(p, undefined);
    this.queue.length = 0;
    this.running = undefined;
    this.stopService();
  }

  private enqueue<T>(priority: Priority, messages: (id: number) => Iterator<CleaningRequest>, decode: (reply: CleaningReply) => T, onProgress?: (linesRead: number) => void): CleaningJob<T> {
    let p!: Pending;
    const result = new Promise<T | undefined>((resolve, reject) => {
      const id = this.nextId++;
      p = { id, priority, messages: messages(id), computing: false, decode, onProgress, longestStepMs: 0, longestStepCpuMs: undefined,
        resolve: resolve as (v: unknown) => void, reject, done: false };
    });
    if (this.disposed) this.settle(p, undefined);
    else {
      this.insert(p);
      this.pump();
    }
    return {
      result,
      cancel: () => this.cancel(p),
      promote: () => {
        if (p.priority === 'user') return;
        p.priority = 'user';
        const at = this.queue.indexOf(p);
        if (at >= 0) { this.queue.splice(at, 1); this.insert(p); }
      },
      get longestStepMs() { return p.longestStepMs; },
      get longestStepCpuMs() { return p.longestStepCpuMs; },
    };
  }

  /** Queues in arrival order, a 'user' request after the other 'user' ones but ahead of every 'background' one. */
  private insert(p: Pending): void {
    if (p.priority === 'background') { this.queue.push(p); return; }
    const at = this.queue.findIndex((q) => q.priority === 'background');
    if (at < 0) this.queue.push(p); else this.queue.splice(at, 0, p);
  }

  private async withSignal<T>(job: CleaningJob<T>, signal: AbortSignal | undefined): Promise<T> {
    const onAbort = (): void => job.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await job.result;
      if (r === undefined) throw signal?.aborted ? signal.reason : new DOMException('The operation was aborted', 'AbortError');
      return r;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private settle(p: Pending, value: unknown, error?: Error): void {
    if (p.done) return;
    p.done = true;
    if (error) p.reject(error); else p.resolve(value);
  }

  private cancel(p: Pending): void {
    if (p.done) return;
    this.settle(p, undefined);
    const at = this.queue.indexOf(p);
    if (at >= 0) this.queue.splice(at, 1);
    if (this.running !== p) return;
    this.running = undefined;
    const s = this.service;
    if (p.computing) this.stopService(); // a synchronous burst: nothing but ending the process stops it
    else if (s?.child.connected) s.child.send({ type: 'cancel', id: p.id } satisfies CleaningRequest, ignoreClosed);
    this.pump();
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const next = this.queue.shift();
    if (!next) {
      this.idle(true);
      return;
    }
    this.running = next;
    void this.run(next);
  }

  private async run(p: Pending): Promise<void> {
    let s: Service;
    try {
      s = await this.ensureService();
    } catch (e) {
      if (this.running === p) this.running = undefined;
      this.settle(p, undefined, e as Error);
      this.pump();
      return;
    }
    if (p.done || this.running !== p) return;
    this.idle(false);
    const cpu = this.options.cpuMs;
    try {
      for (let first = true; ; first = false) {
        if (!first) {
          await nextTurn();
          if (p.done || this.service !== s) return;
        }
        const started = performance.now();
        const startedCpu = cpu?.();
        const step = p.messages.next();
        if (step.done) break;
        if (step.value.type === 'end' || (step.value.type === 'clean' && step.value.file) || step.value.type === 'test') p.computing = true;
        s.child.send(step.value, ignoreClosed);
        p.longestStepMs = Math.max(p.longestStepMs, performance.now() - started);
        if (startedCpu !== undefined) p.longestStepCpuMs = Math.max(p.longestStepCpuMs ?? 0, cpu!()! - startedCpu);
      }
    } catch (e) {
      // Taking the input failed (e.g. the document was closed): fail this request, keep the service.
      if (p.done) return;
      this.settle(p, undefined, e as Error);
      if (this.running === p) {
        this.running = undefined;
        if (s.child.connected) s.child.send({ type: 'cancel', id: p.id } satisfies CleaningRequest, ignoreClosed);
      }
      this.pump();
    }
  }

  private onReply(s: Service, reply: CleaningReply): void {
    const p = this.running;
    if (s !== this.service || !p || reply.id !== p.id) return; // a cancelled request's late word
    if (reply.type === 'progress') {
      p.onProgress?.(reply.linesRead);
      return;
    }
    this.running = undefined;
    if (reply.type === 'error') {
      const error = reply.code === 'input' ? new CleaningInputError(reply.message) : new Error(t('the SCAR cleaning service failed: {0}', reply.message));
      this.settle(p, undefined, error);
    } else {
      this.crashes = 0; // a good answer ends a streak of crashes
      try {
        this.settle(p, p.decode(reply));
      } catch (e) {
        this.settle(p, undefined, e as Error);
      }
    }
    this.pump();
  }

  /** The running service, starting one (after a back-off when the last one crashed). */
  private async ensureService(): Promise<Service> {
    if (this.service) return this.service;
    if (this.crashes > 0) {
      const delay = Math.min(MAX_BACKOFF_MS, (this.options.restartBackoffMs ?? 200) * 2 ** (this.crashes - 1));
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.disposed) throw new CleaningServiceError(t('the SCAR cleaning service was shut down'));
      if (this.service) return this.service;
      this.options.onRestart?.(this.crashes, this.lastCrash);
    }
    this.service = this.spawn();
    return this.service;
  }

  private spawn(): Service {
    const niceness = this.options.niceness ?? 0;
    const ownGroup = niceness > 0 && process.platform === 'linux'; // see EngineClient.spawn
    const child = fork(this.options.servicePath, [], {
      execArgv: [],
      env: childEnvironment({ ...process.env, ...this.options.env }),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
      detached: ownGroup,
    });
    this.started++;
    if (niceness > 0 && child.pid !== undefined) lowerPriority(child.pid, niceness, ownGroup);
    const s: Service = { child, stderr: [] };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (text: string) => { s.stderr.push(text); if (s.stderr.length > 20) s.stderr.shift(); });
    child.on('message', (reply: CleaningReply) => this.onReply(s, reply));
    child.on('error', (e) => this.lost(s, `cannot start '${this.options.servicePath}': ${e.message}`));
    // 'close', not 'exit': by then its stderr has been read, and the reason can quote it.
    child.on('close', (code, signal) => {
      const tail = stderrTail(s.stderr.join(''));
      this.lost(s, `${signal ? `killed by ${signal}` : `exit code ${code}`}${tail ? `: ${tail}` : ''}`);
    });
    child.send({ type: 'init', l10n: this.options.l10n } satisfies CleaningRequest, ignoreClosed);
    return s;
  }

  /** The service went away on its own: fail what it ran; the next request starts another. */
  private lost(s: Service, why: string): void {
    if (s !== this.service) return;
    this.service = undefined;
    this.crashes++;
    this.lastCrash = why;
    const p = this.running;
    this.running = undefined;
    if (p) this.settle(p, undefined, new CleaningServiceError(t('the SCAR cleaning service stopped unexpectedly ({0}); run the command again', why)));
    this.pump();
  }

  /** Ends the service on purpose (a cancelled computation, dispose): not a crash. */
  private stopService(): void {
    const s = this.service;
    this.service = undefined;
    if (!s) return;
    s.child.removeAllListeners('close');
    s.child.removeAllListeners('message');
    s.child.on('error', () => undefined);
    if (s.child.connected) s.child.disconnect();
    s.child.kill('SIGKILL');
  }

  /** An idle service must not keep this process alive (a CLI, a test run); a busy one does. */
  private idle(idle: boolean): void {
    const child = this.service?.child;
    if (!child) return;
    const channel = (child as ChildProcess & { channel?: { ref(): void; unref(): void } }).channel;
    if (idle) { child.unref(); channel?.unref(); } else { child.ref(); channel?.ref(); }
  }
}

/** What a dead service last said: the last error line of its stderr (an uncaught error's message), else its last lines. */
function stderrTail(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.filter((l) => /^[\w.$]*(Error|Exception)\b[^:]*:/.test(l)).pop();
  return error ?? lines.slice(-3).join(' | ');
}

function outcomeOf(r: CleanResult): CleaningOutcome {
  return { input: r.input, removed: new Map(r.removed), counts: r.counts };
}
