// Text to model inputs, in exactly one implementation. The engine feeds these tensors to models/ranker.onnx,
// and training/dump-features.js dumps what this code produces for training, so the two can never drift.
//
// Feeds (int32 ids, 0 = padding; every sequence is padded to the longest in the batch, at least 1):
//   instruction_ids        [B, Li]  vocabulary ids of the instruction (its first and last maxInstructionTokens/2 tokens)
//   response_ids           [B, Lr]  vocabulary ids of the response's first maxResponseTokens tokens
//   response_ngrams        [B, Ln]  a fastText-style bag over those tokens: hashed word unigrams and bigrams, then
//                                   character n-grams of each word (with space boundaries), at most maxNgrams
//   presentation_features  [B, P]   normalised handcrafted presentation signals (style.ts)
//   composition_features   [B, C]   normalised handcrafted instruction-response signals (style.ts)
// Ids: 1..V are the words of the vocabulary file (line n -> id n), V+1..V+oovBuckets hashed unknown words.

import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { analyseText, compositionVector, COMPOSITION_FEATURES, presentationVector, PRESENTATION_FEATURES, TextStats } from './style';
import { countTokens, hashPair, hashString } from './tokenise';
import { grownTo } from './typedArrays';
import type { Featuriser, ModelFeeds } from './types';
import { BUNDLED_FEATURISER_FILE, BUNDLED_MODEL_FILE } from './modelFolder';
import { ExternalDataScanner } from './onnxExternalData';

/** The featuriser's configuration, as stored in models/featuriser.json. */
export interface FeaturiserConfig {
  format: 'scar-lens-featuriser';
  /** Version id of the model + featuriser; the first part of `modelId`. */
  version: string;
  /** The vocabulary file, one word per line, relative to the model folder. */
  vocabFile: string;
  oovBuckets: number;
  ngramBuckets: number;
  /** Character n-gram sizes of the bag, inclusive (e.g. 3..5); 0..0 for none. */
  charNgramMin: number;
  charNgramMax: number;
  /** The most ids `response_ngrams` holds per row. */
  maxNgrams: number;
  maxInstructionTokens: number;
  maxResponseTokens: number;
  /** How many tokens of a text the handcrafted statistics read (formatting lines are always read in full). */
  maxAnalysisTokens: number;
  presentationFeatures: string[];
  compositionFeatures: string[];
  presentationNorm: { mean: number[]; std: number[] };
  compositionNorm: { mean: number[]; std: number[] };
}

/** The default number of response tokens the bundled ranker reads; the loaded config is authoritative. */
export const DEFAULT_MAX_RESPONSE_TOKENS = 512;
/** Distinct tokens a featuriser remembers (id, hash, character n-grams) before it starts afresh. */
const TOKEN_MEMO_ENTRIES = 200_000;

/**
 * A numbered-variant label at the end of an instruction, as generated data sets append them: " (variant 1)",
 * " (2)", " [v3]", " (copy 2)", " (sample #4)". It says nothing about the instruction, so the featuriser drops it.
 */
const VARIANT_LABEL = /\s*[([]\s*(?:variant|version|copy|sample|example|v|no\.?|#)?\s*#?\s*\d{1,6}\s*[)\]]\s*$/i;

/** The instruction as the featuriser reads it: trimmed, and without a trailing numbered-variant label. */
export function canonicalInstruction(instruction: string): string {
  const t = instruction.trim();
  const m = VARIANT_LABEL.exec(t);
  return m && m.index > 0 ? t.slice(0, m.index) : t;
}

/** Normalised features are clipped to +-this, so an absurd input cannot dominate a score. */
export const FEATURE_CLIP = 8;

export const INPUT_NAMES = ['instruction_ids', 'response_ids', 'response_ngrams', 'presentation_features', 'composition_features'] as const;
export const OUTPUT_NAMES = ['score', 'composition', 'presentation'] as const;

/** A featuriser with its configuration and token accounting exposed. */
export interface LoadedFeaturiser extends Featuriser {
  readonly config: FeaturiserConfig;
  readonly vocabSize: number;
  /** How many response tokens the model reads; longer responses are truncated. */
  readonly maxResponseTokens: number;
  /** The response's token count, counted up to maxResponseTokens + 1 (so `> maxResponseTokens` means truncated). */
  responseTokens(response: string): number;
  /** True when the model reads only the first maxResponseTokens tokens of the response. */
  isTruncated(response: string): boolean;
  /** The raw (unnormalised) handcrafted features of one pair, for training baselines and inspection. */
  rawFeatures(pair: { instruction: string; response: string }): { presentation: Float32Array; composition: Float32Array };
}

/** Tokens of `response`, counted up to `limit + 1`: what engineer-facing hygiene checks use to report truncation. */
export function countResponseTokens(response: string, limit = DEFAULT_MAX_RESPONSE_TOKENS): number {
  return countTokens(response, limit + 1);
}

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what}`);
}

/** Checks a parsed featuriser.json against what this code computes. Throws naming the file and the field. */
export function validateConfig(raw: unknown, file = BUNDLED_FEATURISER_FILE): FeaturiserConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(file, 'expected a JSON object');
  const c = raw as Record<string, unknown>;
  if (c.format !== 'scar-lens-featuriser') fail(file, `field "format" must be "scar-lens-featuriser", got ${JSON.stringify(c.format)}`);
  if (typeof c.version !== 'string' || c.version === '') fail(file, 'field "version" must be a non-empty string');
  if (typeof c.vocabFile !== 'string' || c.vocabFile === '') fail(file, 'field "vocabFile" must be a file name');
  for (const k of ['oovBuckets', 'ngramBuckets', 'maxNgrams', 'maxInstructionTokens', 'maxResponseTokens', 'maxAnalysisTokens']) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(file, `field "${k}" must be a positive integer, got ${JSON.stringify(v)}`);
  }
  for (const k of ['charNgramMin', 'charNgramMax']) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 16) fail(file, `field "${k}" must be an integer from 0 to 16, got ${JSON.stringify(v)}`);
  }
  if ((c.charNgramMin as number) > (c.charNgramMax as number)) fail(file, 'field "charNgramMin" is larger than "charNgramMax"');
  const checkNames = (key: string, expected: readonly string[]): void => {
    const v = c[key];
    if (!Array.isArray(v)) fail(file, `field "${key}" must be a list of feature names`);
    if (v.length !== expected.length || v.some((n, i) => n !== expected[i])) {
      const i = expected.findIndex((n, j) => v[j] !== n);
      fail(file, `field "${key}" does not match this featuriser (at ${i}: file has ${JSON.stringify(v[i])}, code computes ${JSON.stringify(expected[i])}); ` +
        'the model was built for another version of SCAR Lens');
    }
  };
  checkNames('presentationFeatures', PRESENTATION_FEATURES);
  checkNames('compositionFeatures', COMPOSITION_FEATURES);
  const checkNorm = (key: string, n: number): void => {
    const v = c[key] as { mean?: unknown; std?: unknown } | undefined;
    const ok = (a: unknown): boolean => Array.isArray(a) && a.length === n && a.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (typeof v !== 'object' || v === null || !ok(v.mean) || !ok(v.std)) fail(file, `field "${key}" must hold "mean" and "std", ${n} finite numbers each`);
    if ((v.std as number[]).some((x) => x <= 0)) fail(file, `field "${key}.std" must be positive`);
  };
  checkNorm('presentationNorm', PRESENTATION_FEATURES.length);
  checkNorm('compositionNorm', COMPOSITION_FEATURES.length);
  return c as unknown as FeaturiserConfig;
}

/** Parses a vocabulary file: one word per line; the line number is the id. Duplicates are an error. */
export function parseVocab(text: string, file = 'vocab.txt'): string[] {
  const words = text.split('\n');
  if (words.length > 0 && words[words.length - 1] === '') words.pop();
  const seen = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    // The newline and indentation tokens are written as the escapes "\n" and "\t" (one word per line, no tabs).
    if (words[i] === '\\n') words[i] = '\n';
    else if (words[i] === '\\t') words[i] = '\t';
    if (words[i] === '') fail(file, `line ${i + 1} is empty`);
    if (seen.has(words[i])) fail(file, `line ${i + 1}: duplicate word ${JSON.stringify(words[i])}`);
    seen.add(words[i]);
  }
  return words;
}

/** Writes a vocabulary list in the form parseVocab reads. */
export function formatVocab(words: readonly string[]): string {
  return words.map((w) => (w === '\n' ? '\\n' : w === '\t' ? '\\t' : w)).join('\n') + '\n';
}

/** Builds a featuriser from a configuration and a vocabulary (no I/O). */
export function createFeaturiser(config: FeaturiserConfig, vocab: readonly string[], modelId = config.version, memoEntries = TOKEN_MEMO_ENTRIES): LoadedFeaturiser {
  const ids = new Map<string, number>();
  for (let i = 0; i < vocab.length; i++) ids.set(vocab[i], i + 1);
  const V = vocab.length;
  const { oovBuckets, ngramBuckets, maxNgrams, charNgramMin, charNgramMax, maxInstructionTokens, maxResponseTokens, maxAnalysisTokens } = config;
  const P = PRESENTATION_FEATURES.length;
  const C = COMPOSITION_FEATURES.length;
  const pMean = Float32Array.from(config.presentationNorm.mean);
  const pInv = Float32Array.from(config.presentationNorm.std, (s) => 1 / s);
  const cMean = Float32Array.from(config.compositionNorm.mean);
  const cInv = Float32Array.from(config.compositionNorm.std, (s) => 1 / s);
  const headInst = Math.ceil(maxInstructionTokens / 2);
  const scratch = new Int32Array(maxNgrams);
  let slotScratch = new Int32Array(1024);

  const idOf = (tok: string): number => ids.get(tok) ?? V + 1 + (hashString(tok, 0x5ca7) % oovBuckets);

  /**
   * What the inputs need of a token, computed once per distinct token and kept (a bounded memo: the same words
   * recur in every text): its id, its word hash for the n-gram bag, and its character n-gram ids. The memo maps a
   * token to a slot; a slot's values live in typed arrays, and every slot's character n-grams in one pool, so a
   * token costs its Map entry and about 16 bytes plus 4 per n-gram: 31 MB held at 192,000 distinct tokens, where an
   * object and an Int32Array per token held 68 MB. Full, it starts afresh, between two pairs only (a pair's
   * slots must stay valid while its row is built).
   */
  const memo = new Map<string, number>();
  let slotCap = 4096;
  let slotId = new Int32Array(slotCap);
  let slotHash = new Uint32Array(slotCap);
  let slotGramStart = new Int32Array(slotCap);
  let slotGramEnd = new Int32Array(slotCap);
  let gramPool = new Int32Array(1 << 16);
  let gramUsed = 0;

  /** Appends the character n-grams of a word token to the pool, with a space on either side (as scikit-learn's char_wb). */
  const addCharNgrams = (tok: string): void => {
    const c0 = tok.charCodeAt(0);
    const isWord = (c0 >= 0x61 && c0 <= 0x7a) || (c0 >= 0x30 && c0 <= 0x39) || (c0 === 0x27 && tok.length > 1) || c0 >= 0x80;
    if (!isWord || charNgramMax === 0) return;
    const L = Math.min(tok.length, 24) + 2;
    let count = 0;
    for (let size = charNgramMin; size <= charNgramMax; size++) count += Math.max(0, L - size + 1);
    if (gramUsed + count > gramPool.length) gramPool = grownTo(gramPool, Math.max(gramPool.length * 2, gramUsed + count));
    for (let size = charNgramMin; size <= charNgramMax; size++) {
      for (let s = 0; s + size <= L; s++) {
        let h = (0x811c9dc5 ^ (size * 0x3b1)) >>> 0;
        for (let k = s; k < s + size; k++) {
          h ^= k === 0 || k === L - 1 ? 0x20 : tok.charCodeAt(k - 1);
          h = Math.imul(h, 0x01000193);
        }
        gramPool[gramUsed++] = 1 + ((h >>> 0) % ngramBuckets);
      }
    }
  };

  /** The memo slot of a token (see above). */
  const slotOf = (tok: string): number => {
    let t = memo.get(tok);
    if (t === undefined) {
      t = memo.size;
      if (t >= slotCap) {
        slotCap *= 2;
        slotId = grownTo(slotId, slotCap);
        slotHash = grownTo(slotHash, slotCap);
        slotGramStart = grownTo(slotGramStart, slotCap);
        slotGramEnd = grownTo(slotGramEnd, slotCap);
      }
      slotId[t] = idOf(tok);
      slotHash[t] = hashString(tok, 0x9a11);
      slotGramStart[t] = gramUsed;
      addCharNgrams(tok);
      slotGramEnd[t] = gramUsed;
      memo.set(tok, t);
    }
    return t;
  };

  /** The id of a token. slotOf first: it may grow the slot arrays, and `slotId[slotOf(tok)]` would read the old one. */
  const tokenId = (tok: string): number => {
    const t = slotOf(tok);
    return slotId[t];
  };

  /** Instruction ids: all tokens when they fit, else the first half and the last half of the budget. */
  const instructionIds = (st: TextStats): number[] => {
    const t = st.tokens;
    const out: number[] = [];
    if (t.length <= maxInstructionTokens) {
      for (const tok of t) out.push(tokenId(tok));
    } else {
      for (let i = 0; i < headInst; i++) out.push(tokenId(t[i]));
      for (let i = t.length - (maxInstructionTokens - headInst); i < t.length; i++) out.push(tokenId(t[i]));
    }
    return out;
  };

  // Leading and trailing whitespace is no part of a text's style: a final line break or trailing spaces change no
  // input (the stability property test holds the score to that).
  const analyse = (text: string): TextStats => analyseText(text.trim(), maxAnalysisTokens);

  const normalise = (v: Float32Array, off: number, n: number, mean: Float32Array, inv: Float32Array): void => {
    for (let i = 0; i < n; i++) {
      let x = (v[off + i] - mean[i]) * inv[i];
      if (!(x > -FEATURE_CLIP)) x = Number.isNaN(x) ? 0 : -FEATURE_CLIP;
      else if (x > FEATURE_CLIP) x = FEATURE_CLIP;
      v[off + i] = x;
    }
  };

  const featurise = (pairs: ReadonlyArray<{ instruction: string; response: string }>): ModelFeeds => {
    const B = pairs.length;
    const instIds: number[][] = [];
    const respIds: number[][] = [];
    const grams: Int32Array[] = [];
    const pres = new Float32Array(B * P);
    const comp = new Float32Array(B * C);
    let Li = 1;
    let Lr = 1;
    let Ln = 1;
    for (let b = 0; b < B; b++) {
      if (memo.size >= memoEntries) {
        memo.clear();
        gramUsed = 0;
      }
      const inst = analyse(canonicalInstruction(pairs[b].instruction));
      const resp = analyse(pairs[b].response);
      const ii = instructionIds(inst);
      const n = Math.min(resp.tokens.length, maxResponseTokens);
      const ri = new Array<number>(n);
      const slots = slotScratch.length >= n ? slotScratch : (slotScratch = new Int32Array(n));
      const g = scratch;
      let gn = 0;
      let prev = 0;
      for (let i = 0; i < n; i++) {
        const t = slotOf(resp.tokens[i]);
        slots[i] = t;
        ri[i] = slotId[t];
        const h = slotHash[t];
        if (gn < maxNgrams) g[gn++] = 1 + (h % ngramBuckets);
        if (i > 0 && gn < maxNgrams) g[gn++] = 1 + (hashPair(prev, h) % ngramBuckets);
        prev = h;
      }
      for (let i = 0; i < n && gn < maxNgrams; i++) {
        const t = slots[i];
        const end = Math.min(slotGramEnd[t], slotGramStart[t] + maxNgrams - gn);
        for (let k = slotGramStart[t]; k < end; k++) g[gn++] = gramPool[k];
      }
      presentationVector(resp, pres, b * P);
      compositionVector(inst, resp, comp, b * C);
      normalise(pres, b * P, P, pMean, pInv);
      normalise(comp, b * C, C, cMean, cInv);
      instIds.push(ii);
      respIds.push(ri);
      grams.push(g.slice(0, gn));
      if (ii.length > Li) Li = ii.length;
      if (ri.length > Lr) Lr = ri.length;
      if (gn > Ln) Ln = gn;
    }
    const pack = (rows: ArrayLike<number>[], L: number): Int32Array => {
      const out = new Int32Array(B * L);
      for (let b = 0; b < B; b++) out.set(rows[b] as ArrayLike<number>, b * L);
      return out;
    };
    return {
      instruction_ids: { type: 'int32', dims: [B, Li], data: pack(instIds, Li) },
      response_ids: { type: 'int32', dims: [B, Lr], data: pack(respIds, Lr) },
      response_ngrams: { type: 'int32', dims: [B, Ln], data: pack(grams, Ln) },
      presentation_features: { type: 'float32', dims: [B, P], data: pres },
      composition_features: { type: 'float32', dims: [B, C], data: comp },
    };
  };

  return {
    modelId,
    config,
    vocabSize: V,
    maxResponseTokens,
    featurise,
    responseTokens: (response) => countTokens(response.trim(), maxResponseTokens + 1),
    isTruncated: (response) => countTokens(response.trim(), maxResponseTokens + 1) > maxResponseTokens,
    rawFeatures: (pair) => {
      const inst = analyse(canonicalInstruction(pair.instruction));
      const resp = analyse(pair.response);
      const presentation = new Float32Array(P);
      const composition = new Float32Array(C);
      presentationVector(resp, presentation, 0);
      compositionVector(inst, resp, composition, 0);
      return { presentation, composition };
    },
  };
}

function readFileOrExplain(file: string, what: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file}: ${what} not found` : `${file}: cannot read ${what} (${(e as Error).message})`);
  }
}

/** A model folder's featuriser.json and vocabulary, read and checked, with their bytes (for the model id). */
interface FeaturiserFiles {
  readonly config: FeaturiserConfig;
  readonly vocab: string[];
  readonly configBytes: Uint8Array;
  readonly vocabBytes: Uint8Array;
}

/** Reads featuriser.json and its vocabulary from `modelDir`; throws an Error naming the file when one is missing or invalid. */
function readFeaturiserFiles(modelDir: string): FeaturiserFiles {
  const configFile = path.join(modelDir, BUNDLED_FEATURISER_FILE);
  const configBytes = readFileOrExplain(configFile, 'featuriser configuration');
  let raw: unknown;
  try {
    raw = JSON.parse(configBytes.toString('utf8'));
  } catch (e) {
    throw new Error(`${configFile}: not valid JSON (${(e as Error).message})`);
  }
  const config = validateConfig(raw, configFile);
  const vocabPath = path.join(modelDir, config.vocabFile);
  const vocabBytes = readFileOrExplain(vocabPath, 'vocabulary');
  const vocab = parseVocab(vocabBytes.toString('utf8'), vocabPath);
  return { config, vocab, configBytes, vocabBytes };
}

/**
 * Loads the featuriser of the model in `modelDir` (featuriser.json + its vocabulary). Its model id is the config's
 * version plus a hash of featuriser.json, the vocabulary, ranker.onnx (when present) and the external data files
 * ranker.onnx keeps its weights in (the bundled one: ranker.onnx.data), so a retrained model never shares cache
 * entries with the old one; a caller that has the id already (the engine's featurising worker) passes
 * it as `modelId`, and nothing is hashed. Throws an Error naming the file for a missing or invalid file.
 */
export function loadFeaturiser(modelDir: string, modelId?: string): LoadedFeaturiser {
  const files = readFeaturiserFiles(modelDir);
  if (modelId === undefined) {
    const hash = crypto.createHash('sha256').update(files.configBytes).update(files.vocabBytes);
    const onnxPath = path.join(modelDir, BUNDLED_MODEL_FILE);
    if (fs.existsSync(onnxPath)) {
      const scanner = new ExternalDataScanner();
      hashFile(hash, onnxPath, scanner);
      for (const name of scanner.locations) {
        const file = fileInFolder(modelDir, name);
        if (file !== undefined) hashFile(hash, file);
      }
    }
    modelId = `${files.config.version}:${hash.digest('hex').slice(0, 16)}`;
  }
  return createFeaturiser(files.config, files.vocab, modelId);
}

/** Bytes read at a time by hashFile. */
const HASH_CHUNK = 1 << 20;

/**
 * Feeds a file to `hash` a chunk at a time through one buffer. Reading a 16.8 MB ranker.onnx whole into a fresh
 * buffer cost about 50 ms in a new process (its pages are touched for the first time), more than hashing it.
 */
function hashFile(hash: crypto.Hash, file: string, scanner?: ExternalDataScanner): void {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(HASH_CHUNK);
    for (let n; (n = fs.readSync(fd, buf, 0, HASH_CHUNK, null)) > 0;) {
      hash.update(buf.subarray(0, n));
      scanner?.push(buf.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * `name` (an external data location) as a path, when it names a file inside `dir`; otherwise undefined (onnxruntime
 * refuses a location outside the model's folder, and a name that is no file is a chance match or a missing file,
 * which onnxruntime reports when it loads the model).
 */
function fileInFolder(dir: string, name: string): string | undefined {
  const root = path.resolve(dir);
  const file = path.resolve(root, name);
  const rel = path.relative(root, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  try {
    return fs.statSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}
