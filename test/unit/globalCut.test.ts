// The global cut: `scar score --summary` per shard, `scar cut` over the summaries, then `--threshold T
// --ties-through L` per shard selects exactly what one top-k / ratio selection over all the lines selects,
// ties included, with lines excluded (the drop list) left out of the ranking.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { cutCommand } from '../../src/cli/cut';
import { LineSet } from '../../src/cli/lineSet';
import { computeCut, SummaryCollector } from '../../src/cli/scoreSummary';
import { selectIndices, type SelectCriterion } from '../../src/core/select';
import { mulberry32 } from '../util/prng';
import { runCommand, tempDir } from '../util/scoringCli';

/** What the per-shard selections with the cut keep, as global lines (sorted). */
function applyCut(scores: number[], excluded: Set<number>, cut: { threshold: number; tiesThrough: number | null }): number[] {
  const kept: number[] = [];
  scores.forEach((s, i) => {
    const line = i + 1;
    if (Number.isNaN(s) || excluded.has(line)) return;
    if (s > cut.threshold || (s === cut.threshold && (cut.tiesThrough === null || line <= cut.tiesThrough))) kept.push(line);
  });
  return kept;
}

/** What one selection over all lines keeps (core/select), as global lines (sorted). */
function oneMachine(scores: number[], excluded: Set<number>, c: SelectCriterion): number[] {
  const masked = scores.map((s, i) => (excluded.has(i + 1) ? NaN : s));
  return Array.from(selectIndices(masked, c, { keepOrder: true }), (i) => i + 1);
}

describe('global cut across shards (scar cut)', function () {
  this.timeout(60000);
  let tmp: string;
  beforeEach(() => { tmp = tempDir('scar-cut-'); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  async function summaries(scores: number[], shards: number): Promise<string[]> {
    const per = Math.ceil(scores.length / shards);
    const files: string[] = [];
    for (let s = 0; s < shards; s++) {
      const c = new SummaryCollector();
      for (let i = s * per; i < Math.min(scores.length, (s + 1) * per); i++) c.add(scores[i], i + 1);
      const f = path.join(tmp, `s${s}.txt`);
      await c.write(f);
      files.push(f);
    }
    return files;
  }

  it('equals one-machine top-k and ratio selection exactly, with many ties, exclusions and shard counts', async () => {
    const rand = mulberry32(5);
    for (let round = 0; round < 12; round++) {
      const n = 50 + Math.floor(rand() * 400);
      // Few distinct values: ties everywhere, and at the cut. Some lines without a score.
      const scores = Array.from({ length: n }, () => (rand() < 0.05 ? NaN : Math.round(rand() * 12) / 4 - 5 + (rand() < 0.3 ? 1e-9 * Math.floor(rand() * 3) : 0)));
      const excluded = new Set(Array.from({ length: Math.floor(n / 10) }, () => 1 + Math.floor(rand() * n)));
      const files = await summaries(scores, 1 + Math.floor(rand() * 9));
      const exclude = LineSet.fromLines(excluded);
      for (const c of [{ kind: 'top-k', k: Math.floor(rand() * n) }, { kind: 'ratio', ratio: 0.01 + rand() * 0.99 }, { kind: 'top-k', k: 0 }, { kind: 'top-k', k: n * 2 }, { kind: 'ratio', ratio: 1 }] as SelectCriterion[]) {
        const cut = await computeCut(files, exclude, c);
        const expected = oneMachine(scores, excluded, c);
        assert.deepEqual(applyCut(scores, excluded, cut), expected, `round ${round} ${JSON.stringify(c)} ${JSON.stringify(cut)}`);
        assert.equal(cut.selected, expected.length);
      }
    }
  });

  it('the CLI prints the cut as JSON, merges --exclude files, and refuses what is not a summary', async () => {
    const scores = [-1, -2, -2, -2, -3, -0.5];
    const files = await summaries(scores, 3);
    const drop = path.join(tmp, 'drop.jsonl');
    fs.writeFileSync(drop, '{"line": 6, "step": "near-duplicate", "kept": 1}\n');
    const r = await runCommand(cutCommand, [...files, '--top-k', '3', '--exclude', drop]);
    assert.equal(r.code, 0, r.err);
    // Without line 6: -1 (line 1), then the tie at -2 on lines 2, 3, 4: the first two are kept.
    assert.deepEqual(JSON.parse(r.out), { threshold: -2, tiesThrough: 3, selected: 3, ranked: 5 });
    assert.match(r.err, /3 of 5 lines, score >= -2 \(of those scoring exactly -2, lines up to 3\)/);
    const none = await runCommand(cutCommand, [...files, '--ratio', '0.5']);
    assert.deepEqual(JSON.parse(none.out), { threshold: -2, tiesThrough: 2, selected: 3, ranked: 6 });

    const bad = path.join(tmp, 'bad.txt');
    fs.writeFileSync(bad, '-1 2\n');
    const b = await runCommand(cutCommand, [bad, '--top-k', '1']);
    assert.equal(b.code, 2);
    assert.match(b.err, /not a score summary/);
    fs.writeFileSync(bad, '{"format":"scar-score-summary/1","count":2,"order":"score desc, line asc"}\n-3 1\n-1 2\n');
    const o = await runCommand(cutCommand, [bad, '--top-k', '1']);
    assert.match(o.err, /bad.txt:3: entries are not in rank order/);
    const t = await runCommand(cutCommand, [files[0], '--threshold', '1']);
    assert.equal(t.code, 2);
    assert.match(t.err, /a threshold needs no cut/);
    const d = await runCommand(cutCommand, ['-', '--top-k', '1']);
    assert.match(d.err, /must be files, not stdin/);
  });

  it('summaries keep scores exactly (the shortest text that reads back as the same double)', async () => {
    const scores = [-4.554279327392578, -1 / 3, 0.1 + 0.2, -5e-324];
    const [f] = await summaries(scores, 1);
    const back = fs.readFileSync(f, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(' ')[0]));
    assert.deepEqual(back.sort((a, b) => a - b), [...scores].sort((a, b) => a - b));
  });
});
