#!/usr/bin/env node
// What choosing an official SCAR ranker costs (issue 15): pairs/s of a model folder of the official kind next to the
// bundled ranker, both through the engine as the editor and the CLI run them (EngineClient, the engine's default
// threads, no cache), on the same realistic pairs, in the same run. Prints figures; asserts nothing.
//   The official-kind folder is a stand-in of scar-gte-base's size: a BERT-base encoder run twice per pair (about
//   112 M parameters, random weights), a WordPiece tokenizer.json of 30,522 entries, truncation at 512 tokens,
//   built by `bench/anchor/make_anchor.py --official` into bench/work/official-standin (Debian python3-torch; about
//   1.5 minutes and 430 MB once). Its scores mean nothing; its speed is what an exported official checkpoint costs.
// Env: OFFICIAL_PAIRS (default 48: pairs for the stand-in), BUNDLED_PAIRS (default 2000), OFFICIAL_MODEL (another
// official-kind folder to time instead, e.g. a real export), SCAR_ENGINE_THREADS (default: the engine's choice).
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const workDir = path.join(__dirname, 'work');
const OFFICIAL_PAIRS = Number(process.env.OFFICIAL_PAIRS || 48);
const BUNDLED_PAIRS = Number(process.env.BUNDLED_PAIRS || 2000);
const threads = process.env.SCAR_ENGINE_THREADS ? Number(process.env.SCAR_ENGINE_THREADS) : undefined;
const standin = path.join(workDir, 'official-standin');
const officialDir = path.resolve(process.env.OFFICIAL_MODEL || standin);
const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/** Realistic pairs: the human, LLM and rewritten answers of training/data, in a fixed shuffled order. */
function pairs(n) {
  const dataDir = path.join(root, 'training', 'data');
  const rows = [];
  for (const f of fs.readdirSync(dataDir).filter((x) => x.endsWith('.jsonl')).sort()) {
    for (const line of fs.readFileSync(path.join(dataDir, f), 'utf8').split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line);
      if (typeof r.instruction !== 'string') continue;
      for (const resp of [r.human, r.llm, r.rewrite]) if (typeof resp === 'string' && resp.trim()) rows.push({ instruction: r.instruction, response: resp });
    }
  }
  let seed = 15;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let i = rows.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [rows[i], rows[j]] = [rows[j], rows[i]]; }
  return Array.from({ length: n }, (_, i) => (i < rows.length ? rows[i] : { ...rows[i % rows.length], instruction: `${rows[i % rows.length].instruction} (${i})` }));
}

async function time(modelDir, input) {
  // The engine client, bundled from src/engine by a small esbuild step (as score.bench.js does).
  const clientJs = path.join(workDir, 'engine-client.js');
  require('esbuild').buildSync({ entryPoints: [path.join(root, 'src', 'engine', 'client.ts')], bundle: true, platform: 'node', target: 'node20', outfile: clientJs, logLevel: 'error' });
  const { EngineClient } = require(clientJs);
  const client = new EngineClient({ enginePath: path.join(root, 'dist', 'engine.js'), modelDir, cacheDir: null, threads });
  try {
    const ready = await client.start();
    await client.score(input.slice(0, 2), { persistentCache: false }); // warm-up: first-run allocations
    const rest = input.slice(2);
    const t0 = performance.now();
    await client.score(rest, { persistentCache: false });
    const secs = (performance.now() - t0) / 1000;
    const stats = await client.stats();
    return { name: ready.modelName, loadMs: ready.loadMs, pairsPerSec: rest.length / secs, secs, n: rest.length, peakRss: stats.peakRss };
  } finally {
    client.dispose();
  }
}

(async () => {
  if (!fs.existsSync(path.join(officialDir, 'scar-model.json'))) {
    if (officialDir !== standin) throw new Error(`${officialDir} has no scar-model.json`);
    console.log('building the BERT-base-sized stand-in (bench/anchor/make_anchor.py --official; once, about 1.5 minutes)...');
    const r = spawnSync('/usr/bin/python3', [path.join(__dirname, 'anchor', 'make_anchor.py'), '--official', standin], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`official  skipped: make_anchor.py --official failed (needs /usr/bin/python3 with Debian python3-torch): ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`);
      return;
    }
  }
  const input = pairs(Math.max(BUNDLED_PAIRS, OFFICIAL_PAIRS) + 2);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  console.log(`engine threads: ${threads ?? `the engine's default (${cores <= 2 ? 1 : Math.min(4, cores - 1)} on this ${cores}-core machine)`}; no cache; the same pairs`);
  const bundled = await time(path.join(root, 'models'), input.slice(0, BUNDLED_PAIRS + 2));
  console.log(`bundled   ${bundled.name}: ${fmt(bundled.pairsPerSec)} pairs/s (${fmt(bundled.n)} pairs in ${fmt(bundled.secs, 2)} s; load ${fmt(bundled.loadMs)} ms, engine peak RSS ${fmt(bundled.peakRss / 2 ** 20)} MB)`);
  const official = await time(officialDir, input.slice(0, OFFICIAL_PAIRS + 2));
  console.log(`official  ${official.name} (BERT-base x2 passes, <= 512 tokens, batches of 16 by length): ${fmt(official.pairsPerSec, 2)} pairs/s (${fmt(official.n)} pairs in ${fmt(official.secs, 1)} s; load ${fmt(official.loadMs)} ms, engine peak RSS ${fmt(official.peakRss / 2 ** 20)} MB)`);
  console.log(`ratio     the bundled ranker is ${fmt(bundled.pairsPerSec / official.pairsPerSec)}x faster; 10,000 pairs take ${fmt(10000 / bundled.pairsPerSec, 1)} s bundled vs ${fmt(10000 / official.pairsPerSec / 60, 0)} min official`);
})().catch((e) => { console.error(e); process.exit(1); });
