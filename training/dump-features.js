// Step 2 of the pipeline: featurises every pair with the product's own featuriser (src/core/featurise.ts, bundled
// as out/core.js) and dumps the model inputs for train.py, so training reads exactly what inference computes.
//   node training/dump-features.js [--tier] [--work DIR]
//   --tier      also dumps the train-only lower tier (pairs.js loadTierPairs: OASST human reply over a weak
//               LLaMA-1 QLoRA answer), appended after every other pair and row, so those keep their indices
//   --work DIR  writes the dump to DIR instead of training/work/ (experiments); the golden file is then not written
// Writes training/work/:
//   rows.<input>.bin   one row per distinct (instruction, response): int32 ids padded with 0 / float32 features
//   rows.texts.jsonl   the response text of each row (for the n-gram baseline)
//   meta.json          widths, and the pairs: { h, l (row indices of the human and the LLM response), source, ... }
// and test/fixtures/featurise-golden.json: ~20 train pairs with their exact features from this dump.
'use strict';
const fs = require('fs');
const path = require('path');
const core = require('../out/core.js');
const { loadPairs, loadTierPairs, isView } = require('./pairs');

const ROOT = path.join(__dirname, '..');
const DEFAULT_WORK = path.join(__dirname, 'work');
const GOLDEN = path.join(ROOT, 'test', 'fixtures', 'featurise-golden.json');

function parseArgs(argv) {
  const opts = { tier: false, work: DEFAULT_WORK };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tier') opts.tier = true;
    else if (argv[i] === '--work' && i + 1 < argv.length) opts.work = path.resolve(argv[++i]);
    else throw new Error(`dump-features.js: unknown or incomplete option ${JSON.stringify(argv[i])} (expected --tier, --work DIR)`);
  }
  return opts;
}

function codeLanguage(p) {
  const l = core.analyseCode(p.llm).language;
  return l !== 'none' ? l : core.analyseCode(p.human).language;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const WORK = opts.work;
  const f = core.loadFeaturiser(path.join(ROOT, 'models'));
  const cfg = f.config;
  const widths = {
    instruction_ids: cfg.maxInstructionTokens,
    response_ids: cfg.maxResponseTokens,
    response_ngrams: cfg.maxNgrams,
    presentation_features: cfg.presentationFeatures.length,
    composition_features: cfg.compositionFeatures.length,
  };
  // Tier pairs come last: every other pair, and so every other row, keeps the index it has without them.
  const pairs = opts.tier ? [...loadPairs(), ...loadTierPairs()] : loadPairs();
  const rowIndex = new Map();
  const rows = [];
  const rowOf = (instruction, response) => {
    const key = instruction + '\u0000' + response;
    let i = rowIndex.get(key);
    if (i === undefined) {
      i = rows.length;
      rows.push({ instruction, response });
      rowIndex.set(key, i);
    }
    return i;
  };
  const metaPairs = pairs.map((p) => ({
    h: rowOf(p.instruction, p.human), l: rowOf(p.instruction, p.llm), source: p.source, model: p.model, kind: p.kind,
    split: p.split, group: core.hashString(p.group), weight: p.weight, ...(p.better ? { better: p.better } : {}),
    hw: core.countTokens(p.human), lw: core.countTokens(p.llm), hc: p.human.length, lc: p.llm.length,
    // The programming language of the pair's code ('none' without code): the data's own label, else detected.
    lang: p.codeLang ?? codeLanguage(p),
    // A view of a ClassEval pair (stripped, or a method completion; pairs.js isView), not a pair of its own: its rows
    // are left out of the per-language rows and of the correlation with length (evaluate.py reads this flag).
    view: isView(p),
  }));
  const N = rows.length;
  const arrays = {};
  for (const [name, w] of Object.entries(widths)) {
    arrays[name] = name.endsWith('_features') ? new Float32Array(N * w) : new Int32Array(N * w);
  }
  const lengths = { instruction_ids: new Int32Array(N), response_ids: new Int32Array(N), response_ngrams: new Int32Array(N) };
  const t0 = Date.now();
  for (let r = 0; r < N; r++) {
    const feeds = f.featurise([rows[r]]);
    for (const [name, w] of Object.entries(widths)) {
      const t = feeds[name];
      const n = t.dims[1];
      if (n > w) throw new Error(`${name} has ${n} columns, more than the dump width ${w}`);
      arrays[name].set(t.data, r * w);
      if (lengths[name]) {
        // Trailing padding is not part of a row: its real length is up to the last non-zero id.
        let len = n;
        while (len > 0 && t.data[len - 1] === 0) len--;
        lengths[name][r] = len;
      }
    }
  }
  const ms = Date.now() - t0;
  console.log(`featurised ${N} rows in ${ms} ms (${Math.round(N / (ms / 1000))} rows/s, one at a time)`);
  fs.mkdirSync(WORK, { recursive: true });
  for (const [name, a] of Object.entries(arrays)) fs.writeFileSync(path.join(WORK, `rows.${name}.bin`), Buffer.from(a.buffer));
  fs.writeFileSync(path.join(WORK, 'rows.texts.jsonl'), rows.map((r) => JSON.stringify(r.response)).join('\n') + '\n');
  fs.writeFileSync(path.join(WORK, 'rows.instructions.json'), JSON.stringify(rows.map((r) => r.instruction)));
  fs.writeFileSync(path.join(WORK, 'meta.json'), JSON.stringify({ rows: N, widths, modelId: f.modelId, pairs: metaPairs }));
  const tierN = metaPairs.filter((m) => m.split === 'tier').length;
  console.log(`wrote ${path.relative(ROOT, WORK)}/ (${N} rows, ${metaPairs.length} pairs${opts.tier ? `, ${tierN} of them train-only tier pairs` : ''})`);
  if (WORK === DEFAULT_WORK) writeGolden(f, pairs, metaPairs, rows, arrays, lengths, widths);
  else console.log('experiment dump: golden file not written');
}

/** ~20 train pairs (3 per source, short ones first, plus one truncated), with their features from the dump. */
function writeGolden(f, pairs, metaPairs, rows, arrays, lengths, widths) {
  const chosen = [];
  const bySource = new Map();
  metaPairs.forEach((m, i) => {
    if (m.split !== 'train') return;
    const list = bySource.get(m.source) ?? [];
    list.push(i);
    bySource.set(m.source, list);
  });
  for (const list of bySource.values()) {
    const sorted = [...list].sort((a, b) => metaPairs[a].lc - metaPairs[b].lc || a - b);
    chosen.push(sorted[0], sorted[Math.floor(sorted.length / 2)]);
    chosen.push(sorted[sorted.length - 1]); // the longest: truncated, exercises the token limits
  }
  const cases = [];
  for (const i of chosen) {
    const r = metaPairs[i].l;
    const row = rows[r];
    const feats = {};
    for (const [name, w] of Object.entries(widths)) {
      const n = lengths[name] ? lengths[name][r] : w;
      feats[name] = Array.from(arrays[name].subarray(r * w, r * w + n));
    }
    cases.push({ source: pairs[i].source, line: pairs[i].line, instruction: row.instruction, response: row.response, features: feats });
  }
  // No model id here: it hashes ranker.onnx, which train.py writes after this dump, so it would name the model before.
  const golden = { note: 'Written by training/dump-features.js from the training dump; test/unit/featurise.test.ts re-featurises these pairs and compares.', version: f.config.version, cases };
  fs.mkdirSync(path.dirname(GOLDEN), { recursive: true });
  fs.writeFileSync(GOLDEN, JSON.stringify(golden) + '\n');
  console.log(`wrote ${path.relative(ROOT, GOLDEN)} (${cases.length} pairs)`);
}

main();
