// The settings table (src/extension/settings.ts) is what the extension reads and validates; package.json's
// contributes.configuration is what VS Code shows and checks in the Settings editor. They must say the same thing
// about every setting: the same names, and for each its type, default, allowed values and range.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { GENERAL_SETTINGS, HYGIENE_SETTINGS, SCORES_SETTINGS, SETTINGS, settingName, settingValue, type SettingSpec } from '../../src/extension/settings';
import { repoRoot } from '../util/paths';

interface ManifestSetting { type?: string; default?: unknown; enum?: unknown[]; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number }

function manifestSettings(): Map<string, ManifestSetting> {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { configuration: unknown } };
  const sections = ([] as Array<{ properties?: Record<string, ManifestSetting> }>).concat(pkg.contributes.configuration as never);
  const out = new Map<string, ManifestSetting>();
  for (const section of sections) for (const [name, p] of Object.entries(section.properties ?? {})) out.set(name, p);
  return out;
}

describe('settings: one table, the same as package.json', () => {
  const manifest = manifestSettings();

  it('declares every setting package.json contributes, and no other', () => {
    assert.ok(manifest.size >= 30, `package.json declares ${manifest.size} settings`);
    const names = SETTINGS.map(settingName);
    assert.equal(new Set(names).size, names.length, 'no setting is declared twice');
    assert.deepEqual([...names].sort(), [...manifest.keys()].sort());
  });

  for (const spec of SETTINGS) {
    it(`${settingName(spec)}: type, default, allowed values and range`, () => {
      const m = manifest.get(settingName(spec));
      assert.ok(m, 'declared in package.json');
      assert.equal(m.type, spec.type);
      assert.deepEqual(m.default, spec.default);
      assert.deepEqual(m.enum, spec.enum === undefined ? undefined : [...spec.enum]);
      assert.equal(m.minimum, spec.minimum);
      assert.equal(m.maximum, spec.maximum);
      assert.equal(m.exclusiveMinimum, undefined, 'the table has no exclusive bounds');
      assert.equal(m.exclusiveMaximum, undefined, 'the table has no exclusive bounds');
      // The default is a value the table itself accepts, silently.
      const invalid: string[] = [];
      assert.deepEqual(settingValue(spec, spec.default, invalid), spec.default);
      assert.deepEqual(invalid, []);
    });
  }

  it('names each section by the names its config uses', () => {
    const keys = (t: Record<string, SettingSpec>): string[] => Object.values(t).map((s) => s.key);
    assert.ok(keys(HYGIENE_SETTINGS).every((k) => k.startsWith('hygiene.') || k === 'removedLinesFile'));
    assert.ok(keys(SCORES_SETTINGS).every((k) => /^(scoring|decorations|bands)\./.test(k) || k === 'selection.threshold'));
    assert.equal(GENERAL_SETTINGS.schema.key, 'schema');
  });
});

describe('settings: validation by the table', () => {
  const spec = (s: Omit<SettingSpec, 'key'>): SettingSpec => ({ key: 'test.value', ...s });

  it('keeps a good value, and falls back to the default with a message naming the setting and the fallback', () => {
    const invalid: string[] = [];
    assert.equal(settingValue(spec({ type: 'boolean', default: true }), false, invalid), false);
    assert.equal(settingValue(spec({ type: 'boolean', default: true }), 'no', invalid), true);
    assert.equal(settingValue(spec({ type: 'number', default: 5, minimum: 0, maximum: 10 }), 2.5, invalid), 2.5);
    assert.equal(settingValue(spec({ type: 'number', default: 5, minimum: 0, maximum: 10 }), 11, invalid), 5);
    assert.equal(settingValue(spec({ type: 'number', default: 5, minimum: 0, maximum: 10 }), NaN, invalid), 5);
    assert.equal(settingValue(spec({ type: 'integer', default: 2, minimum: 1, maximum: 10 }), 2.5, invalid), 2);
    assert.equal(settingValue(spec({ type: 'string', enum: ['a', 'b'], default: 'a' }), 'c', invalid), 'a');
    assert.equal(settingValue(spec({ type: 'string', default: '' }), 3, invalid), '');
    assert.equal(settingValue(spec({ type: 'string', default: 'x' }), undefined, invalid), 'x', 'not set: the default, silently');
    assert.deepEqual(invalid, [
      'scar.test.value must be true or false; using true.',
      'scar.test.value must be a number from 0 to 10; using 5.',
      'scar.test.value must be a number from 0 to 10; using 5.',
      'scar.test.value must be a whole number from 1 to 10; using 2.',
      'scar.test.value "c" is not one of a, b; using a.',
      'scar.test.value must be text; using "".',
    ]);
  });

  it('rounds and clamps where the entry says so', () => {
    const invalid: string[] = [];
    assert.equal(settingValue(spec({ type: 'integer', default: 50, minimum: 0, maximum: 100, round: true }), 10.4, invalid), 10);
    assert.equal(settingValue(spec({ type: 'number', default: 50, minimum: 0, maximum: 100, round: true, clamp: true }), 1e9, invalid), 100);
    assert.equal(settingValue(spec({ type: 'number', default: 50, minimum: 0, maximum: 100, clamp: true }), -1, invalid), 50, 'clamping is only from above');
    assert.equal(invalid.length, 1);
  });
});
