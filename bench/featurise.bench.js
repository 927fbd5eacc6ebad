#!/usr/bin/env node
// The featuriser alone (src/core/featurise.ts): pairs/s for 5,000 real pairs from training/data (both the human
// and the LLM responses), in batches of 64, median of 5 runs. Baseline in the same run: tokenising the same texts
// (countTokens over instruction and response), the floor any featuriser pays. Also: loadFeaturiser time.
// Prints figures; asserts nothing. Needs out/core.js (`node esbuild.js`).
'use strict';
const fs = require('fs');
const path = require('path');
const core = require('../out/core.js');

const root = path.resolve(__dirname, '..');
const N = 5000;
const RUNS = 5;
const BATCH = 64;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

function pairs() {
  const out = [];
  const dir = path.join(root, 'training', 'data');
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line);
      out.push({ instruction: r.instruction ?? '', response: r.human }, { instruction: r.instruction ?? '', response: r.llm });
    }
  }
  // Deterministic spread over the files.
  const step = Math.max(1, Math.floor(out.length / N));
  return out.filter((_, i) => i % step === 0).slice(0, N);
}

function main() {
  const t0 = performance.now();
  const f = core.loadFeaturiser(path.join(root, 'models'));
  const loadMs = performance.now() - t0;
  const ps = pairs();
  const chars = ps.reduce((a, p) => a + p.instruction.length + p.response.length, 0);
  const time = (fn) => { const t = performance.now(); fn(); return performance.now() - t; };
  const feat = [];
  const tok = [];
  for (let r = 0; r < RUNS + 1; r++) {
    const a = time(() => { for (let i = 0; i < ps.length; i += BATCH) f.featurise(ps.slice(i, i + BATCH)); });
    const b = time(() => { for (const p of ps) { core.countTokens(p.instruction, 1024); core.countTokens(p.response, 1024); } });
    if (r > 0) { feat.push(a); tok.push(b); } // the first run warms the JIT
  }
  const fr = ps.length / (median(feat) / 1000);
  const tr = ps.length / (median(tok) / 1000);
  console.log(`pairs: ${ps.length} (mean ${(chars / ps.length).toFixed(0)} characters), model ${f.modelId}`);
  console.log(`loadFeaturiser: ${loadMs.toFixed(0)} ms (featuriser.json, ${f.vocabSize} vocabulary entries, hashing ranker.onnx)`);
  console.log(`featurise (batches of ${BATCH}): ${Math.round(fr).toLocaleString('en-US')} pairs/s (median of ${RUNS})`);
  console.log(`baseline, tokenising only:     ${Math.round(tr).toLocaleString('en-US')} pairs/s; featurise costs ${(tr / fr).toFixed(1)}x tokenising`);
}

main();
