// The engine: a child process (dist/engine.js) that owns the ranker session and the score caches, and
// answers EngineRequests over the IPC channel. Requests run one at a time, urgent ones first, the rest in arrival
// order; each is split into inference batches, and between batches the engine yields, so that a 'cancel' can arrive
// and stop it, and an urgent request that arrived meanwhile runs before the next batch of one that is not.
import * as fs from 'fs';
import { DiskCache, MemoryLru, cacheKey } from './cache';
import { ENGINE_PROBE_ENV, LINE_BLANK, LINE_ERROR, LINE_SCORED, type EngineMessage, type EngineRequest, type EngineStats, type InitRequest, type LineScores, type PairText, type ScoreLinesRequest } from './protocol';
import { ModelLoadError, RankerSession, loadRanker, type Ranker } from './session';
import { CLAIM_FREE, CLAIM_THREAD, CLAIM_WORKER, claimForThread, defaultFeaturiseWorkers, FeaturisePool, newClaims } from './featurisePool';
import { linePairs } from '../core/linePairs';
import type { ModelFeeds, PairScore } from '../core/types';
import { meanOverPairs } from '../core/scores';
import { L10N_BUNDLE_ENV, useBundleFile } from '../core/l10n';

// The host hands over VS Code's translation bundle: a line's parse error or missing field reads in the user's language.
useBundleFile(process.env[L10N_BUNDLE_ENV]);

const MEMORY_ENTRIES = 100_000;

function send(msg: EngineMessage): void {
  if (process.connected) process.send!(msg);
}

/** Peak resident set size in bytes: VmHWM from /proc where there is one, else the current RSS. */
function peakRss(): number {
  try {
    const m = /VmHWM:\s*(\d+)\s*kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return process.memoryUsage.rss();
}

/** A queued request: the pairs to score, and the answer made from their scores. */
interface Job {
  id: number;
  pairs: PairText[];
  persistentCache?: boolean;
  /** Served before queued jobs that are not, and between the batches of a running one (ScoreLinesRequest.urgent). */
  urgent: boolean;
  answer: (scores: PairScore[]) => EngineMessage;
}

/**
 * The job of a 'score-lines' request: each line's pairs (read here, with the request's adapter options), scored
 * together, and the packed LineScores with each line's means over its pairs.
 */
function lineJob(req: ScoreLinesRequest): Job {
  const n = req.lines.length;
  const out: LineScores = { kinds: new Uint8Array(n), pairs: new Uint32Array(n), values: new Float64Array(3 * n).fill(NaN), errors: [] };
  const pairs: PairText[] = [];
  for (let i = 0; i < n; i++) {
    const found = linePairs(String(req.lines[i]), req.firstLine + i, req.adapter);
    if ('blank' in found) out.kinds[i] = LINE_BLANK;
    else if ('error' in found) { out.kinds[i] = LINE_ERROR; out.errors.push([i, found.error]); }
    else {
      out.kinds[i] = LINE_SCORED;
      out.pairs[i] = found.pairs.length;
      for (const p of found.pairs) pairs.push({ instruction: p.instruction, response: p.response });
    }
  }
  return {
    id: req.id, pairs, persistentCache: req.persistentCache, urgent: req.urgent === true,
    answer: (scores) => {
      for (let i = 0, k = 0; i < n; i++) {
        if (out.kinds[i] !== LINE_SCORED) continue;
        meanOverPairs(scores, k, out.pairs[i], out.values, 3 * i);
        k += out.pairs[i];
      }
      return { type: 'line-scores', id: req.id, scores: out };
    },
  };
}

/** Batches sent ahead to each featurising worker (see score()). */
const WORKER_AHEAD = 4;

class Engine {
  private session: Ranker | undefined;
  /** Featurising worker threads (bundled rankers): they and this thread share a request's batches. */
  private pool: FeaturisePool | undefined;
  private disk: DiskCache | null = null;
  private diskProblem: string | undefined;
  private readonly memory = new MemoryLru(MEMORY_ENTRIES);
  private readonly queue: Job[] = [];
  private readonly cancelled = new Set<number>();
  private running = false;
  private batchDelayMs = 0;
  private counts = { pairsScored: 0, memoryHits: 0, diskHits: 0, misses: 0, workerBatches: 0, threadBatches: 0, urgentBetweenBatches: 0 };
  private readonly testHooks = process.env[ENGINE_PROBE_ENV] === '1';

  async init(req: InitRequest): Promise<void> {
    try {
      this.session = await loadRanker(req.modelDir, req.threads);
    } catch (e) {
      const message = e instanceof ModelLoadError ? e.message : `cannot load the model in '${req.modelDir}': ${(e as Error).message}`;
      send({ type: 'init-error', message });
      // Nothing more to do without a model: leave once the message is out.
      setTimeout(() => process.exit(0), 50);
      return;
    }
    // null: the caller wants no persistent cache (--no-cache). Otherwise SCAR_CACHE_DIR moves it.
    const cacheDir = req.cacheDir === null ? null : process.env.SCAR_CACHE_DIR || req.cacheDir;
    if (cacheDir) {
      try {
        this.disk = DiskCache.open(cacheDir);
      } catch (e) {
        // The cache is an optimisation: work without it and say why in the stats.
        this.diskProblem = (e as Error).message;
        this.disk = null;
      }
    }
    const s = this.session;
    send({ type: 'ready', modelId: s.modelId, modelName: s.modelName, modelKind: s.kind, hasComponents: s.hasComponents, loadMs: s.loadMs, pid: process.pid });
    // The featurising workers start after 'ready', so they never delay it; until they are up (or if they cannot
    // start), this thread featurises every batch.
    const envWorkers = process.env.SCAR_FEATURISE_WORKERS;
    const workers = req.featuriseWorkers ?? (envWorkers !== undefined && /^\d+$/.test(envWorkers) ? Number(envWorkers) : defaultFeaturiseWorkers());
    if (workers > 0 && s instanceof RankerSession) {
      FeaturisePool.start(s.modelDir, workers, { modelId: s.modelId }).then((pool) => { this.pool = pool; }, () => undefined);
    }
    this.pump();
  }

  handle(req: EngineRequest): void {
    switch (req.type) {
      case 'init':
        void this.init(req);
        return;
      case 'score':
        if (!Array.isArray(req.pairs)) { send({ type: 'error', id: req.id, code: 'bad-request', message: 'score: pairs must be an array' }); return; }
        this.queue.push({ id: req.id, pairs: req.pairs, persistentCache: req.persistentCache, urgent: req.urgent === true, answer: (scores) => ({ type: 'scores', id: req.id, scores }) });
        this.pump();
        return;
      case 'score-lines':
        if (!Array.isArray(req.lines) || typeof req.adapter !== 'object' || req.adapter === null || !Number.isInteger(req.firstLine)) {
          send({ type: 'error', id: req.id, code: 'bad-request', message: 'score-lines: lines must be an array, firstLine an integer and adapter an object' });
          return;
        }
        this.queue.push(lineJob(req));
        this.pump();
        return;
      case 'cancel': {
        const at = this.queue.findIndex((r) => r.id === req.target);
        if (at >= 0) {
          this.queue.splice(at, 1);
          send({ type: 'error', id: req.target, code: 'cancelled', message: 'cancelled' });
        } else {
          this.cancelled.add(req.target); // running now: it stops after the current batch
        }
        return;
      }
      case 'stats':
        send({ type: 'stats', id: req.id, stats: this.stats() });
        return;
      case 'crash':
        if (!this.testHooks) { send({ type: 'error', id: req.id, code: 'bad-request', message: 'crash is a test hook (SCAR_ENGINE_TEST=1)' }); return; }
        if (req.target === 'workers') setTimeout(() => { void this.pool?.terminateWorkers(); }, req.afterMs ?? 0);
        else setTimeout(() => process.kill(process.pid, 'SIGKILL'), req.afterMs ?? 0);
        return;
      case 'slow':
        if (!this.testHooks) { send({ type: 'error', id: req.id, code: 'bad-request', message: 'slow is a test hook (SCAR_ENGINE_TEST=1)' }); return; }
        this.batchDelayMs = req.batchDelayMs;
        send({ type: 'ok', id: req.id });
        return;
      default:
        send({ type: 'error', id: (req as { id?: number }).id ?? -1, code: 'bad-request', message: `unknown request type '${(req as { type?: unknown }).type}'` });
    }
  }

  private stats(): EngineStats {
    const hits = this.counts.memoryHits + this.counts.diskHits;
    return {
      modelId: this.session?.modelId ?? '',
      modelName: this.session?.modelName ?? '',
      modelKind: this.session?.kind ?? 'bundled',
      modelDir: this.session?.modelDir ?? '',
      loadMs: this.session?.loadMs ?? 0,
      pairsScored: this.counts.pairsScored,
      cacheHits: hits,
      memoryHits: this.counts.memoryHits,
      diskHits: this.counts.diskHits,
      cacheMisses: this.counts.misses,
      diskEntries: this.disk?.size ?? 0,
      diskFile: this.disk?.file ?? (this.diskProblem ? `unavailable: ${this.diskProblem}` : null),
      rss: process.memoryUsage.rss(),
      peakRss: peakRss(),
      pid: process.pid,
      featuriseWorkers: this.pool?.size ?? 0,
      workerBatches: this.counts.workerBatches,
      threadBatches: this.counts.threadBatches,
      urgentBetweenBatches: this.counts.urgentBetweenBatches,
    };
  }

  private pump(): void {
    if (this.running || !this.session || this.queue.length === 0) return;
    this.running = true;
    void this.run(this.takeQueued(false)!).finally(() => {
      this.running = false;
      this.pump();
    });
  }

  /** Takes the queued job to run next: the first urgent one, else (unless `urgentOnly`) the first. */
  private takeQueued(urgentOnly: boolean): Job | undefined {
    const at = this.queue.findIndex((j) => j.urgent);
    if (at >= 0) return this.queue.splice(at, 1)[0];
    return urgentOnly ? undefined : this.queue.shift();
  }

  /** Scores a job and sends its answer (or why it failed); never rejects. */
  private async run(job: Job): Promise<void> {
    try {
      const scores = await this.score(job);
      if (scores) send(job.answer(scores));
    } catch (e) {
      send({ type: 'error', id: job.id, code: 'internal', message: (e as Error).message });
    } finally {
      this.cancelled.delete(job.id);
    }
  }

  /** Runs the queued urgent jobs, in arrival order, between two batches of a job that is not urgent. */
  private async runUrgent(): Promise<void> {
    for (let job = this.takeQueued(true); job; job = this.takeQueued(true)) {
      this.counts.urgentBetweenBatches++;
      await this.run(job);
    }
  }

  /** Scores a request's pairs, cache first; undefined when it was cancelled (the answer is already sent). */
  private async score(req: Job): Promise<PairScore[] | undefined> {
    const session = this.session!;
    const disk = req.persistentCache === false ? null : this.disk;
    const n = req.pairs.length;
    const out: PairScore[] = new Array(n);
    const keys: Buffer[] = new Array(n);
    const todo: number[] = [];
    for (let i = 0; i < n; i++) {
      const p = req.pairs[i];
      const key = cacheKey(session.modelId, String(p.instruction), String(p.response));
      keys[i] = key;
      let hit = this.memory.get(key);
      if (hit) { this.counts.memoryHits++; out[i] = hit; continue; }
      hit = disk?.get(key);
      if (hit) { this.counts.diskHits++; this.memory.set(key, hit); out[i] = hit; continue; }
      this.counts.misses++;
      todo.push(i);
    }
    // Shortest first (batchOrder.ts: a batch then needs little padding), then batches of the model's size.
    if (todo.length > 1) {
      const order = session.order(todo.map((i) => req.pairs[i]));
      const sorted = order.map((k) => todo[k]);
      for (let k = 0; k < sorted.length; k++) todo[k] = sorted[k];
    }
    const batch = session.batchSize;
    const batches: number[][] = [];
    for (let b = 0; b < todo.length; b += batch) batches.push(todo.slice(b, b + batch));
    const textsOf = (idx: number[]): PairText[] => idx.map((i) => ({ instruction: String(req.pairs[i].instruction), response: String(req.pairs[i].response) }));
    // Two featurisers share the batches, and this thread infers them all. onnxruntime-node runs a batch
    // synchronously on this thread (deferred by a setImmediate), so this thread featurises only when it has nothing
    // to infer. The workers take batches from the front (shortest first), a few at a time in their own message
    // queues, so they work on while this thread is busy; this thread takes batches from the back. A shared claim per
    // batch (BatchClaim) makes sure each is featurised once: a worker skips a batch this thread took. Batches are
    // independent (each score goes to its own index), so the order they are inferred in does not matter. (When this
    // thread waited for the workers' batches in order, both threads sat idle about a third of the time.)
    const pool = session instanceof RankerSession ? this.pool : undefined;
    const claims = pool ? newClaims(batches.length) : undefined;
    const ready: Array<{ k: number; feeds?: ModelFeeds }> = []; // from the workers (no feeds: it failed there)
    const onWorker = new Set<Promise<void>>();
    let wake: (() => void) | undefined;
    let front = 0; // the workers have been sent batches [0, front)
    const handOut = (): void => {
      // Up to WORKER_AHEAD batches per worker: enough that a worker never waits while this thread featurises or
      // infers, few enough that the texts sent and the feeds waiting to be inferred stay small.
      while (pool && claims && onWorker.size < WORKER_AHEAD * pool.size && front < batches.length) {
        const k = front++;
        if (claims[k] !== CLAIM_FREE) continue; // this thread took it
        const p: Promise<void> = pool.featurise(textsOf(batches[k]), { claims, index: k }).then(
          (feeds) => { if (feeds) ready.push({ k, feeds }); },
          () => {
            // A worker failed on it (or died before it): this thread featurises it, and says what is wrong if it
            // fails too, unless it has taken it already.
            if (claims[k] === CLAIM_WORKER || claimForThread(claims, k)) { Atomics.store(claims, k, CLAIM_THREAD); ready.push({ k }); }
          },
        ).finally(() => {
          onWorker.delete(p);
          handOut();
          const w = wake;
          wake = undefined;
          w?.();
        });
        onWorker.add(p);
      }
    };
    /** Takes every batch nobody has taken, so that the workers skip them (cancelled, or failed). */
    const takeTheRest = (): void => { if (claims) for (let k = 0; k < batches.length; k++) claimForThread(claims, k); };
    let back = batches.length; // this thread has looked at batches [back, length) for itself
    let inferring: Promise<void> | undefined;
    try {
      for (let done = 0; done < batches.length;) {
        if (done > 0 || this.batchDelayMs > 0) {
          await new Promise((r) => setImmediate(r)); // let a 'cancel' in
          if (this.batchDelayMs > 0) await new Promise((r) => setTimeout(r, this.batchDelayMs));
        }
        if (!req.urgent && this.queue.some((j) => j.urgent)) {
          // Someone waits for an urgent request: it runs now, on this thread, and this job goes on after it. The
          // batch being inferred finishes first (one session runs one batch at a time); the workers keep working on
          // this job's batches meanwhile.
          await inferring;
          await this.runUrgent();
        }
        if (this.cancelled.has(req.id)) {
          takeTheRest();
          await inferring;
          await Promise.allSettled(onWorker);
          disk?.flush();
          send({ type: 'error', id: req.id, code: 'cancelled', message: 'cancelled' });
          return undefined;
        }
        handOut();
        const fromWorker = ready.shift();
        let k = fromWorker ? fromWorker.k : -1;
        while (k < 0 && back > 0) {
          const c = --back;
          if (!claims || claimForThread(claims, c)) k = c;
        }
        if (k < 0) {
          // Nothing to infer and nothing left to take: the rest is with the workers.
          if (onWorker.size === 0) throw new Error(`internal: ${batches.length - done} batches were lost between the featurisers`);
          await new Promise<void>((r) => { wake = r; });
          continue;
        }
        const idx = batches[k];
        const feeds = fromWorker?.feeds ? RankerSession.tensors(fromWorker.feeds) : session.prepare(textsOf(idx));
        if (fromWorker?.feeds) this.counts.workerBatches++; else this.counts.threadBatches++;
        await inferring;
        inferring = session.infer(feeds, idx.length).then((scores) => {
          this.counts.pairsScored += idx.length;
          for (let j = 0; j < idx.length; j++) {
            const i = idx[j];
            out[i] = scores[j];
            this.memory.set(keys[i], scores[j]);
            disk?.set(keys[i], scores[j]);
          }
        });
        inferring.catch(() => undefined); // handled where it is awaited; never an unhandled rejection meanwhile
        done++;
      }
      await inferring;
    } catch (e) {
      takeTheRest();
      await inferring?.catch(() => undefined);
      await Promise.allSettled(onWorker);
      throw e;
    }
    try { disk?.flush(); } catch (e) { this.diskProblem = (e as Error).message; this.disk = null; }
    return out;
  }
}

if (!process.send) {
  console.error('the SCAR engine runs as a child process of the extension or the `scar` command');
  process.exit(2);
}
const engine = new Engine();
process.on('message', (msg: EngineRequest) => {
  try {
    engine.handle(msg);
  } catch (e) {
    send({ type: 'error', id: (msg as { id?: number }).id ?? -1, code: 'internal', message: (e as Error).message });
  }
});
// The parent went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
