// The dataset overview of a file on disk (files/fileOverview.ts) and the process it runs in (engine/overviewService.ts,
// dist/overview.js, through engine/overviewClient.ts): the three passes give the counts, bins, scores and cleaning
// flags of the file; a page is sorted by the whole text of a column and its previews are read from disk; a search
// looks in the pairs' texts (not the JSON's keys), narrows by reading only the last matches, reports progress and is
// cancelled by a newer one; the record of a row is read by offset. Through the service, the host holds only the
// summary, the engine requests come back to the host's scorer, and a service that dies says why.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { sortText } from '../../src/core/textOrder';
import type { PairScore } from '../../src/core/types';
import { OverviewClient } from '../../src/engine/overviewClient';
import type { ReadyInfo } from '../../src/engine/protocol';
import { FileOverview } from '../../src/files/fileOverview';
import type { PairScorer } from '../../src/files/scoreStream';
import { distDir } from '../util/paths';

const SERVICE = path.join(distDir, 'overview.js');
const ADAPTER = { schema: 'auto' as const, turnPolicy: 'first' as const };
const IDENTITY = { calibrated: false, shown: (x: number) => x, raw: (x: number) => x };
const CUTS = { high: 75, low: 25 };

/** A stand-in engine: a pair's score is a function of its response's length, so tests know every score. */
function fakeScorer(calls = { score: 0, pairs: 0 }): PairScorer & { calls: typeof calls } {
  const ready: ReadyInfo = { modelId: 'fake', modelName: 'fake ranker', modelKind: 'bundled', hasComponents: true, loadMs: 0, pid: process.pid };
  return {
    calls,
    start: async () => ready,
    score: async (pairs): Promise<PairScore[]> => {
      calls.score++;
      calls.pairs += pairs.length;
      return pairs.map((p) => ({ score: p.response.length / 10, composition: 1, presentation: p.response.length / 10 - 1 }));
    },
  };
}

const alpaca = (instruction: string, output: string): string => JSON.stringify({ instruction, input: '', output });

/** A file with known lines: answers of growing length, a duplicate, a broken line, blank lines, German. */
function writeFile(dir: string, n: number): { file: string; lines: string[]; instructions: Array<string | undefined> } {
  const lines: string[] = [];
  const instructions: Array<string | undefined> = [];
  for (let i = 0; i < n; i++) {
    const instruction = i % 4 === 0 ? `Write a Python function that returns item ${n - i}` : `Explain topic ${String.fromCharCode(97 + (i % 26))} number ${i}`;
    lines.push(alpaca(instruction, `Answer ${i}: ${'word '.repeat(i % 30)}done.`));
    instructions.push(instruction);
  }
  lines.push(lines[3]); instructions.push(instructions[3]); // an exact duplicate of line 4
  lines.push('{"instruction": "broken'); instructions.push(undefined);
  lines.push(''); instructions.push(undefined);
  lines.push(alpaca('Erkläre bitte die Geschichte der Musik genau', 'Die Geschichte der Musik ist lang, und sie ist sehr alt; die Menschen haben immer gesungen und getanzt.'));
  instructions.push('Erkläre bitte die Geschichte der Musik genau');
  const file = path.join(dir, 'data.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return { file, lines, instructions };
}

async function waitFor(what: string, ok: () => boolean, ms = 20000): Promise<void> {
  const until = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const query = { sort: 'line' as const, descending: false, bands: [], kinds: [], text: '', offset: 0, limit: 1000 };

describe('file overview: a file on disk, streamed', function () {
  this.timeout(60000);
  let dir: string;
  let data: ReturnType<typeof writeFile>;
  let overview: FileOverview;
  const scorer = fakeScorer();

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-file-overview-'));
    data = writeFile(dir, 400);
    overview = new FileOverview(data.file, { adapter: ADAPTER, cleaning: { exact: true, language: 'detector', near: false }, scale: IDENTITY, cuts: CUTS }, scorer, () => undefined);
    await overview.run();
  });
  after(() => { overview.dispose(); fs.rmSync(dir, { recursive: true, force: true }); });

  it('counts rows, blank lines and lines without a pair, scores every pair once, and flags what cleaning removes', () => {
    const s = overview.summary()!;
    assert.equal(s.rows, data.lines.length - 1);
    assert.equal(s.blank, 1);
    assert.equal(s.counts.noPair, 1);
    assert.equal(s.scored, data.lines.length - 2);
    assert.equal(s.counts.duplicate, 1);
    assert.equal(s.counts.nonEnglish, 1);
    assert.equal(scorer.calls.pairs, data.lines.length - 2);
    assert.equal(s.scores.counts.reduce((a, b) => a + b, 0), s.scored);
    assert.equal(overview.activity.kind, 'idle');
  });

  it('a cut keeps what its mode says, and the record of a row is read from disk with its place', async () => {
    assert.equal(overview.cutStats({ mode: 'top-k', value: 10 })!.kept, 10);
    // After pass 3 a cut counts what the export keeps: the duplicate and the German line are left out.
    const all = overview.cutStats({ mode: 'top-percent', value: 100 })!;
    assert.deepEqual([all.cleaning, all.removed, all.kept], ['applied', 2, overview.summary()!.scored - 2]);
    const best = overview.model!.cut.order[0];
    const r = (await overview.record(best))!;
    assert.equal(r.text, data.lines[r.index]);
    assert.equal(r.score!.rank, 1);
    assert.equal(r.score!.raw, Math.max(...overview.model!.rows.score.filter((x) => !Number.isNaN(x))));
  });

  it('sorts the instruction column by the whole text, both ways, rows without a pair last', async () => {
    const page = (await overview.page({ ...query, sort: 'instruction' }))!;
    const got = page.rows.map((r) => r.index);
    const ordered = (dir: 1 | -1): number[] => data.instructions.map((t, i) => ({ t, i })).filter((x) => x.t !== undefined)
      .sort((a, b) => (sortText(a.t!) < sortText(b.t!) ? -dir : sortText(a.t!) > sortText(b.t!) ? dir : a.i - b.i)).map((x) => x.i);
    const want = ordered(1);
    assert.deepEqual(got.slice(0, want.length), want);
    assert.equal(got[got.length - 1], data.lines.indexOf('{"instruction": "broken'));
    // "…returns item 400" and "…returns item 4" share 46 characters: only the whole text tells them apart.
    const items = page.rows.filter((r) => r.instruction.startsWith('Write a Python')).map((r) => r.instruction);
    assert.deepEqual(items, [...items].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
    const down = (await overview.page({ ...query, sort: 'instruction', descending: true }))!;
    // Descending: equal texts still in line order.
    assert.deepEqual(down.rows.slice(0, want.length).map((r) => r.index), ordered(-1));
  });

  it('searches the pairs\' texts, not the JSON: "output" finds nothing, white space is flexible', async () => {
    const none = (await overview.page({ ...query, text: 'output' }))!;
    assert.equal(none.total, 0, 'every line has the key "output"; no text says it');
    const some = (await overview.page({ ...query, text: 'topic  B number' }))!;
    assert.ok(some.total > 0);
    for (const r of some.rows) assert.match(data.instructions[r.index]!, /topic b number/i);
    const broken = (await overview.page({ ...query, text: 'broken' }))!;
    assert.deepEqual(broken.rows.map((r) => r.index), [data.lines.indexOf('{"instruction": "broken')]);
  });

  it('a search that narrows the last one reads only its matches', async () => {
    const wide = (await overview.page({ ...query, text: 'Python function' }))!;
    // Count how the file is read meanwhile: streamed whole (createReadStream) or read by offset (promises.open).
    // (On the module object itself: an `import * as` namespace is a copy whose properties cannot be set.)
    const realFs = require('fs') as typeof fs;
    const stream = realFs.createReadStream, open = realFs.promises.open;
    let streamed = 0, opened = 0;
    realFs.createReadStream = ((...args: Parameters<typeof stream>) => { streamed++; return stream(...args); }) as typeof stream;
    realFs.promises.open = ((...args: Parameters<typeof open>) => { opened++; return open(...args); }) as typeof open;
    let narrow;
    try {
      narrow = (await overview.page({ ...query, text: 'Python function that returns item 12' }))!;
    } finally {
      realFs.createReadStream = stream;
      realFs.promises.open = open;
    }
    assert.ok(narrow.total > 0 && narrow.total < wide.total);
    for (const r of narrow.rows) assert.match(data.instructions[r.index]!, /returns item 12/);
    // The earlier matches read by offset, then the page's previews: the file was not streamed again.
    assert.equal(streamed, 0, 'the file was streamed again');
    assert.ok(opened >= 1 && opened <= 2, `${opened} opens`);
  });

  it('a newer search cancels the running one, whose page is answered as stale', async () => {
    const first = overview.page({ ...query, text: 'answer 1' });
    const second = overview.page({ ...query, text: 'answer 2' });
    assert.equal(await first, undefined);
    assert.ok((await second)!.total > 0);
    const third = overview.page({ ...query, text: 'done' });
    overview.cancelWork();
    assert.equal(await third, undefined);
    assert.equal(overview.activity.kind, 'idle');
  });
});

describe('file overview service: a process of its own', function () {
  this.timeout(60000);
  let dir: string;
  let data: ReturnType<typeof writeFile>;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-overview-service-'));
    data = writeFile(dir, 300);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('streams the file there, scores through the host\'s engine, and answers cuts, pages, records and steps', async () => {
    const scorer = fakeScorer();
    let changes = 0;
    const client = new OverviewClient({
      servicePath: SERVICE, engine: scorer, onChange: () => changes++,
      init: { file: data.file, adapter: ADAPTER, cleaning: { exact: true, language: 'off', near: false }, calibration: null, cuts: CUTS },
    });
    try {
      await waitFor('the three passes', () => client.activity.kind === 'idle' && (client.summary?.counts.duplicate ?? 0) > 0);
      assert.ok(changes >= 3);
      assert.equal(client.summary!.rows, data.lines.length - 1);
      assert.equal(scorer.calls.pairs, data.lines.length - 2, 'every pair was scored by the host\'s engine');
      const stats = (await client.query({ kind: 'cut', cut: { mode: 'top-percent', value: 50 } }))!;
      assert.equal(stats.kept, Math.round(stats.scored / 2));
      const page = (await client.query({ kind: 'page', query: { ...query, sort: 'score', descending: true, limit: 5 } }))!;
      assert.equal(page.rows.length, 5);
      assert.ok(page.rows[0].raw >= page.rows[4].raw);
      assert.match(page.rows[0].response, /^Answer \d+: word word/);
      const row = await client.query({ kind: 'rowOfLine', index: 5 });
      assert.equal(row, 5);
      const rec = (await client.query({ kind: 'record', row }))!;
      assert.equal(rec.text, data.lines[5]);
      assert.equal(await client.query({ kind: 'step', row, direction: 1, lowOnly: false }), 6);
      assert.equal(await client.query({ kind: 'rowOfLine', index: data.lines.indexOf('') }), -1, 'a blank line has no row');
    } finally {
      client.dispose();
    }
  });

  it('refuses a bad query with the reason, and a service that dies fails what it was asked and says why', async () => {
    const client = new OverviewClient({
      servicePath: SERVICE, engine: fakeScorer(), onChange: () => undefined,
      init: { file: data.file, adapter: ADAPTER, cleaning: null, calibration: null, cuts: CUTS },
    });
    try {
      await waitFor('the passes', () => client.activity.kind === 'idle' && !!client.summary?.scored);
      await assert.rejects(client.query({ kind: 'record', row: -1 } as never), /row must be >= 0/);
      process.kill(client.pid!, 'SIGKILL');
      await waitFor('the loss', () => client.activity.kind === 'failed');
      assert.match((client.activity as { message: string }).message, /stopped unexpectedly \(killed by SIGKILL/);
      await assert.rejects(client.query({ kind: 'cut', cut: { mode: 'top-k', value: 1 } }), /stopped unexpectedly/);
    } finally {
      client.dispose();
    }
  });

  it('a file that cannot be read says so', async () => {
    const client = new OverviewClient({
      servicePath: SERVICE, engine: fakeScorer(), onChange: () => undefined,
      init: { file: path.join(dir, 'missing.jsonl'), adapter: ADAPTER, cleaning: null, calibration: null, cuts: CUTS },
    });
    try {
      await waitFor('the failure', () => client.activity.kind === 'failed');
      assert.match((client.activity as { message: string }).message, /ENOENT|no such file/i);
    } finally {
      client.dispose();
    }
  });
});
