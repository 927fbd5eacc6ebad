import * as assert from 'node:assert/strict';
import { textRanks } from '../../src/core/textOrder';
import { windowsOf } from './helpers/textWindows';
import { CutIndex, emptyRows, histogram, lengthHistogram, niceCeil, problemCounts, quickselect, ROW_FLAGS, TableIndex, type OverviewRows } from '../../src/core/overview';
import { selectIndices } from '../../src/core/select';
import { percentiles } from '../../src/core/scores';
import { inlineSpans, markdownBlocks, recordTurns } from '../../src/core/record';
import { checkOverviewRequest, checkOverviewUpdate, checkRecordRequest } from '../../src/extension/views/protocol';
import { selectionArgs } from '../../src/extension/views/selectionArgs';

/** Rows from plain lists (scores NaN = none). */
function rowsOf(scores: number[], tokens: number[], flags: number[] = []): OverviewRows {
  const r = emptyRows(scores.length);
  scores.forEach((s, i) => { r.line[i] = i * 2; r.score[i] = s; r.tokens[i] = tokens[i]; r.flags[i] = flags[i] ?? 0; });
  return r;
}

const identity = (x: number): number => x;

describe('overview: histograms', () => {
  it('counts finite values into equal bins, the top edge in the last bin, NaN left out', () => {
    const h = histogram([0, 10, 49.9, 50, 99.9, 100, NaN, 120], 8, 0, 100, 4);
    assert.deepEqual(h.counts, [2, 1, 1, 3]);
    assert.equal(h.clipped, 1);
  });

  it('length histogram ends at a round number at or above the 99th percentile', () => {
    const tokens = Int32Array.from({ length: 1000 }, (_, i) => i);
    const h = lengthHistogram(tokens, 1000, 10);
    assert.equal(h.hi, 1000);
    assert.equal(h.counts.reduce((a, b) => a + b, 0), 1000);
    assert.equal(niceCeil(987), 1000);
    assert.equal(niceCeil(130), 200);
    assert.equal(niceCeil(0.3), 0.5);
  });

  it('quickselect finds the k-th smallest', () => {
    const a = Int32Array.from([5, 1, 4, 2, 3, 9, 0]);
    for (let k = 0; k < 7; k++) assert.equal(quickselect(Int32Array.from(a), k), [0, 1, 2, 3, 4, 5, 9][k]);
  });
});

describe('overview: cuts', () => {
  const scores = [0.5, 2, NaN, -1, 2, 0.7, 3, NaN, -2, 0.5];
  const tokens = [10, 20, 5, 30, 40, 50, 60, -1, 70, 80];
  const rows = rowsOf(scores, tokens);
  const cut = new CutIndex(rows, identity, identity);

  it('top-k and top-% keep what "Select top" keeps, in its rank order', () => {
    for (let k = 0; k <= 8; k++) {
      assert.deepEqual([...cut.keptRows({ mode: 'top-k', value: k })], [...selectIndices(scores, { kind: 'top-k', k })]);
    }
    for (const pct of [10, 25, 50, 90, 100]) {
      assert.deepEqual([...cut.keptRows({ mode: 'top-percent', value: pct })], [...selectIndices(scores, { kind: 'ratio', ratio: pct / 100 })], `top ${pct}%`);
    }
  });

  it('with the export\'s cleaning applied, the lines it removes take no part in a cut, as the export ranks survivors', () => {
    const flags = [0, ROW_FLAGS.duplicate, 0, 0, 0, ROW_FLAGS.nonEnglish, ROW_FLAGS.nearDuplicate, 0, 0, ROW_FLAGS.emptyResponse];
    const cleaned = new CutIndex(rowsOf(scores, tokens, flags), identity, identity, 'applied');
    const survivors = scores.map((s, i) => ((flags[i] & (ROW_FLAGS.duplicate | ROW_FLAGS.nonEnglish | ROW_FLAGS.nearDuplicate)) ? NaN : s));
    for (const pct of [10, 25, 50, 100]) {
      assert.deepEqual([...cleaned.keptRows({ mode: 'top-percent', value: pct })], [...selectIndices(survivors, { kind: 'ratio', ratio: pct / 100 })], `top ${pct}%`);
    }
    const s = cleaned.stats({ mode: 'top-percent', value: 50 });
    assert.deepEqual([s.scored, s.removed, s.cleaning], [5, 3, 'applied']);
    assert.equal(cleaned.keptBy({ mode: 'threshold', value: 0.5 }), 3); // 2 (row 4) and the two 0.5s; row 1's 2 and row 6's 3 are removed
    // Percentiles stay over every scored line, as the editor's badges show them.
    assert.deepEqual([...cleaned.percentile].map((p) => p.toFixed(3)), [...cut.percentile].map((p) => p.toFixed(3)));
    // Before the cleaning is known, or when the export cleans with other settings, every scored line counts.
    assert.equal(new CutIndex(rowsOf(scores, tokens, flags), identity, identity, 'pending').stats({ mode: 'top-k', value: 100 }).kept, 8);
  });

  it('a threshold keeps scores at or above it', () => {
    for (const t of [-3, -1, 0.5, 0.6, 2, 3, 4]) {
      assert.equal(cut.keptBy({ mode: 'threshold', value: t }), selectIndices(scores, { kind: 'threshold', threshold: t }).length, `threshold ${t}`);
    }
  });

  it('says the share, the boundary and the median response length kept against the whole file', () => {
    const s = cut.stats({ mode: 'top-k', value: 3 });
    assert.equal(s.kept, 3);
    assert.equal(s.scored, 8);
    assert.equal(s.share, 3 / 8);
    assert.equal(s.boundary, 2);
    // kept rows 6, 1, 4: tokens 60, 20, 40 -> 40; all known tokens 5..80 (9 values) -> 40
    assert.equal(s.medianTokensKept, 40);
    assert.equal(s.medianTokensAll, 40);
    const two = cut.stats({ mode: 'top-k', value: 2 });
    assert.equal(two.medianTokensKept, 40); // (60 + 20) / 2
    const none = cut.stats({ mode: 'top-k', value: 0 });
    assert.ok(Number.isNaN(none.medianTokensKept) && Number.isNaN(none.boundary));
  });

  it('percentiles agree with core/scores (ties share their places)', () => {
    const want = percentiles(scores.filter((s) => !Number.isNaN(s)));
    const got = scores.map((s, i) => [s, cut.percentile[i]] as const).filter(([s]) => !Number.isNaN(s)).map(([, p]) => p);
    assert.deepEqual(got.map((x) => x.toFixed(6)), [...want].map((x) => x.toFixed(6)));
    assert.ok(Number.isNaN(cut.percentile[2]));
  });
});

describe('overview: table pages', () => {
  const rows = rowsOf([1, 3, NaN, 2, 5], [50, 10, -1, 30, 20], [0, ROW_FLAGS.duplicate, ROW_FLAGS.noPair, ROW_FLAGS.duplicate | ROW_FLAGS.nonEnglish, 0]);
  // The instruction column's keys are full-text ranks (core/textOrder), as the feeds set them before sorting by it.
  before(async () => rows.instKey.set(await textRanks(5, windowsOf(['banana', 'Apple', undefined, '  cherry', 'apricot']))));
  const cut = new CutIndex(rows, identity, identity);
  const table = new TableIndex(rows, cut.percentile, { high: 75, low: 25 });
  const q = { bands: [], kinds: [], text: '', offset: 0, limit: 100 } as const;
  const lines = (r: { rows: Int32Array }): number[] => [...r.rows].map((i) => rows.line[i]);

  it('sorts by any column either way, rows without a value last, ties in line order', () => {
    assert.deepEqual(lines(table.query({ ...q, sort: 'score', descending: true })), [8, 2, 6, 0, 4]);
    assert.deepEqual(lines(table.query({ ...q, sort: 'score', descending: false })), [0, 6, 2, 8, 4]);
    assert.deepEqual(lines(table.query({ ...q, sort: 'tokens', descending: false })), [2, 8, 6, 0, 4]);
    assert.deepEqual(lines(table.query({ ...q, sort: 'instruction', descending: false })), [2, 8, 0, 6, 4]);
    assert.deepEqual(lines(table.query({ ...q, sort: 'problems', descending: true })), [6, 2, 4, 0, 8]);
    assert.deepEqual(lines(table.query({ ...q, sort: 'line', descending: true })), [8, 6, 4, 2, 0]);
  });

  it('filters by problem kind, band and text, and pages', () => {
    assert.deepEqual(lines(table.query({ ...q, sort: 'line', descending: false, kinds: ['duplicate'] })), [2, 6]);
    assert.deepEqual(lines(table.query({ ...q, sort: 'line', descending: false, bands: ['none'] })), [4]);
    assert.deepEqual(lines(table.query({ ...q, sort: 'line', descending: false, bands: ['high'] })), [8]);
    assert.deepEqual(lines(table.query({ ...q, sort: 'line', descending: false, text: 'x' }, (r) => r % 2 === 0)), [0, 4, 8]);
    const page = table.query({ ...q, sort: 'line', descending: false, offset: 3, limit: 5 });
    assert.equal(page.total, 5);
    assert.deepEqual(lines(page), [6, 8]);
  });

  it('counts each problem kind', () => {
    const c = problemCounts(rows);
    assert.equal(c.duplicate, 2);
    assert.equal(c.noPair, 1);
    assert.equal(c.nonEnglish, 1);
    assert.equal(c.nearDuplicate, 0);
  });
});

describe('record: turns and Markdown', () => {
  it('marks the scored turns of a conversation', () => {
    const value = { conversations: [{ from: 'system', value: 'be nice' }, { from: 'human', value: 'hi' }, { from: 'gpt', value: 'hello' }, { from: 'human', value: 'more' }, { from: 'gpt', value: 'sure' }] };
    const pairs = [{ instruction: 'hi', response: 'hello', exchange: 0, source: { instruction: 'conversations[1].value', response: 'conversations[2].value' } }];
    const turns = recordTurns(value, pairs);
    assert.deepEqual(turns.map((t) => [t.role, t.scored ?? '-']), [['system', '-'], ['user', 'instruction'], ['assistant', 'response'], ['user', '-'], ['assistant', '-']]);
  });

  it('gives system, instruction and response for a flat record', () => {
    const turns = recordTurns({}, [{ instruction: 'q', response: 'a', system: 's', exchange: 0, source: { instruction: 'instruction', response: 'output', system: 'system' } }]);
    assert.deepEqual(turns.map((t) => t.role), ['system', 'user', 'assistant']);
  });

  it('parses Markdown into blocks, and HTML stays text', () => {
    const blocks = markdownBlocks('# Title\n\nSome **bold** and `code` <script>x</script>\n\n```js\nlet a = 1;\n```\n- one\n- two\n\n> quote\n\n1. first');
    assert.deepEqual(blocks.map((b) => b.kind), ['heading', 'paragraph', 'code', 'list', 'quote', 'list']);
    const para = blocks[1];
    assert.ok(para.kind === 'paragraph' && para.inline.some((s) => s.kind === 'text' && s.text.includes('<script>x</script>')));
    assert.deepEqual(inlineSpans('a *b* _c_ snake_case'), [{ kind: 'text', text: 'a ' }, { kind: 'em', text: 'b' }, { kind: 'text', text: ' ' }, { kind: 'em', text: 'c' }, { kind: 'text', text: ' snake_case' }]);
    const code = blocks[2];
    assert.ok(code.kind === 'code' && code.lang === 'js' && code.text === 'let a = 1;');
  });
});

describe('views: message protocol', () => {
  it('accepts good messages and names what is wrong with bad ones', () => {
    assert.ok(checkOverviewRequest({ type: 'cut', seq: 1, mode: 'top-k', value: 10 }).ok);
    const bad = checkOverviewRequest({ type: 'cut', seq: 1, mode: 'top', value: 10 });
    assert.ok(!bad.ok && /cut\.mode must be one of/.test(bad.error));
    const unknown = checkOverviewRequest({ type: '__proto__' });
    assert.ok(!unknown.ok && /unknown message type/.test(unknown.error));
    assert.ok(!checkOverviewRequest({ type: 'page', seq: 1, query: { sort: 'line', descending: false, bands: [], kinds: [], text: '', offset: 0, limit: 5000 } }).ok, 'pages are capped');
    assert.ok(!checkRecordRequest({ type: 'navigate', direction: 2, lowOnly: false }).ok);
    assert.ok(!checkOverviewUpdate({ type: 'page', seq: 1, offset: 0, total: 1, rows: [{ line: 0 }] }).ok);
    // NaN travels as null where a value may be missing
    assert.ok(checkOverviewUpdate({ type: 'cutStats', seq: 1, stats: { mode: 'top-k', value: 0, kept: 0, scored: 0, share: 0, cleaning: 'none', removed: 0, medianTokensKept: null, medianTokensAll: null, boundary: null } }).ok);
  });

  it('turns a cut into the selection command\'s arguments', () => {
    assert.deepEqual(selectionArgs({ mode: 'top-percent', value: 25 }), { criterion: 'ratio', value: 0.25 });
    assert.deepEqual(selectionArgs({ mode: 'top-k', value: 12 }), { criterion: 'top-k', value: 12 });
    assert.deepEqual(selectionArgs({ mode: 'threshold', value: 60 }), { criterion: 'threshold', value: 60 });
  });
});
