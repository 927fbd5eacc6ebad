// The ranker as the engine runs it: the TypeScript featuriser plus an onnxruntime-node InferenceSession
// (CPU). Loading checks the files first, so that a missing or corrupt model gets a message naming the file.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ort from 'onnxruntime-node';
import { loadFeaturiser } from '../core/featurise';
import type { Featuriser, ModelFeeds, PairScore } from '../core/types';
import type { PairText } from './protocol';

export const MODEL_FILE = 'ranker.onnx';
export const FEATURISER_FILE = 'featuriser.json';
const OUTPUTS = ['score', 'composition', 'presentation'] as const;

/** Thrown when the model or its featuriser configuration cannot be loaded; the message names the file. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
}

/** Default intra-op threads: the engine shares a small machine with its caller (the CLI parses while it infers). */
export function defaultThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores <= 2 ? 1 : Math.min(4, cores - 1);
}

export class RankerSession {
  private constructor(
    readonly modelDir: string,
    readonly featuriser: Featuriser,
    private readonly session: ort.InferenceSession,
    readonly loadMs: number,
  ) {}

  get modelId(): string { return this.featuriser.modelId; }

  static async load(modelDir: string, threads = defaultThreads()): Promise<RankerSession> {
    const t0 = performance.now();
    const dir = path.resolve(modelDir);
    const modelPath = path.join(dir, MODEL_FILE);
    const featPath = path.join(dir, FEATURISER_FILE);
    for (const [what, file] of [['ranker model', modelPath], ['featuriser configuration', featPath]] as const) {
      if (!fs.existsSync(file)) throw new ModelLoadError(`cannot load ${what} '${file}': the file does not exist`);
    }
    let featuriser: Featuriser;
    try {
      featuriser = loadFeaturiser(dir);
    } catch (e) {
      throw new ModelLoadError(`cannot load featuriser configuration '${featPath}': ${(e as Error).message}`);
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(modelPath, {
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        intraOpNumThreads: Math.max(1, threads),
        interOpNumThreads: 1,
        executionMode: 'sequential',
      });
    } catch (e) {
      throw new ModelLoadError(`cannot load ranker model '${modelPath}': ${firstLine((e as Error).message)}`);
    }
    const missing = OUTPUTS.filter((o) => !session.outputNames.includes(o));
    if (missing.length > 0) {
      await session.release().catch(() => undefined);
      throw new ModelLoadError(`cannot load ranker model '${modelPath}': it has no output ${missing.map((m) => `'${m}'`).join(', ')} (outputs: ${session.outputNames.join(', ')})`);
    }
    return new RankerSession(dir, featuriser, session, performance.now() - t0);
  }

  /** Turns one batch of pairs into the model's input tensors (CPU work on this thread). */
  prepare(pairs: ReadonlyArray<PairText>): Record<string, ort.Tensor> {
    return RankerSession.tensors(this.featuriser.featurise(pairs));
  }

  /** The featuriser's feeds (computed here or on a featurising worker) as onnxruntime tensors. */
  static tensors(feeds: ModelFeeds): Record<string, ort.Tensor> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    return ortFeeds;
  }

  /**
   * Runs the model on prepared inputs for `count` pairs. onnxruntime-node runs it off the JavaScript thread, so
   * the caller can prepare the next batch meanwhile.
   */
  async infer(feeds: Record<string, ort.Tensor>, count: number): Promise<PairScore[]> {
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds, OUTPUTS as unknown as string[]);
    } catch (e) {
      throw new Error(`the ranker model in '${this.modelDir}' failed on a batch of ${count} pairs: ${firstLine((e as Error).message)}`);
    }
    const [s, c, p] = OUTPUTS.map((name) => {
      const data = out[name].data as Float32Array;
      if (data.length !== count) throw new Error(`the ranker model in '${this.modelDir}' returned ${data.length} values of '${name}' for ${count} pairs`);
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

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? s;
  return line.trim();
}
