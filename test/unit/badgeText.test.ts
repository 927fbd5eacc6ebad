// Score badges: bands from percentiles, fixed widths per format, problem and pending badges.
import * as assert from 'node:assert/strict';
import { badgeWidth, bandOf, pendingBadge, percentileBar, problemBadge, RAW_SCORE_WIDTH, rawScoreText, scoreBadge, topShare } from '../../src/extension/surfaces/badgeText';
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
    assert.equal(topShare(17.2), 'bottom 18%');
    assert.equal(topShare(0), 'bottom 1%');
    // rounded up, so "top 1%" is true of the line: 98.6 is in the top 1.4%, which is not the top 1%
    assert.equal(topShare(99), 'top 1%');
    assert.equal(topShare(98.6), 'top 2%');
    assert.equal(percentileBar(62), '▮▮▮▯▯');
    assert.equal(percentileBar(0), '▯▯▯▯▯');
    assert.equal(percentileBar(100), '▮▮▮▮▮');
  });

  it('writes the badge of each format, the style score in 3 characters', () => {
    assert.equal(scoreBadge('82', 88, 'high', 'both'), '▲  82 · top 12%   ');
    assert.equal(scoreBadge('9', 6, 'low', 'both'), '▼   9 · bottom 6% ');
    assert.equal(scoreBadge('<1', 3, 'low', 'score'), '▼  <1');
    assert.equal(scoreBadge('50', 50, 'mid', 'percentile'), '● top 50%   ');
    assert.equal(scoreBadge('55', 62, 'mid', 'bar'), '● ▮▮▮▯▯');
  });

  it('writes a raw score in 6 characters when the raw score is shown', () => {
    assert.equal(rawScoreText(-17.526), '-17.53');
    assert.equal(rawScoreText(0.823), '0.82');
    assert.equal(rawScoreText(-123.456), '-123.5');
    assert.equal(scoreBadge(rawScoreText(-10.314), 6, 'low', 'both', RAW_SCORE_WIDTH), '▼ -10.31 · bottom 6% ');
    assert.equal(scoreBadge(rawScoreText(0.823), 88, 'high', 'score', RAW_SCORE_WIDTH), '▲   0.82');
  });

  it('leaves the share out for a file whose percentiles would mean something else', () => {
    assert.equal(scoreBadge('82', undefined, 'high', 'both'), '▲  82'.padEnd(badgeWidth('both')));
    assert.equal(scoreBadge('82', undefined, 'high', 'bar'), '▲  82'.padEnd(badgeWidth('bar')));
    assert.equal(badgeWidth('both'), 18);
  });

  it('gives every badge of a format the same width, so the JSON stays aligned', () => {
    for (const format of BADGE_FORMATS) {
      const w = badgeWidth(format);
      for (const [score, pct] of [['<1', 0], ['50', 50], ['>99', 100], ['7', 99.6]] as const) {
        assert.equal(scoreBadge(score, pct, 'mid', format).length, w, `${format} ${score}`);
        assert.equal(scoreBadge(score, undefined, 'mid', format).length, w, `${format} ${score}, no percentile`);
      }
      const rw = badgeWidth(format, RAW_SCORE_WIDTH);
      for (const score of [-123.456, 0, 9.99, -0.5]) {
        assert.equal(scoreBadge(rawScoreText(score), 50, 'mid', format, RAW_SCORE_WIDTH).length, rw, `${format} raw ${score}`);
      }
      assert.equal(problemBadge('no assistant turn', format).length, w, format);
      assert.equal(problemBadge('invalid JSON at column 128: trailing comma', format).length, w, format);
      assert.equal(pendingBadge(format).length, w, format);
    }
  });

  it('cuts a long problem with an ellipsis', () => {
    assert.equal(problemBadge('no pair', 'both'), '⚠ no pair         ');
    assert.equal(problemBadge('no assistant turn', 'both'), '⚠ no assistant tu…');
  });
});
