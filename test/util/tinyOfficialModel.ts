// A tiny, randomly initialised model folder of the "official SCAR ranker" kind, built for a test by
// test/fixtures/official/make_tiny_scar.py with Debian's python3-onnx and python3-numpy (test/harness/install.sh
// installs them), and the same network's forward pass in plain TypeScript, as the reference the engine's scores
// must match.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixture } from './paths';

export const PYTHON = '/usr/bin/python3';

export interface TinyModelOptions {
  maxLength?: number;
  parts?: boolean;
  seed?: number;
  name?: string;
}

/** Builds the folder under `parent` (a new temporary folder when none) and returns its path. */
export function buildTinyOfficialModel(options: TinyModelOptions = {}, parent?: string): string {
  const base = parent ?? fs.mkdtempSync(path.join(os.tmpdir(), 'scar-tiny-'));
  const out = path.join(base, options.name ?? 'tiny-scar');
  const args = [fixture('official/make_tiny_scar.py'), out];
  if (options.maxLength !== undefined) args.push('--max-length', String(options.maxLength));
  if (options.parts) args.push('--parts');
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.name !== undefined) args.push('--name', options.name);
  try {
    execFileSync(PYTHON, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`building the tiny model failed (needs ${PYTHON} with python3-onnx and python3-numpy; npm test installs them): ${(err.stderr || err.message).trim().split('\n').slice(-3).join(' | ')}`);
  }
  return out;
}

type Matrix = number[][];
interface Weights { E: Matrix; W1: Matrix; Wc: Matrix; b1: number[]; Wp: Matrix; bp: number[]; Wr1: Matrix; br1: number[]; Wr2: Matrix; br2: number[]; Wo1: Matrix; bo1: number[]; Wo2: Matrix; bo2: number[] }

const matVec = (v: number[], W: Matrix): number[] => W[0].map((_, j) => v.reduce((s, x, i) => s + x * W[i][j], 0));
const add = (a: number[], b: number[]): number[] => a.map((x, i) => x + b[i]);

/**
 * The tiny network's score for one pair of token-id sequences (no padding: every position is real), in float64:
 * the reference the ONNX graph (float32) must agree with.
 */
export function tinyReferenceScore(modelDir: string, instructionIds: number[], answerIds: number[]): { score: number; composition: number; presentation: number } {
  const w = JSON.parse(fs.readFileSync(path.join(modelDir, 'weights.json'), 'utf8')) as Weights;
  const encode = (ids: number[]) => {
    const x = ids.map((t) => w.E[t]);
    const ctx = x[0].map((_, j) => x.reduce((s, row) => s + row[j], 0) / x.length);
    const c = matVec(ctx, w.Wc);
    const states = x.map((row) => add(add(matVec(row, w.W1), c), w.b1).map(Math.tanh));
    const pooled = add(matVec(states[0], w.Wp), w.bp).map(Math.tanh);
    return { states, pooled };
  };
  const i = encode(instructionIds);
  const a = encode(answerIds);
  const rel = add(matVec([...i.pooled, ...a.pooled], w.Wr1), w.br1).map((v) => Math.max(0, v));
  const comp = add(matVec(rel, w.Wr2), w.br2);
  const pres = a.states[0].map((_, j) => Math.max(...a.states.map((row) => row[j])));
  const hid = add(matVec([...comp, ...pres], w.Wo1), w.bo1).map((v) => Math.max(0, v));
  const score = add(matVec(hid, w.Wo2), w.bo2)[0];
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return { score, composition: mean(comp), presentation: mean(pres) };
}
