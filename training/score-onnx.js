// Scores every row of the features dump with an ONNX ranker through onnxruntime-node and the product's featuriser
// (models/featuriser.json), writing score, composition and presentation per row in train.py's torch_scores.f32
// layout, so that evaluate.py can validate an exported variant (for example the int8 quantised graph) as it runs.
//   node training/score-onnx.js MODEL.onnx OUT.f32 [--work DIR]
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const core = require('../out/core.js');
const { scoreDumpRows } = require('./score-dump');

async function main() {
  const [model, outFile, flag, dir] = process.argv.slice(2);
  if (!model || !outFile) throw new Error('usage: node training/score-onnx.js MODEL.onnx OUT.f32 [--work DIR]');
  const work = flag === '--work' && dir ? path.resolve(dir) : path.join(__dirname, 'work');
  const f = core.loadFeaturiser(path.join(__dirname, '..', 'models'));
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const res = await scoreDumpRows(work, f, session);
  const out = new Float32Array(res.rows * 3);
  for (let r = 0; r < res.rows; r++) {
    out[r * 3] = res.score[r];
    out[r * 3 + 1] = res.composition[r];
    out[r * 3 + 2] = res.presentation[r];
  }
  fs.writeFileSync(outFile, Buffer.from(out.buffer));
  console.log(`scored ${res.rows} rows with ${model} -> ${outFile}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
