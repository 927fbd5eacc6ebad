#!/usr/bin/env node
// The dataset overview's work on a scored file of 100,000 lines, as the panel does it (src/extension/views/):
//   open → first histogram   build the rows from the document's state (a score per line, problems, findings), the
//                            model (rank order, percentiles, table index), the summary (both histograms, counts),
//                            the messages as JSON, checked as the webview checks them, and the first page of rows
//                            with previews parsed from 60 line texts
//   drag → count             the cut statistics of one slider position (kept lines, share, both medians) as JSON,
//                            checked: over 300 positions in the three modes
//   memory                   the extension host's heap and array buffers held by the model at 100k and 1M lines, and
//                            the bytes the webview receives (which do not depend on the file's size)
// The real webview round trip (postMessage both ways, drawing) is measured by test/e2e/views.e2e.js ("drag → count
// median … ms"). Prints medians; asserts nothing.
//   node bench/views.bench.js [lines]     (`npm run bench -- views`)
'use strict';
const path = require('path');
const { performance } = require('perf_hooks');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'out', 'bench', 'views-model.js');
require('esbuild').buildSync({
  stdin: {
    contents: [
      "export { OverviewModel, fillFromPairs, previewOf } from './src/extension/views/overviewModel';",
      "export { checkOverviewUpdate } from './src/extension/views/protocol';",
      "export { emptyRows, ROW_FLAGS, PROBLEM_KINDS } from './src/core/overview';",
      "export { linePairs } from './src/core/linePairs';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning',
});
const m = require(bundle);
const { mulberry32: rng } = require('../test/util/prng.js');

const N = Number(process.argv[2]) || 100000;
const RUNS = 7;
const adapter = { schema: 'auto', turnPolicy: 'first' };
// The bundled ranker's calibration is a logistic map of the raw score; a stand-in of the same shape.
const scale = {
  calibrated: true, noun: 'style score',
  shown: (raw) => 100 / (1 + Math.exp(-(raw + 4) * 1.3)),
  raw: (shown) => (shown <= 0 ? -Infinity : shown >= 100 ? Infinity : -4 + Math.log(shown / (100 - shown)) / 1.3),
  text: (raw) => String(Math.round(100 / (1 + Math.exp(-(raw + 4) * 1.3)))),
};
const cuts = { high: 75, low: 25 };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const gc = () => { if (global.gc) { global.gc(); global.gc(); } };

/** A scored document's state as the DatasetSource hands it over: a score per line (NaN none), problems, findings. */
function documentState(n) {
  const rand = rng(7);
  const score = new Float64Array(n);
  const problem = new Uint8Array(n);
  const hygiene = new Uint8Array(n);
  const tokens = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (i % 997 === 500) { score[i] = NaN; problem[i] = 1; tokens[i] = -1; continue; }
    score[i] = -4 + 2 * (rand() + rand() + rand() - 1.5);
    tokens[i] = 20 + Math.floor(300 * rand() * rand());
    if (i % 211 === 3) hygiene[i] = m.ROW_FLAGS.duplicate;
    if (i % 307 === 9) hygiene[i] |= m.ROW_FLAGS.nearDuplicate;
  }
  return { n, score, problem, hygiene, tokens };
}

/** What DocumentFeed.rowsOf does (every line non-blank here), with the parsed lengths already known. */
function modelOf(st) {
  const rows = m.emptyRows(st.n);
  for (let r = 0; r < st.n; r++) {
    rows.line[r] = r;
    rows.score[r] = st.score[r];
    if (st.problem[r]) rows.flags[r] |= m.ROW_FLAGS.noPair;
    rows.flags[r] |= st.hygiene[r];
    rows.tokens[r] = st.tokens[r];
    rows.instKey[r] = r % 9973;
    rows.respKey[r] = r % 7919;
  }
  return new m.OverviewModel(rows, 0, 1, true, { percent: 100, complete: true }, scale, cuts);
}

const lineText = (i) => JSON.stringify({ instruction: `Question ${i}: why does the sky look blue at noon and red at dusk?`, input: '', output: `Answer ${i}: ${'sunlight scatters off the air. '.repeat(8)}` });

function wire(msg) {
  const json = JSON.stringify(msg);
  const back = JSON.parse(json);
  const c = m.checkOverviewUpdate(back);
  if (!c.ok) throw new Error(c.error);
  return json.length;
}

function openPanel(st) {
  const t0 = performance.now();
  const model = modelOf(st);
  let bytes = wire({ type: 'summary', summary: model.summary() });
  bytes += wire({ type: 'cutStats', seq: 1, stats: model.cut.stats({ mode: 'top-percent', value: 25 }) });
  const t1 = performance.now();
  const { total, rows } = model.table.query({ sort: 'line', descending: false, bands: [], kinds: [], text: '', offset: 0, limit: 60 });
  const page = Array.from(rows, (r) => {
    const p = m.previewOf(m.linePairs(lineText(r), r + 1, adapter));
    return { line: r + 1, score: scale.text(model.rows.score[r]), band: model.band(r), tokens: model.rows.tokens[r], ...p, problems: [] };
  });
  bytes += wire({ type: 'page', seq: 1, offset: 0, total, rows: page });
  return { model, histogramMs: t1 - t0, pageMs: performance.now() - t1, bytes };
}

function drags(model, count) {
  const times = [];
  let bytes = 0;
  const scored = model.cut.scored;
  for (let k = 0; k < count; k++) {
    const mode = ['threshold', 'top-k', 'top-percent'][k % 3];
    const f = (k * 0.618) % 1;
    const value = mode === 'threshold' ? Math.round(100 * f) : mode === 'top-k' ? Math.round(scored * f) : Math.round(100 * f);
    const t0 = performance.now();
    bytes = wire({ type: 'cutStats', seq: k, stats: model.cut.stats({ mode, value }) });
    times.push(performance.now() - t0);
  }
  return { median: median(times), max: Math.max(...times), bytes };
}

function heldBytes(build) {
  gc();
  const before = process.memoryUsage();
  const kept = build();
  gc();
  const after = process.memoryUsage();
  const held = (after.heapUsed - before.heapUsed) + (after.arrayBuffers - before.arrayBuffers);
  return { kept, held };
}

const st = documentState(N);
const opens = [];
const pages = [];
let payload = 0;
for (let r = 0; r < RUNS; r++) {
  const o = openPanel(st);
  opens.push(o.histogramMs);
  pages.push(o.pageMs);
  payload = o.bytes;
}
const model = openPanel(st).model;
const d = drags(model, 300);
console.log(`overview of ${N.toLocaleString('en-US')} scored lines (${RUNS} runs, medians)`);
console.log(`  open → first histogram    ${median(opens).toFixed(1)} ms (rows, model, summary, JSON + check)   target ≤ 300 ms`);
console.log(`  first page of 60 rows     ${median(pages).toFixed(1)} ms (query, previews parsed from 60 lines)`);
console.log(`  drag → count              ${d.median.toFixed(2)} ms median, ${d.max.toFixed(2)} ms max over 300 positions   target ≤ 50 ms`);
console.log(`  webview receives          ${(payload / 1024).toFixed(1)} kB on open, ${d.bytes} bytes per drag`);

for (const n of [100000, 1000000]) {
  const state = documentState(n);
  const { kept, held } = heldBytes(() => { const o = openPanel(state); drags(o.model, 30); o.model.table.query({ sort: 'score', descending: true, bands: [], kinds: [], text: '', offset: 0, limit: 60 }); return o; });
  console.log(`  memory at ${n.toLocaleString('en-US').padStart(9)} lines: extension host ${(held / 1048576).toFixed(1)} MB held by the model (${(held / n).toFixed(0)} bytes/line); webview ${(kept.bytes / 1024).toFixed(1)} kB received`);
}
