#!/usr/bin/env node
// The pure work behind the editor's score commands (src/extension/commands/docLines.ts, selectionPrep.ts, criterionInput.ts, filterInput.ts and lineEdits.ts) on a generated
// document of 100,000 lines: reading it into lines with pairs and scores (baseline: JSON.parse of every line alone),
// SCAR's cleaning in slices (baseline: the tests' runSelectionPipeline, core's CleaningPass in one go, same run) with the longest stretch
// between two yields to the event loop, the same cleaning in the worker thread "Select top" uses (the longest gap of
// this thread's timer meanwhile), the quick pick's counts, a selection, and the whole-text edits of sort and
// filter. Prints medians; asserts nothing.
//   node bench/commands.bench.js [lines]       (`npm run bench -- commands`; builds out/bench/commands-model.js itself)
'use strict';
const path = require('path');
const { performance } = require('perf_hooks');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'out', 'bench', 'commands-model.js');
require('esbuild').buildSync({
  stdin: {
    contents: [
      "export { documentLines } from './src/extension/commands/docLines';",
      "export { prepareSelection, applyCriterion } from './src/extension/commands/selectionPrep';",
      "export { criterionChoices } from './src/extension/commands/criterionInput';",
      "export { parseFilterInput } from './src/extension/commands/filterInput';",
      "export { sortedText, filteredText } from './src/extension/commands/lineEdits';",
      "export { runSelectionPipeline } from './test/util/oracles/selectionPipeline';",
      "export { cleanInWorker } from './src/extension/cleaningWorkerClient';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning',
});
const m = require(bundle);
// The selection command's cleaning worker, as the extension ships it.
const workerFile = path.join(root, 'out', 'bench', 'cleaningWorker.js');
require('esbuild').buildSync({
  entryPoints: [path.join(root, 'src/extension/cleaningWorker.ts')],
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: workerFile, logLevel: 'warning',
});
const { Worker } = require('worker_threads');
const { mulberry32: rng } = require('../test/util/prng.js');

const N = Number(process.argv[2]) || 100000;
const RUNS = 5;
const CLEAN_RUNS = 3;

const rand = rng(11);
const WORDS = 'the a of to and in is it you that for on with as are this be at have or from by one but not what all were when we there can an your which their said if do will each about how up out them then she many some so these would other into has more her two like him see time could no make than first been its who now people my made over did down only way find use may water long little very after words called just where most know'.split(' ');
const words = (n) => Array.from({ length: n }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');
const rows = [];
for (let i = 0; i < N; i++) {
  if (i % 1000 === 999) { rows.push('{"instruction": "broken",}'); continue; }
  if (i % 500 === 250) { rows.push(rows[Math.floor(rand() * rows.length)]); continue; } // planted exact duplicates
  rows.push(JSON.stringify({ instruction: words(6 + Math.floor(rand() * 20)), input: '', output: words(15 + Math.floor(rand() * 70)) }));
}
const text = rows.join('\n') + '\n';
const scores = rows.map(() => rand() * 6 - 4);
const ADAPTER = { schema: 'auto', turnPolicy: 'first' };

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
async function timeIt(label, runs, fn) {
  const times = [];
  let result;
  for (let r = 0; r < runs; r++) {
    global.gc?.();
    const t0 = performance.now();
    result = await fn();
    times.push(performance.now() - t0);
  }
  console.log(`${label.padEnd(58)} median ${ms(median(times)).padStart(9)}  (${runs} runs)`);
  return { result, median: median(times) };
}

(async () => {
  console.log(`${N.toLocaleString('en-US')} lines, ${(text.length / 1048576).toFixed(1)} MB of text`);
  await timeIt('baseline: JSON.parse of every line', RUNS, () => { for (const r of rows) { try { JSON.parse(r); } catch { /* broken */ } } });
  const { result: doc } = await timeIt('documentLines (parse, adapt, attach scores)', RUNS, () => m.documentLines(text, ADAPTER, (i) => scores[i]));

  const off = { dedup: false, languageFilter: false };
  const on = { dedup: true, languageFilter: true };
  await timeIt('prepareSelection, no cleaning', RUNS, () => m.prepareSelection(doc.lines, off));

  const items = doc.lines.filter((l) => l.pairs).map((l) => ({ line: l.index + 1, pairs: l.pairs, score: l.score }));
  const base = await timeIt('baseline: core runSelectionPipeline in one go (blocking)', CLEAN_RUNS, () => m.runSelectionPipeline(items, { criterion: { kind: 'ratio', ratio: 0.25 }, ...on }));
  let longest = [];
  const sliced = await timeIt('prepareSelection with SCAR cleaning, sliced', CLEAN_RUNS, async () => {
    let last = performance.now();
    let worst = 0;
    const p = await m.prepareSelection(doc.lines, on, {
      pause: () => new Promise((resolve) => setImmediate(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; resolve(); })),
    });
    worst = Math.max(worst, performance.now() - last); // finish(): the clustering runs in one go
    longest.push(worst);
    return p;
  });
  console.log(`  sliced vs one go: ${(sliced.median / base.median).toFixed(2)}x; longest stretch without yielding: median ${ms(median(longest))} (the final clustering step)`);
  console.log(`  removed ${sliced.result.removed.size.toLocaleString('en-US')} lines (${JSON.stringify(sliced.result.cleaning.counts)}); baseline removed ${base.result.removed.size.toLocaleString('en-US')}`);

  // What "Select top" does now: the same cleaning in a worker thread; the host only posts the lines in parts.
  const longestHost = [];
  const inWorker = await timeIt('prepareSelection with SCAR cleaning in the worker', CLEAN_RUNS, async () => {
    let last = performance.now();
    let worst = 0;
    const tick = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 1);
    try {
      return await m.prepareSelection(doc.lines, on, { clean: (c, o, r) => m.cleanInWorker(() => new Worker(workerFile), c, o, r) });
    } finally {
      clearInterval(tick);
      longestHost.push(Math.max(worst, performance.now() - last));
    }
  });
  const same = JSON.stringify([...inWorker.result.removed]) === JSON.stringify([...sliced.result.removed]);
  console.log(`  worker vs sliced: ${(inWorker.median / sliced.median).toFixed(2)}x wall; longest gap of this thread's timer: median ${ms(median(longestHost))} (sliced: ${ms(median(longest))}); same removals: ${same}`);

  const prep = sliced.result;
  await timeIt('criterionChoices (quick pick items with counts)', RUNS, () => m.criterionChoices(prep));
  await timeIt('applyCriterion top 25%', RUNS, () => m.applyCriterion(prep, { kind: 'ratio', ratio: 0.25 }));
  await timeIt('parseFilterInput "25%" (count below the 25th percentile)', RUNS, () => m.parseFilterInput('25%', doc.lines));
  await timeIt('sortedText (the sort command\'s new text)', RUNS, () => m.sortedText(doc));
  await timeIt('filteredText at the median score', RUNS, () => m.filteredText(doc, 0));
  const mem = process.memoryUsage();
  console.log(`heap used at the end: ${(mem.heapUsed / 1048576).toFixed(0)} MB (document text ${(text.length * 2 / 1048576).toFixed(0)} MB as UTF-16)`);
})().catch((e) => { console.error(e); process.exit(1); });
