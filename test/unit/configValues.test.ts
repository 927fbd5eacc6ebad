// The settings module's pure half: raw values from settings.json become a frozen, validated ScarConfig.
import * as assert from 'node:assert/strict';
import { configFromSettings, sameAdapterOptions } from '../../src/extension/configValues';

describe('configFromSettings', () => {
  it('gives the documented defaults for an empty settings file', () => {
    const c = configFromSettings({ workspaceTrusted: true });
    assert.deepEqual(c.adapter, { schema: 'auto', turnPolicy: 'first' });
    assert.deepEqual(c.diagnostics, { enabled: true, debounceMs: 250 });
    assert.equal(c.modelPath, '');
    assert.deepEqual(c.invalid, []);
  });

  it('passes valid values through and freezes the result, nested objects included', () => {
    const c = configFromSettings({
      schema: 'custom', fieldMapping: { instruction: 'data.q', response: ' data.a ', system: 'meta.sys' }, turnPolicy: 'all',
      diagnosticsEnabled: false, debounceMs: 40.4, modelPath: '/models/other', workspaceTrusted: true,
    });
    assert.deepEqual(c.adapter, { schema: 'custom', mapping: { instruction: 'data.q', response: 'data.a', system: 'meta.sys' }, turnPolicy: 'all' });
    assert.deepEqual(c.diagnostics, { enabled: false, debounceMs: 40 });
    assert.equal(c.modelPath, '/models/other');
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.adapter) && Object.isFrozen(c.adapter.mapping) && Object.isFrozen(c.diagnostics));
    assert.throws(() => { (c.adapter as { schema: string }).schema = 'alpaca'; }, TypeError);
  });

  it('falls back on bad values and says which setting was wrong', () => {
    const c = configFromSettings({ schema: 'yaml', turnPolicy: 'middle', debounceMs: -5, fieldMapping: 'data.q', workspaceTrusted: true });
    assert.deepEqual(c.adapter, { schema: 'auto', turnPolicy: 'first' });
    assert.equal(c.diagnostics.debounceMs, 250);
    assert.equal(c.invalid.length, 4);
    assert.match(c.invalid[0], /scar\.schema "yaml"/);
    assert.match(c.invalid[1], /scar\.turnPolicy "middle"/);
    assert.ok(c.invalid.some((m) => /scar\.fieldMapping must be an object/.test(m)));
    assert.ok(c.invalid.some((m) => /scar\.diagnostics\.debounceMs/.test(m)));
  });

  it('ignores a half-filled mapping, and warns when schema custom has no mapping', () => {
    const half = configFromSettings({ fieldMapping: { instruction: 'q' }, workspaceTrusted: true });
    assert.equal(half.adapter.mapping, undefined);
    assert.match(half.invalid[0], /needs both "instruction" and "response"/);
    const custom = configFromSettings({ schema: 'custom', fieldMapping: {}, workspaceTrusted: true });
    assert.equal(custom.adapter.schema, 'custom');
    assert.match(custom.invalid[0], /"custom" but scar\.fieldMapping has no instruction and response/);
  });

  it('caps the debounce delay', () => {
    assert.equal(configFromSettings({ debounceMs: 1e9, workspaceTrusted: true }).diagnostics.debounceMs, 5000);
  });

  it('uses only the user value of scar.modelPath in an untrusted workspace', () => {
    const raw = { modelPath: '/workspace/evil', modelPathUser: '/home/me/ranker' };
    assert.equal(configFromSettings({ ...raw, workspaceTrusted: true }).modelPath, '/workspace/evil');
    assert.equal(configFromSettings({ ...raw, workspaceTrusted: false }).modelPath, '/home/me/ranker');
    assert.equal(configFromSettings({ modelPath: '/workspace/evil', workspaceTrusted: false }).modelPath, '');
  });
});

describe('configFromSettings: selection', () => {
  it('defaults to an untitled editor, no score field, dedup and the language filter on', () => {
    assert.deepEqual(configFromSettings({ workspaceTrusted: true }).selection, { output: 'untitled', includeScore: false, dedup: true, languageFilter: true });
  });

  it('passes valid values through and falls back on bad ones with a message', () => {
    const c = configFromSettings({ selectionOutput: 'file', selectionIncludeScore: true, selectionDedup: false, selectionLanguageFilter: false, workspaceTrusted: true });
    assert.deepEqual(c.selection, { output: 'file', includeScore: true, dedup: false, languageFilter: false });
    assert.ok(Object.isFrozen(c.selection));
    const bad = configFromSettings({ selectionOutput: 'clipboard', selectionIncludeScore: 'yes', workspaceTrusted: true });
    assert.equal(bad.selection.output, 'untitled');
    assert.equal(bad.selection.includeScore, false);
    assert.match(bad.invalid.join(' '), /scar\.selection\.output "clipboard"/);
  });
});

describe('sameAdapterOptions', () => {
  it('compares schema, turn policy and every mapping path', () => {
    const a = configFromSettings({ fieldMapping: { instruction: 'q', response: 'a' }, workspaceTrusted: true }).adapter;
    assert.equal(sameAdapterOptions(a, { schema: 'auto', turnPolicy: 'first', mapping: { instruction: 'q', response: 'a' } }), true);
    assert.equal(sameAdapterOptions(a, { schema: 'auto', turnPolicy: 'all', mapping: { instruction: 'q', response: 'a' } }), false);
    assert.equal(sameAdapterOptions(a, { schema: 'auto', turnPolicy: 'first', mapping: { instruction: 'q', response: 'b' } }), false);
    assert.equal(sameAdapterOptions(a, { schema: 'auto', turnPolicy: 'first' }), false);
  });
});
