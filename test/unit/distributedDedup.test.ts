// Near-dedup across shards: `scar dedup --signatures` per shard, a grouping of the band keys (what the engine's
// shuffle does; here a Map), then `scar dedup --resolve` on the lines that share a key (plus foreign lines) must
// drop exactly the lines one-machine cleaning drops over the concatenated shards, keeping the same copy, with and
// without scores, giant buckets included. And the band keys are the buckets forEachCandidatePair compares.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import { cleanFile } from '../../src/files/cleanFile';
import { memoryWriter } from '../../src/cli/output';
import { dedupCommand } from '../../src/cli/dedup';
import { DEFAULT_NEAR_DUP_OPTIONS, NearDupSigner } from '../../src/core/dedup';
import { forEachCandidatePair, hashString32, lshBandKeys, MinHasher, shingleHashes } from '../../src/core/minhash';
import { writeShardedCorpus } from '../util/distributedCorpus';
import { mulberry32 } from '../util/prng';
import { tempDir } from '../util/scoringCli';

async function dedup(args: string[], stdin: string): Promise<{ code: number; out: string; err: string }> {
  const out = memoryWriter();
  const err = memoryWriter();
  let code: number;
  try {
    code = await dedupCommand.run(args, { out, err, in: Readable.from([Buffer.from(stdin)]) });
  } catch (e) {
    err.write(`scar: ${(e as Error).message}\n`);
    code = 2;
  }
  return { code, out: out.text(), err: err.text() };
}

/** A synthetic score per line, with ties (so the keep rule's tie-break is exercised). */
const fakeScore = (line: number): number => -((hashString32(String(line)) % 40) / 4);

describe('distributed near-dedup: signatures, shuffle, resolve', function () {
  this.timeout(60000);
  let tmp: string;
  beforeEach(() => { tmp = tempDir('scar-dist-dedup-'); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('band keys are exactly the LSH buckets: texts share a key at a position iff forEachCandidatePair pairs them', () => {
    const rand = mulberry32(3);
    const base = Array.from({ length: 60 }, (_, i) => Array.from({ length: 30 }, () => `w${Math.floor(rand() * 80)}`).join(' ') + ` t${i}`);
    const texts = [...base, ...base.slice(0, 30).map((t) => t.replace(/w1\b/g, 'x').replace(/w2\b/g, 'y'))];
    const o = DEFAULT_NEAR_DUP_OPTIONS;
    const k = o.permutations;
    const hasher = new MinHasher(k, o.seed);
    const sig8 = new Uint8Array(texts.length * k);
    texts.forEach((t, i) => hasher.signature(shingleHashes(t, o.ngram)).forEach((v, r) => { sig8[i * k + r] = v & 0xff; }));
    const visited = new Set<string>();
    forEachCandidatePair(sig8, texts.length, k, new Uint32Array(texts.length), { ...o, maxBucket: 1e6 }, (a, b) => visited.add(`${a},${b}`));
    const signer = new NearDupSigner();
    const byKey = new Map<string, number[]>();
    texts.forEach((t, i) => {
      const keys = signer.bandKeys(t);
      assert.deepEqual(keys, lshBandKeys(sig8, i, k, o));
      keys.forEach((key, pos) => { const id = `${pos}:${key}`; byKey.set(id, [...(byKey.get(id) ?? []), i]); });
    });
    const shared = new Set<string>();
    for (const ids of byKey.values()) for (let x = 0; x < ids.length; x++) for (let y = x + 1; y < ids.length; y++) shared.add(`${ids[x]},${ids[y]}`);
    assert.ok(visited.size > 20);
    assert.deepEqual([...shared].sort(), [...visited].sort());
  });

  for (const withScores of [false, true]) {
    it(`drops what one-machine cleaning drops over the concatenation (${withScores ? 'best-scored copy, language filter' : 'first copy, as scar dedup'}), giant buckets included`, async () => {
      const files = writeShardedCorpus(path.join(tmp, 'shards'), { lines: 900, shards: 8, seed: 11 });
      // Boilerplate shared by 150 lines across shards (a bucket over maxBucket): template + varying tail.
      const extra = Array.from({ length: 150 }, (_, i) => JSON.stringify({ instruction: 'Write a short note about the weather today', output: `The weather today is mild and pleasant with light wind and some clouds in the sky number ${i} ${i * 7} ${i % 3 ? 'ok' : 'fine'}` }));
      files.forEach((f, s) => fs.appendFileSync(f, extra.slice(s * 19, (s + 1) * 19).join('\n') + (s * 19 < 150 ? '\n' : '')));
      const all = path.join(tmp, 'all.jsonl');
      fs.writeFileSync(all, Buffer.concat(files.map((f) => fs.readFileSync(f))));
      const allLines = fs.readFileSync(all, 'utf8').split('\n');

      // One machine.
      const one = await cleanFile(all, {
        adapter: { schema: 'auto', turnPolicy: 'first' },
        cleaning: { exact: true, language: withScores ? 'detector' : 'off', near: { threshold: 0.5, ngram: 2 } },
        scoreOf: withScores ? fakeScore : undefined,
      });

      // Per shard: signatures with global line numbers.
      const lang = withScores ? ['--language-filter'] : [];
      const byKey = new Map<string, number[]>();
      const foreign: number[] = [];
      let offset = 0;
      for (const f of files) {
        const text = fs.readFileSync(f, 'utf8');
        const r = await dedup(['-', '--signatures', '--line-offset', String(offset), ...lang], text);
        assert.equal(r.code, 0, r.err);
        for (const row of r.out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { line: number; foreign: boolean; keys: string })) {
          if (row.foreign) foreign.push(row.line);
          for (let pos = 0; pos < row.keys.length / 8; pos++) {
            const id = `${pos}:${row.keys.slice(pos * 8, pos * 8 + 8)}`;
            const list = byKey.get(id);
            if (list) list.push(row.line); else byKey.set(id, [row.line]);
          }
        }
        offset += text.split('\n').length - 1;
      }
      const wanted = new Set<number>(foreign);
      for (const ids of byKey.values()) if (ids.length > 1) for (const id of ids) wanted.add(id);
      const candidates = [...wanted].sort((a, b) => a - b)
        .map((line) => JSON.stringify({ line, score: withScores ? fakeScore(line) : null, record: allLines[line - 1] })).join('\n') + '\n';
      const r = await dedup(['-', '--resolve', ...lang], candidates);
      assert.equal(r.code, 0, r.err);
      const drops = r.out.trim().split('\n').map((l) => JSON.parse(l) as { line: number; step: string; kept?: number });

      const expected = [...one.result.removed].sort((a, b) => a[0] - b[0]).map(([line, rm]) => ({ line, step: rm.step, kept: rm.otherLine }));
      assert.ok(expected.filter((e) => e.step === 'near-duplicate').length > 20, 'the corpus has near-duplicates');
      assert.ok(wanted.size < allLines.length / 2, `only candidates travel (${wanted.size})`);
      assert.deepEqual(drops.map((d) => ({ line: d.line, step: d.step, kept: d.kept })), expected);
    });
  }

  it('resolve names the row of bad input', async () => {
    const r1 = await dedup(['-', '--resolve'], '{"line": 5, "score": null, "record": "{}"}\n{"line": 3, "score": null, "record": "{}"}\n');
    assert.equal(r1.code, 2);
    assert.match(r1.err, /stdin:2: rows must come in increasing line order/);
  });
});
