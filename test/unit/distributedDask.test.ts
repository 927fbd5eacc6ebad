// The Dask recipe, run for real: examples/distributed/dask_select.py on a LocalCluster of 2 worker processes, over
// 8 generated shards with exact copies and near-duplicates planted across shards, must write byte for byte what
// one `scar select --keep-order` writes for the concatenated shards. Needs Debian's python3-dask and
// python3-distributed, which `npm test` installs before the unit stage (test/harness/install.sh --apt-only):
// without them the test fails, saying so.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { writeShardedCorpus } from '../util/distributedCorpus';
import { repoRoot } from '../util/paths';
import { tempDir } from '../util/scoringCli';

const PYTHON = '/usr/bin/python3';
const bin = path.join(repoRoot, 'bin', 'scar.js');
const script = path.join(repoRoot, 'examples', 'distributed', 'dask_select.py');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, cwd: repoRoot });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('distributed: the Dask recipe equals one-machine scar select', function () {
  this.timeout(300000);
  let tmp: string;
  before(function () {
    const probe = spawnSync(PYTHON, ['-c', 'import dask.bag, dask.distributed, numpy'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      throw new Error(`${PYTHON} cannot import dask.distributed (bash test/harness/install.sh --apt-only installs python3-dask and python3-distributed): ${(probe.stderr || String(probe.error)).trim().split('\n').pop()}`);
    }
  });
  beforeEach(() => { tmp = tempDir('scar-dask-'); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  // One criterion here (each run starts ~20 scar processes); scar cut's exactness for top-k, ratio and ties is
  // tested on its own in globalCut.test.ts.
  for (const criterion of [['--ratio', '0.3']]) {
    it(`selects the same lines, byte for byte (${criterion.join(' ')})`, async () => {
      const shards = path.join(tmp, 'shards');
      const files = writeShardedCorpus(shards, { lines: 1200, shards: 8, seed: 7 });
      const all = path.join(tmp, 'all.jsonl');
      fs.writeFileSync(all, Buffer.concat(files.map((f) => fs.readFileSync(f))));
      const env = { ...process.env, SCAR_CACHE_DIR: path.join(tmp, 'cache') };

      const one = await run(process.execPath, [bin, 'select', all, ...criterion, '--keep-order', '-o', path.join(tmp, 'one.jsonl')], env);
      assert.equal(one.code, 0, one.stderr);
      // The corpus exercises every cleaning step across shards.
      assert.match(one.stderr, /Removed [1-9]\d* exact duplicates, [1-9]\d* non-English, [1-9]\d* near-duplicates/);

      const dist = await run(PYTHON, [script, shards, path.join(tmp, 'dist.jsonl'), ...criterion, '--workers', '2', '--scar', `${process.execPath} ${bin}`], env);
      assert.equal(dist.code, 0, dist.stderr.slice(-3000));
      const a = fs.readFileSync(path.join(tmp, 'one.jsonl'));
      const b = fs.readFileSync(path.join(tmp, 'dist.jsonl'));
      assert.ok(a.length > 1000);
      assert.ok(a.equals(b), `the Dask selection differs from one machine's (${b.length} vs ${a.length} bytes)\n${dist.stderr.slice(-2000)}`);
    });
  }
});
