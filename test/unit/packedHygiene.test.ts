import * as assert from 'node:assert/strict';
import type { DocumentHygiene } from '../../src/core/documentHygiene';
import * as v8 from 'v8';
import { HygieneFindings, packHygiene } from '../../src/core/packedHygiene';

const result: DocumentHygiene = {
  findings: [
    { line: 3, kind: 'duplicate', otherLine: 1, message: 'Duplicate of line 1' },
    { line: 4, kind: 'not-english', language: 'de', message: 'Not English (detected: de)' },
    { line: 6, kind: 'near-duplicate', otherLine: 2, similarity: 0.8667, message: 'Near-duplicate of line 2 (Jaccard 0.87)' },
    { line: 6, kind: 'truncated', tokens: 256, message: 'Response truncated to 256 tokens for scoring' },
    { line: 7, kind: 'empty-response', message: 'Empty response' },
  ],
  exactGroups: [{ kept: 1, lines: [1, 3], similarity: [1, 1] }],
  nearClusters: [{ kept: 2, lines: [2, 6, 9], similarity: [1, 0.8667, 0.5] }],
  counts: { exact: 1, nearDuplicate: 2, language: 1 },
  checked: 9,
};

describe('packedHygiene (the cleaning service\'s reply)', () => {
  it('gives back every finding and cluster as it was, through the IPC channel\'s serialisation (v8, as `serialization: advanced`)', () => {
    const packed = packHygiene(result);
    const got = Promise.resolve(new HygieneFindings(v8.deserialize(v8.serialize(packed))));
    return got.then((f) => {
      assert.equal(f.size, 5);
      assert.deepEqual(Array.from({ length: f.size }, (_, i) => f.at(i)), result.findings);
      assert.deepEqual(f.exactGroups, result.exactGroups);
      assert.deepEqual(f.nearClusters, result.nearClusters);
      assert.deepEqual(f.counts, result.counts);
    });
  });

  it('finds a line\'s findings and the lines of some kinds', () => {
    const f = new HygieneFindings(packHygiene(result));
    assert.deepEqual(f.onLine(6).map((x) => x.kind), ['near-duplicate', 'truncated']);
    assert.deepEqual(f.onLine(5), []);
    assert.deepEqual(f.onLine(100), []);
    assert.deepEqual(f.onLine(3), [result.findings[0]]);
    assert.deepEqual(f.linesOf(['duplicate', 'near-duplicate']), [3, 6]);
    assert.deepEqual(f.linesOf(['empty-response']), [7]);
  });

  it('says so when asked for a finding it does not have', () => {
    const f = new HygieneFindings(packHygiene(result));
    assert.throws(() => f.at(5), /no finding 5: there are 5/);
    assert.throws(() => f.at(-1), /no finding -1: there are 5/);
  });

  it('packs an empty result', () => {
    const f = new HygieneFindings(packHygiene({ findings: [], exactGroups: [], nearClusters: [], counts: { exact: 0, nearDuplicate: 0, language: 0 }, checked: 0 }));
    assert.equal(f.size, 0);
    assert.deepEqual(f.onLine(1), []);
    assert.deepEqual(f.exactGroups, []);
  });
});
