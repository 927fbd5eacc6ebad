#!/usr/bin/env node
// The cleaning service (dist/cleaning.js through src/engine/cleaningClient.ts) on a generated 100,000-line document:
//   hygiene check    the editor's check of an open document (text posted in parts, packed findings back);
//   select top       "Select top"'s cleaning of the same document's lines (with scores), in the service;
//   select top, reusing the hygiene snapshot (what the command does when the settings agree: no second cleaning);
//   on disk          "Select top from file on disk"'s cleaning of the same lines as a file, streamed by the service;
//                    baseline: the same cleaning on this thread (files/scoredFile cleanScoredFile, as before the service).
// For each: the median wall time, and this thread's longest timer gap and CPU time meanwhile (the extension host's
// share: the work itself runs in the service). Prints medians; asserts nothing.
//   node bench/cleaning.bench.js [lines]       (`npm run bench -- cleaning`; needs dist/cleaning.js: node esbuild.js)
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { performance } = require('perf_hooks');

const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'out', 'bench', 'cleaning-model.js');
require('esbuild').buildSync({
  stdin: {
    contents: [
      "export { CleaningClient, PART_LINES } from './src/engine/cleaningClient';",
      "export { documentLines } from './src/extension/commands/docLines';",
      "export { prepareSelection } from './src/extension/commands/selectionPrep';",
      "export { cleaningFromFindings, selectionCleaningOptions } from './src/extension/selectionCleaning';",
      "export { HygieneFindings } from './src/core/packedHygiene';",
      "export { cleanScoredFile } from './src/files/scoredFile';",
    ].join('\n'),
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning',
});
const m = require(bundle);
const { mulberry32: rng } = require('../test/util/prng.js');

const N = Number(process.argv[2]) || 100000;
const RUNS = 3;
const service = path.join(root, 'dist', 'cleaning.js');
if (!fs.existsSync(service)) { console.error(`${service} is missing: run node esbuild.js`); process.exit(1); }

// The document of bench/commands.bench.js: random words, planted exact duplicates, a broken line per 1,000.
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
const scores = Float64Array.from(rows, () => rand() * 6 - 4);
const ADAPTER = { schema: 'auto', turnPolicy: 'first' };
const HYGIENE = { nearDuplicateThreshold: 0.5, ngram: 2, languageCheck: true };

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

/** Runs fn RUNS times; prints the median wall time, and this thread's longest timer gap and CPU time meanwhile. */
async function timeIt(label, fn) {
  const wall = [], gap = [], cpu = [];
  let result;
  for (let r = 0; r < RUNS; r++) {
    global.gc?.();
    let last = performance.now();
    let worst = 0;
    const tick = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 2);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    try {
      result = await fn();
    } finally {
      clearInterval(tick);
    }
    wall.push(performance.now() - t0);
    gap.push(Math.max(worst, performance.now() - last));
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  console.log(`${label.padEnd(62)} median ${ms(median(wall)).padStart(9)}; this thread: longest gap ${ms(median(gap)).padStart(8)}, CPU ${ms(median(cpu)).padStart(8)}  (${RUNS} runs)`);
  return result;
}

(async () => {
  console.log(`${N.toLocaleString('en-US')} lines, ${(text.length / 1048576).toFixed(1)} MB; ${os.cpus().length} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  const client = new m.CleaningClient({ servicePath: service });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-bench-cleaning-'));
  try {
    const hygieneOptions = { adapter: ADAPTER, languageCheck: true, nearDuplicateThreshold: 0.5, ngram: 2, maxResponseTokens: 256, scores };
    // The editor posts the text in parts of PART_LINES lines, as hygiene.ts documentParts does.
    const parts = function* () { for (let i = 0; i < N; i += m.PART_LINES) yield rows.slice(i, i + m.PART_LINES).join('\n') + '\n'; };
    let steps = 0;
    const packed = await timeIt('hygiene check in the service', async () => {
      const job = client.check(parts(), hygieneOptions, 'user');
      const r = await job.result;
      steps = job.longestStepMs;
      return r;
    });
    const findings = new m.HygieneFindings(packed);
    console.log(`  ${findings.size.toLocaleString('en-US')} findings (${JSON.stringify(findings.counts)}); longest step posting a part ${ms(steps)}`);

    const doc = m.documentLines(text, ADAPTER, (i) => scores[i]);
    const switches = { dedup: true, languageFilter: true };
    const cleaning = m.selectionCleaningOptions(switches, HYGIENE);
    const prep = await timeIt('select top: cleaning in the service', () => m.prepareSelection(doc.lines, switches, { cleaning, clean: (c, o, r) => client.clean(c, o, r) }));
    const reused = await timeIt('select top: reusing the hygiene snapshot', () => m.prepareSelection(doc.lines, switches, { cleaning, clean: async () => m.cleaningFromFindings(findings) }));
    console.log(`  removed ${prep.removed.size.toLocaleString('en-US')} (${JSON.stringify(prep.cleaning.counts)}); the snapshot gives the same removals: ${JSON.stringify([...reused.removed].sort((a, b) => a[0] - b[0])) === JSON.stringify([...prep.removed].sort((a, b) => a[0] - b[0]))}`);

    const file = path.join(dir, 'data.jsonl');
    fs.writeFileSync(file, text);
    const lineNumbers = [];
    rows.forEach((r, i) => { if (r.trim() !== '') lineNumbers.push(i + 1); });
    const line = Int32Array.from(lineNumbers);
    const score = Float64Array.from(lineNumbers, (l) => scores[l - 1]);
    const fileScores = { count: line.length, line, score, errors: new Map() };
    const pipeline = { dedup: true, languageFilter: true, nearDup: { threshold: 0.5, ngram: 2 } };
    const here = await timeIt('baseline: on-disk cleaning on this thread (cleanScoredFile)', () => m.cleanScoredFile(file, fileScores, ADAPTER, pipeline));
    const there = await timeIt('on-disk cleaning streamed in the service', () => client.cleanFile({ path: file, adapter: ADAPTER, lines: line, scores: score }, cleaning));
    console.log(`  same removals on disk: ${JSON.stringify([...here.removedLines].sort((a, b) => a - b)) === JSON.stringify([...there.removed.keys()].sort((a, b) => a - b))}`);
  } finally {
    client.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
})().catch((e) => { console.error(e); process.exit(1); });
