// The engine's featurising workers give exactly the feeds the featuriser gives on the calling thread.
// Needs the build (dist/featuriseWorker.js) and the bundled model's featuriser (models/).
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadFeaturiser } from '../../src/core/featurise';
import { CLAIM_THREAD, CLAIM_WORKER, FeaturisePool, WORKER_FILE, claimForThread, newClaims } from '../../src/engine/featurisePool';
import { distDir, modelsDir } from '../util/paths';

const workerFile = path.join(distDir, WORKER_FILE);

describe('featurising worker pool', function () {
  this.timeout(30_000);

  it('computes the same feeds as the featuriser on this thread, for many batches at once', async () => {
    assert.ok(fs.existsSync(workerFile), `${workerFile} is missing: run \`node esbuild.js\` first`);
    const pool = await FeaturisePool.start(modelsDir, 2, { workerFile });
    try {
      const f = loadFeaturiser(modelsDir);
      const batches = Array.from({ length: 6 }, (_, b) => Array.from({ length: 5 + b }, (_, i) => ({
        instruction: `Question ${b}.${i}: write a function?`,
        response: i % 2 ? `def f_${i}(x):\n    return x * ${b}` : `Sure! Here is answer ${i} of batch ${b}.\n\n- one\n- two`,
      })));
      const got = await Promise.all(batches.map((p) => pool.featurise(p)));
      batches.forEach((pairs, b) => {
        const want = f.featurise(pairs);
        for (const name of Object.keys(want)) {
          assert.deepEqual(got[b]![name].dims, want[name].dims, `batch ${b} ${name} dims`);
          assert.deepEqual(Array.from(got[b]![name].data as ArrayLike<number>), Array.from(want[name].data as ArrayLike<number>), `batch ${b} ${name}`);
        }
      });
    } finally {
      await pool.close();
    }
  });

  it('featurises each claimed batch once: a worker skips the batches the engine thread took first', async () => {
    const pool = await FeaturisePool.start(modelsDir, 2, { workerFile });
    try {
      const f = loadFeaturiser(modelsDir);
      const batches = Array.from({ length: 8 }, (_, b) => [{ instruction: `Task ${b}`, response: `Answer number ${b}, in a sentence.` }]);
      const claims = newClaims(batches.length);
      // The engine's thread takes the last three before the workers see them.
      const mine = [5, 6, 7].filter((k) => claimForThread(claims, k));
      assert.deepEqual(mine, [5, 6, 7]);
      const got = await Promise.all(batches.map((p, index) => pool.featurise(p, { claims, index })));
      batches.forEach((pairs, b) => {
        if (b >= 5) {
          assert.equal(got[b], undefined, `batch ${b} was the thread's: the worker must skip it`);
          assert.equal(claims[b], CLAIM_THREAD);
        } else {
          assert.ok(got[b], `batch ${b} was free: a worker must featurise it`);
          assert.equal(claims[b], CLAIM_WORKER);
          assert.deepEqual(Array.from(got[b]!.response_ids.data as ArrayLike<number>), Array.from(f.featurise(pairs).response_ids.data as ArrayLike<number>));
          assert.equal(claimForThread(claims, b), false, `batch ${b} is the worker's now`);
        }
      });
    } finally {
      await pool.close();
    }
  });

  it('fails to start with a message naming the file when the model folder has no featuriser', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-pool-'));
    try {
      await assert.rejects(FeaturisePool.start(empty, 1, { workerFile }), /featuriser\.json/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
