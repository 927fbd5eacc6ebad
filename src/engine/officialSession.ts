// An official SCAR ranker (scar-gte-base, scar-gte-large, scar-roberta-base, ...) exported to ONNX by
// training/export_official_scar.py: the model's own tokenizer (tokenizer.json, read by @huggingface/tokenizers from the
// folder; nothing is fetched) turns each text into token ids, truncated to maxLength (512) as SCAR does; the graph
// runs the encoder once over the instruction and once over the answer, then SCAR's heads, and outputs `score`
// (and `composition`/`presentation` when the export exposes them).
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { OFFICIAL_INPUTS, OFFICIAL_SCORE_OUTPUT, type ModelFolder } from '../core/modelFolder';
import type { PairScore } from '../core/types';
import { lengthOrder } from './batchOrder';
import type { PairText } from './protocol';
import { ModelLoadError, firstLine, sessionOptions, type Ranker } from './session';
import { t } from '../core/l10n';

type OfficialFolder = Extract<ModelFolder, { kind: 'official' }>;

/** Pairs per inference call: an encoder of BERT-base size runs best in small batches of similar lengths. */
export const OFFICIAL_BATCH = 16;

/** Token ids of one text, truncated like Hugging Face's tokenizers do for one sequence (specials kept). */
export class TruncatingTokenizer {
  private constructor(private readonly tokenizer: Tokenizer, readonly maxLength: number) {}

  /** Reads tokenizer.json (and tokenizer_config.json when there is one); the error names the file. */
  static load(tokenizerFile: string, configFile: string | undefined, maxLength: number): TruncatingTokenizer {
    const read = (file: string): object => {
      try {
        const v = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(t('expected a JSON object'));
        return v;
      } catch (e) {
        throw new ModelLoadError(t("cannot load the tokenizer '{0}': {1}", file, firstLine((e as Error).message)));
      }
    };
    const json = read(tokenizerFile) as { model?: { type?: unknown } };
    if (typeof json.model !== 'object' || json.model === null) throw new ModelLoadError(t('cannot load the tokenizer \'{0}\': it has no "model" (not a Hugging Face tokenizer.json)', tokenizerFile));
    const config = configFile ? read(configFile) : {};
    let tokenizer: Tokenizer;
    try {
      tokenizer = new Tokenizer(json, config);
      tokenizer.encode('a');
    } catch (e) {
      throw new ModelLoadError(t("cannot load the tokenizer '{0}': {1}", tokenizerFile, firstLine((e as Error).message)));
    }
    return new TruncatingTokenizer(tokenizer, maxLength);
  }

  /**
   * The ids of `text` with the model's special tokens, at most maxLength of them: a longer text keeps its first
   * maxLength - (special tokens) tokens, then the special tokens are added, as `truncation=True, max_length=512` does.
   */
  encode(text: string): number[] {
    const full = this.tokenizer.encode(text).ids;
    if (full.length <= this.maxLength) return full;
    const body = this.tokenizer.encode(text, { add_special_tokens: false }).ids;
    const specials = full.length - body.length;
    // Where the text's tokens start among the special ones (after [CLS] or <s>, for example).
    let at = -1;
    for (let k = 0; k <= specials && at < 0; k++) {
      let i = 0;
      while (i < body.length && full[k + i] === body[i]) i++;
      if (i === body.length) at = k;
    }
    if (at < 0) throw new Error(t('the tokenizer adds special tokens inside the text; cannot truncate it'));
    const keep = Math.max(0, this.maxLength - specials);
    return [...full.slice(0, at), ...body.slice(0, keep), ...full.slice(at + body.length)];
  }
}

export class OfficialSession implements Ranker {
  readonly kind = 'official' as const;
  readonly batchSize = OFFICIAL_BATCH;

  private constructor(
    readonly modelDir: string,
    readonly modelId: string,
    readonly modelName: string,
    private readonly tokenizer: TruncatingTokenizer,
    private readonly padId: number,
    private readonly session: ort.InferenceSession,
    readonly hasComponents: boolean,
    readonly loadMs: number,
  ) {}

  static async load(folder: OfficialFolder, threads: number): Promise<OfficialSession> {
    const t0 = performance.now();
    const { meta } = folder;
    const tokenizer = TruncatingTokenizer.load(folder.tokenizer, folder.tokenizerConfig, meta.maxLength);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(folder.onnx, sessionOptions(threads));
    } catch (e) {
      throw new ModelLoadError(t("cannot load the ONNX model '{0}': {1}", folder.onnx, firstLine((e as Error).message)));
    }
    const missingIn = OFFICIAL_INPUTS.filter((i) => !session.inputNames.includes(i));
    const problem = missingIn.length > 0
      ? `it has no input ${missingIn.map((m) => `'${m}'`).join(', ')} (inputs: ${session.inputNames.join(', ')})`
      : !session.outputNames.includes(OFFICIAL_SCORE_OUTPUT) ? `it has no output '${OFFICIAL_SCORE_OUTPUT}' (outputs: ${session.outputNames.join(', ')})` : undefined;
    if (problem) {
      await session.release().catch(() => undefined);
      throw new ModelLoadError(t("cannot load the ONNX model '{0}': {1}", folder.onnx, problem));
    }
    const hasComponents = session.outputNames.includes('composition') && session.outputNames.includes('presentation');
    return new OfficialSession(folder.dir, officialModelId(folder), meta.name, tokenizer, meta.padTokenId, session, hasComponents, performance.now() - t0);
  }

  /** Shortest first (batchOrder.ts): batches of similar lengths need little padding. */
  order(pairs: ReadonlyArray<PairText>): number[] {
    return lengthOrder(pairs);
  }

  /** Token ids of both texts of each pair, padded to the longest of the batch, with their attention masks. */
  prepare(pairs: ReadonlyArray<PairText>): Record<string, ort.Tensor> {
    const side = (texts: string[]): [ort.Tensor, ort.Tensor] => {
      const seqs = texts.map((t) => this.tokenizer.encode(t));
      const len = Math.max(1, ...seqs.map((s) => s.length));
      const ids = new BigInt64Array(seqs.length * len).fill(BigInt(this.padId));
      const mask = new BigInt64Array(seqs.length * len);
      seqs.forEach((s, r) => { for (let j = 0; j < s.length; j++) { ids[r * len + j] = BigInt(s[j]); mask[r * len + j] = 1n; } });
      return [new ort.Tensor('int64', ids, [seqs.length, len]), new ort.Tensor('int64', mask, [seqs.length, len])];
    };
    const [iIds, iMask] = side(pairs.map((p) => p.instruction));
    const [aIds, aMask] = side(pairs.map((p) => p.response));
    return { instruction_input_ids: iIds, instruction_attention_mask: iMask, answer_input_ids: aIds, answer_attention_mask: aMask };
  }

  async infer(feeds: Record<string, ort.Tensor>, count: number): Promise<PairScore[]> {
    const outputs = this.hasComponents ? [OFFICIAL_SCORE_OUTPUT, 'composition', 'presentation'] : [OFFICIAL_SCORE_OUTPUT];
    let out: ort.InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(feeds, outputs);
    } catch (e) {
      throw new Error(t("the model in '{0}' failed on a batch of {1} pairs: {2}", this.modelDir, count, firstLine((e as Error).message)));
    }
    const values = outputs.map((name) => {
      const data = out[name].data as Float32Array;
      if (data.length !== count) throw new Error(t("the model in '{0}' returned {1} values of '{2}' for {3} pairs", this.modelDir, data.length, name, count));
      return data;
    });
    const scores: PairScore[] = new Array(count);
    for (let i = 0; i < count; i++) {
      scores[i] = { score: values[0][i], composition: this.hasComponents ? values[1][i] : NaN, presentation: this.hasComponents ? values[2][i] : NaN };
    }
    return scores;
  }

  async run(pairs: ReadonlyArray<PairText>): Promise<PairScore[]> {
    if (pairs.length === 0) return [];
    return this.infer(this.prepare(pairs), pairs.length);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

/**
 * The cache identity of an exported model: its name and id from scar-model.json plus a hash of scar-model.json,
 * tokenizer.json and the ONNX file's size and first and last MiB. Reading the whole file (hundreds of MB) at every
 * start would cost seconds; a re-export changes scar-model.json's id and the file's bytes anyway.
 */
export function officialModelId(folder: OfficialFolder): string {
  const h = createHash('sha256');
  h.update(fs.readFileSync(folder.metaFile));
  h.update(fs.readFileSync(folder.tokenizer));
  const fd = fs.openSync(folder.onnx, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    h.update(`${folder.meta.onnx}:${size}:`);
    const chunk = Math.min(size, 1 << 20);
    const buf = Buffer.alloc(chunk);
    fs.readSync(fd, buf, 0, chunk, 0);
    h.update(buf);
    fs.readSync(fd, buf, 0, chunk, size - chunk);
    h.update(buf);
  } finally {
    fs.closeSync(fd);
  }
  return `${folder.meta.name}:${h.digest('hex').slice(0, 16)}`;
}
