import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { documentHygiene, splitLines, type DocumentHygieneOptions } from '../../src/core/documentHygiene';
import { fixture } from '../util/paths';

const options = (more: Partial<DocumentHygieneOptions> = {}): DocumentHygieneOptions => ({
  adapter: { schema: 'auto', turnPolicy: 'all' }, languageCheck: true, nearDuplicateThreshold: 0.5, ngram: 2, maxResponseTokens: 256, ...more,
});
const dupes = (): string[] => splitLines(fs.readFileSync(fixture('workspace/dupes.jsonl'), 'utf8'));
const messages = (r: ReturnType<typeof documentHygiene>): string[] => r!.findings.map((f) => `${f.line}: ${f.message}`);

describe('documentHygiene (the editor check, run in the worker)', () => {
  it('splits lines as the editor does', () => {
    assert.deepEqual(splitLines('a\r\nb\nc\rd'), ['a', 'b', 'c', 'd']);
    assert.deepEqual(splitLines('a\n'), ['a', '']);
  });

  it('finds every kind of problem in the planted fixture, naming the kept line', () => {
    const r = documentHygiene(dupes(), options());
    assert.deepEqual(messages(r), [
      '3: Duplicate of line 1',
      '4: Not English (detected: de)',
      '6: Near-duplicate of line 2 (Jaccard 0.87)',
      '7: Empty response',
      '8: Response truncated to 256 tokens for scoring',
    ]);
    assert.deepEqual(r!.counts, { exact: 1, nearDuplicate: 1, language: 1 });
    assert.deepEqual(r!.exactGroups.map((g) => [g.kept, g.lines]), [[1, [1, 3]]]);
    assert.deepEqual(r!.nearClusters.map((g) => [g.kept, g.lines]), [[2, [2, 6]]]);
  });

  it('is the same text with CRLF line endings', () => {
    const crlf = splitLines(dupes().join('\r\n'));
    assert.deepEqual(messages(documentHygiene(crlf, options())), messages(documentHygiene(dupes(), options())));
  });

  it('keeps the best-scored copy when scores are given (NaN: no score), else the first', () => {
    const scores = new Float64Array(dupes().length).fill(NaN);
    scores[2] = 0.9; // line 3, the exact copy of line 1
    scores[0] = 0.1;
    scores[5] = 0.8; // line 6, the near-duplicate of line 2 (which has no score)
    const r = documentHygiene(dupes(), options({ scores }));
    assert.deepEqual(messages(r).filter((m) => /Duplicate|Near/.test(m)), [
      '1: Duplicate of line 3',
      '2: Near-duplicate of line 6 (Jaccard 0.87)',
    ]);
    assert.equal(r!.exactGroups[0].kept, 3);
    assert.equal(r!.nearClusters[0].kept, 6);
  });

  it('follows the settings: no language check, another threshold', () => {
    const r = documentHygiene(dupes(), options({ languageCheck: false, nearDuplicateThreshold: 0.9 }));
    assert.deepEqual(messages(r), ['3: Duplicate of line 1', '7: Empty response', '8: Response truncated to 256 tokens for scoring']);
  });

  it('stops when cancelled', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ instruction: `q ${i}`, output: `a ${i}` }));
    let polls = 0;
    assert.equal(documentHygiene(lines, options(), () => ++polls > 2), undefined);
    assert.equal(polls, 3);
  });

  it('checks 30,000 near-identical lines (like the editor tests\' generated large file) into one cluster', function () {
    this.timeout(120000);
    const lines = Array.from({ length: 30000 }, (_, i) => JSON.stringify({
      instruction: `Explain item ${i} of the list in two sentences, please.`, input: '',
      output: `Item ${i} is an example. It exists to make this file large enough to need several slices.`,
    }));
    const r = documentHygiene(lines, options({ languageCheck: false }));
    assert.equal(r!.checked, 30000);
    assert.equal(r!.nearClusters.length, 1);
    assert.equal(r!.counts.nearDuplicate, 29999);
    assert.ok(r!.findings[0].message.startsWith('Near-duplicate of line 1 ('), r!.findings[0].message);
    assert.equal(r!.findings[0].line, 2);
  });
});
