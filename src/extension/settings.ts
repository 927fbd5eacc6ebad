// Every `scar.*` setting, declared once: its name, type, default and range or allowed values. config.ts reads
// the settings by this table, configValues.ts and hygieneConfig.ts validate each value by its entry (settingValue),
// and the warning for a bad value is made from the entry too. test/unit/settings.test.ts checks the table against
// package.json's contributes.configuration, every setting and every field of it. Pure (no vscode import).
import type { SchemaId, TurnPolicy } from '../core/types';
import { t } from '../core/l10n';

export interface SettingSpec {
  /** The name under `scar.`, as package.json declares it. */
  readonly key: string;
  /** The JSON type package.json declares. */
  readonly type: 'boolean' | 'number' | 'integer' | 'string' | 'object';
  readonly default: unknown;
  /** The allowed values of a string setting. */
  readonly enum?: readonly string[];
  /** The range of a number setting (inclusive). */
  readonly minimum?: number;
  readonly maximum?: number;
  /** A number is rounded to a whole one (a fraction is no mistake). */
  readonly round?: boolean;
  /** A number above the maximum is taken as the maximum (not refused). */
  readonly clamp?: boolean;
}

export const SCHEMA_SETTING_VALUES: readonly (SchemaId | 'auto')[] = [
  'auto', 'alpaca', 'sharegpt', 'openai', 'prompt-completion', 'prompt-response', 'question-answer',
  'query-response', 'instruction-response', 'custom',
];
export const TURN_POLICIES: readonly TurnPolicy[] = ['first', 'last', 'all'];
export const SELECTION_OUTPUTS = ['untitled', 'file'] as const;
export const BADGE_POSITIONS = ['before', 'after'] as const;
export const BADGE_FORMATS = ['score', 'percentile', 'both', 'bar'] as const;
export const REMOVED_LINES_FILES = ['sibling', 'none'] as const;

/** Settings of the analysis, the diagnostics, the model and the selection, by the names RawSettings gives them. */
export const GENERAL_SETTINGS = {
  schema: { key: 'schema', type: 'string', enum: SCHEMA_SETTING_VALUES, default: 'auto' },
  fieldMapping: { key: 'fieldMapping', type: 'object', default: {} },
  turnPolicy: { key: 'turnPolicy', type: 'string', enum: TURN_POLICIES, default: 'first' },
  diagnosticsEnabled: { key: 'diagnostics.enabled', type: 'boolean', default: true },
  debounceMs: { key: 'diagnostics.debounceMs', type: 'number', default: 250, minimum: 0, maximum: 5000, round: true, clamp: true },
  modelPath: { key: 'modelPath', type: 'string', default: '' },
  selectionOutput: { key: 'selection.output', type: 'string', enum: SELECTION_OUTPUTS, default: 'untitled' },
  selectionIncludeScore: { key: 'selection.includeScore', type: 'boolean', default: false },
  selectionDedup: { key: 'selection.dedup', type: 'boolean', default: true },
  selectionLanguageFilter: { key: 'selection.languageFilter', type: 'boolean', default: true },
} as const satisfies Record<string, SettingSpec>;

/** scar.hygiene.* and scar.removedLinesFile, by HygieneConfig's names. */
export const HYGIENE_SETTINGS = {
  enabled: { key: 'hygiene.enabled', type: 'boolean', default: true },
  nearDuplicateThreshold: { key: 'hygiene.nearDuplicateThreshold', type: 'number', default: 0.5, minimum: 0.01, maximum: 1 },
  ngram: { key: 'hygiene.ngram', type: 'integer', default: 2, minimum: 1, maximum: 10 },
  languageCheck: { key: 'hygiene.languageCheck', type: 'boolean', default: true },
  reportTruncation: { key: 'hygiene.reportTruncation', type: 'boolean', default: false },
  removedLinesFile: { key: 'removedLinesFile', type: 'string', enum: REMOVED_LINES_FILES, default: 'sibling' },
} as const satisfies Record<string, SettingSpec>;

/** Live scoring and how scores show (scar.scoring.*, scar.decorations.*, scar.bands.*, scar.selection.threshold), by ScoresConfig's names. */
export const SCORES_SETTINGS = {
  auto: { key: 'scoring.auto', type: 'boolean', default: true },
  autoScoreMaxLines: { key: 'scoring.autoScoreMaxLines', type: 'integer', default: 50000, minimum: 0, maximum: 10_000_000, round: true },
  debounceMs: { key: 'scoring.debounceMs', type: 'number', default: 50, minimum: 0, maximum: 5000, round: true },
  badges: { key: 'decorations.badges', type: 'boolean', default: true },
  position: { key: 'decorations.position', type: 'string', enum: BADGE_POSITIONS, default: 'before' },
  format: { key: 'decorations.format', type: 'string', enum: BADGE_FORMATS, default: 'both' },
  rawScore: { key: 'decorations.rawScore', type: 'boolean', default: false },
  gutter: { key: 'decorations.gutter', type: 'boolean', default: true },
  overviewRuler: { key: 'decorations.overviewRuler', type: 'boolean', default: true },
  reviewMode: { key: 'decorations.reviewMode', type: 'boolean', default: false },
  reviewThreshold: { key: 'decorations.reviewThreshold', type: 'number', default: 25, minimum: 0, maximum: 100 },
  bandHigh: { key: 'bands.high', type: 'number', default: 75, minimum: 0, maximum: 100 },
  bandLow: { key: 'bands.low', type: 'number', default: 25, minimum: 0, maximum: 100 },
  threshold: { key: 'selection.threshold', type: 'number', default: 50, minimum: -1e6, maximum: 1e6 },
} as const satisfies Record<string, SettingSpec>;

/** Every setting of the table. */
export const SETTINGS: readonly SettingSpec[] = [...Object.values(GENERAL_SETTINGS), ...Object.values(HYGIENE_SETTINGS), ...Object.values(SCORES_SETTINGS)];

/** The type of a setting's value, as its entry declares it. */
export type SettingValue<S extends SettingSpec> =
  S extends { enum: readonly (infer E)[] } ? E
  : S extends { type: 'boolean' } ? boolean
  : S extends { type: 'number' | 'integer' } ? number
  : S extends { type: 'string' } ? string
  : unknown;

/** The full name a person types, e.g. "scar.hygiene.ngram". */
export const settingName = (spec: SettingSpec): string => `scar.${spec.key}`;

/** The default values of a section of the table, by the section's names. */
export function defaultsOf<T extends Record<string, SettingSpec>>(table: T): { [K in keyof T]: SettingValue<T[K]> } {
  return Object.fromEntries(Object.entries(table).map(([id, spec]) => [id, spec.default])) as { [K in keyof T]: SettingValue<T[K]> };
}

/** The raw values of a section of the table, read by `get` (VS Code's configuration.get) under each entry's key. */
export function readSection<T extends Record<string, SettingSpec>>(table: T, get: (key: string) => unknown): { [K in keyof T]?: unknown } {
  return Object.fromEntries(Object.entries(table).map(([id, spec]) => [id, get(spec.key)])) as { [K in keyof T]?: unknown };
}

/**
 * The value of a setting from what the user set: `raw` when it fits the entry (rounded or clamped where the entry
 * says so), else the default, with a sentence for the user in `invalid` saying what was wrong and what is used.
 * Undefined (not set) is the default, silently. Objects are checked by their own reader (configValues.ts).
 */
export function settingValue<S extends SettingSpec>(spec: S, raw: unknown, invalid: string[]): SettingValue<S> {
  return checked(spec, raw, invalid) as SettingValue<S>;
}

function checked(spec: SettingSpec, raw: unknown, invalid: string[]): unknown {
  if (raw === undefined) return spec.default;
  const name = settingName(spec);
  const fallback = String(spec.default);
  switch (spec.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      invalid.push(t('{0} must be true or false; using {1}.', name, fallback));
      return spec.default;
    case 'number':
    case 'integer': {
      const min = spec.minimum ?? -Infinity, max = spec.maximum ?? Infinity;
      const whole = spec.type === 'integer' && !spec.round;
      if (typeof raw === 'number' && Number.isFinite(raw) && raw >= min && (raw <= max || spec.clamp) && (!whole || Number.isInteger(raw))) {
        const v = Math.min(raw, max);
        return spec.round ? Math.round(v) : v;
      }
      invalid.push(whole
        ? t('{0} must be a whole number from {1} to {2}; using {3}.', name, min, max, fallback)
        : t('{0} must be a number from {1} to {2}; using {3}.', name, min, max, fallback));
      return spec.default;
    }
    case 'string':
      if (spec.enum === undefined) {
        if (typeof raw === 'string') return raw;
        invalid.push(t('{0} must be text; using "{1}".', name, fallback));
        return spec.default;
      }
      if (spec.enum.includes(raw as string)) return raw;
      invalid.push(t('{0} "{1}" is not one of {2}; using {3}.', name, String(raw), spec.enum.join(', '), fallback));
      return spec.default;
    default:
      return raw;
  }
}
