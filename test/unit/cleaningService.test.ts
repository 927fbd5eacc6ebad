// The cleaning service (dist/cleaning.js, src/engine/cleaningService.ts) through its client (cleaningClient.ts):
// the hygiene check and the selection's cleaning give exactly what they give in this thread (with and without
// scores; exact, language and near-duplicates; conversations); a file on disk cleans as `scar select` cleans it;
// requests run one at a time in order, a person's ahead of the background's; cancelling is prompt (a computing
// service is ended, one still receiving parts is kept); a crash fails only its request and the next one restarts the
// service; the input is posted in parts, one per turn; and the host's thread does next to none of the work.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { documentHygiene, splitLines as hygieneLines, type DocumentHygieneOptions } from '../../src/core/documentHygiene';
import { HygieneFindings } from '../../src/core/packedHygiene';
import { pipelineCleaningOptions } from '../../src/core/selectionPipeline';
import { cleanScoredFile } from '../../src/files/scoredFile';
import type { FileScores } from '../../src/files/scoreStream';
import { CleaningClient, CleaningInputError, CleaningServiceError, PART_LINES, type CleaningClientOptions } from '../../src/engine/cleaningClient';
import { CLEANING_PROBE_ENV } from '../../src/engine/cleaningProtocol';
import { documentLines } from '../../src/extension/commands/docLines';
import { applyCriterion, prepareSelection } from '../../src/extension/commands/selectionPrep';
import { distDir, fixture } from '../util/paths';
import { mulberry32 as rng } from '../util/prng';

const SERVICE = path.join(distDir, 'cleaning.js');
const ADAPTER = { schema: 'auto' as const, turnPolicy: 'all' as const };
const hygieneOptions: DocumentHygieneOptions = { adapter: ADAPTER, languageCheck: true, nearDuplicateThreshold: 0.5, ngram: 2, maxResponseTokens: 256 };

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

/** Near-identical lines: a near-duplicate clustering of seconds. */
const templated = (n: number): string[] => Array.from({ length: n }, (_, i) => alpaca(`Explain item ${i} of the list in two sentences, please.`, `Item ${i} is an example. It exists to make this file large.`));

const clients: CleaningClient[] = [];
function client(options: Partial<CleaningClientOptions> = {}): CleaningClient {
  const c = new CleaningClient({ servicePath: SERVICE, env: { [CLEANING_PROBE_ENV]: '1' }, restartBackoffMs: 10, ...options });
  clients.push(c);
  return c;
}

const alive = (pid: number | undefined): boolean => {
  if (pid === undefined) return false;
  try { process.kill(pid, 0); return true; } catch { return false; }
};
const waitFor = async (what: string, ok: () => boolean, ms = 5000): Promise<void> => {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`still not ${what} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('the cleaning service', function () {
  this.timeout(60000);
  before(() => assert.ok(fs.existsSync(SERVICE), `${SERVICE} is missing: run \`node esbuild.js\` first`));
  afterEach(() => { for (const c of clients.splice(0)) c.dispose(); });

  it('checks a document exactly as the check in this thread does, the scores crossing over', async () => {
    const c = client();
    const text = fs.readFileSync(fixture('workspace/dupes.jsonl'), 'utf8') + plantedDocument(300, 4);
    const scores = new Float64Array(hygieneLines(text).length).fill(NaN);
    scores[2] = 1;
    const packed = await c.check([text.slice(0, 500), text.slice(500)], { ...hygieneOptions, scores }).result;
    const got = new HygieneFindings(packed!);
    const want = documentHygiene(hygieneLines(text), { ...hygieneOptions, scores })!;
    assert.deepEqual(Array.from({ length: got.size }, (_, i) => got.at(i)), want.findings);
    assert.deepEqual(got.exactGroups, want.exactGroups);
    assert.deepEqual(got.nearClusters, want.nearClusters);
    assert.equal(got.exactGroups[0].kept, 3, 'the scores crossed the process boundary');
    assert.ok(want.counts.language > 0 && want.counts.nearDuplicate > 0, JSON.stringify(want.counts));
    assert.deepEqual(c.served, { check: 1, clean: 0, cleanFile: 0 });
  });

  for (const scored of [true, false]) {
    it(`cleans a selection's lines exactly as the cleaning in this thread does (${scored ? 'with' : 'without'} scores)`, async () => {
      const c = client();
      const r = rng(3);
      const doc = documentLines(plantedDocument(4500, 9), ADAPTER, () => (scored ? Math.round(r() * 100) / 10 : NaN));
      const switches = { dedup: true, languageFilter: true };
      const cleaning = pipelineCleaningOptions({ ...switches, nearDup: { threshold: 0.6, ngram: 3 } });
      const here = await prepareSelection(doc.lines, switches, { cleaning, sliceMs: 1e9 });
      const progress: Array<[number, number]> = [];
      const there = await prepareSelection(doc.lines, switches, {
        cleaning,
        clean: (candidates, options, run) => c.clean(candidates, options, run),
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

  it('cleans a file on disk, streamed by the service, exactly as `scar select` does; an unreadable file is an input error', async () => {
    const c = client();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-cleaning-'));
    try {
      const file = path.join(dir, 'data.jsonl');
      const text = plantedDocument(3000, 5) + '\n';
      fs.writeFileSync(file, text);
      // Scores for every line that parses (the CLI's FileScores columns, in file order).
      const r = rng(8);
      const rows = text.split('\n');
      const lineNumbers: number[] = [];
      rows.forEach((row, i) => { if (row.trim() !== '') lineNumbers.push(i + 1); });
      const line = Int32Array.from(lineNumbers);
      const score = Float64Array.from(lineNumbers, () => Math.round(r() * 100) / 10);
      const scores = { count: line.length, line, score, errors: new Map<number, string>() } as unknown as FileScores;
      const pipeline = { dedup: true, languageFilter: true, nearDup: { threshold: 0.5, ngram: 2 } };
      const want = await cleanScoredFile(file, scores, ADAPTER, pipeline);
      const read: number[] = [];
      const got = await c.cleanFile({ path: file, adapter: ADAPTER, lines: line, scores: score }, pipelineCleaningOptions(pipeline), { onProgress: (n) => read.push(n) });
      assert.deepEqual([...got.removed.keys()].sort((a, b) => a - b), [...want.removedLines].sort((a, b) => a - b));
      assert.deepEqual(got.counts, want.cleaning.counts);
      assert.equal(got.input, want.cleaning.input);
      assert.equal(got.linesRead, rows.length - 1);
      assert.ok(got.counts.exact > 0 && got.counts.nearDuplicate > 0 && got.counts.language > 0, JSON.stringify(got.counts));
      assert.ok(read.length > 0 && read.every((n, i) => n > (read[i - 1] ?? 0)), `progress: ${read.join(', ')}`);
      await assert.rejects(c.cleanFile({ path: path.join(dir, 'missing.jsonl'), adapter: ADAPTER, lines: line, scores: score }, {}),
        (e: Error) => e instanceof CleaningInputError && e.message.includes('missing.jsonl'));
      assert.equal(c.started, 1, 'an input error keeps the service');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers requests one at a time in order with one process; a person\'s requests go ahead of background checks', async () => {
    const c = client();
    const order: string[] = [];
    const note = (name: string) => (r: unknown): void => { if (r !== undefined) order.push(name); };
    const busy = c.probe.busy(300); // holds the service while the rest queue up
    const b1 = c.check(['{"instruction":"a","output":"b"}'], hygieneOptions, 'background');
    const b2 = c.check(['{"instruction":"c","output":"d"}'], hygieneOptions, 'background');
    const u1 = c.check(['{"instruction":"e","output":"f"}'], hygieneOptions, 'user');
    const b3 = c.check(['{"instruction":"g","output":"h"}'], hygieneOptions, 'background');
    const u2 = c.clean([], {});
    b3.promote(); // a command now waits for it
    await Promise.all([
      busy.result.then(note('busy')), b1.result.then(note('b1')), b2.result.then(note('b2')), u1.result.then(note('u1')),
      b3.result.then(note('b3')), u2.then(note('u2')),
    ]);
    assert.deepEqual(order, ['busy', 'u1', 'u2', 'b3', 'b1', 'b2']);
    assert.equal(c.started, 1);
  });

  it('cancelling a computing request answers at once and ends the service; the next request gets a fresh one', async () => {
    const c = client();
    const slow = c.probe.busy(20000);
    await waitFor('started', () => c.pid !== undefined);
    const pid = c.pid;
    await new Promise((r) => setTimeout(r, 200)); // the service is in its synchronous burst
    const t0 = Date.now();
    slow.cancel();
    assert.equal(await slow.result, undefined);
    assert.ok(Date.now() - t0 < 100, 'did not wait for the computation');
    await waitFor('ended', () => !alive(pid));
    const queuedThenCancelled = c.check(['x'], hygieneOptions);
    queuedThenCancelled.cancel();
    assert.equal(await queuedThenCancelled.result, undefined);
    const next = await c.check(['{"instruction":"a","output":"b"}'], hygieneOptions).result;
    assert.equal(next!.checked, 1);
    assert.equal(c.started, 2, 'the cancelled service was replaced');
  });

  it('an abort stops a clean at once (AbortError) and ends the service; an aborted signal starts nothing', async () => {
    const c = client();
    const doc = documentLines(templated(60000).join('\n'), ADAPTER, () => NaN);
    const ac = new AbortController();
    const started = Date.now();
    let posted = false;
    const cleaning = c.clean(doc.lines, {}, { signal: ac.signal, onProgress: (done, total) => { posted = done === total; } });
    await waitFor('posted', () => posted, 30000);
    const pid = c.pid;
    setTimeout(() => ac.abort(), 300); // the service is clustering now
    await assert.rejects(cleaning, { name: 'AbortError' });
    assert.ok(Date.now() - started < 5000, `rejected after ${Date.now() - started} ms`);
    await waitFor('ended', () => !alive(pid));

    const idle = client();
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(idle.clean(doc.lines, {}, { signal: aborted.signal }), { name: 'AbortError' });
    assert.equal(idle.started, 0);
  });

  it('cancelling a request while its parts are posted keeps the service, which drops them', async () => {
    const c = client();
    let taken = 0;
    let job: ReturnType<CleaningClient['check']> | undefined;
    function* parts(): Generator<string> {
      for (let i = 0; i < 100; i++) {
        taken++;
        if (i === 3) job!.cancel();
        yield '{"instruction":"a","output":"b"}\n';
      }
    }
    job = c.check(parts(), hygieneOptions);
    assert.equal(await job.result, undefined);
    const next = await c.check(['{"instruction":"a","output":"b"}'], hygieneOptions).result;
    assert.equal(next!.checked, 1, 'the next check saw only its own text');
    assert.ok(taken <= 5, `stopped taking parts (${taken})`);
    assert.equal(c.started, 1, 'the service was kept');
  });

  it('takes the text part by part, one per turn of the event loop; a part that cannot be taken fails only its request', async () => {
    const c = client();
    let turns = 0;
    const seen: number[] = [];
    function* parts(): Generator<string> {
      for (let i = 0; i < 5; i++) {
        seen.push(turns);
        yield '{"instruction":"a","output":"b"}\n';
      }
    }
    let counterRef = setImmediate(function again() { turns++; counterRef = setImmediate(again); });
    const job = c.check(parts(), hygieneOptions);
    assert.equal((await job.result)!.checked, 5);
    clearImmediate(counterRef);
    assert.equal(new Set(seen).size, 5, `parts taken at turns ${seen.join(', ')}`);
    assert.ok(job.longestStepMs >= 0 && job.longestStepMs < 1000, `${job.longestStepMs} ms`);
    function* broken(): Generator<string> {
      yield 'a';
      throw new Error('the document was closed');
    }
    await assert.rejects(c.check(broken(), hygieneOptions).result, /the document was closed/);
    assert.equal((await c.check(['{"instruction":"x","output":"y"}'], hygieneOptions).result)!.checked, 1);
    assert.equal(c.started, 1, 'the service was kept');
  });

  it('a crash fails only the request it was running; the next request restarts the service and says why', async () => {
    const restarts: string[] = [];
    const c = client({ onRestart: (attempt, reason) => restarts.push(`${attempt}: ${reason}`) });
    const bad = c.probe.crash();
    const good = c.check(['{"instruction":"a","output":"b"}'], hygieneOptions);
    await assert.rejects(bad.result, (e: Error) => e instanceof CleaningServiceError && /stopped unexpectedly \(killed by SIGKILL\)/.test(e.message));
    assert.equal((await good.result)!.checked, 1);
    assert.equal(c.started, 2);
    assert.deepEqual(restarts, ['1: killed by SIGKILL']);
  });

  it('a service that cannot start says so, with its own words', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-cleaning-'));
    try {
      const broken = path.join(dir, 'broken.js');
      fs.writeFileSync(broken, 'throw new Error("no service here")');
      const c = client({ servicePath: broken });
      await assert.rejects(c.check(['a'], hygieneOptions).result, (e: Error) => e instanceof CleaningServiceError && /exit code 1: .*no service here/s.test(e.message));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('test hooks are refused without SCAR_CLEANING_TEST=1', async () => {
    const c = client({ env: { [CLEANING_PROBE_ENV]: '' } });
    await assert.rejects(c.probe.crash().result, /test hooks need SCAR_CLEANING_TEST=1/);
    assert.equal(c.started, 1);
  });

  it('answers undefined after dispose, and ends the service', async () => {
    const c = client();
    assert.equal((await c.check(['{"instruction":"a","output":"b"}'], hygieneOptions).result)!.checked, 1);
    const pid = c.pid;
    c.dispose();
    await waitFor('ended', () => !alive(pid));
    assert.equal(await c.check(['a'], hygieneOptions).result, undefined);
    assert.equal(c.started, 1);
  });

  it('cleans a large file with the clustering in the service: this thread stays free', async function () {
    this.timeout(120000);
    const c = client();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-cleaning-'));
    try {
      const N = 60000;
      const file = path.join(dir, 'large.jsonl');
      fs.writeFileSync(file, templated(N).join('\n') + '\n');
      const lines = Int32Array.from({ length: N }, (_, i) => i + 1);
      const scores = new Float64Array(N).fill(NaN);
      let last = performance.now();
      let worst = 0;
      const tick = setInterval(() => { const now = performance.now(); worst = Math.max(worst, now - last); last = now; }, 5);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      let got;
      try {
        got = await c.cleanFile({ path: file, adapter: ADAPTER, lines, scores }, {});
      } finally {
        clearInterval(tick);
      }
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const hostCpu = (cpu.user + cpu.system) / 1000;
      console.log(`      ${N.toLocaleString('en-US')} near-identical lines cleaned in the service in ${wall.toFixed(0)} ms; this process's CPU meanwhile ${hostCpu.toFixed(0)} ms; longest timer gap ${worst.toFixed(0)} ms`);
      assert.equal(got.counts.nearDuplicate, N - 1);
      // Cleaning here costs seconds of this process's CPU (the clustering alone is a burst of over a second).
      assert.ok(hostCpu < 0.25 * wall, `this process used ${hostCpu.toFixed(0)} ms of CPU in ${wall.toFixed(0)} ms`);
      assert.ok(worst < 1000, `this thread stalled for ${worst.toFixed(0)} ms`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
