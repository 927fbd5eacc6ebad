#!/usr/bin/env node
// End-to-end scoring (issue 3, item 8). Prints figures; asserts nothing.
//   (a) `scar score FILE -o OUT --no-cache` on 10,000 realistic pairs, as a user runs it (a new process each
//       time: read, adapt, featurise, infer, write, including process start and model load): median of 3+ runs,
//       in pairs/s.
//   (b) the engine alone through EngineClient: model load time (featuriser + ONNX session) and the cold start
//       of the process, then peak RSS (VmHWM) after scoring the 10k pairs.
//   (d) 100k pairs end to end, the engine's thread alone (SCAR_FEATURISE_WORKERS=0) against it with its featurising
//       worker (the default), runs alternating, with the CPU they used (all processes together) and the engine's
//       peak RSS (VmHWM, read from /proc while it runs).
//   (c) THE ANCHOR: an ONNX model of SCAR's reference ranker at its real size (BERT-base encoder, two passes
//       per pair, ~112 M parameters, random weights) built by bench/anchor/make_anchor.py into bench/work/,
//       run in this same process on the first ANCHOR_PAIRS pairs, each text truncated to 512 tokens (word split,
//       ids mod 30522), batch 16 of similar lengths, with every core. The speed-up is (a) / (c).
// Targets: >= 2,000 pairs/s end to end, >= 400x the anchor, engine peak RSS <= 300 MB, model load <= 300 ms.
// Needs dist/ (`node esbuild.js`, which `npm run bench` runs first). The anchor needs /usr/bin/python3 with torch;
// without it, (c) is skipped with a note. Env: SCORE_BENCH_RUNS (default 5), ANCHOR_PAIRS (default 64),
// SCORE_BENCH_MODEL (another model folder; default models/).
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const workDir = path.join(__dirname, 'work');
const PAIRS = 10000;
const RUNS = Math.max(3, Number(process.env.SCORE_BENCH_RUNS || 5));
const ANCHOR_PAIRS = Number(process.env.ANCHOR_PAIRS || 64);
const ANCHOR_BATCH = 16;
const modelDir = path.resolve(process.env.SCORE_BENCH_MODEL || path.join(root, 'models'));
const dataFile = path.join(workDir, `score-${PAIRS}.jsonl`);
const outFile = path.join(workDir, `score-${PAIRS}.scores.jsonl`);
const anchorFile = path.join(workDir, 'anchor.onnx');

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mb = (b) => `${fmt(b / 2 ** 20, 1)} MB`;

// --- 10k realistic pairs: real human and LLM responses from training/data, in three schemas ---------------------
function makeData(file = dataFile, count = PAIRS) {
  if (fs.existsSync(file)) return;
  fs.mkdirSync(workDir, { recursive: true });
  const dataDir = path.join(root, 'training', 'data');
  const rows = [];
  for (const f of fs.readdirSync(dataDir).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of fs.readFileSync(path.join(dataDir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line);
      if (typeof r.instruction !== 'string') continue;
      for (const resp of [r.human, r.llm, r.rewrite]) if (typeof resp === 'string' && resp.trim()) rows.push([r.instruction, resp]);
    }
  }
  if (rows.length === 0) throw new Error(`no pairs found in ${dataDir}`);
  // A deterministic shuffle, then three schemas in turn (Alpaca, ShareGPT, OpenAI chat).
  let seed = 12345;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = rows.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [rows[i], rows[j]] = [rows[j], rows[i]]; }
  const lines = [];
  for (let i = 0; i < count; i++) {
    const [q, a] = rows[i % rows.length];
    // Repeats of the source rows get a marker so that no two pairs are identical (no accidental cache hits).
    const inst = i < rows.length ? q : `${q} (${Math.floor(i / rows.length)})`;
    if (i % 3 === 0) lines.push(JSON.stringify({ instruction: inst, input: '', output: a }));
    else if (i % 3 === 1) lines.push(JSON.stringify({ conversations: [{ from: 'human', value: inst }, { from: 'gpt', value: a }] }));
    else lines.push(JSON.stringify({ messages: [{ role: 'user', content: inst }, { role: 'assistant', content: a }] }));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

function pairsOf() {
  const { iterateRecords, adaptRecord, DEFAULT_ADAPTER_OPTIONS } = require('../out/core.js');
  const pairs = [];
  for (const r of iterateRecords(fs.readFileSync(dataFile, 'utf8'))) {
    if (r.blank || r.error) continue;
    const a = adaptRecord(r.value, DEFAULT_ADAPTER_OPTIONS);
    if (a.ok) for (const p of a.pairs) pairs.push({ instruction: p.instruction, response: p.response });
  }
  return pairs;
}

// --- (d) 100k pairs end to end: the engine's thread alone against it with its featurising worker -------------------
const BIG_PAIRS = 100000;
const bigFile = path.join(workDir, `score-${BIG_PAIRS}.jsonl`);

/** CPU seconds of waited-for children so far (this process's cutime + cstime, Linux). */
function childCpuSeconds() {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime (fields 16-17) in clock ticks
  } catch {
    return NaN;
  }
}

/** The largest VmHWM (peak resident set, MB) among the child processes of `pid` (Linux; NaN elsewhere). */
function childrenPeakMb(pid) {
  try {
    let peak = NaN;
    for (const child of fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) {
      const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child}/status`, 'utf8'));
      if (m) peak = Math.max(Number.isNaN(peak) ? 0 : peak, Number(m[1]) / 1024);
    }
    return peak;
  } catch {
    return NaN;
  }
}

/** Runs `scar score` on the 100k file; resolves to its time, the CPU it used (all processes) and its engine's peak RSS. */
function bigRun(env) {
  return new Promise((resolve, reject) => {
    const cpu0 = childCpuSeconds();
    const t0 = process.hrtime.bigint();
    const cli = spawn(process.execPath, [path.join(root, 'dist', 'cli.js'), 'score', bigFile, '-o', outFile, '--no-cache', '--model', modelDir], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    cli.stderr.on('data', (d) => { stderr += d; });
    let engineMb = NaN;
    // The engine is the CLI's child: its VmHWM is read while it lives (it is gone once the CLI exits).
    const poll = setInterval(() => { const mb = childrenPeakMb(cli.pid); if (!Number.isNaN(mb)) engineMb = Number.isNaN(engineMb) ? mb : Math.max(engineMb, mb); }, 100);
    cli.on('error', reject);
    cli.on('close', (code) => {
      clearInterval(poll);
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      if (code !== 0) reject(new Error(`scar score failed (${code}): ${stderr}`));
      else resolve({ secs, cpu: (childCpuSeconds() - cpu0) / secs, engineMb });
    });
  });
}

async function bigRuns(runs) {
  makeData(bigFile, BIG_PAIRS);
  const out = { alone: [], worker: [] };
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-bench-cache-'));
  for (let i = 0; i < runs; i++) {
    for (const [name, workers] of [['alone', '0'], ['worker', undefined]]) {
      const env = { ...process.env, SCAR_CACHE_DIR: cache };
      if (workers === undefined) delete env.SCAR_FEATURISE_WORKERS; else env.SCAR_FEATURISE_WORKERS = workers;
      out[name].push(await bigRun(env));
    }
  }
  fs.rmSync(cache, { recursive: true, force: true });
  return out;
}

// --- (a) end to end through the CLI -----------------------------------------------------------------------------
function endToEnd() {
  const times = [];
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-bench-cache-'));
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [path.join(root, 'dist', 'cli.js'), 'score', dataFile, '-o', outFile, '--no-cache', '--model', modelDir], {
      cwd: root, env: { ...process.env, SCAR_CACHE_DIR: cache }, encoding: 'utf8',
    });
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`scar score failed (${r.status}): ${r.stderr}`);
    times.push(s);
  }
  fs.rmSync(cache, { recursive: true, force: true });
  const lines = fs.readFileSync(outFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const scored = lines.filter((o) => o.score !== null).length;
  return { times, scored, lines: lines.length };
}

// --- (b) the engine alone ------------------------------------------------------------------------------------------
async function engineFigures(pairs) {
  // The engine client is bundled into the CLI; load it (with the tests' chunked scoreAll) via a tiny esbuild step.
  const esbuild = require('esbuild');
  const clientJs = path.join(workDir, 'engine-client.js');
  esbuild.buildSync({
    stdin: {
      contents: "export { EngineClient } from './src/engine/client';\nexport { scoreAll } from './test/util/oracles/engine';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: clientJs, logLevel: 'error',
  });
  const { EngineClient, scoreAll } = require(clientJs);
  const loads = [];
  const colds = [];
  for (let i = 0; i < 3; i++) {
    const c = new EngineClient({ enginePath: path.join(root, 'dist', 'engine.js'), modelDir, cacheDir: null });
    const t0 = performance.now();
    const ready = await c.start();
    colds.push(performance.now() - t0);
    loads.push(ready.loadMs);
    c.dispose();
  }
  const c = new EngineClient({ enginePath: path.join(root, 'dist', 'engine.js'), modelDir, cacheDir: null });
  await c.start();
  const t0 = performance.now();
  await scoreAll(c, pairs, { chunkSize: 512, inFlight: 3 });
  const secs = (performance.now() - t0) / 1000;
  const stats = await c.stats();
  c.dispose();
  return { loadMs: median(loads), coldMs: median(colds), peakRss: stats.peakRss, rss: stats.rss, enginePairsPerSec: pairs.length / secs, modelId: stats.modelId };
}

// --- (c) the anchor -----------------------------------------------------------------------------------------------
const ANCHOR_VOCAB = 30522;
function anchorIds(text) {
  const ids = [101]; // [CLS]
  const re = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;
  let m;
  while ((m = re.exec(text)) !== null && ids.length < 512) {
    let h = 0x811c9dc5; // FNV-1a of the lower-cased word
    const w = m[0].toLowerCase();
    for (let i = 0; i < w.length; i++) { h ^= w.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    ids.push(1000 + (h % (ANCHOR_VOCAB - 1000)));
  }
  return ids;
}
function anchorBatch(ort, texts) {
  const seqs = texts.map(anchorIds);
  const L = Math.max(...seqs.map((s) => s.length));
  const ids = new BigInt64Array(seqs.length * L);
  const mask = new BigInt64Array(seqs.length * L);
  seqs.forEach((s, b) => s.forEach((id, j) => { ids[b * L + j] = BigInt(id); mask[b * L + j] = 1n; }));
  return { ids: new ort.Tensor('int64', ids, [seqs.length, L]), mask: new ort.Tensor('int64', mask, [seqs.length, L]), tokens: seqs.reduce((a, s) => a + s.length, 0) };
}

async function anchor(pairs) {
  if (!fs.existsSync(anchorFile)) {
    const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'anchor', 'make_anchor.py'), anchorFile], { encoding: 'utf8' });
    if (r.status !== 0) return { skipped: `make_anchor.py failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  }
  const ort = require('onnxruntime-node');
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(anchorFile, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: os.availableParallelism() });
  const loadMs = performance.now() - t0;
  const run = async (batch) => {
    const i = anchorBatch(ort, batch.map((p) => p.instruction));
    const r = anchorBatch(ort, batch.map((p) => p.response));
    await session.run({ instruction_ids: i.ids, instruction_mask: i.mask, response_ids: r.ids, response_mask: r.mask });
    return i.tokens + r.tokens;
  };
  await run(pairs.slice(0, 2)); // warm-up
  // Batches of similar lengths (less padding): the most favourable way to run the anchor.
  const subset = pairs.slice(0, ANCHOR_PAIRS).map((p) => ({ p, n: anchorIds(p.instruction).length + anchorIds(p.response).length }))
    .sort((a, b) => a.n - b.n).map((x) => x.p);
  let tokens = 0;
  const t1 = performance.now();
  for (let b = 0; b < subset.length; b += ANCHOR_BATCH) tokens += await run(subset.slice(b, b + ANCHOR_BATCH));
  const secs = (performance.now() - t1) / 1000;
  await session.release();
  return { pairsPerSec: subset.length / secs, secs, loadMs, pairs: subset.length, meanTokens: tokens / subset.length / 2 };
}

(async () => {
  makeData();
  const size = fs.statSync(dataFile).size;
  console.log(`input: ${fmt(PAIRS)} pairs (Alpaca/ShareGPT/OpenAI, human and LLM responses from training/data), ${mb(size)}; ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);

  const e2e = endToEnd();
  const secs = median(e2e.times);
  const pps = e2e.scored / secs;
  console.log(`(a) end to end  scar score --no-cache: median ${fmt(secs, 2)} s of ${RUNS} runs [${e2e.times.map((t) => fmt(t, 2)).join(', ')}]`
    + ` -> ${fmt(pps)} pairs/s (${fmt(e2e.scored)} of ${fmt(e2e.lines)} lines scored; includes process start and model load)   target >= 2,000`);

  const pairs = pairsOf();
  const eng = await engineFigures(pairs);
  console.log(`(b) engine      model load ${fmt(eng.loadMs, 1)} ms (median of 3; cold process start to ready ${fmt(eng.coldMs)} ms)   target <= 300 ms`);
  console.log(`                peak RSS ${mb(eng.peakRss)} after scoring ${fmt(pairs.length)} pairs (VmHWM)   target <= 300 MB`);
  console.log(`                engine alone: ${fmt(eng.enginePairsPerSec)} pairs/s (featurise + infer, pairs already in memory); model ${eng.modelId}`);

  const big = await bigRuns(Math.max(2, Math.min(RUNS, 3)));
  const sum = (xs) => {
    const secs = median(xs.map((x) => x.secs));
    return `${fmt(BIG_PAIRS / secs)} pairs/s (median ${fmt(secs, 1)} s of [${xs.map((x) => fmt(x.secs, 1)).join(', ')}], CPU ${xs.map((x) => `${fmt(100 * x.cpu)}%`).join(', ')}; engine peak RSS ${xs.map((x) => `${fmt(x.engineMb)} MB`).join(', ')})`;
  };
  console.log(`(d) 100k pairs  scar score --no-cache, ${fmt(BIG_PAIRS)} pairs (${mb(fs.statSync(bigFile).size)}), runs alternating:`);
  console.log(`                the engine's thread alone (SCAR_FEATURISE_WORKERS=0): ${sum(big.alone)}`);
  console.log(`                with its featurising worker (default): ${sum(big.worker)}   target >= 7,000 pairs/s`);

  const a = await anchor(pairs);
  if (a.skipped) {
    console.log(`(c) anchor      skipped: ${a.skipped}`);
  } else {
    console.log(`(c) anchor      SCAR-size ranker (BERT-base x2 passes, 112 M params, random weights): ${fmt(a.pairsPerSec, 2)} pairs/s`
      + ` on ${a.pairs} pairs (${fmt(a.secs, 1)} s, mean ${fmt(a.meanTokens)} tokens per text, batch ${ANCHOR_BATCH}, load ${fmt(a.loadMs)} ms)`);
    console.log(`    speed-up    end to end vs anchor: ${fmt(pps / a.pairsPerSec)}x   target >= 400x`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
