#!/usr/bin/env node
// Reader + adapter throughput on a generated 100k-line file of realistic pairs (mixed schemas, ~1-2 KB a line).
//   (a) baseline: split the text into lines + raw JSON.parse of each line
//   (b) the in-memory reader (iterateRecords, which readRecords collects into an array) + adaptRecord
//   (b') readRecords + adaptRecord: (b) keeping every record alive, as an editor does; informational, since
//        retaining 100k parsed values costs garbage-collection time that the baseline (which drops them) never pays
//   (c) streamRecords + adaptRecord, from disk
//   (a') disk baseline: readFileSync(utf8) + split + JSON.parse. (c) also reads and decodes the file, work that (a)
//        never does (its text is decoded before the clock starts), so (c) is compared with (a') as well.
// Prints the median of 5 runs of each, in lines/s and MB/s, and the ratio to the baseline. Target: >= 70%.
// Needs out/core.js (`node esbuild.js`, which `npm run bench` runs first).
'use strict';
const fs = require('fs');
const path = require('path');
const { iterateRecords, readRecords, streamRecords, adaptRecord, DEFAULT_ADAPTER_OPTIONS } = require('../out/core.js');
const { mulberry32: prng } = require('../test/util/prng.js');

const LINES = Number(process.env.READER_BENCH_LINES || 100000);
const RUNS = 5;
const workDir = path.join(__dirname, 'work');
const file = path.join(workDir, `reader-v2-${LINES}.jsonl`);

// --- a deterministic generator of realistic records -----------------------------------------------------------
const WORDS = ('the a of to and in is for that with as on by this be are from it an or which can at your use when you ' +
  'data model function value list file example step first then each number result error code line string return ' +
  'because however therefore consider simple important note following python method users time système café naïve ' +
  'performance memory request response server client test output input question answer explain write summary').split(' ');
function sentence(rnd, min, max) {
  const n = min + Math.floor(rnd() * (max - min));
  const w = [];
  for (let i = 0; i < n; i++) w.push(WORDS[Math.floor(rnd() * WORDS.length)]);
  const s = w.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1) + (rnd() < 0.1 ? '?' : '.');
}
function paragraph(rnd, sentences) {
  const out = [];
  for (let i = 0; i < sentences; i++) out.push(sentence(rnd, 6, 18));
  return out.join(' ');
}
function response(rnd) {
  const r = rnd();
  if (r < 0.4) return paragraph(rnd, 8 + Math.floor(rnd() * 14));
  if (r < 0.7) return `Here are the steps:\n\n1. ${sentence(rnd, 8, 20)}\n2. ${sentence(rnd, 8, 20)}\n3. ${sentence(rnd, 8, 20)}\n4. ${sentence(rnd, 8, 20)}\n\n${paragraph(rnd, 6)}`;
  return `${paragraph(rnd, 3)}\n\n\`\`\`python\ndef f(x):\n    return [v * 2 for v in x if v > 0]\n\`\`\`\n\n${paragraph(rnd, 7)}`;
}
function record(rnd) {
  const k = rnd();
  const q = paragraph(rnd, 1 + Math.floor(rnd() * 3));
  if (k < 0.4) return { instruction: q, input: rnd() < 0.4 ? paragraph(rnd, 2) : '', output: response(rnd) };
  if (k < 0.65) {
    const conv = [{ from: 'human', value: q }, { from: 'gpt', value: response(rnd) }];
    if (rnd() < 0.3) conv.push({ from: 'human', value: sentence(rnd, 5, 12) }, { from: 'gpt', value: paragraph(rnd, 3) });
    return { id: `c${Math.floor(rnd() * 1e9)}`, conversations: conv };
  }
  if (k < 0.85) {
    return { messages: [{ role: 'system', content: 'You are a helpful assistant.' }, { role: 'user', content: q }, { role: 'assistant', content: response(rnd) }] };
  }
  if (k < 0.95) return { prompt: q, completion: response(rnd) };
  return { question: q, answer: response(rnd) };
}

function ensureFile() {
  if (fs.existsSync(file)) return;
  fs.mkdirSync(workDir, { recursive: true });
  const rnd = prng(20240611);
  const parts = [];
  for (let i = 0; i < LINES; i++) parts.push(JSON.stringify(record(rnd)));
  fs.writeFileSync(file, parts.join('\n') + '\n');
}

// --- the three measurements -------------------------------------------------------------------------------------
function baseline(text) {
  const lines = text.split('\n');
  let n = 0;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    if (line.length === 0) continue;
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (JSON.parse(line) !== undefined) n++;
  }
  return n;
}

function inMemory(text) {
  let pairs = 0;
  for (const r of iterateRecords(text)) {
    if (r.value === undefined) continue;
    const a = adaptRecord(r.value, DEFAULT_ADAPTER_OPTIONS);
    if (a.ok) pairs += a.pairs.length;
  }
  return pairs;
}

function inMemoryKept(text) {
  let pairs = 0;
  for (const r of readRecords(text)) {
    if (r.value === undefined) continue;
    const a = adaptRecord(r.value, DEFAULT_ADAPTER_OPTIONS);
    if (a.ok) pairs += a.pairs.length;
  }
  return pairs;
}

function diskBaseline() {
  return baseline(fs.readFileSync(file, 'utf8'));
}

async function fromDisk() {
  let pairs = 0;
  for await (const r of streamRecords(file)) {
    if (r.value === undefined) continue;
    const a = adaptRecord(r.value, DEFAULT_ADAPTER_OPTIONS);
    if (a.ok) pairs += a.pairs.length;
  }
  return pairs;
}

async function time(fn) {
  if (global.gc) global.gc();
  const t0 = process.hrtime.bigint();
  const n = await fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, n };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

(async () => {
  ensureFile();
  const bytes = fs.statSync(file).size;
  const text = fs.readFileSync(file, 'utf8');
  const mb = bytes / (1024 * 1024);
  console.log(`file: ${path.relative(process.cwd(), file)}, ${LINES.toLocaleString('en-US')} lines, ${mb.toFixed(1)} MB (${Math.round(bytes / LINES)} bytes/line avg)`);
  const cases = [
    ['(a) baseline: split + JSON.parse', () => baseline(text)],
    ['(b) iterateRecords + adaptRecord (memory)', () => inMemory(text)],
    ["(b') readRecords + adaptRecord (all kept)", () => inMemoryKept(text)],
    ["(a') disk baseline: readFile + split + parse", () => diskBaseline()],
    ['(c) streamRecords + adaptRecord (disk)', () => fromDisk()],
  ];
  const times = cases.map(() => []);
  await cases[0][1](); await cases[1][1](); // warm-up
  // Interleave the runs so that machine noise hits every case alike.
  for (let run = 0; run < RUNS; run++) {
    for (let c = 0; c < cases.length; c++) {
      const { ms, n } = await time(cases[c][1]);
      if (c > 0 && c !== cases.length - 2 && n < LINES) throw new Error(`${cases[c][0]}: ${n} pairs from ${LINES} lines`);
      times[c].push(ms);
    }
  }
  const base = LINES / (median(times[0]) / 1000);
  const diskBase = LINES / (median(times[cases.length - 2]) / 1000);
  for (let c = 0; c < cases.length; c++) {
    const ms = median(times[c]);
    const lps = LINES / (ms / 1000);
    let ratio = c === 0 ? '' : `  ${(100 * lps / base).toFixed(0)}% of (a)`;
    if (c === cases.length - 1) ratio += `, ${(100 * lps / diskBase).toFixed(0)}% of (a')`;
    console.log(`${cases[c][0].padEnd(46)} median ${ms.toFixed(0).padStart(5)} ms  ${Math.round(lps).toLocaleString('en-US').padStart(9)} lines/s  ${(mb / (ms / 1000)).toFixed(1).padStart(6)} MB/s${ratio}`);
  }
  console.log("target: >= 70% of baseline ((b) against (a); (c) against (a'))");
})().catch((e) => { console.error(e); process.exit(1); });
