#!/usr/bin/env node
// The dataset overview's work on a scored file of 100,000 lines, as the panel does it (src/extension/views/):
//   open → first histogram   build the rows from the document's state (a score per line, problems, findings), the
//                            model (rank order, percentiles, table index), the summary (both histograms, counts),
//                            the messages as JSON, checked as the webview checks them, and the first page of rows
//                            with previews parsed from 60 line texts
//   drag → count             the cut statistics of one slider position (kept lines, share, both medians) as JSON,
//                            checked: over 300 positions in the three modes
//   memory                   an open document (at most 50 MB in VS Code): the extension host's heap and array buffers
//                            held by the model at 100k lines, and the bytes the webview receives
//   a file on disk           100k and 1M lines through the overview service (dist/overview.js, the process the panel
//                            starts for a file VS Code cannot open): time to the first histogram (pass 1), to the
//                            scores (a stand-in engine answers at once: this measures the overview, not the ranker),
//                            drag → count over the process boundary, the first page, a search, a narrowed search and
//                            the sort by whole instruction text; memory held by the extension host (the client: the
//                            summary and one page) and the service's resident memory, at 100k and at 1M lines
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
      "export { OverviewModel, fillFromPairs, previewOf } from './src/core/overviewModel';",
      "export { checkOverviewUpdate } from './src/extension/views/protocol';",
      "export { emptyRows, ROW_FLAGS, PROBLEM_KINDS } from './src/core/overview';",
      "export { OverviewClient } from './src/engine/overviewClient';",
      "export { linePairs } from './src/core/linePairs';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning',
});
const m = require(bundle);
const { mulberry32: rng } = require('../test/util/prng.js');

const N = Number(process.argv[2]) > 0 ? Number(process.argv[2]) : 100000;
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

// ---------------------------------------------------------------------------------------------------------------
// A file on disk, through the overview service.

const fs = require('fs');
const os = require('os');

/** Writes n lines (about 330 bytes each) with shared beginnings, so the full-text sort has ties to break. */
function writeLargeFile(file, n) {
  const fd = fs.openSync(file, 'w');
  const rand = rng(3);
  let buf = [];
  for (let i = 0; i < n; i++) {
    const stem = ['Write a Python function that returns ', 'Explain why the sky ', 'Summarise the history of ', 'Translate into French: '][i % 4];
    buf.push(JSON.stringify({ instruction: `${stem}${Math.floor(rand() * 1e6)} and item ${i}`, input: '', output: `Answer ${i}: ${'the light scatters off the air. '.repeat(1 + (i % 9))}` }));
    if (buf.length === 10000) { fs.writeSync(fd, buf.join('\n') + '\n'); buf = []; }
  }
  if (buf.length) fs.writeSync(fd, buf.join('\n') + '\n');
  fs.closeSync(fd);
}

/** A stand-in engine: a score from the response's length, answered at once. */
const fakeEngine = {
  start: async () => ({ modelId: 'bench', modelName: 'bench', modelKind: 'bundled', hasComponents: true, loadMs: 0, pid: 0 }),
  score: async (pairs) => pairs.map((p) => { const s = -6 + (p.response.length % 97) / 20; return { score: s, composition: s / 2, presentation: s / 2 }; }),
};

const rssOf = (pid) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number((status.match(new RegExp(`${key}:\\s+(\\d+)`)) || [])[1] || 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
};

async function fileOnDisk(n) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-views-bench-'));
  const file = path.join(dir, 'large.jsonl');
  writeLargeFile(file, n);
  const size = fs.statSync(file).size;
  gc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  let firstHistogram, scored;
  let done;
  const finished = new Promise((r) => { done = r; });
  const client = new m.OverviewClient({
    servicePath: path.join(root, 'dist', 'overview.js'), engine: fakeEngine,
    init: { file, adapter, cleaning: { exact: true, language: 'off', near: false }, calibration: null, cuts },
    onChange: () => {
      const s = client.summary;
      if (s && firstHistogram === undefined) firstHistogram = performance.now() - t0;
      if (s && s.scoring.complete && scored === undefined) scored = performance.now() - t0;
      if (client.activity.kind === 'idle' && s && s.scoring.complete) done();
      if (client.activity.kind === 'failed') done();
    },
  });
  await finished;
  const ready = performance.now() - t0;
  const q = { sort: 'line', descending: false, bands: [], kinds: [], text: '', offset: 0, limit: 60 };
  const time = async (f) => { const a = performance.now(); const r = await f(); return { ms: performance.now() - a, r }; };
  const page = await time(() => client.query({ kind: 'page', query: q }));
  const dragTimes = [];
  for (let k = 0; k < 100; k++) {
    const mode = ['threshold', 'top-k', 'top-percent'][k % 3];
    const f = (k * 0.618) % 1;
    const value = mode === 'threshold' ? -6 + 5 * f : mode === 'top-k' ? Math.round(n * f) : Math.round(100 * f);
    const t = await time(() => client.query({ kind: 'cut', cut: { mode, value } }));
    dragTimes.push(t.ms);
  }
  const search = await time(() => client.query({ kind: 'page', query: { ...q, text: 'item 12' } }));
  const narrowed = await time(() => client.query({ kind: 'page', query: { ...q, text: 'item 1234' } }));
  const sort = await time(() => client.query({ kind: 'page', query: { ...q, sort: 'instruction' } }));
  const sortAgain = await time(() => client.query({ kind: 'page', query: { ...q, sort: 'instruction', descending: true } }));
  gc();
  const after = process.memoryUsage();
  const host = (after.heapUsed - before.heapUsed) + (after.arrayBuffers - before.arrayBuffers);
  const svc = rssOf(client.pid);
  console.log(`  file on disk, ${n.toLocaleString('en-US')} lines (${(size / 1048576).toFixed(0)} MB):`);
  console.log(`    first histogram (pass 1)  ${(firstHistogram / 1000).toFixed(2)} s; scored ${(scored / 1000).toFixed(2)} s; cleaned (exact duplicates) ${(ready / 1000).toFixed(2)} s`);
  console.log(`    drag → count              ${median(dragTimes).toFixed(2)} ms median, ${Math.max(...dragTimes).toFixed(2)} ms max over 100 positions (one round trip to the service)`);
  console.log(`    first page of 60 rows     ${page.ms.toFixed(1)} ms (previews read from disk)`);
  console.log(`    search "item 12"          ${(search.ms / 1000).toFixed(2)} s (${search.r.total.toLocaleString('en-US')} lines); narrowed to "item 1234" ${(narrowed.ms / 1000).toFixed(2)} s (${narrowed.r.total.toLocaleString('en-US')} lines)`);
  console.log(`    sort by whole instruction ${(sort.ms / 1000).toFixed(2)} s the first time, ${sortAgain.ms.toFixed(1)} ms the other way`);
  console.log(`    memory: extension host holds ${(host / 1048576).toFixed(2)} MB; the service ${svc.rss.toFixed(0)} MB resident (peak ${svc.peak.toFixed(0)} MB, ${((svc.rss * 1048576) / n).toFixed(0)} bytes/line)`);
  client.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
}

function openDocument() {
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

  {
    const n = 100000;
    const state = documentState(n);
    const { kept, held } = heldBytes(() => { const o = openPanel(state); drags(o.model, 30); o.model.table.query({ sort: 'score', descending: true, bands: [], kinds: [], text: '', offset: 0, limit: 60 }); return o; });
    console.log(`  memory, open document of ${n.toLocaleString('en-US')} lines: extension host ${(held / 1048576).toFixed(1)} MB held by the model (${(held / n).toFixed(0)} bytes/line); webview ${(kept.bytes / 1024).toFixed(1)} kB received`);
  }
}

// Each file on disk is measured in a process of its own, so the host's memory is not blurred by the document's.
const fileArg = process.argv.indexOf('--file');
if (fileArg >= 0) {
  fileOnDisk(Number(process.argv[fileArg + 1])).catch((e) => { console.error(e); process.exit(1); });
} else {
  openDocument();
  for (const n of [100000, 1000000]) {
    const r = require('child_process').spawnSync(process.execPath, ['--expose-gc', __filename, '--file', String(n)], { stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
  }
}
