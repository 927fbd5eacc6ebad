// The scoring and decoration settings: defaults, valid values, and fall-backs that say what was wrong.
import * as assert from 'node:assert/strict';
import { configFromSettings, SCORES_DEFAULTS, scoresConfigFrom } from '../../src/extension/configValues';

describe('scores settings', () => {
  it('defaults when nothing is set', () => {
    const c = configFromSettings({ workspaceTrusted: true });
    assert.deepEqual(c.scores, SCORES_DEFAULTS);
    assert.equal(c.scores.position, 'before');
    assert.equal(c.scores.bandHigh, 75);
    assert.equal(c.scores.bandLow, 25);
  });

  it('takes valid values', () => {
    const invalid: string[] = [];
    const c = scoresConfigFrom({ auto: false, autoScoreMaxLines: 1000.4, format: 'bar', position: 'after', reviewMode: true, reviewThreshold: 10, bandHigh: 90, bandLow: 10, threshold: -2.5 }, invalid);
    assert.deepEqual(invalid, []);
    assert.equal(c.auto, false);
    assert.equal(c.autoScoreMaxLines, 1000);
    assert.equal(c.format, 'bar');
    assert.equal(c.position, 'after');
    assert.equal(c.threshold, -2.5);
  });

  it('falls back on bad values and names each setting', () => {
    const invalid: string[] = [];
    const c = scoresConfigFrom({ auto: 'yes', format: 'stars', bandHigh: 150, debounceMs: -1 }, invalid);
    assert.equal(c.auto, true);
    assert.equal(c.format, 'both');
    assert.equal(c.bandHigh, 75);
    assert.equal(c.debounceMs, 50);
    assert.equal(invalid.length, 4);
    assert.ok(invalid.some((m) => m.startsWith('scar.decorations.format "stars" is not one of score, percentile, both, bar; using both.')), invalid.join('\n'));
    assert.ok(invalid.some((m) => m.startsWith('scar.bands.high must be a number from 0 to 100')), invalid.join('\n'));
  });

  it('refuses a low band above the high band', () => {
    const invalid: string[] = [];
    const c = scoresConfigFrom({ bandHigh: 20, bandLow: 60 }, invalid);
    assert.deepEqual([c.bandLow, c.bandHigh], [25, 75]);
    assert.match(invalid[0], /scar\.bands\.low \(60\) is above scar\.bands\.high \(20\)/);
  });
});
