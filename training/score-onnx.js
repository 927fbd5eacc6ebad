// Scores every row of the features dump with an ONNX ranker through onnxruntime-node and the product's featuriser
// (models/featuriser.json), writing score, composition and presentation per row in train.py's torch_scores.f32
// layout, so that evaluate.py can validate an exported variant (for example the int8 quantised graph) as it runs.
//   node training/score-onnx.js MODEL.onnx OUT.f32 [--work DIR]
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const core = require('../out/core.js');

async function main() {
  const [model, outFile, flag, dir] = process.argv.slice(2);
  if (!model || !outFile) throw new Error('usage: node training/score-onnx.js MODEL.onnx OUT.f32 [--work DIR]');
  const work = flag === '--work' && dir ? path.resolve(dir) : path.join(__dirname, 'work');
  const f = core.loadFeaturiser(path.join(__dirname, '..', 'models'));
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  const meta = JSON.parse(fs.readFileSync(path.join(work, 'meta.json'), 'utf8'));
  const texts = fs.readFileSync(path.join(work, 'rows.texts.jsonl'), 'utf8').split('\n');
  const instructions = JSON.parse(fs.readFileSync(path.join(work, 'rows.instructions.json'), 'utf8'));
  const out = new Float32Array(meta.rows * 3);
  const B = 64;
  for (let i = 0; i < meta.rows; i += B) {
    const rows = [];
    for (let r = i; r < Math.min(meta.rows, i + B); r++) rows.push({ instruction: instructions[r], response: JSON.parse(texts[r]) });
    const feeds = f.featurise(rows);
    const o = {};
    for (const [name, t] of Object.entries(feeds)) o[name] = new ort.Tensor(t.type, t.data, t.dims);
    const res = await session.run(o);
    for (let j = 0; j < rows.length; j++) {
      out[(i + j) * 3] = res.score.data[j];
      out[(i + j) * 3 + 1] = res.composition.data[j];
      out[(i + j) * 3 + 2] = res.presentation.data[j];
    }
  }
  fs.writeFileSync(outFile, Buffer.from(out.buffer));
  console.log(`scored ${meta.rows} rows with ${model} -> ${outFile}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
