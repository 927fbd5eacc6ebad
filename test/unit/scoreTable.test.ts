// The per-document score table: entries follow edits, only the text they were computed for gets them, percentiles
// and ranks agree with core/scores, and next/previous low lines wrap around.
import * as assert from 'node:assert/strict';
import { percentiles, summarizeScores } from '../../src/core/scores';
import { documentScoresOf } from '../../src/extension/documents/documentScores';
import { ScoreTable, type ScoredLine } from '../../src/extension/documents/scoreTable';

const scored = (text: string, score: number): ScoredLine => ({ text, pairs: 1, score, composition: score / 2, presentation: score / 2 });

function tableOf(scores: Array<number | null>): ScoreTable {
  const t = new ScoreTable(scores.length);
  scores.forEach((s, i) => t.set(i, s === null ? { text: `bad ${i}`, pairs: 0, error: 'no pair' } : scored(`line ${i}`, s)));
  return t;
}

describe('ScoreTable', () => {
  it('gives an entry only for the text it was computed on', () => {
    const t = tableOf([1, 2]);
    assert.equal(t.get(0, 'line 0')?.score, 1);
    assert.equal(t.get(0, 'line 0 edited'), undefined);
    assert.equal(t.get(5, 'line 5'), undefined);
  });

  it('keeps the entries of unchanged lines across an edit that inserts lines, and drops the edited ones', () => {
    const t = tableOf([1, 2, 3, 4]);
    t.replaceLines({ first: 1, last: 1, count: 3 }); // line 1 replaced by three lines
    assert.equal(t.lineCount, 6);
    assert.equal(t.get(0, 'line 0')?.score, 1);
    assert.equal(t.entry(1), undefined);
    assert.equal(t.entry(2), undefined);
    assert.equal(t.entry(3), undefined);
    assert.equal(t.get(4, 'line 2')?.score, 3, 'line 2 moved down by two');
    assert.equal(t.get(5, 'line 3')?.score, 4);
    assert.equal(t.complete, false);
    assert.deepEqual([0, 1, 2, 3, 4, 5].filter((i) => !t.has(i)), [1, 2, 3]);
    assert.equal(t.firstMissing(), 1);
    const st = t.stats();
    assert.equal(st.scored, 3);
    assert.equal(st.done, 3);
  });

  it('follows a deletion of lines', () => {
    const t = tableOf([1, 2, 3, 4]);
    t.replaceLines({ first: 1, last: 2, count: 1 }); // lines 1..2 became one line
    assert.equal(t.lineCount, 3);
    assert.equal(t.entry(1), undefined);
    assert.equal(t.get(2, 'line 3')?.score, 4);
    assert.throws(() => t.replaceLines({ first: 2, last: 5, count: 1 }), /does not fit/);
  });

  it('computes percentiles as core/scores does, ranks from the top and quantiles', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6];
    const t = tableOf(values);
    const expected = percentiles(values);
    values.forEach((v, i) => assert.ok(Math.abs(t.percentileOf(v) - expected[i]) < 1e-9, `line ${i}`));
    assert.equal(t.rankOf(9), 1);
    assert.equal(t.rankOf(1), 7, 'two lines share the lowest score: both rank 7 of 8');
    assert.equal(t.scoreAtPercentile(0), 1);
    assert.equal(t.scoreAtPercentile(100), 9);
    assert.equal(t.scoreAtPercentile(50), 3.5);
  });

  it('updates the sorted scores after a change, and ignores lines without a score', () => {
    const t = tableOf([1, null, 3]);
    assert.equal(t.percentileOf(3), 100);
    t.set(1, scored('line 1', 10));
    assert.equal(t.percentileOf(3), 50);
    assert.equal(t.rankOf(10), 1);
    assert.equal(t.stats().errors, 0);
  });

  it('gives the medians of the components', () => {
    const t = tableOf([2, 4, 6]);
    assert.deepEqual(t.componentMedians(), { composition: 2, presentation: 2 });
  });

  it('finds the next and previous low line, wrapping around', () => {
    // percentiles: 10 -> 100, 0 -> 0, 5 -> 66.7, null, 1 -> 33.3
    const t = tableOf([10, 0, 5, null, 1]);
    assert.equal(t.nextLow(0, 1, 40), 1);
    assert.equal(t.nextLow(1, 1, 40), 4);
    assert.equal(t.nextLow(4, 1, 40), 1, 'wraps to the top');
    assert.equal(t.nextLow(1, -1, 40), 4, 'wraps to the bottom');
    assert.equal(t.nextLow(0, 1, 30), 1, 'only line 1 is below percentile 30');
    assert.equal(t.nextLow(1, 1, 30), 1, 'the only low line is found again from itself');
    assert.equal(t.nextLow(0, 1, 0), undefined, 'nothing is below percentile 0');
  });

  it('keeps its sorted scores equal to a fresh sort through random sets, edits and resets', () => {
    let seed = 7;
    const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const t = new ScoreTable(200);
    for (let step = 0; step < 3000; step++) {
      const n = t.lineCount;
      const op = rand();
      if (op < 0.7 && n > 0) {
        const i = Math.floor(rand() * n);
        // few distinct values, so ties and repeated removals are exercised
        if (rand() < 0.1) t.set(i, { text: `e${step}`, pairs: 0, error: 'no pair' });
        else t.set(i, scored(`s${step}`, Math.floor(rand() * 20) / 4));
      } else if (op < 0.97 && n > 2) {
        const a = Math.floor(rand() * (n - 1));
        const b = Math.min(n - 1, a + Math.floor(rand() * 3));
        t.replaceLines({ first: a, last: b, count: Math.floor(rand() * 4) });
      } else {
        t.reset(50 + Math.floor(rand() * 100));
      }
      if (step % 7 === 0) {
        const want: number[] = [];
        for (let i = 0; i < t.lineCount; i++) { const e = t.entry(i); if (e?.score !== undefined) want.push(e.score); }
        want.sort((x, y) => x - y);
        assert.deepEqual([...t.sortedScores()], want, `step ${step}`);
      }
    }
  });

  it('keeps every entry, count and per-line score equal to a plain array of entries through random sets, edits and resets', () => {
    let seed = 11;
    const rand = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const t = new ScoreTable(40);
    let model: Array<ScoredLine | undefined> = new Array(40).fill(undefined);
    for (let step = 0; step < 4000; step++) {
      const n = model.length;
      const op = rand();
      if (op < 0.6 && n > 0) {
        const i = Math.floor(rand() * n);
        const r = rand();
        // Problem texts repeat (two lines with the same broken text share one stored reason).
        const e: ScoredLine = r < 0.15 ? { text: `bad ${Math.floor(rand() * 3)}`, pairs: 0, error: `reason ${step % 3}` }
          : r < 0.25 ? { text: '', pairs: 0, blank: true }
          : { text: `s${step}`, pairs: 1 + Math.floor(rand() * 3), score: Math.floor(rand() * 20) / 4, composition: rand(), presentation: rand() };
        t.set(i, e);
        // The same broken text gives the same reason everywhere: the model follows the latest one.
        if (e.error !== undefined) model = model.map((m) => (m?.error !== undefined && m.text === e.text ? { ...m, error: e.error } : m));
        model[i] = e;
      } else if (op < 0.97 && n > 0) {
        const a = Math.floor(rand() * n);
        const b = Math.min(n - 1, a + Math.floor(rand() * 3));
        const added = rand() < 0.2 ? 5 + Math.floor(rand() * 60) : Math.floor(rand() * 4); // some edits outgrow the columns
        t.replaceLines({ first: a, last: b, count: added });
        model.splice(a, b - a + 1, ...new Array<undefined>(added).fill(undefined));
      } else {
        const size = 20 + Math.floor(rand() * 60);
        t.reset(size);
        model = new Array(size).fill(undefined);
      }
      assert.equal(t.lineCount, model.length, `step ${step}`);
      if (step % 5 !== 0) continue;
      for (let i = 0; i < model.length; i++) assert.deepEqual(t.entry(i), model[i], `step ${step}, line ${i}`);
      const scoredLines = model.filter((m) => m?.score !== undefined);
      assert.deepEqual(t.stats(), {
        lines: model.length,
        done: model.filter((m) => m !== undefined).length,
        scored: scoredLines.length,
        pairs: scoredLines.reduce((a, m) => a + m!.pairs, 0),
        errors: model.filter((m) => m?.error !== undefined).length,
        blank: model.filter((m) => m?.blank).length,
      }, `step ${step}`);
      assert.deepEqual([...t.scoresByLine()], model.map((m) => m?.score ?? NaN), `step ${step}`);
      const gap = model.findIndex((m) => m === undefined);
      assert.equal(t.firstMissing(), gap < 0 ? undefined : gap, `step ${step}`);
    }
  });

  it('makes DocumentScores with core/scores percentiles and summary, blank lines left out', () => {
    const values = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3];
    const t = new ScoreTable(values.length + 2);
    values.forEach((v, i) => t.set(i, scored(`line ${i}`, v)));
    t.set(values.length, { text: '', pairs: 0, blank: true });
    t.set(values.length + 1, { text: 'x', pairs: 0, error: 'no assistant turn' });
    const d = documentScoresOf({ uri: 'file:///a.jsonl', version: 3 }, t, 'm', 12);
    const want = percentiles(values);
    assert.equal(d.lines.length, values.length + 1);
    values.forEach((v, i) => {
      assert.equal(d.lines[i].score, v);
      assert.ok(Math.abs(d.lines[i].percentile! - want[i]) < 1e-9, `line ${i}`);
    });
    assert.deepEqual(d.lines[values.length], { index: values.length + 1, error: 'no assistant turn' });
    assert.deepEqual(d.summary, summarizeScores(values));
    assert.equal(d.pairs, values.length);
    assert.equal(d.version, 3);
  });
});
