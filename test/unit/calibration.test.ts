import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fitLogistic, loadCalibration, parseCalibration, rawForStyle, styleScore, type Calibration } from '../../src/core/calibration';

const repoRoot = path.resolve(__dirname, '../../..');
const cal: Calibration = { a: 0.9, b: 3, model: 'm', anchors: { humanMedian: 11, assistantMedian: 82 }, fittedOn: '' };

describe('calibration: the 0-100 style score', () => {
  it('maps raw scores monotonically into (0, 100), 50 where a * raw + b = 0', () => {
    const raws = [-40, -12, -5, -3.4, -1, 0, 3, 40];
    const styles = raws.map((r) => styleScore(r, cal));
    for (let i = 1; i < styles.length; i++) assert.ok(styles[i] >= styles[i - 1], `not monotone at ${raws[i]}`);
    for (const s of styles) assert.ok(s >= 0 && s <= 100);
    assert.ok(Math.abs(styleScore(-3 / 0.9, cal) - 50) < 1e-9);
    assert.ok(Number.isNaN(styleScore(NaN, cal)));
  });

  it('inverts: rawForStyle(styleScore(x)) = x, and the ends are infinite', () => {
    for (const x of [-9, -4.2, -1, 0.5]) assert.ok(Math.abs(rawForStyle(styleScore(x, cal), cal) - x) < 1e-9);
    assert.equal(rawForStyle(0, cal), -Infinity);
    assert.equal(rawForStyle(100, cal), Infinity);
  });

  it('fits a logistic regression that separates the classes in the right direction', () => {
    // humans around -6, assistants around -2, overlapping: the midpoint lands near -4 and a > 0
    const human = Array.from({ length: 200 }, (_, i) => -6 + Math.sin(i) * 3);
    const assistant = Array.from({ length: 200 }, (_, i) => -2 + Math.cos(i) * 3);
    const { a, b } = fitLogistic(human, assistant);
    assert.ok(a > 0, `a = ${a}`);
    const mid = -b / a;
    assert.ok(mid > -4.6 && mid < -3.4, `midpoint ${mid}`);
    // class weights: duplicating one class changes nothing (each class weighs the same in total)
    const again = fitLogistic([...human, ...human], assistant);
    assert.ok(Math.abs(again.a - a) < 1e-4 * a && Math.abs(again.b - b) < 1e-4 * Math.abs(b), `${JSON.stringify(again)} vs ${a}, ${b}`);
  });

  it('does not diverge on well-separated, shifted scores (plain Newton would)', () => {
    const human = Array.from({ length: 100 }, (_, i) => -8 + (i % 10) * 0.3);
    const assistant = Array.from({ length: 100 }, (_, i) => -1 + (i % 10) * 0.3 - 2);
    const { a, b } = fitLogistic(human, assistant);
    assert.ok(Number.isFinite(a) && Number.isFinite(b) && a > 0 && a < 1e4);
    assert.ok(styleScore(-8, { ...cal, a, b }) < 5 && styleScore(-1, { ...cal, a, b }) > 95);
  });

  it('reads the bundled model\'s calibration, whose anchors put a typical human answer low and an assistant\'s high', () => {
    const c = loadCalibration(path.join(repoRoot, 'models'));
    assert.ok(c, 'models/calibration.json is missing');
    assert.ok(c.a > 0);
    assert.ok(c.anchors.humanMedian < 50 && c.anchors.assistantMedian > 50, JSON.stringify(c.anchors));
  });

  it('returns undefined for a folder without one, and names the file and field of a bad one', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-cal-'));
    try {
      assert.equal(loadCalibration(dir), undefined);
      fs.writeFileSync(path.join(dir, 'calibration.json'), '{"a": -1, "b": 0}');
      assert.throws(() => loadCalibration(dir), /calibration\.json: "a" must be a positive number/);
      fs.writeFileSync(path.join(dir, 'calibration.json'), '{nope');
      assert.throws(() => loadCalibration(dir), /calibration\.json: not valid JSON/);
      assert.throws(() => parseCalibration({ a: 1, b: 0 }), /"anchors"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
