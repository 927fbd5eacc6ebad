// The selection's cleaning in a worker thread (dist/cleaningWorker.js through cleaningWorkerClient.ts): the same
// removals, counts and selection as the cleaning in this thread (with scores and without, exact, language and
// near-duplicates, conversations with several exchanges), progress while posting, cancellation that terminates
// the worker, and a worker's failure as an error naming it.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { cleanInWorker, PART_LINES } from '../../src/extension/cleaningWorkerClient';
import { applyCriterion, prepareSelection } from '../../src/extension/commands/selectionPrep';
import { documentLines } from '../../src/extension/commands/docLines';
import { distDir } from '../util/paths';
import { mulberry32 as rng } from '../util/prng';

const WORKER = path.join(distDir, 'cleaningWorker.js');
const ADAPTER = { schema: 'auto' as const, turnPolicy: 'all' as const };

const WORDS = 'the a river mountain quietly explains why every student should measure carefully before writing answers about history science music'.split(' ');
const sentence = (r: () => number, n: number): string => Array.from({ length: n }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ');
const alpaca = (instruction: string, output: string): string => JSON.stringify({ instruction, input: '', output });

/** A document with exact duplicates, near-duplicates, German lines, blank and broken lines and conversations. */
function plantedDocument(n: number, seed: number): string {
  const r = rng(seed);
  const rows: string[] = [];
  for (let i = 0; i < n; i++) {
    const base = alpaca(`explain ${sentence(r, 8)} number ${i}`, `${sentence(r, 25)} end ${i}`);
    rows.push(base);
    if (i % 5 === 0) rows.push(base); // exact duplicate
    if (i % 7 === 0) rows.push(base.replace(`end ${i}`, `end ${i} indeed`)); // near-duplicate
    if (i % 23 === 0) rows.push(alpaca('Erkläre die Geschichte der Musik bitte genau', `Die Geschichte der Musik ist lang und sie ist sehr alt und wir wissen nicht viel darüber ${i}, aber die Menschen haben immer gesungen.`));
    if (i % 31 === 0) rows.push('', '{broken');
    if (i % 11 === 0) rows.push(JSON.stringify({ conversations: [{ from: 'human', value: `why ${sentence(r, 6)}` }, { from: 'gpt', value: sentence(r, 20) }, { from: 'human', value: 'and?' }, { from: 'gpt', value: `${sentence(r, 12)} ${i}` }] }));
  }
  return rows.join('\n');
}

const spawn = (): Worker => new Worker(WORKER);

describe('cleaning in a worker thread', function () {
  this.timeout(60000);
  before(() => assert.ok(fs.existsSync(WORKER), `${WORKER} is missing: run \`node esbuild.js\` first`));

  for (const scored of [true, false]) {
    it(`gives exactly the removals, counts and selection of the cleaning in this thread (${scored ? 'with' : 'without'} scores)`, async () => {
      const r = rng(3);
      const doc = documentLines(plantedDocument(3000, 9), ADAPTER, () => (scored ? Math.round(r() * 100) / 10 : NaN));
      const switches = { dedup: true, languageFilter: true };
      const here = await prepareSelection(doc.lines, switches, { sliceMs: 1e9 });
      const progress: Array<[number, number]> = [];
      const there = await prepareSelection(doc.lines, switches, {
        clean: (candidates, options, run) => cleanInWorker(spawn, candidates, options, run),
        onProgress: (done, total) => progress.push([done, total]),
      });
      assert.ok(here.cleaning.counts.exact > 0 && here.cleaning.counts.nearDuplicate > 0 && here.cleaning.counts.language > 0,
        `the document exercises every step: ${JSON.stringify(here.cleaning.counts)}`);
      assert.deepEqual(there.cleaning, here.cleaning);
      assert.deepEqual([...there.removed], [...here.removed]);
      assert.deepEqual(there.rankedScores, here.rankedScores);
      if (scored) assert.deepEqual(applyCriterion(there, { kind: 'ratio', ratio: 0.25 }), applyCriterion(here, { kind: 'ratio', ratio: 0.25 }));
      const total = here.cleaning.input;
      assert.ok(total > PART_LINES, 'more than one part was posted');
      assert.deepEqual(progress, Array.from({ length: Math.ceil(total / PART_LINES) }, (_, k) => [Math.min((k + 1) * PART_LINES, total), total]));
    });
  }

  it('stops at once when cancelled, and terminates the worker', async () => {
    // Near-identical lines: a near-duplicate clustering of seconds in the worker.
    const text = Array.from({ length: 60000 }, (_, i) => alpaca(`Explain item ${i} of the list in two sentences, please.`, `Item ${i} is an example. It exists to make this file large.`)).join('\n');
    const doc = documentLines(text, ADAPTER, () => NaN);
    let worker: Worker | undefined;
    const ac = new AbortController();
    const started = Date.now();
    const cleaning = cleanInWorker(() => (worker = spawn()), doc.lines, {}, { signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    await assert.rejects(cleaning, { name: 'AbortError' });
    assert.ok(Date.now() - started < 5000, `rejected after ${Date.now() - started} ms`);
    const exit = await new Promise<number>((resolve) => { worker!.once('exit', resolve); setTimeout(() => resolve(-1), 5000); });
    assert.equal(worker!.threadId, -1, `the worker is terminated (exit ${exit})`);
  });

  it('rejects before starting a worker when the signal is already aborted', async () => {
    let started = 0;
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(cleanInWorker(() => { started++; return spawn(); }, [], {}, { signal: ac.signal }), { name: 'AbortError' });
    assert.equal(started, 0);
  });

  it('turns a worker that fails into an error that says so', async () => {
    const broken = (): Worker => new Worker('throw new Error("no model here")', { eval: true });
    const doc = documentLines(alpaca('a b c', 'd e f'), ADAPTER, () => NaN);
    await assert.rejects(cleanInWorker(broken, doc.lines, {}), /the cleaning worker failed: .*no model here/s);
  });
});
