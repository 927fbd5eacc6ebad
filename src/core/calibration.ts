// The style score people see: the ranker's raw, unbounded score mapped onto 0-100 by a calibration fitted on the
// validation split (training/calibrate.js). The map is monotone, so it never changes an order, a rank or a
// percentile; it only gives the number a stated meaning:
//
//   style score = 100 x the fitted probability that a response with this raw score is a strong instruction-tuned
//                 assistant's answer rather than a person's, on the validation pairs (each pair one human and one
//                 assistant answer to the same prompt, so the two sides weigh the same).
//
// 50 is where the ranker cannot tell the two apart; the model card and models/calibration.json state where a
// typical human answer and a typical strong-assistant answer land.
import * as fs from 'fs';
import * as path from 'path';
import { CALIBRATION_FILE } from './modelFolder';


export interface Calibration {
  /** style = 100 / (1 + exp(-(a * raw + b))); a > 0. */
  a: number;
  b: number;
  /** The model id (featuriser version) the calibration was fitted for. */
  model: string;
  /** Where the anchors fall on the 0-100 scale: the validation split's median human and median strong-assistant answer. */
  anchors: { humanMedian: number; assistantMedian: number };
  /** How it was fitted, in words (split, pairs). */
  fittedOn: string;
}

/** The 0-100 style score of a raw score (NaN stays NaN). Never exactly 0 or 100 for a finite raw score. */
export function styleScore(raw: number, cal: Calibration): number {
  const z = cal.a * raw + cal.b;
  return 100 / (1 + Math.exp(-z));
}

/** The raw score whose style score is `style` (0 < style < 100); -Infinity for 0 and +Infinity for 100. */
export function rawForStyle(style: number, cal: Calibration): number {
  if (style <= 0) return -Infinity;
  if (style >= 100) return Infinity;
  const p = style / 100;
  return (Math.log(p / (1 - p)) - cal.b) / cal.a;
}

/** Validates a parsed calibration.json; throws naming the file and the field. */
export function parseCalibration(json: unknown, file = CALIBRATION_FILE): Calibration {
  const o = json as Partial<Calibration> | null;
  const bad = (what: string) => new Error(`${file}: ${what}`);
  if (!o || typeof o !== 'object') throw bad('not a JSON object');
  if (typeof o.a !== 'number' || !Number.isFinite(o.a) || o.a <= 0) throw bad('"a" must be a positive number');
  if (typeof o.b !== 'number' || !Number.isFinite(o.b)) throw bad('"b" must be a number');
  const an = o.anchors;
  if (!an || typeof an.humanMedian !== 'number' || typeof an.assistantMedian !== 'number') {
    throw bad('"anchors" must hold the numbers "humanMedian" and "assistantMedian"');
  }
  return {
    a: o.a, b: o.b, model: typeof o.model === 'string' ? o.model : '',
    anchors: { humanMedian: an.humanMedian, assistantMedian: an.assistantMedian },
    fittedOn: typeof o.fittedOn === 'string' ? o.fittedOn : '',
  };
}

/**
 * The calibration in a model folder, or undefined when the folder has none (a ranker without one shows raw
 * scores). A file that exists but cannot be read or parsed throws, naming the file.
 */
export function loadCalibration(modelDir: string): Calibration | undefined {
  const file = path.join(modelDir, CALIBRATION_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
  }
  return parseCalibration(json, file);
}

/**
 * Fits style = sigmoid(a * raw + b) by logistic regression (Newton's method, a tiny L2 on a) of "assistant" (1)
 * against "human" (0) raw scores, each list weighted to the same total so the classes count alike. `weights`, when
 * given, weigh each score within its class (e.g. a third for each of three answers to one question).
 */
export function fitLogistic(
  human: ArrayLike<number>, assistant: ArrayLike<number>,
  humanWeights?: ArrayLike<number>, assistantWeights?: ArrayLike<number>,
): { a: number; b: number } {
  const xs: number[] = [], ys: number[] = [], ws: number[] = [];
  const push = (vals: ArrayLike<number>, w: ArrayLike<number> | undefined, y: number) => {
    let total = 0;
    for (let i = 0; i < vals.length; i++) total += w ? w[i] : 1;
    for (let i = 0; i < vals.length; i++) {
      if (!Number.isFinite(vals[i])) continue;
      xs.push(vals[i]); ys.push(y); ws.push((w ? w[i] : 1) / total);
    }
  };
  push(human, humanWeights, 0);
  push(assistant, assistantWeights, 1);
  if (xs.length < 2) throw new Error('fitLogistic: needs scores of both classes');
  // Newton's method on standardised scores, each step halved until the loss falls (plain Newton can overshoot).
  let mean = 0;
  for (const x of xs) mean += x / xs.length;
  let sd = 0;
  for (const x of xs) sd += ((x - mean) * (x - mean)) / xs.length;
  sd = Math.sqrt(sd) || 1;
  const zs = xs.map((x) => (x - mean) / sd);
  const l2 = 1e-6;
  const loss = (a: number, b: number) => {
    let l = 0.5 * l2 * a * a;
    for (let i = 0; i < zs.length; i++) {
      const t = a * zs[i] + b;
      // log(1 + e^t) - y t, computed without overflow
      l += ws[i] * ((t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t))) - ys[i] * t);
    }
    return l;
  };
  let a = 1, b = 0, current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = l2 * a, gb = 0, haa = l2, hab = 0, hbb = 0;
    for (let i = 0; i < zs.length; i++) {
      const p = 1 / (1 + Math.exp(-(a * zs[i] + b)));
      const r = ws[i] * (p - ys[i]);
      const s = ws[i] * p * (1 - p);
      ga += r * zs[i]; gb += r;
      haa += s * zs[i] * zs[i]; hab += s * zs[i]; hbb += s;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    let step = 1, next = loss(a - da, b - db);
    while (next > current && step > 1e-6) { step /= 2; next = loss(a - step * da, b - step * db); }
    if (next > current) break;
    a -= step * da; b -= step * db; current = next;
    if (Math.abs(step * da) < 1e-12 && Math.abs(step * db) < 1e-12) break;
  }
  // back to raw scores: a z + b = (a / sd) raw + (b - a mean / sd)
  return { a: a / sd, b: b - (a * mean) / sd };
}
