// Score badges: bands from percentiles, fixed widths per format, problem and pending badges.
import * as assert from 'node:assert/strict';
import { badgeWidth, bandOf, pendingBadge, percentileBar, problemBadge, scoreBadge, topShare } from '../../src/extension/badgeText';
import { BADGE_FORMATS } from '../../src/extension/configValues';

describe('badge text', () => {
  it('puts a percentile in its band', () => {
    const cuts = { high: 75, low: 25 };
    assert.equal(bandOf(75, cuts), 'high');
    assert.equal(bandOf(74.9, cuts), 'mid');
    assert.equal(bandOf(25, cuts), 'mid');
    assert.equal(bandOf(24.9, cuts), 'low');
  });

  it('says the top share and draws the bar', () => {
    assert.equal(topShare(88), 'top 12%');
    assert.equal(topShare(100), 'top 1%');
    assert.equal(topShare(50), 'top 50%');
    assert.equal(topShare(49), 'bottom 49%');
    assert.equal(topShare(17.2), 'bottom 17%');
    assert.equal(topShare(0), 'bottom 1%');
    assert.equal(percentileBar(62), '▮▮▮▯▯');
    assert.equal(percentileBar(0), '▯▯▯▯▯');
    assert.equal(percentileBar(100), '▮▮▮▮▮');
  });

  it('writes the badge of each format', () => {
    assert.equal(scoreBadge(0.823, 88, 'high', 'both'), '▲   0.82 · top 12%   ');
    assert.equal(scoreBadge(-10.314, 6, 'low', 'both'), '▼ -10.31 · bottom 6% ');
    assert.equal(scoreBadge(-17.526, 3, 'low', 'score'), '▼ -17.53');
    assert.equal(scoreBadge(-4.5, 50, 'mid', 'percentile'), '● top 50%   ');
    assert.equal(scoreBadge(-4.5, 62, 'mid', 'bar'), '● ▮▮▮▯▯');
  });

  it('gives every badge of a format the same width, so the JSON stays aligned', () => {
    for (const format of BADGE_FORMATS) {
      const w = badgeWidth(format);
      for (const [score, pct] of [[-123.456, 0], [0, 50], [9.99, 100], [-0.5, 99.6]]) {
        assert.equal(scoreBadge(score, pct, 'mid', format).length, w, `${format} ${score}`);
      }
      assert.equal(problemBadge('no assistant turn', format).length, w, format);
      assert.equal(problemBadge('invalid JSON at column 128: trailing comma', format).length, w, format);
      assert.equal(pendingBadge(format).length, w, format);
    }
  });

  it('cuts a long problem with an ellipsis', () => {
    assert.equal(problemBadge('no assistant turn', 'both'), '⚠ no assistant turn  ');
    assert.equal(problemBadge('invalid JSON at column 128', 'both'), '⚠ invalid JSON at co…');
  });
});
