// The engine's featurising workers (src/engine/featurisePool.ts) and its length order: a request's batches are
// shared between the engine's thread and a worker, shortest responses first, and the scores are the same as with the
// engine's thread alone, in the request's order, whatever the batches held.
import * as assert from 'node:assert/strict';
import * as path from 'path';
import { EngineClient } from '../../src/engine/client';
import { ENGINE_PROBE_ENV, INFERENCE_BATCH } from '../../src/engine/protocol';
import { distDir, modelsDir } from '../util/paths';
import { mulberry32 } from '../util/prng';

const enginePath = path.join(distDir, 'engine.js');

/** Pairs of very different lengths (a few words to a few thousand characters), in a shuffled order. */
function mixedPairs(n: number): Array<{ instruction: string; response: string }> {
  const rand = mulberry32(5);
  const words = 'the model answers every question with care and a list of clear steps before a short summary'.split(' ');
  return Array.from({ length: n }, (_, i) => {
    const len = Math.floor(rand() ** 3 * 600) + 1;
    const response = Array.from({ length: len }, () => words[Math.floor(rand() * words.length)]).join(rand() < 0.1 ? '\n' : ' ');
    return { instruction: `Question ${i}: explain ${words[i % words.length]}.`, response: i % 7 === 0 ? `- ${response}\n- done` : response };
  });
}

/** Starts an engine and waits for its featurising workers (the pool starts after 'ready'), so a request shares with them. */
async function started(workers: number, env?: NodeJS.ProcessEnv): Promise<EngineClient> {
  const c = new EngineClient({ enginePath, modelDir: modelsDir, cacheDir: null, featuriseWorkers: workers, env });
  await c.start();
  const until = Date.now() + 20000;
  while ((await c.stats()).featuriseWorkers < workers) {
    if (Date.now() > until) { c.dispose(); throw new Error('the featurising worker did not start'); }
    await new Promise((r) => setTimeout(r, 20));
  }
  return c;
}

async function scoresWith(workers: number, pairs: Array<{ instruction: string; response: string }>): Promise<{ scores: number[]; stats: Awaited<ReturnType<EngineClient['stats']>> }> {
  const c = await started(workers);
  try {
    const scores = (await c.score(pairs)).map((s) => s.score);
    return { scores, stats: await c.stats() };
  } finally {
    c.dispose();
  }
}

describe('engine: featurising workers and the length order', function () {
  this.timeout(60000);
  const pairs = mixedPairs(1500);

  it('a worker and the engine\'s thread share the batches, and the scores are those of the thread alone', async () => {
    const alone = await scoresWith(0, pairs);
    const shared = await scoresWith(1, pairs);
    assert.equal(alone.stats.featuriseWorkers, 0);
    assert.equal(alone.stats.workerBatches, 0);
    assert.equal(shared.stats.featuriseWorkers, 1);
    assert.ok(shared.stats.workerBatches > 0 && shared.stats.threadBatches > 0, `worker ${shared.stats.workerBatches}, thread ${shared.stats.threadBatches} batches`);
    // Each batch is featurised once, by whoever claimed it first (the workers skip the thread's).
    assert.equal(shared.stats.workerBatches + shared.stats.threadBatches, Math.ceil(pairs.length / INFERENCE_BATCH));
    assert.equal(alone.stats.threadBatches, Math.ceil(pairs.length / INFERENCE_BATCH));
    assert.equal(shared.scores.length, pairs.length);
    let worst = 0;
    for (let i = 0; i < pairs.length; i++) worst = Math.max(worst, Math.abs(shared.scores[i] - alone.scores[i]));
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  });

  it('a worker that dies in the middle of a request leaves its batches to the engine\'s thread: every pair is scored, as by the thread alone', async () => {
    const alone = await scoresWith(0, pairs);
    const c = await started(1, { [ENGINE_PROBE_ENV]: '1' });
    try {
      await c.probe.slow(10); // about half a second per request: the worker dies while it holds batches
      const scoring = c.score(pairs);
      await c.probe.crashWorkers(150);
      const scores = (await scoring).map((s) => s.score);
      const stats = await c.stats();
      assert.equal(stats.featuriseWorkers, 0, 'the worker is gone');
      assert.ok(stats.threadBatches > 0, 'the engine\'s thread took over');
      assert.equal(stats.workerBatches + stats.threadBatches, Math.ceil(pairs.length / INFERENCE_BATCH), 'each batch once');
      assert.equal(scores.length, pairs.length);
      let worst = 0;
      for (let i = 0; i < pairs.length; i++) worst = Math.max(worst, Math.abs(scores[i] - alone.scores[i]));
      assert.ok(worst < 1e-5, `largest difference ${worst}`);
      // And the engine goes on without workers.
      const again = await c.score(pairs.slice(0, 40).map((p) => ({ ...p, instruction: `${p.instruction} Again.` })));
      assert.equal(again.length, 40);
    } finally {
      c.dispose();
    }
  });

  it('an urgent request that runs between the batches of one shared with a worker: both get the scores of the thread alone', async () => {
    const extra = mixedPairs(200).map((p) => ({ ...p, instruction: `${p.instruction} Urgent.` }));
    const alone = await scoresWith(0, [...pairs, ...extra]);
    const c = await started(1, { [ENGINE_PROBE_ENV]: '1' });
    try {
      await c.probe.slow(10); // about half a second for the request that is not urgent
      const background = c.score(pairs);
      await new Promise((r) => setTimeout(r, 150));
      const urgent = (await c.score(extra, { urgent: true })).map((s) => s.score);
      const stats = await c.stats();
      const scores = (await background).map((s) => s.score);
      assert.equal(stats.urgentBetweenBatches, 1, 'the urgent request ran between the batches of the other');
      assert.ok(stats.workerBatches > 0, 'the worker featurised batches');
      let worst = 0;
      for (let i = 0; i < pairs.length; i++) worst = Math.max(worst, Math.abs(scores[i] - alone.scores[i]));
      for (let i = 0; i < extra.length; i++) worst = Math.max(worst, Math.abs(urgent[i] - alone.scores[pairs.length + i]));
      assert.ok(worst < 1e-5, `largest difference ${worst}`);
      const after = await c.stats();
      assert.equal(after.workerBatches + after.threadBatches, Math.ceil(pairs.length / INFERENCE_BATCH) + Math.ceil(extra.length / INFERENCE_BATCH), 'each batch once');
    } finally {
      c.dispose();
    }
  });

  it('a pair scores the same alone as in a batch of other lengths (pooling is masked; batches are by length)', async () => {
    const { scores } = await scoresWith(0, pairs);
    const picks = [0, 7, 100, 999, 1499];
    const one = await Promise.all(picks.map(async (i) => (await scoresWith(0, [pairs[i]])).scores[0]));
    picks.forEach((i, k) => assert.ok(Math.abs(one[k] - scores[i]) < 1e-5, `pair ${i}: ${one[k]} alone, ${scores[i]} in the request`));
  });
});
