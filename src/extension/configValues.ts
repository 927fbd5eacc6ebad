// The typed, validated form of SCAR Lens's `scar.*` settings. Pure (no vscode import), so it is unit-tested;
// src/extension/config.ts is the one module that reads the raw values from VS Code and calls this.
import type { AdapterOptions, FieldMapping, SchemaId, TurnPolicy } from '../core/types';
import { hygieneConfigFrom, type HygieneConfig, type RawHygieneSettings } from './hygieneConfig';
import { BADGE_FORMATS, BADGE_POSITIONS, defaultsOf, GENERAL_SETTINGS, SCORES_SETTINGS, SELECTION_OUTPUTS, settingName, settingValue } from './settings';
import { t } from '../core/l10n';

export interface DiagnosticsConfig {
  /** Publish problems for lines that do not parse or yield no pair. */
  readonly enabled: boolean;
  /** Quiet time after the last edit before the edited lines are re-checked, in ms. */
  readonly debounceMs: number;
}

/** Where "Select top style-consistent examples" puts its result. */
export type SelectionOutput = typeof SELECTION_OUTPUTS[number];

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
export type BadgePosition = typeof BADGE_POSITIONS[number];
export type BadgeFormat = typeof BADGE_FORMATS[number];
export { BADGE_FORMATS } from './settings';

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

export const SCORES_DEFAULTS: ScoresConfig = Object.freeze(defaultsOf(SCORES_SETTINGS));

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

/**
 * The raw values as VS Code hands them over (anything a user may have typed into settings.json), by the names of
 * settings.ts's GENERAL_SETTINGS (modelPath: the effective scar.modelPath, that counts when the workspace is trusted).
 */
export interface RawSettings extends Partial<Record<keyof typeof GENERAL_SETTINGS, unknown>> {
  /** The user (global) value of scar.modelPath: the only one that counts in an untrusted workspace. */
  modelPathUser?: unknown;
  /** The raw scar.hygiene.* values and scar.removedLinesFile. */
  hygiene?: RawHygieneSettings;
  /** The raw scar.scoring.*, scar.decorations.*, scar.bands.* and scar.selection.threshold values, by ScoresConfig key. */
  scores?: Partial<Record<keyof ScoresConfig, unknown>>;
  workspaceTrusted: boolean;
}


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
    invalid.push(t('{0} must be an object like {1}; it is ignored.', settingName(GENERAL_SETTINGS.fieldMapping), '{ "instruction": "data.q", "response": "data.a" }'));
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);
  const instruction = text(r.instruction);
  const response = text(r.response);
  const system = text(r.system);
  if (instruction === undefined && response === undefined && system === undefined) return undefined; // the default {}
  if (instruction === undefined || response === undefined) {
    invalid.push(t('{0} needs both "instruction" and "response" dot paths; it is ignored.', settingName(GENERAL_SETTINGS.fieldMapping)));
    return undefined;
  }
  return system === undefined ? { instruction, response } : { instruction, response, system };
}

/** Validates raw settings into a frozen ScarConfig. Never throws: bad values fall back and are listed in `invalid`. */
export function configFromSettings(raw: RawSettings): ScarConfig {
  const invalid: string[] = [];

  const schema: SchemaId | 'auto' = settingValue(GENERAL_SETTINGS.schema, raw.schema, invalid);
  const turnPolicy: TurnPolicy = settingValue(GENERAL_SETTINGS.turnPolicy, raw.turnPolicy, invalid);

  const mapping = readMapping(raw.fieldMapping, invalid);
  if (schema === 'custom' && mapping === undefined) {
    invalid.push(t('{0} is "custom" but {1} has no instruction and response paths: every line will be reported.', settingName(GENERAL_SETTINGS.schema), settingName(GENERAL_SETTINGS.fieldMapping)));
  }

  const enabled = settingValue(GENERAL_SETTINGS.diagnosticsEnabled, raw.diagnosticsEnabled, invalid);
  const debounceMs = settingValue(GENERAL_SETTINGS.debounceMs, raw.debounceMs, invalid);

  // Workspace Trust: a workspace could point the model path at a file it ships; only the user's own value counts
  // until the workspace is trusted.
  const pathValue = raw.workspaceTrusted ? raw.modelPath : raw.modelPathUser;
  const modelPath = settingValue(GENERAL_SETTINGS.modelPath, pathValue, invalid).trim();

  const selection: SelectionConfig = {
    output: settingValue(GENERAL_SETTINGS.selectionOutput, raw.selectionOutput, invalid),
    includeScore: settingValue(GENERAL_SETTINGS.selectionIncludeScore, raw.selectionIncludeScore, invalid),
    dedup: settingValue(GENERAL_SETTINGS.selectionDedup, raw.selectionDedup, invalid),
    languageFilter: settingValue(GENERAL_SETTINGS.selectionLanguageFilter, raw.selectionLanguageFilter, invalid),
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

/** Validates the scoring and decoration settings; bad values fall back to SCORES_DEFAULTS and are listed in `invalid`. */
export function scoresConfigFrom(raw: Partial<Record<keyof ScoresConfig, unknown>>, invalid: string[]): ScoresConfig {
  const out = Object.fromEntries(Object.entries(SCORES_SETTINGS).map(([id, spec]) => [id, settingValue(spec, raw[id as keyof ScoresConfig], invalid)])) as unknown as ScoresConfig;
  if (out.bandLow > out.bandHigh) {
    invalid.push(t('{0} ({1}) is above {2} ({3}); using {4} and {5}.', settingName(SCORES_SETTINGS.bandLow), out.bandLow, settingName(SCORES_SETTINGS.bandHigh), out.bandHigh, SCORES_DEFAULTS.bandLow, SCORES_DEFAULTS.bandHigh));
    return { ...out, bandLow: SCORES_DEFAULTS.bandLow, bandHigh: SCORES_DEFAULTS.bandHigh };
  }
  return out;
}
