// The typed, validated form of SCAR Lens's `scar.*` settings. Pure (no vscode import), so it is unit-tested;
// src/extension/config.ts is the one module that reads the raw values from VS Code and calls this.
import type { AdapterOptions, FieldMapping, SchemaId, TurnPolicy } from '../core/types';
import { hygieneConfigFrom, type HygieneConfig, type RawHygieneSettings } from './hygieneConfig';

export interface DiagnosticsConfig {
  /** Publish problems for lines that do not parse or yield no pair. */
  readonly enabled: boolean;
  /** Quiet time after the last edit before the edited lines are re-checked, in ms. */
  readonly debounceMs: number;
}

/** Where "Select top style-consistent examples" puts its result. */
export type SelectionOutput = 'untitled' | 'file';
export const SELECTION_OUTPUTS: readonly SelectionOutput[] = ['untitled', 'file'];

export interface SelectionConfig {
  /** A new untitled JSONL editor, or `<name>.top.jsonl` beside the source. */
  readonly output: SelectionOutput;
  /** Add a "score" field to each selected JSON object (the lines are otherwise kept byte for byte). */
  readonly includeScore: boolean;
  /** Remove exact and near-duplicates before ranking (SCAR's order). */
  readonly dedup: boolean;
  /** Remove lines that are not English before ranking. */
  readonly languageFilter: boolean;
}

/** How scores are drawn on lines (src/extension/decorations.ts). */
export type BadgePosition = 'before' | 'after';
export type BadgeFormat = 'score' | 'percentile' | 'both' | 'bar';
export const BADGE_POSITIONS: readonly BadgePosition[] = ['before', 'after'];
export const BADGE_FORMATS: readonly BadgeFormat[] = ['score', 'percentile', 'both', 'bar'];

/** Live scoring and how scores show in the editor (scar.scoring.*, scar.decorations.*, scar.bands.*, scar.selection.threshold). */
export interface ScoresConfig {
  /** Score JSONL files as they open and as they are edited. */
  readonly auto: boolean;
  /** Files with more lines than this are not scored on open; a notification offers it. */
  readonly autoScoreMaxLines: number;
  /** Quiet time after the last edit before the edited lines are scored again, in ms. */
  readonly debounceMs: number;
  readonly badges: boolean;
  readonly gutter: boolean;
  readonly overviewRuler: boolean;
  readonly position: BadgePosition;
  readonly format: BadgeFormat;
  /** Only lines below `reviewThreshold` (a percentile) are decorated. */
  readonly reviewMode: boolean;
  readonly reviewThreshold: number;
  /** Band cut-offs as percentiles of the file: high >= bandHigh, low < bandLow. */
  readonly bandHigh: number;
  readonly bandLow: number;
  /** A threshold on the 0-100 style score (the raw score for a ranker without a calibration): the status bar shows
   *  the share of lines at or above it. */
  readonly threshold: number;
  /** Show (and take typed thresholds as) the ranker's raw score instead of the 0-100 style score. */
  readonly rawScore: boolean;
}

export const SCORES_DEFAULTS: ScoresConfig = {
  auto: true, autoScoreMaxLines: 50000, debounceMs: 50, badges: true, gutter: true, overviewRuler: true,
  position: 'before', format: 'both', reviewMode: false, reviewThreshold: 25, bandHigh: 75, bandLow: 25, threshold: 50,
  rawScore: false,
};

/** Everything the extension's features need from the settings, as plain frozen values. */
export interface ScarConfig {
  readonly adapter: Readonly<AdapterOptions>;
  readonly diagnostics: DiagnosticsConfig;
  readonly selection: SelectionConfig;
  /** scar.hygiene.* and scar.removedLinesFile (hygieneConfig.ts). */
  readonly hygiene: HygieneConfig;
  readonly scores: ScoresConfig;
  /** Folder of another ranker; '' means the bundled one. Already filtered by Workspace Trust. */
  readonly modelPath: string;
  /** Settings that had an unusable value and fell back to their default, each as a sentence for the user. */
  readonly invalid: readonly string[];
}

/** The raw values as VS Code hands them over (anything a user may have typed into settings.json). */
export interface RawSettings {
  schema?: unknown;
  fieldMapping?: unknown;
  turnPolicy?: unknown;
  diagnosticsEnabled?: unknown;
  debounceMs?: unknown;
  /** The effective scar.modelPath, when the workspace is trusted. */
  modelPath?: unknown;
  /** The user (global) value of scar.modelPath: the only one that counts in an untrusted workspace. */
  modelPathUser?: unknown;
  selectionOutput?: unknown;
  selectionIncludeScore?: unknown;
  selectionDedup?: unknown;
  selectionLanguageFilter?: unknown;
  /** The raw scar.hygiene.* values and scar.removedLinesFile. */
  hygiene?: RawHygieneSettings;
  /** The raw scar.scoring.*, scar.decorations.*, scar.bands.* and scar.selection.threshold values, by ScoresConfig key. */
  scores?: Partial<Record<keyof ScoresConfig, unknown>>;
  workspaceTrusted: boolean;
}

export const SCHEMA_SETTING_VALUES: readonly (SchemaId | 'auto')[] = [
  'auto', 'alpaca', 'sharegpt', 'openai', 'prompt-completion', 'prompt-response', 'question-answer',
  'query-response', 'instruction-response', 'custom',
];
export const TURN_POLICIES: readonly TurnPolicy[] = ['first', 'last', 'all'];
export const DEFAULT_DEBOUNCE_MS = 250;
export const MAX_DEBOUNCE_MS = 5000;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

function readMapping(raw: unknown, invalid: string[]): FieldMapping | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    invalid.push('scar.fieldMapping must be an object like { "instruction": "data.q", "response": "data.a" }; it is ignored.');
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const instruction = text(r.instruction);
  const response = text(r.response);
  const system = text(r.system);
  if (instruction === undefined && response === undefined && system === undefined) return undefined; // the default {}
  if (instruction === undefined || response === undefined) {
    invalid.push('scar.fieldMapping needs both "instruction" and "response" dot paths; it is ignored.');
    return undefined;
  }
  return system === undefined ? { instruction, response } : { instruction, response, system };
}

/** Validates raw settings into a frozen ScarConfig. Never throws: bad values fall back and are listed in `invalid`. */
export function configFromSettings(raw: RawSettings): ScarConfig {
  const invalid: string[] = [];

  let schema: SchemaId | 'auto' = 'auto';
  if (raw.schema !== undefined) {
    if (SCHEMA_SETTING_VALUES.includes(raw.schema as SchemaId)) schema = raw.schema as SchemaId | 'auto';
    else invalid.push(`scar.schema "${String(raw.schema)}" is not one of ${SCHEMA_SETTING_VALUES.join(', ')}; using auto.`);
  }

  let turnPolicy: TurnPolicy = 'first';
  if (raw.turnPolicy !== undefined) {
    if (TURN_POLICIES.includes(raw.turnPolicy as TurnPolicy)) turnPolicy = raw.turnPolicy as TurnPolicy;
    else invalid.push(`scar.turnPolicy "${String(raw.turnPolicy)}" is not one of first, last, all; using first.`);
  }

  const mapping = readMapping(raw.fieldMapping, invalid);
  if (schema === 'custom' && mapping === undefined) {
    invalid.push('scar.schema is "custom" but scar.fieldMapping has no instruction and response paths: every line will be reported.');
  }

  const enabled = typeof raw.diagnosticsEnabled === 'boolean' ? raw.diagnosticsEnabled : true;

  let debounceMs = DEFAULT_DEBOUNCE_MS;
  if (raw.debounceMs !== undefined) {
    if (typeof raw.debounceMs === 'number' && Number.isFinite(raw.debounceMs) && raw.debounceMs >= 0) {
      debounceMs = Math.min(Math.round(raw.debounceMs), MAX_DEBOUNCE_MS);
    } else {
      invalid.push(`scar.diagnostics.debounceMs must be a number of milliseconds from 0 to ${MAX_DEBOUNCE_MS}; using ${DEFAULT_DEBOUNCE_MS}.`);
    }
  }

  // Workspace Trust: a workspace could point the model path at a file it ships; only the user's own value counts
  // until the workspace is trusted.
  const pathValue = raw.workspaceTrusted ? raw.modelPath : raw.modelPathUser;
  const modelPath = typeof pathValue === 'string' ? pathValue.trim() : '';

  let output: SelectionOutput = 'untitled';
  if (raw.selectionOutput !== undefined) {
    if (SELECTION_OUTPUTS.includes(raw.selectionOutput as SelectionOutput)) output = raw.selectionOutput as SelectionOutput;
    else invalid.push(`scar.selection.output "${String(raw.selectionOutput)}" is not one of ${SELECTION_OUTPUTS.join(', ')}; using untitled.`);
  }
  const flag = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);
  const selection: SelectionConfig = {
    output,
    includeScore: flag(raw.selectionIncludeScore, false),
    dedup: flag(raw.selectionDedup, true),
    languageFilter: flag(raw.selectionLanguageFilter, true),
  };

  const adapter: AdapterOptions = mapping ? { schema, mapping, turnPolicy } : { schema, turnPolicy };
  const scores = scoresConfigFrom(raw.scores ?? {}, invalid);
  const hygiene = hygieneConfigFrom(raw.hygiene ?? {}, invalid);
  return deepFreeze({ adapter, diagnostics: { enabled, debounceMs }, selection, scores, hygiene, modelPath, invalid });
}

/** True when two configs would make the same analysis (so a settings change that does not matter re-analyses nothing). */
export function sameAdapterOptions(a: Readonly<AdapterOptions>, b: Readonly<AdapterOptions>): boolean {
  return a.schema === b.schema && a.turnPolicy === b.turnPolicy
    && a.mapping?.instruction === b.mapping?.instruction
    && a.mapping?.response === b.mapping?.response
    && a.mapping?.system === b.mapping?.system;
}

const SCORE_SETTING_NAMES: Record<keyof ScoresConfig, string> = {
  auto: 'scar.scoring.auto', autoScoreMaxLines: 'scar.scoring.autoScoreMaxLines', debounceMs: 'scar.scoring.debounceMs',
  badges: 'scar.decorations.badges', gutter: 'scar.decorations.gutter', overviewRuler: 'scar.decorations.overviewRuler',
  position: 'scar.decorations.position', format: 'scar.decorations.format', reviewMode: 'scar.decorations.reviewMode',
  reviewThreshold: 'scar.decorations.reviewThreshold', bandHigh: 'scar.bands.high', bandLow: 'scar.bands.low',
  threshold: 'scar.selection.threshold', rawScore: 'scar.decorations.rawScore',
};

/** Validates the scoring and decoration settings; bad values fall back to SCORES_DEFAULTS and are listed in `invalid`. */
export function scoresConfigFrom(raw: Partial<Record<keyof ScoresConfig, unknown>>, invalid: string[]): ScoresConfig {
  const out: Record<string, unknown> = { ...SCORES_DEFAULTS };
  const say = (key: keyof ScoresConfig, what: string): void => {
    invalid.push(`${SCORE_SETTING_NAMES[key]} must be ${what}; using ${JSON.stringify(SCORES_DEFAULTS[key])}.`);
  };
  const bool = (key: keyof ScoresConfig): void => {
    const v = raw[key];
    if (v === undefined) return;
    if (typeof v === 'boolean') out[key] = v;
    else say(key, 'true or false');
  };
  const num = (key: keyof ScoresConfig, min: number, max: number, integer = false): void => {
    const v = raw[key];
    if (v === undefined) return;
    if (typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max) out[key] = integer ? Math.round(v) : v;
    else say(key, `a number from ${min} to ${max}`);
  };
  const oneOf = (key: keyof ScoresConfig, values: readonly string[]): void => {
    const v = raw[key];
    if (v === undefined) return;
    if (values.includes(v as string)) out[key] = v;
    else say(key, `one of ${values.join(', ')}`);
  };
  bool('auto'); bool('badges'); bool('gutter'); bool('overviewRuler'); bool('reviewMode'); bool('rawScore');
  num('autoScoreMaxLines', 0, 10_000_000, true);
  num('debounceMs', 0, MAX_DEBOUNCE_MS, true);
  num('reviewThreshold', 0, 100); num('bandHigh', 0, 100); num('bandLow', 0, 100);
  num('threshold', -1e6, 1e6);
  oneOf('position', BADGE_POSITIONS); oneOf('format', BADGE_FORMATS);
  if ((out.bandLow as number) > (out.bandHigh as number)) {
    invalid.push(`scar.bands.low (${String(out.bandLow)}) is above scar.bands.high (${String(out.bandHigh)}); using ${SCORES_DEFAULTS.bandLow} and ${SCORES_DEFAULTS.bandHigh}.`);
    out.bandLow = SCORES_DEFAULTS.bandLow;
    out.bandHigh = SCORES_DEFAULTS.bandHigh;
  }
  return out as unknown as ScoresConfig;
}
