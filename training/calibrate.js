#!/usr/bin/env node
// Fits the 0-100 style score of the ranker in MODEL_DIR (default models/) and writes MODEL_DIR/calibration.json.
//   node training/calibrate.js [MODEL_DIR]
// The validation split of training/pairs.js (the same seeded split by prompt as training) is scored with the
// product's own CLI (`scar score --no-cache --model MODEL_DIR`): each pair's human answer and its assistant answer,
// as two Alpaca files. A logistic regression of "assistant" against "human" on the raw scores (each pair's two
// sides weigh the same; MGTBench's three answers per question a third each) gives style = 100 * sigmoid(a*raw + b),
// a monotone map: ranks and percentiles do not change. Run by training/train.sh after the model is exported.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { fitLogistic, styleScore, quantileSorted, loadFeaturiser } = require('../out/core.js');
const { loadPairs } = require('./pairs');

const repo = path.resolve(__dirname, '..');
const modelDir = path.resolve(process.argv[2] || path.join(repo, 'models'));
const cli = path.join(repo, 'dist', 'cli.js');
if (!fs.existsSync(cli)) { console.error('calibrate: dist/cli.js is missing: run `npm run build` first'); process.exit(2); }

// The views of the code pairs (pairs.js: stripped, and cut into method completions) are left out: the stripped view is
// not data a user scores, and both would count ClassEval's solutions again.
const { isView } = require('./pairs');
const val = loadPairs({ includeOod: false }).filter((p) => p.split === 'val' && !isView(p));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-calibrate-'));
function scoreSide(side) {
  const file = path.join(tmp, `${side}.jsonl`);
  fs.writeFileSync(file, val.map((p) => JSON.stringify({ instruction: p.instruction || '', output: p[side] })).join('\n') + '\n');
  const out = path.join(tmp, `${side}.scores.jsonl`);
  execFileSync(process.execPath, [cli, 'score', file, '-o', out, '--no-cache', '--model', modelDir, '--schema', 'alpaca'],
    { stdio: ['ignore', 'ignore', 'inherit'] });
  const rows = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  if (rows.length !== val.length) throw new Error(`calibrate: ${side}: ${rows.length} score rows for ${val.length} pairs`);
  return rows.map((r) => (r.score === null ? NaN : r.score));
}
const human = scoreSide('human');
const assistant = scoreSide('llm');
fs.rmSync(tmp, { recursive: true, force: true });
const weights = val.map((p) => p.weight);
const { a, b } = fitLogistic(human, assistant, weights, weights);
const median = (xs) => quantileSorted(Float64Array.from(xs.filter(Number.isFinite)).sort(), 0.5);
const cal0 = { a, b };
const round1 = (x) => Math.round(x * 10) / 10;
const anchors = {
  humanMedian: round1(styleScore(median(human), cal0)),
  assistantMedian: round1(styleScore(median(assistant), cal0)),
};
let agree = 0;
for (let i = 0; i < val.length; i++) agree += (assistant[i] > human[i] ? 1 : 0) * val[i].weight;
const model = loadFeaturiser(modelDir).modelId.split(':')[0];
const cal = {
  a: Number(a.toPrecision(6)), b: Number(b.toPrecision(6)), model, anchors,
  fittedOn: `validation split of training/pairs.js: ${val.length} pairs (human vs strong assistant), logistic regression, sides weighted equally`,
};
fs.writeFileSync(path.join(modelDir, 'calibration.json'), JSON.stringify(cal, null, 2) + '\n');
const totalW = weights.reduce((s, w) => s + w, 0);
console.log(`calibration for ${model}: style = 100 * sigmoid(${cal.a} * raw + ${cal.b})`);
console.log(`  median human answer: raw ${median(human).toFixed(2)} -> ${anchors.humanMedian}; median assistant answer: raw ${median(assistant).toFixed(2)} -> ${anchors.assistantMedian}`);
console.log(`  style 50 at raw ${(-cal.b / cal.a).toFixed(2)}; pairwise accuracy on these pairs ${(agree / totalW).toFixed(3)}`);
