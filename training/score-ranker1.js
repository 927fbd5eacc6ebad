// Scores every row of the features dump with the previous bundled ranker, scar-lens-ranker-1.0, so that the
// model card can compare ranker 2 with it on the same pairs (code rows, length correlation). Ranker 1.0 needs its
// own featuriser code, so train.sh first extracts src/core and models/ of the commit that shipped it
// (RANKER1_COMMIT) into training/work/ranker1/ and bundles that core as training/work/ranker1/core.js.
//   node training/score-ranker1.js [--work DIR]     writes DIR/ranker1_scores.f32 (float32 score per row)
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');
const { scoreDumpRows } = require('./score-dump');

const WORK_DEFAULT = path.join(__dirname, 'work');

async function main() {
  const argv = process.argv.slice(2);
  const work = argv[0] === '--work' && argv[1] ? path.resolve(argv[1]) : WORK_DEFAULT;
  const dir = path.join(WORK_DEFAULT, 'ranker1');
  const core = require(path.join(dir, 'core.js'));
  const f = core.loadFeaturiser(path.join(dir, 'models'));
  if (!f.modelId.startsWith('scar-lens-ranker-1.0')) throw new Error(`${dir}/models is ${f.modelId}, not scar-lens-ranker-1.0`);
  const session = await ort.InferenceSession.create(path.join(dir, 'models', 'ranker.onnx'), { intraOpNumThreads: 1 });
  const { rows, score: out } = await scoreDumpRows(work, f, session);
  fs.writeFileSync(path.join(work, 'ranker1_scores.f32'), Buffer.from(out.buffer));
  console.log(`scored ${rows} rows with ${f.modelId} -> ${path.relative(process.cwd(), path.join(work, 'ranker1_scores.f32'))}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
