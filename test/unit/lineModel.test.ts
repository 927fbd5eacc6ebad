// The editor's incremental line model: edits applied as line replacements must leave exactly the analyses a
// fresh full pass would give, while analysing only the lines the edits touched.
import * as assert from 'node:assert/strict';
import { DirtyRanges, LineModel, lineSpan, type LineInfo } from '../../src/extension/documents/lineModel';
import { lineAnalyserFor } from '../../src/extension/documents/lineAnalyser';
import { mulberry32 as rng } from '../util/prng';


const good = (i: number): string => JSON.stringify({ instruction: `question ${i}`, output: `answer ${i}` });
const LINE_KINDS = [
  good,
  (i: number) => JSON.stringify({ conversations: [{ from: 'human', value: `q${i}` }, { from: 'gpt', value: `a${i}` }, { from: 'human', value: 'more' }, { from: 'gpt', value: 'sure' }] }),
  (i: number) => `{"instruction": "broken ${i}", "output": "x",}`,
  () => '',
  () => '   ',
  (i: number) => JSON.stringify({ conversations: [{ from: 'human', value: `no answer ${i}` }] }),
  (i: number) => JSON.stringify({ messages: [{ role: 'user', content: `u${i}` }, { role: 'assistant', content: `a${i}` }] }),
  () => '[1, 2]',
];

/** Counts calls, so tests can check that an edit re-analyses only what it touched. */
function countingAnalyser(policy: 'first' | 'all' = 'first') {
  const inner = lineAnalyserFor({ schema: 'auto', turnPolicy: policy });
  const calls: number[] = [];
  const analyser = (text: string, line: number): LineInfo => {
    calls.push(line);
    return inner(text, line);
  };
  return { analyser, calls };
}

function fullModel(lines: string[], policy: 'first' | 'all' = 'first'): LineModel {
  const m = new LineModel(lineAnalyserFor({ schema: 'auto', turnPolicy: policy }), lines.length);
  assert.equal(m.analysePending((i) => lines[i]), true);
  return m;
}

function sameAnalysis(a: LineModel, b: LineModel, context: string): void {
  assert.equal(a.lineCount, b.lineCount, `${context}: line count`);
  for (let i = 0; i < a.lineCount; i++) assert.deepEqual(a.lineInfo(i), b.lineInfo(i), `${context}: line ${i + 1}`);
  const sa = a.summary();
  const sb = b.summary();
  assert.deepEqual({ ...sa, schemaCounts: [...sa.schemaCounts].sort() }, { ...sb, schemaCounts: [...sb.schemaCounts].sort() }, `${context}: summary`);
  assert.deepEqual(a.problemLines().map((p) => p.index), b.problemLines().map((p) => p.index), `${context}: problem lines`);
}

describe('lineSpan', () => {
  it('counts lines split at \\n, \\r\\n and a lone \\r, as VS Code does', () => {
    assert.equal(lineSpan(''), 1);
    assert.equal(lineSpan('abc'), 1);
    assert.equal(lineSpan('a\nb'), 2);
    assert.equal(lineSpan('a\r\nb\r\n'), 3);
    assert.equal(lineSpan('a\rb'), 2);
    assert.equal(lineSpan('\n\n\n'), 4);
  });
});

describe('DirtyRanges', () => {
  it('merges, shifts and clips ranges as lines are replaced', () => {
    const d = new DirtyRanges();
    d.replace(0, 0, 10); // a 10-line document, all dirty
    assert.deepEqual(d.toArray(), [[0, 10]]);
    d.takeFront(10);
    assert.ok(d.isEmpty);
    d.add(5, 6);
    d.add(20, 22);
    d.replace(10, 1, 4); // line 10 became 4 lines: later ranges move down by 3
    assert.deepEqual(d.toArray(), [[5, 6], [10, 14], [23, 25]]);
    d.replace(4, 3, 1); // lines 4..6 collapsed into one: the range inside them is gone, [4,5) is new
    assert.deepEqual(d.toArray(), [[4, 5], [8, 12], [21, 23]]);
    d.replace(8, 15, 0); // lines 8..22 deleted entirely
    assert.deepEqual(d.toArray(), [[4, 5]]);
    assert.equal(d.count, 1);
  });

  it('hands out the front in bounded pieces', () => {
    const d = new DirtyRanges();
    d.add(3, 10);
    assert.deepEqual(d.takeFront(4), [3, 7]);
    assert.deepEqual(d.takeFront(4), [7, 10]);
    assert.equal(d.takeFront(4), undefined);
  });
});

describe('LineModel', () => {
  it('summarises a document: pairs, problems, parse errors, blank lines and schema counts', () => {
    const lines = [good(1), '', LINE_KINDS[1](2), LINE_KINDS[2](3), LINE_KINDS[5](4), LINE_KINDS[6](5)];
    const m = fullModel(lines);
    const s = m.summary();
    assert.equal(s.lines, 6);
    assert.equal(s.pending, 0);
    assert.equal(s.blank, 1);
    assert.equal(s.pairs, 3);
    assert.equal(s.problems, 2);
    assert.equal(s.parseErrors, 1);
    // Only pair-yielding lines count towards a schema (the ShareGPT line without an answer does not).
    assert.deepEqual(Object.fromEntries(s.schemaCounts), { alpaca: 1, sharegpt: 1, openai: 1 });
    assert.deepEqual(m.problemLines().map((p) => [p.index, p.info.problem!.kind]), [[3, 'parse'], [4, 'no-pair']]);
    // 'all' turns a two-exchange conversation into two pairs.
    assert.equal(fullModel(lines, 'all').summary().pairs, 4);
  });

  it('re-analyses only the lines an edit touched', () => {
    const lines = Array.from({ length: 1000 }, (_, i) => good(i));
    const { analyser, calls } = countingAnalyser();
    const m = new LineModel(analyser, lines.length);
    m.analysePending((i) => lines[i]);
    assert.equal(calls.length, 1000);
    calls.length = 0;

    lines[500] = LINE_KINDS[2](500); // break line 501
    m.replaceLines({ first: 500, last: 500, count: 1 });
    assert.equal(m.pending, 1);
    m.analysePending((i) => lines[i]);
    assert.deepEqual(calls, [501]);
    assert.equal(m.summary().problems, 1);
    assert.equal(m.summary().pairs, 999);

    calls.length = 0;
    lines.splice(10, 0, good(-1), good(-2)); // Enter twice on line 11: one line became three
    m.replaceLines({ first: 10, last: 10, count: 3 });
    m.analysePending((i) => lines[i]);
    assert.deepEqual(calls, [11, 12, 13]);
    assert.deepEqual(m.problemLines().map((p) => p.index), [502], 'the broken line moved down by two');
    assert.equal(m.summary().lines, 1002);
  });

  it('stops when asked and resumes where it left off', () => {
    const lines = Array.from({ length: 500 }, (_, i) => good(i));
    const m = new LineModel(lineAnalyserFor({ schema: 'auto', turnPolicy: 'first' }), lines.length);
    let slices = 0;
    while (!m.analysePending((i) => lines[i], () => true)) slices++;
    assert.ok(slices >= 10, `expected many small slices, got ${slices}`);
    assert.equal(m.summary().pairs, 500);
  });

  it('after random edits matches a full analysis of the final text (property test)', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const rand = rng(seed);
      const pick = (): string => LINE_KINDS[Math.floor(rand() * LINE_KINDS.length)](Math.floor(rand() * 1000));
      let lines = Array.from({ length: 1 + Math.floor(rand() * 60) }, pick);
      const m = fullModel(lines);
      const edits = 1 + Math.floor(rand() * 25);
      for (let e = 0; e < edits; e++) {
        const first = Math.floor(rand() * lines.length);
        const last = Math.min(lines.length - 1, first + Math.floor(rand() * 4));
        const replacement = Array.from({ length: 1 + Math.floor(rand() * 4) }, pick);
        lines = [...lines.slice(0, first), ...replacement, ...lines.slice(last + 1)];
        m.replaceLines({ first: first, last: last, count: replacement.length });
        // Sometimes analyse between edits, sometimes let edits pile up (as debouncing does).
        if (rand() < 0.4) m.analysePending((i) => lines[i]);
      }
      m.analysePending((i) => lines[i]);
      sameAnalysis(m, fullModel(lines), `seed ${seed}`);
    }
  });

  it('handles a paste of more lines than fit in one call', function () {
    // 200,000 lines analysed: about 0.3 s alone, several seconds on a loaded machine; the default 2 s of a bare
    // `mocha` run is too tight for that (it checks the result, not the time).
    this.timeout(60000);
    const m = fullModel([good(0), good(1)]);
    const pasted = Array.from({ length: 200_000 }, (_, i) => good(i));
    m.replaceLines({ first: 1, last: 1, count: pasted.length });
    const lines = [good(0), ...pasted];
    m.analysePending((i) => lines[i]);
    assert.equal(m.summary().pairs, 200_001);
  });

  it('turns an analyser that throws into a problem on that line', () => {
    const m = new LineModel(() => { throw new Error('boom'); }, 1);
    m.analysePending(() => 'x');
    assert.match(m.problemLines()[0].info.problem!.message, /internal error.*boom/);
  });

  it('rejects an edit outside the document', () => {
    const m = fullModel([good(0)]);
    assert.throws(() => m.replaceLines({ first: 1, last: 1, count: 1 }), /does not fit a model of 1 lines/);
  });
});
