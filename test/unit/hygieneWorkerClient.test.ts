import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { documentHygiene, splitLines, type DocumentHygieneOptions } from '../../src/core/documentHygiene';
import { HygieneFindings } from '../../src/core/packedHygiene';
import { HygieneWorkerClient } from '../../src/extension/hygieneWorkerClient';
import { distDir, fixture } from '../util/paths';

const WORKER = path.join(distDir, 'hygieneWorker.js');
const options: DocumentHygieneOptions = { adapter: { schema: 'auto', turnPolicy: 'all' }, languageCheck: true, nearDuplicateThreshold: 0.5, ngram: 2, maxResponseTokens: 256 };

/** A stand-in worker: replies after `ms` with only `checked`, the text's length, or crashes on the text "crash". */
const standIn = (ms: number): (() => Worker) => () => new Worker(`
  const { parentPort } = require('worker_threads');
  let text = '';
  let id = -1;
  parentPort.on('message', (r) => {
    if (r.id !== id) { id = r.id; text = ''; }
    if (r.type === 'text') { text += r.text; return; }
    if (text === 'crash') throw new Error('boom');
    const until = Date.now() + ${ms};
    while (Date.now() < until) {}
    parentPort.postMessage({ id: r.id, result: { checked: text.length } });
    text = '';
  });`, { eval: true });

describe('HygieneWorkerClient', function () {
  this.timeout(30000);

  it('runs the real worker bundle and gets what the check computes in-process', async () => {
    assert.ok(fs.existsSync(WORKER), `${WORKER} is missing: run \`node esbuild.js\` first`);
    const client = new HygieneWorkerClient(() => new Worker(WORKER));
    try {
      const text = fs.readFileSync(fixture('workspace/dupes.jsonl'), 'utf8');
      const scores = new Float64Array(splitLines(text).length).fill(NaN);
      scores[2] = 1;
      const packed = await client.run([text.slice(0, 500), text.slice(500)], { ...options, scores }).result;
      const got = new HygieneFindings(packed!);
      const want = documentHygiene(splitLines(text), { ...options, scores })!;
      assert.deepEqual(Array.from({ length: got.size }, (_, i) => got.at(i)), want.findings);
      assert.deepEqual(got.exactGroups, want.exactGroups);
      assert.deepEqual(got.nearClusters, want.nearClusters);
      assert.equal(got.exactGroups[0].kept, 3, 'the scores crossed the thread');
    } finally {
      client.dispose();
    }
  });

  it('answers requests in order with one worker', async () => {
    const client = new HygieneWorkerClient(standIn(20));
    try {
      const jobs = ['a', 'bb', 'ccc'].map((t) => client.run([t], options));
      const done: number[] = [];
      await Promise.all(jobs.map((j) => j.result.then((r) => done.push(r!.checked))));
      assert.deepEqual(done, [1, 2, 3]);
      assert.equal(client.started, 1);
    } finally {
      client.dispose();
    }
  });

  it('cancelling the running request terminates the worker at once; the next request gets a fresh one', async () => {
    const client = new HygieneWorkerClient(standIn(5000));
    try {
      const slow = client.run(['slow'], options);
      await new Promise((r) => setTimeout(r, 200)); // the worker is busy in its loop
      const t0 = Date.now();
      slow.cancel();
      assert.equal(await slow.result, undefined);
      assert.ok(Date.now() - t0 < 1000, 'did not wait for the 5 s computation');
      const queuedThenCancelled = client.run(['x'], options);
      queuedThenCancelled.cancel();
      assert.equal(await queuedThenCancelled.result, undefined);
      assert.equal(client.started, 2, 'the cancelled worker was replaced');
    } finally {
      client.dispose();
    }
  });

  it('takes the text part by part, one per turn of the event loop; a part that cannot be taken fails only its request', async () => {
    const client = new HygieneWorkerClient(standIn(0));
    try {
      let turns = 0;
      const seen: number[] = [];
      function* parts(): Generator<string> {
        for (let i = 0; i < 5; i++) {
          seen.push(turns);
          yield 'ab';
        }
      }
      const counter = setImmediate(function again() { turns++; counterRef = setImmediate(again); });
      let counterRef = counter;
      const job = client.run(parts(), options);
      assert.equal((await job.result)!.checked, 10);
      clearImmediate(counterRef);
      assert.equal(new Set(seen).size, 5, `parts taken at turns ${seen.join(', ')}`);
      // Each step takes one small part: well under 50 ms of the thread's CPU where Node tells it; in wall time
      // (Node before 23.9) generously, as a loaded machine may take the CPU away mid-step.
      if (job.longestStepCpuMs !== undefined) assert.ok(job.longestStepCpuMs >= 0 && job.longestStepCpuMs < 50, `${job.longestStepCpuMs} ms CPU`);
      assert.ok(job.longestStepMs >= 0 && job.longestStepMs < 1000, `${job.longestStepMs} ms`);
      function* broken(): Generator<string> {
        yield 'a';
        throw new Error('the document was closed');
      }
      await assert.rejects(client.run(broken(), options).result, /the document was closed/);
      assert.equal((await client.run(['xyz'], options).result)!.checked, 3);
      assert.equal(client.started, 1, 'the worker was kept');
    } finally {
      client.dispose();
    }
  });

  it('a crash fails only the request it was running', async () => {
    const client = new HygieneWorkerClient(standIn(0));
    try {
      const bad = client.run(['cra', 'sh'], options);
      const good = client.run(['fine'], options);
      await assert.rejects(bad.result, /the hygiene worker stopped: .*boom/s);
      assert.equal((await good.result)!.checked, 4);
    } finally {
      client.dispose();
    }
  });

  it('answers undefined after dispose', async () => {
    const client = new HygieneWorkerClient(standIn(0));
    client.dispose();
    assert.equal(await client.run(['a'], options).result, undefined);
    assert.equal(client.started, 0);
  });
});
