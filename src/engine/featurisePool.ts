// Featurising on worker threads, so that turning text into tensors (the engine's main CPU cost) runs on every
// core while onnxruntime infers: each worker loads the model's featuriser (src/core/featurise.ts, the one
// implementation) and answers batches with the feeds' typed arrays, transferred, not copied.
// dist/featuriseWorker.js is the worker (src/engine/featuriseWorker.ts); the engine owns one pool.
import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { ModelFeeds } from '../core/types';
import type { PairText } from './protocol';

export const WORKER_FILE = 'featuriseWorker.js';

/**
 * Claims on a request's batches, shared by the engine's thread and its workers (a SharedArrayBuffer): 0 nobody has
 * taken the batch, 1 a worker has, 2 the engine's thread has. Whoever changes 0 first featurises it.
 */
export const CLAIM_FREE = 0;
export const CLAIM_WORKER = 1;
export const CLAIM_THREAD = 2;

/** Creates the claims of `n` batches, all free. */
export function newClaims(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * Int32Array.BYTES_PER_ELEMENT));
}

/** Takes batch `index` for the engine's thread; false when a worker took it first. */
export function claimForThread(claims: Int32Array, index: number): boolean {
  return Atomics.compareExchange(claims, index, CLAIM_FREE, CLAIM_THREAD) === CLAIM_FREE;
}

/** A batch is featurised by whoever claims it first; a worker answers `skipped` for a batch already taken. */
export interface BatchClaim { claims: Int32Array; index: number }

/** What a featurising worker starts with: the model folder, and the model's id when the engine knows it. */
export interface FeaturiseWorkerData {
  modelDir: string;
  modelId?: string;
}

/** A request to a worker and its answer. */
export interface FeaturiseJob { id: number; instructions: string[]; responses: string[]; claim?: BatchClaim }
export type FeaturiseAnswer = { id: number; feeds: ModelFeeds } | { id: number; skipped: true } | { id: number; error: string } | { ready: true } | { initError: string };

/**
 * Default featurising workers: one on a machine with 2 cores or fewer (the engine's main thread featurises too, so
 * two featurisers share the batches while onnxruntime infers), else one per core but one, at most 3.
 */
export function defaultFeaturiseWorkers(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores <= 2 ? 1 : Math.min(3, cores - 1);
}

interface Slot {
  worker: Worker;
  /** Jobs sent to the worker and not answered yet. */
  jobs: number;
}

export class FeaturisePool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { resolve: (f: ModelFeeds | undefined) => void; reject: (e: Error) => void; slot: Slot }>();
  private nextId = 1;
  /** Every worker started and not yet exited, ready or not. */
  private readonly all = new Set<Worker>();
  private closed = false;

  private constructor() {}

  /**
   * Starts `size` workers that load the featuriser of `modelDir`; resolves once all are ready. `modelId`: the model's
   * id when the caller has it (the engine does), so that the workers need not read and hash ranker.onnx again.
   */
  static async start(modelDir: string, size: number, options: { modelId?: string; workerFile?: string } = {}): Promise<FeaturisePool> {
    const pool = new FeaturisePool();
    const workerFile = options.workerFile ?? path.join(__dirname, WORKER_FILE);
    const started = await Promise.allSettled(Array.from({ length: size }, () => pool.spawn({ modelDir, modelId: options.modelId }, workerFile)));
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await pool.close(); // the workers that did start
      throw failed.reason;
    }
    return pool;
  }

  get size(): number { return this.slots.length; }

  private spawn(data: FeaturiseWorkerData, workerFile: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(workerFile, { workerData: data });
      const slot: Slot = { worker, jobs: 0 };
      let ready = false;
      worker.on('message', (m: FeaturiseAnswer) => {
        if ('ready' in m) { ready = true; this.slots.push(slot); resolve(); return; }
        if ('initError' in m) { reject(new Error(m.initError)); void worker.terminate(); return; }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        slot.jobs--;
        if ('error' in m) p.reject(new Error(m.error));
        else p.resolve('feeds' in m ? m.feeds : undefined);
      });
      worker.on('error', (e) => {
        if (!ready) { reject(e); return; }
        this.fail(slot, e);
      });
      this.all.add(worker);
      worker.on('exit', (code) => {
        this.all.delete(worker);
        if (!ready) { reject(new Error(`featurising worker exited with code ${code} before it was ready`)); return; }
        if (!this.closed) this.fail(slot, new Error(`featurising worker exited with code ${code}`));
      });
      worker.unref();
    });
  }

  private fail(slot: Slot, e: Error): void {
    const at = this.slots.indexOf(slot);
    if (at >= 0) this.slots.splice(at, 1);
    for (const [id, p] of this.pending) {
      if (p.slot === slot) { this.pending.delete(id); p.reject(e); }
    }
  }

  /**
   * The model inputs of a batch of pairs, computed by a worker in the order the batches were given. The job goes to
   * the worker with the fewest at once: a worker works through its own message queue without waiting for the
   * engine's thread, which is often busy in a (synchronous) onnxruntime run; the caller bounds how many it sends
   * ahead (the engine: WORKER_AHEAD per worker). With a `claim`, the worker featurises the batch only if it claims
   * it first, and the promise resolves to undefined when the engine's thread took it already.
   */
  featurise(pairs: ReadonlyArray<PairText>, claim?: BatchClaim): Promise<ModelFeeds | undefined> {
    if (this.closed) return Promise.reject(new Error('the featurising pool is closed'));
    let slot: Slot | undefined;
    for (const s of this.slots) if (!slot || s.jobs < slot.jobs) slot = s;
    if (!slot) return Promise.reject(new Error('no featurising worker is running'));
    const job: FeaturiseJob = { id: this.nextId++, instructions: pairs.map((p) => String(p.instruction)), responses: pairs.map((p) => String(p.response)), claim };
    const to = slot;
    return new Promise((resolve, reject) => {
      to.jobs++;
      this.pending.set(job.id, { resolve, reject, slot: to });
      to.worker.postMessage(job);
    });
  }

  /** Ends every worker abruptly, as a crash would (a test hook): their jobs fail and the pool is left empty. */
  async terminateWorkers(): Promise<void> {
    await Promise.all([...this.all].map((w) => w.terminate()));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map((w) => w.terminate()));
    this.slots.length = 0;
  }
}
