#!/usr/bin/env node
// Near-duplicate detection at scale: MinHash-LSH (src/core/dedup.ts) on 100,000 generated pairs with planted
// near-duplicates, against an exact all-pairs pass (SCAR's O(n^2) step) on a 5,000-pair sample in the same run.
//   node bench/dedup.bench.js [pairs]        (needs out/core.js: `node esbuild.js` or `npm run bench -- dedup`)
// Prints: time (median of 3), peak memory, recall against exact Jaccard, the all-pairs comparison, and `scar dedup`
// end to end on the corpus as a JSONL file and on 100k near-identical lines (needs dist/cli.js).
// Targets (issue 4): 100k pairs <= 60 s on 2 cores, peak memory <= 1 GB, recall >= 0.95 at Jaccard >= 0.7.
'use strict';
const path = require('path');
const core = require(path.join(__dirname, '..', 'out', 'core.js'));
const { mulberry32: rng } = require('../test/util/prng.js');
const { NearDupIndex, nearDupText, shingleSet, shingleHashes, jaccard } = core;

const N = Number(process.argv[2]) || 100000;
const SAMPLE = 5000;
const RUNS = 3;

// ---------------------------------------------------------------------------------------------------------
// The corpus: instructions of 8-60 words (a fifth start from one of 40 common templates), responses of 30-500
// words (log-normal-ish, median ~150), words drawn from a skewed 30,000-word vocabulary. A quarter of the pairs
// are planted copies of an earlier original, edited at a random rate of 0-30% (deletions, replacements,
// insertions), which spreads their Jaccard over ~0.35-1; 2% are verbatim copies; 1% share one refusal text.

function makeCorpus(n, seed) {
  const rand = rng(seed);
  const syll = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'pe', 'da', 'gi', 'ho', 'ju', 'be', 'fa', 'zo'];
  const vocab = [];
  for (let i = 0; i < 30000; i++) {
    let w = '';
    let x = i + 1;
    while (x > 0) {
      w += syll[x % 16];
      x = Math.floor(x / 16);
    }
    vocab.push(w);
  }
  const word = () => vocab[Math.floor(vocab.length * rand() ** 3)];
  const words = (k) => Array.from({ length: k }, word).join(' ');
  const templates = Array.from({ length: 40 }, () => words(4 + Math.floor(rand() * 5)));
  const refusal = "I'm sorry, but I can't help with that request. If you have another question, I'd be happy to help.";
  const pairs = [];
  const originals = [];
  const planted = []; // [original index, copy index]
  const edit = (text, rate) => {
    const out = [];
    for (const w of text.split(' ')) {
      const r = rand();
      if (r < rate / 3) continue;
      out.push(r < (2 * rate) / 3 ? word() : w);
      if (r >= (2 * rate) / 3 && r < rate) out.push(word());
    }
    return out.join(' ');
  };
  for (let i = 0; i < n; i++) {
    const r = rand();
    if (originals.length > 0 && r < 0.27) {
      const j = originals[Math.floor(rand() * originals.length)];
      const rate = r < 0.02 ? 0 : rand() * 0.3;
      pairs.push({ instruction: edit(pairs[j].instruction, rate), response: edit(pairs[j].response, rate) });
      planted.push([j, i]);
    } else if (r < 0.28) {
      pairs.push({ instruction: words(8 + Math.floor(rand() * 30)), response: refusal });
    } else {
      const instruction = (rand() < 0.2 ? templates[Math.floor(rand() * templates.length)] + ' ' : '') + words(8 + Math.floor(rand() * 52));
      const len = Math.min(500, Math.max(30, Math.round(Math.exp(Math.log(150) + 0.6 * gauss(rand)))));
      pairs.push({ instruction, response: words(len) });
      originals.push(i);
    }
  }
  return { pairs, planted };
}

function gauss(rand) {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

// ---------------------------------------------------------------------------------------------------------

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (bytes) => `${(bytes / 1048576).toFixed(0)} MB`;
const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

function runLsh(texts, options) {
  if (global.gc) global.gc();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const index = new NearDupIndex(options);
  for (let i = 0; i < texts.length; i++) index.add(i, texts[i]);
  const t1 = process.hrtime.bigint();
  const result = index.clusters((i) => texts[i]);
  const t2 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  return { result, indexMs: Number(t1 - t0) / 1e6, clusterMs: Number(t2 - t1) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function clusterMap(clusters) {
  const m = new Map();
  clusters.forEach((c, k) => c.lines.forEach((l) => m.set(l, k)));
  return m;
}

/** Recall of planted pairs by exact Jaccard band: found = both in one cluster. */
function plantedRecall(planted, exactJ, clusters) {
  const of = clusterMap(clusters);
  const bands = { '>=0.7': [0, 0], '0.5-0.7': [0, 0] };
  planted.forEach(([a, b], k) => {
    const j = exactJ[k];
    const band = j >= 0.7 ? '>=0.7' : j >= 0.5 ? '0.5-0.7' : undefined;
    if (!band) return;
    bands[band][1]++;
    if (of.has(a) && of.get(a) === of.get(b)) bands[band][0]++;
  });
  return bands;
}

/** Exact all-pairs over sorted unique 32-bit shingle hashes (merge intersection): the O(n^2) baseline. */
function allPairs(texts, threshold) {
  const sets = texts.map((t) => Uint32Array.from(new Set(shingleHashes(t))).sort());
  const edges = [];
  for (let i = 0; i < sets.length; i++) {
    const a = sets[i];
    for (let j = i + 1; j < sets.length; j++) {
      const b = sets[j];
      // a size filter every exact method may use: J <= min/max
      if (Math.min(a.length, b.length) < threshold * Math.max(a.length, b.length)) continue;
      let x = 0;
      let y = 0;
      let inter = 0;
      while (x < a.length && y < b.length) {
        if (a[x] === b[y]) {
          inter++;
          x++;
          y++;
        } else if (a[x] < b[y]) x++;
        else y++;
      }
      const jac = inter / (a.length + b.length - inter);
      if (jac >= threshold) edges.push([i, j, jac]);
    }
  }
  return edges;
}

function main() {
  console.log(`corpus: generating ${N.toLocaleString('en')} pairs...`);
  const { pairs, planted } = makeCorpus(N, 20240611);
  const texts = pairs.map((p) => nearDupText(p.instruction, p.response));
  const chars = texts.reduce((s, t) => s + t.length, 0);
  const exactJ = planted.map(([a, b]) => jaccard(shingleSet(texts[a]), shingleSet(texts[b])));
  const high = exactJ.filter((j) => j >= 0.7).length;
  console.log(`corpus: ${N} pairs, mean ${Math.round(chars / N)} chars a pair, ${planted.length} planted copies, ` +
    `${high} of them at exact Jaccard >= 0.7 (ground truth computed exactly for every planted pair)`);
  if (global.gc) global.gc();
  const baseRss = process.memoryUsage().rss;
  console.log(`memory before dedup: rss ${mb(baseRss)} (the corpus and its ground truth)`);

  // 1. LSH at full size, median of 3
  const runs = [];
  for (let r = 0; r < RUNS; r++) {
    const run = runLsh(texts, {});
    runs.push(run);
    console.log(`  run ${r + 1}: index ${(run.indexMs / 1000).toFixed(2)} s + clusters ${(run.clusterMs / 1000).toFixed(2)} s wall, ${(run.cpuMs / 1000).toFixed(2)} s CPU`);
  }
  const total = runs.map((r) => r.indexMs + r.clusterMs);
  const last = runs[runs.length - 1].result;
  const rec = plantedRecall(planted, exactJ, last.clusters);
  const peak = maxRssBytes();
  console.log(`near-dedup ${N} pairs (128 perms, 16x8 bands, multi-probe, J >= 0.5 verified exactly):`);
  console.log(`  time median of ${RUNS}: ${(median(total) / 1000).toFixed(2)} s (index ${(median(runs.map((r) => r.indexMs)) / 1000).toFixed(2)} s, ` +
    `clusters ${(median(runs.map((r) => r.clusterMs)) / 1000).toFixed(2)} s); CPU ${(median(runs.map((r) => r.cpuMs)) / 1000).toFixed(2)} s; ` +
    `${Math.round(N / (median(total) / 1000)).toLocaleString('en')} pairs/s   [target <= 60 s]`);
  console.log(`  (single-threaded: wall time above CPU time means the machine was busy with other work; load average ${require('os').loadavg()[0].toFixed(1)})`);
  console.log(`  peak memory: maxRSS ${mb(peak)} for the whole process (rss before dedup ${mb(baseRss)}; the index itself ~${mb(N * 145)})   [target <= 1 GB]`);
  console.log(`  recall at J >= 0.7: ${(rec['>=0.7'][0] / rec['>=0.7'][1]).toFixed(4)} (${rec['>=0.7'][0]}/${rec['>=0.7'][1]})   [target >= 0.95];` +
    ` at 0.5 <= J < 0.7: ${(rec['0.5-0.7'][0] / rec['0.5-0.7'][1]).toFixed(4)}`);
  const s = last.stats;
  console.log(`  clusters ${last.clusters.length}, candidates ${s.candidates}, prefiltered ${s.prefiltered}, verified ${s.verified}, ` +
    `matched ${s.matched}, giant buckets ${s.giantBuckets} (largest ${s.largestBucket})`);

  // 1b. SCAR's plain banding, once, for comparison
  const plain = runLsh(texts, { multiProbe: false });
  const recPlain = plantedRecall(planted, exactJ, plain.result.clusters);
  console.log(`  SCAR's plain 16x8 banding (no multi-probe): ${((plain.indexMs + plain.clusterMs) / 1000).toFixed(2)} s, recall at J >= 0.7 ` +
    `${(recPlain['>=0.7'][0] / recPlain['>=0.7'][1]).toFixed(4)}, at 0.5-0.7 ${(recPlain['0.5-0.7'][0] / recPlain['0.5-0.7'][1]).toFixed(4)}`);

  // 2. exact all-pairs versus LSH on a 5k sample (the first 5k pairs: originals and their copies)
  const sample = texts.slice(0, SAMPLE);
  const lshSample = [0, 1, 2].map(() => runLsh(sample, {}));
  const lshMs = median(lshSample.map((r) => r.indexMs + r.clusterMs));
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const edges = allPairs(sample, 0.5);
  const apMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const apCpu = process.cpuUsage(cpu0);
  const apCpuMs = (apCpu.user + apCpu.system) / 1000;
  const lshCpuMs = median(lshSample.map((r) => r.cpuMs));
  const of = clusterMap(lshSample[0].result.clusters);
  const recallAt = (min) => {
    const e = edges.filter(([, , j]) => j >= min);
    const found = e.filter(([a, b]) => of.has(a) && of.get(a) === of.get(b)).length;
    return [found, e.length];
  };
  const [f7, n7] = recallAt(0.7);
  const [f5, n5] = recallAt(0.5);
  console.log(`all-pairs baseline on ${SAMPLE} pairs (${((SAMPLE * (SAMPLE - 1)) / 2).toLocaleString('en')} exact Jaccards, size-filtered, sorted-hash merge):`);
  console.log(`  all-pairs ${(apMs / 1000).toFixed(2)} s vs LSH ${(lshMs / 1000).toFixed(3)} s wall (median of 3): speed-up x${(apMs / lshMs).toFixed(0)}` +
    ` (CPU ${(apCpuMs / 1000).toFixed(2)} s vs ${(lshCpuMs / 1000).toFixed(3)} s: x${(apCpuMs / lshCpuMs).toFixed(0)});` +
    ` all-pairs at ${N} pairs would take ~${((apMs * (N / SAMPLE) ** 2) / 60000).toFixed(0)} min`);
  console.log(`  LSH recall of the all-pairs edges: J >= 0.7 ${(f7 / n7).toFixed(4)} (${f7}/${n7}), J >= 0.5 ${(f5 / n5).toFixed(4)} (${f5}/${n5})`);

  cliFigures(pairs);
}

// ---------------------------------------------------------------------------------------------------------
// 3. `scar dedup` end to end on the same corpus written as JSONL, and on 100k near-identical lines (one template,
// a varying number: every line a near-duplicate of every other), each in its own process for its peak memory.
// Baseline in the same run: a process that only reads the file line by line and parses each line's JSON.

function timedProcess(args) {
  const { spawnSync } = require('child_process');
  const fs = require('fs');
  const timeBin = '/usr/bin/time';
  const useTime = fs.existsSync(timeBin);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(useTime ? timeBin : process.execPath, useTime ? ['-f', 'maxrss_kb=%M', process.execPath, ...args] : args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited with ${r.status}: ${r.stderr}`);
  const m = /maxrss_kb=(\d+)/.exec(r.stderr);
  return { ms, rssMb: m ? Number(m[1]) / 1024 : NaN, stderr: r.stderr.replace(/maxrss_kb=\d+\s*/, '').trim() };
}

function cliFigures(pairs) {
  const fs = require('fs');
  const cli = path.join(__dirname, '..', 'dist', 'cli.js');
  if (!fs.existsSync(cli)) {
    console.log('scar dedup: dist/cli.js is missing (run `node esbuild.js`); skipped');
    return;
  }
  const work = path.join(__dirname, 'work');
  fs.mkdirSync(work, { recursive: true });
  const corpusFile = path.join(work, `dedup-${pairs.length}.jsonl`);
  fs.writeFileSync(corpusFile, pairs.map((p) => JSON.stringify({ instruction: p.instruction, input: '', output: p.response })).join('\n') + '\n');
  const templateFile = path.join(work, 'dedup-template-100000.jsonl');
  const lines = [];
  for (let i = 0; i < 100000; i++) {
    lines.push(JSON.stringify({ instruction: `Explain item ${i} of the list in two sentences, please.`, input: '', output: `Item ${i} is an example. It exists to make this file large enough to need several slices.` }));
  }
  fs.writeFileSync(templateFile, lines.join('\n') + '\n');
  const readOnly = "const rl=require('readline').createInterface({input:require('fs').createReadStream(process.argv[1])});let n=0;rl.on('line',(l)=>{if(l.trim())JSON.parse(l);n++;});rl.on('close',()=>console.error(n+' lines'));";
  const out = path.join(work, 'dedup-out.jsonl');
  console.log(`scar dedup end to end (one process each, ${RUNS} runs, median wall time; peak memory of the process):`);
  for (const [name, file] of [['planted corpus', corpusFile], ['near-identical template', templateFile]]) {
    const mb = (fs.statSync(file).size / 1048576).toFixed(0);
    const base = Array.from({ length: RUNS }, () => timedProcess(['-e', readOnly, file]));
    const runs = Array.from({ length: RUNS }, () => timedProcess([cli, 'dedup', file, '-o', out]));
    const t = median(runs.map((r) => r.ms));
    const b = median(base.map((r) => r.ms));
    console.log(`  ${name} (${mb} MB, ${(file === templateFile ? 100000 : pairs.length).toLocaleString('en')} lines): ${(t / 1000).toFixed(2)} s, peak ${Math.max(...runs.map((r) => r.rssMb)).toFixed(0)} MB`
      + `   [baseline: read + JSON.parse every line ${(b / 1000).toFixed(2)} s, peak ${Math.max(...base.map((r) => r.rssMb)).toFixed(0)} MB]`);
    console.log(`    ${runs[0].stderr}`);
  }
  fs.rmSync(out, { force: true });
}

main();
