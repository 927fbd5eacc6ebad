// Step 4 of the pipeline: checks that models/ranker.onnx, run by onnxruntime-node on features that the product's
// featuriser computes afresh (in padded batches, as the engine does), gives the scores torch gave in training.
//   node training/verify-onnx.js       exits 1 when any score differs by more than the tolerance
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const core = require('../out/core.js');

const ROOT = path.join(__dirname, '..');
const WORK = path.join(__dirname, 'work');
const TOLERANCE = 1e-3;

function toOrt(feeds) {
  const out = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = new ort.Tensor(t.type, t.data, t.dims);
  return out;
}

async function main() {
  const modelDir = path.join(ROOT, 'models');
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(path.join(modelDir, 'ranker.onnx'), { intraOpNumThreads: 2 });
  const loadMs = performance.now() - t0;
  const f = core.loadFeaturiser(modelDir);
  const meta = JSON.parse(fs.readFileSync(path.join(WORK, 'meta.json'), 'utf8'));
  const texts = fs.readFileSync(path.join(WORK, 'rows.texts.jsonl'), 'utf8').split('\n');
  const torchScores = new Float32Array(fs.readFileSync(path.join(WORK, 'torch_scores.f32')).buffer.slice(0));
  // Rows of the val, test and out-of-domain pairs, with their instructions.
  const rows = new Map();
  for (const p of meta.pairs) {
    if (p.split === 'train') continue;
    rows.set(p.h, null);
    rows.set(p.l, null);
  }
  const instructionOf = new Map();
  const all = require('./pairs').loadPairs();
  all.forEach((p, i) => {
    const m = meta.pairs[i];
    instructionOf.set(m.h, p.instruction);
    instructionOf.set(m.l, p.instruction);
  });
  const ids = [...rows.keys()];
  let worst = 0;
  let worstRow = -1;
  const B = 32;
  const t1 = performance.now();
  for (let i = 0; i < ids.length; i += B) {
    const chunk = ids.slice(i, i + B);
    const feeds = f.featurise(chunk.map((r) => ({ instruction: instructionOf.get(r), response: JSON.parse(texts[r]) })));
    const out = await session.run(toOrt(feeds));
    const s = out.score.data;
    const c = out.composition.data;
    const pr = out.presentation.data;
    chunk.forEach((r, j) => {
      const d = Math.max(Math.abs(s[j] - torchScores[r * 3]), Math.abs(c[j] - torchScores[r * 3 + 1]), Math.abs(pr[j] - torchScores[r * 3 + 2]));
      if (Math.abs(s[j] - (c[j] + pr[j])) > 1e-4) throw new Error(`row ${r}: score ${s[j]} is not composition + presentation`);
      if (d > worst) { worst = d; worstRow = r; }
    });
  }
  const ms = performance.now() - t1;
  console.log(`onnxruntime-node vs torch on ${ids.length} val/test/ood rows: max |difference| ${worst.toExponential(2)} (row ${worstRow}); ` +
    `model load ${loadMs.toFixed(0)} ms; featurise+infer ${(ids.length / (ms / 1000)).toFixed(0)} rows/s in batches of ${B}`);
  if (worst > TOLERANCE) {
    console.error(`FAIL: onnxruntime-node and torch disagree by more than ${TOLERANCE}`);
    process.exit(1);
  }
  console.log('OK: the ONNX model reproduces the trained scores');
}

main().catch((e) => { console.error(e); process.exit(1); });
