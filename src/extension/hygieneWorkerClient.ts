// The extension host's side of the hygiene worker (hygieneWorker.ts): a queue of hygiene requests run one at a
// time in one worker thread, started on first use and kept warm. A request's text comes as an iterable of parts
// (e.g. ranges of a document's lines), taken and posted one per turn of the event loop, so that no single step
// of the host's holds it up for long. Cancelling a queued request drops it; cancelling
// the running one terminates the worker (its computation is one synchronous call that cannot be interrupted
// otherwise) and the next request starts a fresh one. A worker that crashes fails only the request it was
// running. No vscode import, so it is unit-tested with plain workers.
import type { Worker } from 'worker_threads';
import type { DocumentHygieneOptions } from '../core/documentHygiene';
import type { PackedHygiene } from '../core/packedHygiene';
import { threadCpuMs } from './probe';
import type { HygieneWorkerReply, HygieneWorkerRequest } from './hygieneWorkerProtocol';

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A request in flight: its result (undefined when cancelled) and its cancel switch. */
export interface HygieneJob {
  readonly result: Promise<PackedHygiene | undefined>;
  cancel(): void;
  /** The longest the host spent in one step of taking a part of the text and posting it, in milliseconds. */
  readonly longestStepMs: number;
  /** The same step's longest CPU time of the host's thread (undefined where Node cannot tell: threadCpuMs). */
  readonly longestStepCpuMs: number | undefined;
}

interface Pending {
  id: number;
  parts: Iterator<string>;
  options: DocumentHygieneOptions;
  longestStepMs: number;
  longestStepCpuMs: number | undefined;
  resolve(result: PackedHygiene | undefined): void;
  reject(error: Error): void;
  done: boolean;
}

export class HygieneWorkerClient {
  private worker?: Worker;
  private running?: Pending;
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private disposed = false;
  /** Workers started so far (for tests: a cancelled running request costs one). */
  started = 0;

  /** `spawn` starts a worker running hygieneWorker.js (or a stand-in, in tests). */
  constructor(private readonly spawn: () => Worker) {}

  /** Queues a check of the text made of `parts`; resolves with its findings, or undefined when cancelled. */
  run(parts: Iterable<string> & object, options: DocumentHygieneOptions): HygieneJob { // `& object`: not a bare string
    let pending!: Pending;
    const result = new Promise<PackedHygiene | undefined>((resolve, reject) => {
      pending = { id: this.nextId++, parts: parts[Symbol.iterator](), options, longestStepMs: 0, longestStepCpuMs: undefined, resolve, reject, done: false };
    });
    if (this.disposed) {
      pending.done = true;
      pending.resolve(undefined);
    } else {
      this.queue.push(pending);
      this.pump();
    }
    return { result, cancel: () => this.cancel(pending), get longestStepMs() { return pending.longestStepMs; },
      get longestStepCpuMs() { return pending.longestStepCpuMs; } };
  }

  private cancel(p: Pending): void {
    if (p.done) return;
    p.done = true;
    p.resolve(undefined);
    const at = this.queue.indexOf(p);
    if (at >= 0) this.queue.splice(at, 1);
    if (this.running === p) {
      this.running = undefined;
      this.stopWorker();
      this.pump();
    }
  }

  private pump(): void {
    if (this.running || this.disposed) return;
    const next = this.queue.shift();
    if (!next) return;
    this.running = next;
    const worker = this.ensureWorker();
    worker.ref(); // busy: keeps the process alive until the reply
    void this.send(next, worker);
  }

  /** Posts the request's text part by part, one per turn of the event loop, then asks for the check. */
  private async send(p: Pending, worker: Worker): Promise<void> {
    const post = (message: HygieneWorkerRequest): void => worker.postMessage(message);
    try {
      for (;;) {
        const started = performance.now();
        const startedCpu = threadCpuMs();
        const part = p.parts.next();
        if (part.done) break;
        post({ type: 'text', id: p.id, text: part.value });
        p.longestStepMs = Math.max(p.longestStepMs, performance.now() - started);
        if (startedCpu !== undefined) p.longestStepCpuMs = Math.max(p.longestStepCpuMs ?? 0, threadCpuMs()! - startedCpu);
        await nextTurn();
        if (p.done || worker !== this.worker) return;
      }
      post({ type: 'run', id: p.id, options: p.options });
    } catch (e) {
      // Taking the text failed (e.g. the document was closed): fail this request, keep the worker.
      if (p.done) return;
      p.done = true;
      this.running = undefined;
      p.reject(e as Error);
      this.pump();
    }
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    this.started++;
    worker.on('message', (reply: HygieneWorkerReply) => {
      const p = this.running;
      if (worker !== this.worker || !p || p.id !== reply.id) return;
      this.running = undefined;
      p.done = true;
      if (reply.error !== undefined) p.reject(new Error(`the hygiene worker failed: ${reply.error}`));
      else p.resolve(reply.result);
      this.pump();
      if (!this.running) worker.unref(); // idle: must not keep the process alive
    });
    const lost = (why: string): void => {
      if (worker !== this.worker) return;
      this.worker = undefined;
      const p = this.running;
      this.running = undefined;
      if (p && !p.done) {
        p.done = true;
        p.reject(new Error(`the hygiene worker stopped: ${why}`));
      }
      this.pump();
    };
    worker.on('error', (e: Error) => lost(e.stack ?? e.message));
    worker.on('exit', (code: number) => lost(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }

  private stopWorker(): void {
    const w = this.worker;
    this.worker = undefined;
    if (w) void w.terminate();
  }

  dispose(): void {
    this.disposed = true;
    for (const p of [...this.queue, ...(this.running ? [this.running] : [])]) {
      if (!p.done) {
        p.done = true;
        p.resolve(undefined);
      }
    }
    this.queue.length = 0;
    this.running = undefined;
    this.stopWorker();
  }
}
