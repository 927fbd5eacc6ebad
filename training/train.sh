#!/usr/bin/env bash
# The whole pipeline that produces models/ (seeded; several minutes on 2 CPU cores):
#   bash training/train.sh [train.py options, e.g. --epochs 20]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
# The commit that shipped the previous ranker (scar-lens-ranker-1.0): its featuriser and model score the same
# pairs for the comparison columns of the model card (code rows, correlation with length).
RANKER1_COMMIT=dbdf0ee
echo "== bundling src/core as out/core.js"
npx esbuild src/core/index.ts --bundle --platform=node --target=node20 --format=cjs --outfile=out/core.js --log-level=warning
echo "== 1. vocabulary, word vectors and feature normalisation (train split)"
node --max-old-space-size=6144 training/build-featuriser.js
echo "== 2. features of every pair, dumped by the product's featuriser"
node training/dump-features.js
echo "== 2b. the previous ranker (scar-lens-ranker-1.0, commit $RANKER1_COMMIT) scores the same rows"
rm -rf training/work/ranker1 && mkdir -p training/work/ranker1
git archive "$RANKER1_COMMIT" src/core models | tar -x -C training/work/ranker1
npx esbuild training/work/ranker1/src/core/index.ts --bundle --platform=node --target=node20 --format=cjs \
  --outfile=training/work/ranker1/core.js --log-level=warning
node training/score-ranker1.js
echo "== 3. training, ONNX export, baselines and the validation table"
OMP_NUM_THREADS=1 "$PY" training/train.py "$@"
echo "== 4. onnxruntime-node reproduces the trained scores"
node training/verify-onnx.js
echo "== 5. the 0-100 style score: calibration on the validation split (models/calibration.json)"
node esbuild.js > /dev/null
node training/calibrate.js
