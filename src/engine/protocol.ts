// The messages between an EngineClient (extension host or CLI) and the engine child process, over the
// Node IPC channel. Every request carries an id; the engine answers each request once (a cancelled request
// gets a 'cancelled' error, which the client has usually stopped waiting for).
import type { ModelKind } from '../core/modelFolder';
import type { AdapterOptions, PairScore } from '../core/types';

/** A pair as the engine needs it: only the two texts are scored. */
export interface PairText {
  instruction: string;
  response: string;
}

/** The first message; the engine loads the model and answers with 'ready' or an 'init' error. */
export interface InitRequest {
  type: 'init';
  /** A model folder of either kind (src/core/modelFolder.ts): ranker.onnx + featuriser.json, or scar-model.json + tokenizer.json + its ONNX file. */
  modelDir: string;
  /** Folder of the persistent cache (SCAR_CACHE_DIR in the engine's environment overrides it); null: no
   *  persistent cache at all, memory only (--no-cache). */
  cacheDir: string | null;
  /** onnxruntime intra-op threads (default: 1 on a machine with 2 cores or fewer, else 2). */
  threads?: number;
  /**
   * Worker threads that featurise batches beside this thread while onnxruntime infers (default: 1 on a machine with 2
   * cores or fewer, else cores - 1, at most 3; 0: this thread alone). Without it, SCAR_FEATURISE_WORKERS in the
   * engine's environment says how many. Bundled rankers only.
   */
  featuriseWorkers?: number;
}

export interface ScoreRequest {
  type: 'score';
  id: number;
  pairs: PairText[];
  /** false: neither read nor write the persistent cache for this request (the memory cache still works). */
  persistentCache?: boolean;
  /** See ScoreLinesRequest.urgent. */
  urgent?: boolean;
}

/**
 * Scores JSON Lines lines as they are: the engine reads each line's pairs with the adapter options (src/core/linePairs)
 * and answers for each line, in order, what it turned out to be (packed: LineScores). The editor sends its lines this way, so that parsing them costs the
 * engine's heap and thread, not the extension host's.
 */
export interface ScoreLinesRequest {
  type: 'score-lines';
  id: number;
  lines: string[];
  /** 1-based line number of lines[0]; it labels the records read (a batch may skip lines, so it is a hint, not an address). */
  firstLine: number;
  adapter: AdapterOptions;
  persistentCache?: boolean;
  /**
   * Someone is waiting for it (the lines on screen, an edit): the engine serves it before queued requests that are
   * not urgent, and between two inference batches of one that is running, instead of after it.
   */
  urgent?: boolean;
}

/** LineScores.kinds values. */
export const LINE_BLANK = 0;
export const LINE_ERROR = 1;
export const LINE_SCORED = 2;

/**
 * The answer to a ScoreLinesRequest, packed: a few typed arrays instead of an object per line, so that the editor
 * receiving 100k lines' scores has next to nothing to garbage-collect.
 */
export interface LineScores {
  /** Per line: LINE_BLANK, LINE_ERROR or LINE_SCORED. */
  kinds: Uint8Array;
  /** Per line: how many pairs it yields (0 unless scored). */
  pairs: Uint32Array;
  /** Line i's mean score, composition and presentation at 3i, 3i+1 and 3i+2 (NaN unless scored). */
  values: Float64Array;
  /** [line index, why it yields no pair] of each LINE_ERROR line. */
  errors: Array<[number, string]>;
}

export interface CancelRequest {
  type: 'cancel';
  /** The id of the request to cancel. */
  target: number;
}

export interface StatsRequest {
  type: 'stats';
  id: number;
}

/** The environment variable that turns the engine's test hooks on (value '1'); EngineClient.probe sends them. */
export const ENGINE_PROBE_ENV = 'SCAR_ENGINE_TEST';

/** Test hook: the engine exits abruptly. Honoured only when SCAR_ENGINE_TEST=1 in its environment. */
export interface CrashRequest {
  type: 'crash';
  id: number;
  /** Wait this long first (to crash in the middle of other work). */
  afterMs?: number;
  /** 'workers': only the featurising worker threads end, abruptly; the engine goes on without them. */
  target?: 'engine' | 'workers';
}

/** Test hook (SCAR_ENGINE_TEST=1): make each inference batch take at least this long, to test cancellation. */
export interface SlowRequest {
  type: 'slow';
  id: number;
  batchDelayMs: number;
}

export type EngineRequest = InitRequest | ScoreRequest | ScoreLinesRequest | CancelRequest | StatsRequest | CrashRequest | SlowRequest;

export interface EngineStats {
  modelId: string;
  /** The model's display name (e.g. scar-lens-ranker-1.0, scar-gte-base) and kind. */
  modelName: string;
  modelKind: ModelKind;
  modelDir: string;
  /** Milliseconds to load the featuriser and create the ONNX session. */
  loadMs: number;
  /** Pairs the model actually ran on (cache misses). */
  pairsScored: number;
  /** Cache look-ups answered from memory or disk, and those that were not. */
  cacheHits: number;
  memoryHits: number;
  diskHits: number;
  cacheMisses: number;
  /** Entries held by the persistent cache (0 when there is none), and its file. */
  diskEntries: number;
  diskFile: string | null;
  /** Resident set size now and at its peak (VmHWM where the platform reports it), in bytes. */
  rss: number;
  peakRss: number;
  pid: number;
  /** Featurising worker threads running, and the batches they featurised (the rest: the engine's own thread). */
  featuriseWorkers: number;
  workerBatches: number;
  threadBatches: number;
  /** Urgent requests served between two batches of a running request that was not urgent. */
  urgentBetweenBatches: number;
}

/** What the engine says once its model is loaded. */
export interface ReadyInfo {
  /** Part of every cache key (name plus a hash of the model's files). */
  modelId: string;
  /** What to tell the user scored a file. */
  modelName: string;
  modelKind: ModelKind;
  /** false: the model reports only the score (composition and presentation are NaN). */
  hasComponents: boolean;
  loadMs: number;
  pid: number;
}

export type ErrorCode = 'cancelled' | 'model' | 'bad-request' | 'internal';

export type EngineMessage =
  | { type: 'ready' } & ReadyInfo
  | { type: 'init-error'; message: string }
  | { type: 'scores'; id: number; scores: PairScore[] }
  | { type: 'line-scores'; id: number; scores: LineScores }
  | { type: 'stats'; id: number; stats: EngineStats }
  | { type: 'ok'; id: number }
  | { type: 'error'; id: number; code: ErrorCode; message: string };

/**
 * Pairs per inference call of the bundled ranker. 32, not 64: ranker 2.0 reads up to 512 response tokens and 4,096
 * n-grams a pair, and onnxruntime's memory arena grows to the largest batch it has run; at 32 the engine's peak RSS
 * on 100k pairs was 20-35 MB lower, at the same speed (bench/score.bench.js (d)).
 */
export const INFERENCE_BATCH = 32;
