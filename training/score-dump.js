// Scores every row of a features dump (training/work by default) with a featuriser and an onnxruntime session, in
// batches of 64: the loop score-onnx.js and score-ranker1.js share.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

/** { rows, score, composition, presentation }: one float32 per dump row for each of the model's outputs. */
async function scoreDumpRows(work, featuriser, session, batch = 64) {
  const meta = JSON.parse(fs.readFileSync(path.join(work, 'meta.json'), 'utf8'));
  const texts = fs.readFileSync(path.join(work, 'rows.texts.jsonl'), 'utf8').split('\n');
  const instructions = JSON.parse(fs.readFileSync(path.join(work, 'rows.instructions.json'), 'utf8'));
  const out = { rows: meta.rows, score: new Float32Array(meta.rows), composition: new Float32Array(meta.rows), presentation: new Float32Array(meta.rows) };
  for (let i = 0; i < meta.rows; i += batch) {
    const rows = [];
    for (let r = i; r < Math.min(meta.rows, i + batch); r++) rows.push({ instruction: instructions[r], response: JSON.parse(texts[r]) });
    const feeds = {};
    for (const [name, t] of Object.entries(featuriser.featurise(rows))) feeds[name] = new ort.Tensor(t.type, t.data, t.dims);
    const res = await session.run(feeds);
    for (const name of ['score', 'composition', 'presentation']) out[name].set(res[name].data, i);
  }
  return out;
}

module.exports = { scoreDumpRows };
