// The ranker as the engine runs it: the TypeScript featuriser plus an onnxruntime-node InferenceSession
// (CPU). Loading checks the files first, so that a missing or corrupt model gets a message naming the file.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { loadFeaturiser } from '../core/featurise';
import type { Featuriser, ModelFeeds, PairScore } from '../core/types';
import { BUNDLED_FEATURISER_FILE, BUNDLED_MODEL_FILE, ModelFolderError, inspectModelFolder, type ModelKind } from '../core/modelFolder';
import { lengthOrder } from './batchOrder';
import { OfficialSession } from './officialSession';
import { INFERENCE_BATCH, type PairText } from './protocol';
import { t } from '../core/l10n';

const OUTPUTS = ['score', 'composition', 'presentation'] as const;

/**
 * A loaded model of either kind, as the engine drives it: pairs -> prepared inputs -> inference (onnxruntime, also on
 * the engine's thread: see RankerSession.infer). The engine scores a request's cache misses in the order `order`
 * gives, in batches of `batchSize`.
 */
export interface Ranker {
  readonly kind: ModelKind;
  /** Part of every cache key: two models never share scores. */
  readonly modelId: string;
  /** What the user is told scored the file, e.g. "scar-lens-ranker-1.0" or "scar-gte-base". */
  readonly modelName: string;
  readonly modelDir: string;
  readonly loadMs: number;
  /** Pairs per inference call. */
  readonly batchSize: number;
  /** Whether the model reports the composition and presentation parts of its score (NaN otherwise). */
  readonly hasComponents: boolean;
  /** The order in which to run these pairs (indexes into them): by length, to limit padding (batchOrder.ts). */
  order(pairs: ReadonlyArray<PairText>): number[];
  prepare(pairs: ReadonlyArray<PairText>): Record<string, ort.Tensor>;
  infer(feeds: Record<string, ort.Tensor>, count: number): Promise<PairScore[]>;
  run(pairs: ReadonlyArray<PairText>): Promise<PairScore[]>;
  release(): Promise<void>;
}

/** Loads the model in `modelDir`, whichever its kind (told from its files); a ModelLoadError names what is wrong. */
export async function loadRanker(modelDir: string, threads = defaultThreads()): Promise<Ranker> {
  let folder;
  try {
    folder = inspectModelFolder(modelDir);
  } catch (e) {
    if (e instanceof ModelFolderError) throw new ModelLoadError(e.message);
    throw e;
  }
  if (folder.kind === 'official') {
    return OfficialSession.load(folder, threads);
  }
  return RankerSession.load(folder.dir, threads);
}

/** onnxruntime session options shared by both kinds. */
export function sessionOptions(threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: Math.max(1, threads),
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // Batches change shape (their longest text sets the width), so a memory pattern planned for one batch rarely
    // fits the next, and keeping them raised the engine's peak RSS by about 20 MB (score bench (d), 100k pairs).
    enableMemPattern: false,
  };
}

/** Thrown when the model or its featuriser configuration cannot be loaded; the message names the file. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

/** Default intra-op threads: the engine shares a small machine with its caller (the CLI parses while it infers). */
export function defaultThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores <= 2 ? 1 : Math.min(4, cores - 1);
}

export class RankerSession implements Ranker {
  readonly kind = 'bundled' as const;
  readonly batchSize = INFERENCE_BATCH;
  readonly hasComponents = true;

  private constructor(
    readonly modelDir: string,
    readonly featuriser: Featuriser,
    private readonly session: ort.InferenceSession,
    readonly loadMs: number,
  ) {}

  get modelId(): string { return this.featuriser.modelId; }
  /** The featuriser's version, e.g. scar-lens-ranker-1.0 (modelId adds a hash of the files). */
  get modelName(): string { return this.featuriser.modelId.split(':')[0]; }

  static async load(modelDir: string, threads = defaultThreads()): Promise<RankerSession> {
    const t0 = performance.now();
    const dir = path.resolve(modelDir);
    const modelPath = path.join(dir, BUNDLED_MODEL_FILE);
    const featPath = path.join(dir, BUNDLED_FEATURISER_FILE);
    if (!fs.existsSync(modelPath)) throw new ModelLoadError(t("cannot load ranker model '{0}': the file does not exist", modelPath));
    if (!fs.existsSync(featPath)) throw new ModelLoadError(t("cannot load featuriser configuration '{0}': the file does not exist", featPath));
    let featuriser: Featuriser;
    try {
      featuriser = loadFeaturiser(dir);
    } catch (e) {
      throw new ModelLoadError(t("cannot load featuriser configuration '{0}': {1}", featPath, (e as Error).message));
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, sessionOptions(threads));
    } catch (e) {
      throw new ModelLoadError(t("cannot load ranker model '{0}': {1}", modelPath, firstLine((e as Error).message)));
    }
    const missing = OUTPUTS.filter((o) => !session.outputNames.includes(o));
    if (missing.length > 0) {
      await session.release().catch(() => undefined);
      throw new ModelLoadError(t("cannot load ranker model '{0}': it has no output {1} (outputs: {2})", modelPath, missing.map((m) => `'${m}'`).join(', '), session.outputNames.join(', ')));
    }
    return new RankerSession(dir, featuriser, session, performance.now() - t0);
  }

  /** Shortest first (batchOrder.ts): each batch pads its token rows to a length near its own. */
  order(pairs: ReadonlyArray<PairText>): number[] {
    return lengthOrder(pairs);
  }

  /** Turns one batch of pairs into the model's input tensors (CPU work on this thread). */
  prepare(pairs: ReadonlyArray<PairText>): Record<string, ort.Tensor> {
    return RankerSession.tensors(this.featuriser.featurise(pairs));
  }

  /** The featuriser's feeds (computed on this thread or on a featurising worker) as onnxruntime tensors. */
  static tensors(feeds: ModelFeeds): Record<string, ort.Tensor> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, f] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(f.type, f.data, f.dims);
    return ortFeeds;
  }

  /**
   * Runs the model on prepared inputs for `count` pairs. onnxruntime-node 1.30 defers the run with a setImmediate
   * and then runs it synchronously on this thread: the promise lets a caller queue work, not run it meanwhile
   * (main.ts shares the featurising with worker threads for that).
   */
  async infer(feeds: Record<string, ort.Tensor>, count: number): Promise<PairScore[]> {
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds, OUTPUTS as unknown as string[]);
    } catch (e) {
      throw new Error(t("the ranker model in '{0}' failed on a batch of {1} pairs: {2}", this.modelDir, count, firstLine((e as Error).message)));
    }
    const [s, c, p] = OUTPUTS.map((name) => {
      const data = out[name].data as Float32Array;
      if (data.length !== count) throw new Error(t("the ranker model in '{0}' returned {1} values of '{2}' for {3} pairs", this.modelDir, data.length, name, count));
      return data;
    });
    const scores: PairScore[] = new Array(count);
    for (let i = 0; i < count; i++) scores[i] = { score: s[i], composition: c[i], presentation: p[i] };
    return scores;
  }

  /** Scores one batch: prepare() then infer(). */
  async run(pairs: ReadonlyArray<PairText>): Promise<PairScore[]> {
    if (pairs.length === 0) return [];
    return this.infer(this.prepare(pairs), pairs.length);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

export function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? s;
  return line.trim();
}
