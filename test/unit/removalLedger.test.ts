// The side file of removed lines (`<name>.removed.jsonl`) follows the removals still in effect at each save: an undone
// filter leaves nothing there, a redo puts it back, and the source and its side file never hold a line twice.
import * as assert from 'node:assert/strict';
import { applySideFilePlan, RemovalLedger } from '../../src/extension/commands/removalLedger';

/** A document as a list of lines, with the ledger's bookkeeping done as the extension does it. */
class Doc {
  constructor(public lines: string[]) {}
  count(t: string): number { return this.lines.filter((l) => l === t).length; }
  remove(ledger: RemovalLedger, pick: (l: string) => boolean): string[] {
    const removed = this.lines.filter(pick);
    const before = new Map(removed.map((t) => [t, this.count(t)]));
    this.lines = this.lines.filter((l) => !pick(l));
    ledger.record(removed, (t) => before.get(t) ?? 0);
    return removed;
  }
}

/** The side file's lines after a save of `doc` (the plan applied to `side`, then committed). */
function save(ledger: RemovalLedger, doc: Doc, side: string): string {
  const plan = ledger.planFor((t) => doc.count(t));
  const out = applySideFilePlan(side, plan.remove, plan.append, '\n');
  plan.commit();
  return out;
}

const overlap = (doc: Doc, side: string): string[] => side.split('\n').filter((l) => l !== '' && doc.lines.includes(l));

describe('RemovalLedger (side file of removed lines)', () => {
  const source = ['a1', 'b1', 'a2', 'b2', 'a3', 'c'];

  it('a save writes the lines removed, once', () => {
    const ledger = new RemovalLedger();
    const doc = new Doc([...source]);
    doc.remove(ledger, (l) => l.startsWith('a'));
    const side = save(ledger, doc, '');
    assert.equal(side, 'a1\na2\na3\n');
    assert.equal(save(ledger, doc, side), side, 'a second save adds nothing');
  });

  it('filter, undo, filter again, undo: a save writes nothing', () => {
    const ledger = new RemovalLedger();
    const doc = new Doc([...source]);
    doc.remove(ledger, (l) => l.startsWith('a'));
    doc.lines = [...source]; // undo
    doc.remove(ledger, (l) => l.startsWith('b'));
    doc.lines = [...source]; // undo
    assert.equal(save(ledger, doc, ''), '');
  });

  it('a filter saved, then undone and saved again, is taken back out of the side file; redo puts it back', () => {
    const ledger = new RemovalLedger();
    const doc = new Doc([...source]);
    doc.remove(ledger, (l) => l.startsWith('a'));
    let side = save(ledger, doc, 'older\n');
    assert.equal(side, 'older\na1\na2\na3\n');
    doc.lines = [...source]; // undo
    side = save(ledger, doc, side);
    assert.equal(side, 'older\n', 'only what was there before');
    assert.deepEqual(overlap(doc, side), []);
    doc.lines = source.filter((l) => !l.startsWith('a')); // redo
    side = save(ledger, doc, side);
    assert.equal(side, 'older\na1\na2\na3\n');
  });

  it('two filters, one undone: only the one in effect is written', () => {
    const ledger = new RemovalLedger();
    const doc = new Doc([...source]);
    doc.remove(ledger, (l) => l.startsWith('a'));
    const afterA = [...doc.lines];
    doc.remove(ledger, (l) => l.startsWith('b'));
    doc.lines = afterA; // undo the second
    const side = save(ledger, doc, '');
    assert.equal(side, 'a1\na2\na3\n');
    assert.deepEqual(overlap(doc, side), []);
  });

  it('duplicates: one copy of three removed means one copy in the side file; undo leaves none', () => {
    const ledger = new RemovalLedger();
    const doc = new Doc(['x', 'y', 'x', 'x']);
    // remove the second and third copy of x
    const before = doc.count('x');
    doc.lines = ['x', 'y'];
    ledger.record(['x', 'x'], () => before);
    let side = save(ledger, doc, '');
    assert.equal(side, 'x\nx\n');
    doc.lines = ['x', 'y', 'x', 'x']; // undo
    side = save(ledger, doc, side);
    assert.equal(side, '');
  });

  it('never writes a line the document still holds as often as before (copies added by hand count against it)', () => {
    const ledger = new RemovalLedger();
    const doc = new Doc(['p', 'q']);
    doc.remove(ledger, (l) => l === 'p');
    doc.lines.push('p'); // typed back in by hand
    assert.equal(save(ledger, doc, ''), '');
  });
});

describe('applySideFilePlan', () => {
  it('takes out the last copy of each removed line, keeps other lines and their endings, appends with eol', () => {
    assert.equal(applySideFilePlan('a\r\nb\r\na\r\n', ['a'], ['c'], '\r\n'), 'a\r\nb\r\nc\r\n');
    assert.equal(applySideFilePlan('a\nb', [], ['c'], '\n'), 'a\nb\nc\n', 'a last line without an ending gets one');
    assert.equal(applySideFilePlan('', [], [], '\n'), '');
    assert.equal(applySideFilePlan('a\n', ['a'], [], '\n'), '');
    assert.equal(applySideFilePlan('a\n', ['zzz'], [], '\n'), 'a\n', 'a line that is not there is not an error');
  });
});
