#!/usr/bin/env node
// The Dask recipe (examples/distributed/dask_select.py, LocalCluster of 2 worker processes) against one
// `scar select --ratio 0.25 --keep-order` process on the same generated corpus, and how each stage's cost grows
// with the number of shards. Prints figures; asserts nothing except that both select the same bytes.
//   node bench/distributed.bench.js [lines] [shard counts, comma-separated]     (default 200000 and 4,8,16)
// Needs dist/ (`npm run bench -- distributed` builds it) and /usr/bin/python3 with python3-dask and
// python3-distributed. Each run uses a fresh score cache, so every configuration scores from cold.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { writeShardedCorpus } = require('../test/util/distributedCorpus.js');

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'bin', 'scar.js');
const LINES = Number(process.argv[2]) || 200000;
const SHARDS = (process.argv[3] || '4,8,16').split(',').map(Number);

const probe = spawnSync('/usr/bin/python3', ['-c', 'import dask.distributed'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.log('skipped: /usr/bin/python3 cannot import dask.distributed (apt-get install python3-dask python3-distributed)');
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-bench-dist-'));
try {
  console.log(`corpus: ${LINES.toLocaleString('en-US')} generated lines (planted exact and near-duplicates across shards); ${os.cpus().length} CPUs`);
  const allFile = path.join(tmp, 'all.jsonl');
  const one = (() => {
    const files = writeShardedCorpus(path.join(tmp, 'one'), { lines: LINES, shards: 1 });
    fs.renameSync(files[0], allFile);
    const env = { ...process.env, SCAR_CACHE_DIR: path.join(tmp, 'cache-one') };
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, 'select', allFile, '--ratio', '0.25', '--keep-order', '-o', path.join(tmp, 'one.out')], { env, encoding: 'utf8' });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(r.stderr);
    return secs;
  })();
  console.log(`one scar select process: ${one.toFixed(1)} s, ${(LINES / one).toFixed(0)} lines/s`);
  const expected = fs.readFileSync(path.join(tmp, 'one.out'));
  console.log('\nshards  total s  lines/s  vs one   count  score+sign  shuffle  resolve   cut  select   candidates  same bytes');
  for (const shards of SHARDS) {
    const dir = path.join(tmp, `s${shards}`);
    writeShardedCorpus(dir, { lines: LINES, shards });
    const env = { ...process.env, SCAR_CACHE_DIR: path.join(tmp, `cache-${shards}`) };
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/python3', [path.join(root, 'examples', 'distributed', 'dask_select.py'), dir, path.join(tmp, 'dist.out'), '--ratio', '0.25', '--workers', '2', '--scar', `${process.execPath} ${bin}`, '--timings'], { env, encoding: 'utf8' });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(r.stderr.slice(-3000));
    const info = JSON.parse(r.stderr.trim().split('\n').filter((l) => l.startsWith('{"timings"')).pop());
    const t = info.timings;
    const same = fs.readFileSync(path.join(tmp, 'dist.out')).equals(expected);
    console.log(`${String(shards).padStart(6)}  ${secs.toFixed(1).padStart(7)}  ${(LINES / secs).toFixed(0).padStart(7)}  ${(one / secs).toFixed(2).padStart(5)}x  ${t.count.toFixed(1).padStart(5)}  ${t['score+sign'].toFixed(1).padStart(10)}  ${t.shuffle.toFixed(1).padStart(7)}  ${t.resolve.toFixed(1).padStart(7)}  ${t.cut.toFixed(1).padStart(4)}  ${t.select.toFixed(1).padStart(6)}  ${String(info.candidates).padStart(11)}  ${same ? 'yes' : 'NO'}`);
  }
  console.log('\n(total includes starting the LocalCluster; the machine may be shared with other jobs)');
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
