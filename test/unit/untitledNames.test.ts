// The untitled editor of a selection says what it holds: source, cut and count, unique among open documents.
import * as assert from 'node:assert/strict';
import { selectionName, uniqueName } from '../../src/extension/commands/untitledNames';

describe('selection editor names', () => {
  it('names the source, the cut and the count', () => {
    assert.equal(selectionName('sample.jsonl', 'top 25%', 50), 'sample · top 25% · 50 lines.jsonl');
    assert.equal(selectionName('data.JSONL', 'top 1,000', 1000), 'data · top 1,000 · 1,000 lines.jsonl');
    assert.equal(selectionName('notes.txt', 'top 10%', 1), 'notes · top 10% · 1 line.jsonl');
    assert.equal(selectionName('Untitled-1', 'top 5', 5), 'Untitled-1 · top 5 · 5 lines.jsonl');
  });

  it('is a file name every platform takes (no > < : / \\ | ? * ")', () => {
    const name = selectionName('a.jsonl', 'score >= -5.5', 3);
    assert.equal(name, 'a · score ≥ -5.5 · 3 lines.jsonl');
    assert.doesNotMatch(selectionName('a.jsonl', 'x/y:z<w>"q"|?*\\', 2), /[\\/:*?"<>|]/);
  });

  it('adds (2), (3), … when the name is taken, so each selection gets its own tab', () => {
    const open = new Set<string>();
    const names = [1, 2, 3, 4].map(() => {
      const n = uniqueName('s · top 5 · 5 lines.jsonl', (c) => open.has(c));
      open.add(n);
      return n;
    });
    assert.deepEqual(names, ['s · top 5 · 5 lines.jsonl', 's · top 5 · 5 lines (2).jsonl', 's · top 5 · 5 lines (3).jsonl', 's · top 5 · 5 lines (4).jsonl']);
  });
});
