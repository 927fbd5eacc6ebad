// A Dataset follows each edit once: every change becomes one line splice applied to the analysis and score columns
// alike, so both stay aligned with the document's lines; views of the score column are made once per revision.
import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { Dataset } from '../../src/extension/documents/dataset';
import { lineAnalyserFor } from '../../src/extension/documents/lineAnalyser';
import { checkSplice, lineSplices, lineSpan, spliceSlots } from '../../src/extension/documents/lineSplice';

/** A stand-in TextDocument over an array of lines (what Dataset and its columns read). */
function fakeDocument(lines: string[]): vscode.TextDocument & { lines: string[]; setVersion(v: number): void } {
  let version = 1;
  const doc = {
    lines,
    uri: { toString: () => 'file:///fake.jsonl', path: '/fake.jsonl', scheme: 'file' },
    get version() { return version; },
    setVersion(v: number) { version = v; },
    get lineCount() { return lines.length; },
    isClosed: false,
    lineAt: (i: number) => ({ text: lines[i] }),
    getText: () => lines.join('\n'),
  };
  return doc as unknown as vscode.TextDocument & { lines: string[]; setVersion(v: number): void };
}

const change = (first: number, last: number, text: string) => ({ range: { start: { line: first }, end: { line: last } }, text }) as unknown as vscode.TextDocumentContentChangeEvent;
const line = (n: number) => JSON.stringify({ instruction: `q${n}`, output: `a${n}` });

describe('lineSplice', () => {
  it('counts the lines inserted text spans (\\n, \\r\\n and a lone \\r)', () => {
    assert.equal(lineSpan(''), 1);
    assert.equal(lineSpan('a\nb\r\nc\rd'), 4);
  });

  it('turns an edit event\'s changes into splices, in order', () => {
    assert.deepEqual(lineSplices([change(2, 3, 'x\ny\nz'), change(0, 0, '')]), [{ first: 2, last: 3, count: 3 }, { first: 0, last: 0, count: 1 }]);
  });

  it('splices slots, small and big pastes alike, and refuses a splice that does not fit', () => {
    const small = spliceSlots(['a', 'b', 'c', 'd'], { first: 1, last: 2, count: 1 });
    assert.deepEqual(small.slots, ['a', undefined, 'd']);
    assert.deepEqual(small.removed, ['b', 'c']);
    const big = spliceSlots(['a', 'b'], { first: 1, last: 1, count: 10000 });
    assert.equal(big.slots.length, 10001);
    assert.equal(big.slots[0], 'a');
    assert.deepEqual(big.removed, ['b']);
    assert.throws(() => checkSplice({ first: 2, last: 5, count: 1 }, 4, 'a table'), /edit of lines 2\.\.5 does not fit a table of 4 lines/);
  });
});

describe('Dataset', () => {
  it('applies an edit to the analysis and score columns together, keeping the entries of untouched lines', () => {
    const doc = fakeDocument([line(0), line(1), line(2), line(3)]);
    const ds = new Dataset(doc, lineAnalyserFor({ schema: 'auto', turnPolicy: 'first' }), 0, () => undefined);
    try {
      ds.analysis.model.analysePending((i) => doc.lines[i]);
      for (let i = 0; i < 4; i++) ds.scoring.table.setScored(i, doc.lines[i], 1, i, 0, 0);
      // Line 1 is replaced by three lines.
      doc.lines.splice(1, 1, line(10), line(11), line(12));
      ds.followEdit([change(1, 1, `${line(10)}\n${line(11)}\n${line(12)}`)]);
      assert.equal(ds.analysis.model.lineCount, 6);
      assert.equal(ds.scoring.table.lineCount, 6);
      assert.equal(ds.analysis.model.pending, 3, 'only the three new lines wait for analysis');
      assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => ds.scoring.table.has(i)), [true, false, false, false, true, true]);
      assert.equal(ds.scoring.table.scoreAt(4), 2, 'line 2 moved to index 4 with its score');
    } finally {
      ds.dispose();
    }
  });

  it('starts both columns again from the text when an edit does not fit them', () => {
    const doc = fakeDocument([line(0), line(1)]);
    const ds = new Dataset(doc, lineAnalyserFor({ schema: 'auto', turnPolicy: 'first' }), 0, () => undefined);
    try {
      ds.scoring.table.setScored(0, doc.lines[0], 1, 5, 0, 0);
      doc.lines.push(line(2), line(3));
      ds.followEdit([change(7, 9, 'x')]);
      assert.equal(ds.scoring.table.lineCount, 4);
      assert.equal(ds.scoring.table.stats().done, 0);
      assert.equal(ds.analysis.model.lineCount, 4);
      assert.equal(ds.analysis.model.pending, 4);
    } finally {
      ds.dispose();
    }
  });

  it('makes each view of a complete score column once per revision', () => {
    const doc = fakeDocument([line(0), line(1)]);
    const ds = new Dataset(doc, lineAnalyserFor({ schema: 'auto', turnPolicy: 'first' }), 0, () => undefined);
    try {
      let made = 0;
      const make = () => { made++; return ds.scoring.table.scoresByLine(); };
      assert.equal(ds.scoring.view('lineScores', make), undefined, 'no view of an incomplete table');
      ds.scoring.table.setScored(0, doc.lines[0], 1, 1, 0, 0);
      ds.scoring.table.setScored(1, doc.lines[1], 1, 2, 0, 0);
      const a = ds.scoring.view('lineScores', make);
      assert.equal(ds.scoring.view('lineScores', make), a);
      assert.equal(made, 1);
      ds.scoring.table.setScored(1, doc.lines[1], 1, 3, 0, 0);
      const b = ds.scoring.view('lineScores', make);
      assert.notEqual(b, a);
      assert.deepEqual(Array.from(b!), [1, 3]);
      ds.scoring.reset();
      assert.equal(ds.scoring.view('lineScores', make), undefined);
    } finally {
      ds.dispose();
    }
  });
});
