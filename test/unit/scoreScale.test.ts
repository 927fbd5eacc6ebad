// The number people see: the 0-100 style score of a calibrated ranker (or the raw score), the same scale for what is
// shown and what is typed.
import * as assert from 'node:assert/strict';
import { scoreScale } from '../../src/extension/scoring/scoreScale';
import { scoreStatusText } from '../../src/extension/surfaces/statusText';

const cal = { a: 0.9, b: 3, model: 'm', anchors: { humanMedian: 11.2, assistantMedian: 81.5 }, fittedOn: '' };

describe('score scale', () => {
  const style = scoreScale(cal);
  const raw = scoreScale(undefined);

  it('shows a calibrated score as a whole number out of 100, one decimal when asked, never a false 0 or 100', () => {
    assert.equal(style.text(-3 / 0.9), '50');
    assert.equal(style.text(-3 / 0.9, true), '50.0');
    assert.equal(style.text(-30), '<1');
    assert.equal(style.text(30), '>99');
    assert.equal(style.noun, 'style score');
    assert.ok(style.calibrated);
  });

  it('takes typed thresholds on the scale it shows, and back to raw exactly', () => {
    for (const t of [5, 50, 62.5, 95]) assert.ok(Math.abs(style.shown(style.raw(t)) - t) < 1e-9);
    assert.ok(style.valid(0) && style.valid(100) && !style.valid(-2.39) && !style.valid(101) && !style.valid(NaN));
    assert.equal(style.example(), '50');
    assert.equal(style.example(-3 / 0.9), '50');
    assert.equal(style.textOfShown(62.5), '62.5');
  });

  it('says what the style score means and where typical answers land', () => {
    assert.match(style.meaning, /^Style score 0–100: the chance, in percent, that an answer scoring this was written by a strong instruction-tuned assistant rather than a person/);
    assert.match(style.meaning, /typical human answer reads about 11, a typical assistant answer about 82/);
  });

  it('without a calibration, shows and takes raw scores and says so', () => {
    assert.equal(raw.noun, 'raw score');
    assert.ok(!raw.calibrated);
    assert.equal(raw.text(-2.3912), '-2.39');
    assert.equal(raw.raw(-2.39), -2.39);
    assert.ok(raw.valid(-2.39) && !raw.valid(Infinity));
    assert.match(raw.meaning, /Raw score of this ranker/);
  });

  it('the status bar says the median and the share at or above the threshold on the shown scale', () => {
    const text = scoreStatusText({ state: 'done', scored: 10, median: '44', shareAbove: 0.31, threshold: '50', p25: '20', p75: '70', noun: 'style score' });
    assert.equal(text, ' · median 44 · 31% ≥ 50');
  });
});
