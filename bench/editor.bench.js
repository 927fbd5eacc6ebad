#!/usr/bin/env node
// The editor's live analysis (src/extension/documents/lineModel.ts + lineAnalyser.ts) on a generated 100,000-line document:
// the cost of one keystroke's re-check against a full re-analysis of the file (the baseline, same run), and how
// long the longest slice of a sliced full pass runs (the host must never stall more than 50 ms).
//   node bench/editor.bench.js [lines]       (`npm run bench -- editor`; builds out/bench/editor-model.js itself)
// Prints medians. The line model has no vscode import, so it runs here in plain Node exactly as in the host.
'use strict';
const path = require('path');
const { performance } = require('perf_hooks');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'out', 'bench', 'editor-model.js');
require('esbuild').buildSync({
  stdin: {
    contents: "export { LineModel, SLICE_MS } from './src/extension/documents/lineModel';\nexport { lineAnalyserFor } from './src/extension/documents/lineAnalyser';",
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning',
});
const { LineModel, lineAnalyserFor, SLICE_MS } = require(bundle);
const { mulberry32: rng } = require('../test/util/prng.js');

const N = Number(process.argv[2]) || 100000;

const rand = rng(7);
const WORDS = 'the a of to and in is it you that for on with as are this be at have or from by one but not what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know'.split(' ');
const text = (n) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
function line(i) {
  const q = text(6 + Math.floor(rand() * 20));
  const a = text(15 + Math.floor(rand() * 70));
  if (i % 1000 === 999) return `{"instruction": "${q}", "output": "${a}",}`; // 0.1% of the lines are broken
  if (i % 2 === 0) return JSON.stringify({ conversations: [{ from: 'human', value: q + '?' }, { from: 'gpt', value: a + '.' }] });
  return JSON.stringify({ instruction: q, input: '', output: a });
}
const lines = Array.from({ length: N }, (_, i) => line(i));
const mb = lines.reduce((s, l) => s + l.length + 1, 0) / 1e6;
const analyser = lineAnalyserFor({ schema: 'auto', turnPolicy: 'first' });
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const getText = (i) => lines[i];

// Baseline: a full analysis of the document (what a naive implementation does on every keystroke).
const full = [];
let model;
for (let r = 0; r < 5; r++) {
  model = new LineModel(analyser, N);
  const t0 = performance.now();
  model.analysePending(getText);
  model.problemLines(1001);
  full.push(performance.now() - t0);
}

// One keystroke: line i changes (a character typed), the model re-checks it and lists the problems again (the
// diagnostics rebuild: a scan of the per-line analyses, no parsing).
const keystroke = [];
for (let e = 0; e < 2000; e++) {
  const i = Math.floor(rand() * N);
  const old = lines[i];
  lines[i] = e % 2 ? old.replace(/"\}$/, '",}') : old; // every other edit breaks the line, the next restores it
  const t0 = performance.now();
  model.replaceLines(i, i, 1);
  model.analysePending(getText);
  model.problemLines(1001);
  model.summary();
  keystroke.push(performance.now() - t0);
  lines[i] = old;
  model.replaceLines(i, i, 1);
  model.analysePending(getText);
}

// Enter pressed in the middle of the file: one line becomes two, every line below moves.
const enter = [];
for (let e = 0; e < 200; e++) {
  const i = Math.floor(rand() * (lines.length - 1));
  const t0 = performance.now();
  lines.splice(i + 1, 0, '');
  model.replaceLines(i, i, 2);
  model.analysePending(getText);
  model.problemLines(1001);
  enter.push(performance.now() - t0);
  lines.splice(i + 1, 1);
  model.replaceLines(i, i + 1, 1);
  model.analysePending(getText);
}

// The sliced full pass the extension runs on open: the longest slice with the extension's budget.
const slices = [];
model = new LineModel(analyser, lines.length);
let done = false;
const t0 = performance.now();
while (!done) {
  const s = performance.now();
  done = model.analysePending(getText, () => performance.now() > s + SLICE_MS);
  slices.push(performance.now() - s);
}
const slicedTotal = performance.now() - t0;

const f = median(full);
const k = median(keystroke);
console.log(`document: ${N.toLocaleString('en-US')} lines, ${mb.toFixed(1)} MB (ShareGPT and Alpaca pairs, 0.1% broken lines)`);
console.log(`baseline  full re-analysis:        median ${f.toFixed(1)} ms  (${(N / f * 1000 / 1e6).toFixed(2)} M lines/s, ${(mb / f * 1000).toFixed(0)} MB/s)`);
console.log(`edit      one line re-checked:     median ${(k * 1000).toFixed(0)} us, p99 ${(keystroke.sort((a, b) => a - b)[Math.floor(keystroke.length * 0.99)] * 1000).toFixed(0)} us  -> ${(f / k).toFixed(0)}x less than the baseline`);
console.log(`edit      Enter (lines shift):     median ${(median(enter) * 1000).toFixed(0)} us`);
console.log(`slicing   full pass in ${slices.length} slices of <= ${SLICE_MS} ms budget: longest ${Math.max(...slices).toFixed(1)} ms, median ${median(slices).toFixed(1)} ms, total ${slicedTotal.toFixed(0)} ms`);
