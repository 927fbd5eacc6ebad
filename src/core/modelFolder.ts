// The two kinds of model folder SCAR Lens can score with, told apart by the files they hold:
//  - bundled: the compact ranker this project trains (models/): ranker.onnx + featuriser.json (+ its vocabulary);
//  - official: one of the paper's rankers (scar-gte-base, ...) exported by training/export_official_scar.py:
//    scar-model.json + tokenizer.json + the ONNX graph that scar-model.json names.
// Only the file system is read here (no onnxruntime), so the engine, the CLI and the extension's model picker share it.
import * as fs from 'fs';
import * as path from 'path';
import { t } from './l10n';

// The names of a model folder's files, defined here only.
export const BUNDLED_MODEL_FILE = 'ranker.onnx';
export const BUNDLED_FEATURISER_FILE = 'featuriser.json';
/** Maps raw scores to the 0-100 style score (core/calibration.ts); either kind of folder may hold one. */
export const CALIBRATION_FILE = 'calibration.json';
export const OFFICIAL_META_FILE = 'scar-model.json';
export const OFFICIAL_TOKENIZER_FILE = 'tokenizer.json';
export const OFFICIAL_TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
export const MODEL_CARD_FILE = 'MODEL_CARD.md';
/** The `kind` of scar-model.json. */
export const OFFICIAL_KIND = 'scar-official-onnx';
/** The ONNX graph's inputs and its one required output. */
export const OFFICIAL_INPUTS = ['instruction_input_ids', 'instruction_attention_mask', 'answer_input_ids', 'answer_attention_mask'] as const;
export const OFFICIAL_SCORE_OUTPUT = 'score';
/** SCAR's encoders read at most this many tokens per text. */
export const OFFICIAL_MAX_LENGTH = 512;

export type ModelKind = 'bundled' | 'official';

/** scar-model.json, validated. */
export interface OfficialModelMeta {
  kind: typeof OFFICIAL_KIND;
  /** Display name, e.g. "scar-gte-base". */
  name: string;
  /** Stable id of this export (the exporter derives it from the checkpoint and the ONNX file's hash). */
  id: string;
  /** The ONNX file the engine runs, relative to the folder. */
  onnx: string;
  /** Tokens per text, special tokens included (SCAR: 512). */
  maxLength: number;
  /** Id of the padding token (from the tokenizer). */
  padTokenId: number;
  /** Where the weights came from (hub id and revision, or a local folder), and their licence. */
  source?: string;
  license?: string;
  /** Other ONNX files of the same model (e.g. an int8-quantised one): [{ file, precision }]. */
  variants: Array<{ file: string; precision: string }>;
  /** Free text shown in the model picker. */
  description?: string;
}

/** A model folder whose kind is known and whose files are all there. */
export type ModelFolder =
  | { kind: 'bundled'; dir: string; onnx: string; featuriser: string }
  | { kind: 'official'; dir: string; onnx: string; tokenizer: string; tokenizerConfig?: string; meta: OfficialModelMeta; metaFile: string };

/** A folder that is not a model folder, or one with a piece missing; the message names the piece. */
export class ModelFolderError extends Error {
  override readonly name = 'ModelFolderError';
}

function isFile(file: string): boolean {
  try { return fs.statSync(file).isFile(); } catch { return false; }
}

/**
 * Tells which kind of model `dir` holds and checks that every file of that kind is there. Throws a
 * ModelFolderError naming the missing or broken piece (and, for a folder of neither kind, what each kind needs).
 */
export function inspectModelFolder(modelDir: string): ModelFolder {
  const dir = path.resolve(modelDir);
  let st: fs.Stats;
  try { st = fs.statSync(dir); } catch { throw new ModelFolderError(t("the model folder '{0}' does not exist", dir)); }
  if (!st.isDirectory()) throw new ModelFolderError(t("the model path '{0}' is not a folder (choose the folder that holds the model's files)", dir));
  const has = (f: string) => isFile(path.join(dir, f));
  const official = has(OFFICIAL_META_FILE);
  const bundled = has(BUNDLED_MODEL_FILE) || has(BUNDLED_FEATURISER_FILE);
  if (official) return officialFolder(dir);
  if (bundled) {
    if (!has(BUNDLED_MODEL_FILE)) {
      throw new ModelFolderError(t("cannot load ranker model '{0}': the file does not exist (a SCAR Lens ranker folder needs {1} and {2})", path.join(dir, BUNDLED_MODEL_FILE), BUNDLED_MODEL_FILE, BUNDLED_FEATURISER_FILE));
    }
    if (!has(BUNDLED_FEATURISER_FILE)) {
      throw new ModelFolderError(t("cannot load featuriser configuration '{0}': the file does not exist (a SCAR Lens ranker folder needs {1} and {2})", path.join(dir, BUNDLED_FEATURISER_FILE), BUNDLED_MODEL_FILE, BUNDLED_FEATURISER_FILE));
    }
    return { kind: 'bundled', dir, onnx: path.join(dir, BUNDLED_MODEL_FILE), featuriser: path.join(dir, BUNDLED_FEATURISER_FILE) };
  }
  const hint = has(OFFICIAL_TOKENIZER_FILE) || fs.readdirSync(dir).some((f) => f.endsWith('.onnx'))
    ? ` It looks like an exported official ranker without its ${OFFICIAL_META_FILE}: export it again with training/export_official_scar.py.`
    : '';
  throw new ModelFolderError(`cannot load ranker model '${path.join(dir, BUNDLED_MODEL_FILE)}': the file does not exist; '${dir}' is not a model folder: it has neither ${BUNDLED_MODEL_FILE} + ${BUNDLED_FEATURISER_FILE} (a SCAR Lens ranker) nor ${OFFICIAL_META_FILE} (an official SCAR ranker exported by training/export_official_scar.py).${hint}`);
}

function officialFolder(dir: string): ModelFolder {
  const metaFile = path.join(dir, OFFICIAL_META_FILE);
  const meta = parseOfficialMeta(fs.readFileSync(metaFile, 'utf8'), metaFile);
  const tokenizer = path.join(dir, OFFICIAL_TOKENIZER_FILE);
  if (!isFile(tokenizer)) throw new ModelFolderError(`the model folder '${dir}' has no ${OFFICIAL_TOKENIZER_FILE} (the tokenizer that ${OFFICIAL_META_FILE} needs)`);
  const onnx = path.join(dir, meta.onnx);
  if (!isFile(onnx)) throw new ModelFolderError(`the model folder '${dir}' has no ${meta.onnx} (the ONNX model that ${OFFICIAL_META_FILE} names)`);
  const cfg = path.join(dir, OFFICIAL_TOKENIZER_CONFIG_FILE);
  return { kind: 'official', dir, onnx, tokenizer, tokenizerConfig: isFile(cfg) ? cfg : undefined, meta, metaFile };
}

/** Parses and checks scar-model.json; the error names the file and the field. */
export function parseOfficialMeta(text: string, file: string): OfficialModelMeta {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch (e) { throw new ModelFolderError(`${file}: not valid JSON (${(e as Error).message})`); }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ModelFolderError(`${file}: expected a JSON object`);
  const o = raw as Record<string, unknown>;
  const bad = (field: string, what: string): never => { throw new ModelFolderError(`${file}: "${field}" ${what}`); };
  if (o.kind !== OFFICIAL_KIND) bad('kind', `must be "${OFFICIAL_KIND}" (found ${JSON.stringify(o.kind)})`);
  const str = (field: string, required: boolean): string | undefined => {
    const v = o[field];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return bad(field, 'must be a non-empty string');
    return v as string;
  };
  const name = str('name', true)!;
  const id = str('id', true)!;
  const onnx = str('onnx', true)!;
  if (path.isAbsolute(onnx) || onnx.split(/[\\/]/).includes('..')) bad('onnx', 'must name a file inside the model folder');
  const maxLength = o.maxLength;
  if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < 2 || maxLength > 8192) bad('maxLength', 'must be an integer between 2 and 8192');
  const padTokenId = o.padTokenId;
  if (typeof padTokenId !== 'number' || !Number.isInteger(padTokenId) || padTokenId < 0) bad('padTokenId', 'must be a non-negative integer');
  const variants: Array<{ file: string; precision: string }> = [];
  if (o.variants !== undefined) {
    if (!Array.isArray(o.variants)) bad('variants', 'must be an array');
    for (const v of o.variants as unknown[]) {
      const e = v as { file?: unknown; precision?: unknown };
      if (typeof e?.file !== 'string' || typeof e?.precision !== 'string') bad('variants', 'must hold objects { "file", "precision" }');
      variants.push({ file: e.file as string, precision: e.precision as string });
    }
  }
  return {
    kind: OFFICIAL_KIND, name, id, onnx, maxLength: maxLength as number, padTokenId: padTokenId as number,
    source: str('source', false), license: str('license', false), description: str('description', false), variants,
  };
}

/**
 * What the model picker shows of a folder: its display name and a one-paragraph summary (from scar-model.json,
 * else the first paragraph of MODEL_CARD.md), and the card to open. Never throws: a broken folder gets its error.
 */
export function describeModelFolder(modelDir: string): { name: string; kind?: ModelKind; summary: string; card?: string; error?: string } {
  let folder: ModelFolder;
  try {
    folder = inspectModelFolder(modelDir);
  } catch (e) {
    return { name: path.basename(modelDir), summary: '', error: (e as Error).message };
  }
  const cardFile = path.join(folder.dir, MODEL_CARD_FILE);
  const card = isFile(cardFile) ? cardFile : undefined;
  const fromCard = card ? cardSummary(fs.readFileSync(cardFile, 'utf8')) : undefined;
  if (folder.kind === 'official') {
    const m = folder.meta;
    const parts = [m.description, m.source && `from ${m.source}`, m.license && `licence ${m.license}`, `${m.maxLength} tokens`].filter(Boolean);
    return { name: m.name, kind: 'official', summary: parts.join(' · ') || fromCard?.summary || '', card: card ?? folder.metaFile };
  }
  return { name: fromCard?.title ?? path.basename(folder.dir), kind: 'bundled', summary: fromCard?.summary ?? '', card };
}

/** The title (first heading) and first paragraph of a model card, as plain text. */
export function cardSummary(markdown: string): { title?: string; summary: string } {
  const lines = markdown.split(/\r?\n/);
  const heading = lines.find((l) => /^#\s/.test(l));
  const title = heading?.replace(/^#\s+/, '').replace(/`/g, '').trim();
  const paragraphs = markdown.split(/\r?\n\s*\r?\n/).map((p) => p.trim()).filter((p) => p !== '' && !p.startsWith('#'));
  const summary = (paragraphs[0] ?? '').replace(/\s+/g, ' ').replace(/[`*_]/g, '');
  return { title, summary: summary.length > 300 ? `${summary.slice(0, 297)}...` : summary };
}
