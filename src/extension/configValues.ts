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

/** Everything the extension's features need from the settings, as plain frozen values. */
export interface ScarConfig {
  readonly adapter: Readonly<AdapterOptions>;
  readonly diagnostics: DiagnosticsConfig;
  readonly selection: SelectionConfig;
  /** scar.hygiene.* and scar.removedLinesFile (hygieneConfig.ts). */
  readonly hygiene: HygieneConfig;
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
  const hygiene = hygieneConfigFrom(raw.hygiene ?? {}, invalid);
  return deepFreeze({ adapter, diagnostics: { enabled, debounceMs }, selection, hygiene, modelPath, invalid });
}

/** True when two configs would make the same analysis (so a settings change that does not matter re-analyses nothing). */
export function sameAdapterOptions(a: Readonly<AdapterOptions>, b: Readonly<AdapterOptions>): boolean {
  return a.schema === b.schema && a.turnPolicy === b.turnPolicy
    && a.mapping?.instruction === b.mapping?.instruction
    && a.mapping?.response === b.mapping?.response
    && a.mapping?.system === b.mapping?.system;
}
