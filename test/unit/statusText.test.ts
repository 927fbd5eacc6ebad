// The status-bar words: schema, counts with thousands separators, singular/plural, mixed and unknown schemas.
import * as assert from 'node:assert/strict';
import type { SchemaId } from '../../src/core/types';
import { schemaLabel } from '../../src/core/schema';
import type { LineModelSummary } from '../../src/extension/documents/lineModel';
import { fileSchemaOf, formatCount, severitiesText, statusContent } from '../../src/extension/surfaces/statusText';

function summary(over: Partial<LineModelSummary> & { counts?: Array<[SchemaId, number]> }): LineModelSummary {
  const { counts = [], ...rest } = over;
  return {
    lines: 0, analysed: 0, pending: 0, blank: 0, pairs: 0, linesWithPairs: 0, problems: 0, parseErrors: 0,
    schemaCounts: new Map(counts), ...rest,
  };
}

describe('status text', () => {
  it('formats counts with en-US thousands separators', () => {
    assert.equal(formatCount(9998), '9,998');
    assert.equal(formatCount(1234567), '1,234,567');
    assert.equal(formatCount(0), '0');
  });

  it('reads "ShareGPT · 9,998 pairs · 2 problems"', () => {
    const s = summary({ lines: 10000, analysed: 10000, pairs: 9998, linesWithPairs: 9998, problems: 2, parseErrors: 1, counts: [['sharegpt', 9999]] });
    const c = statusContent({ summary: s, label: schemaLabel, problems: 2 });
    assert.equal(c.text, '$(checklist) ShareGPT · 9,998 pairs · 2 problems');
    assert.match(c.tooltip, /\| ShareGPT \| 9,999 \|/);
    assert.match(c.tooltip, /1 line not valid JSON, 1 line without a pair/);
  });

  it('uses the singular for one', () => {
    const s = summary({ lines: 2, analysed: 2, pairs: 1, linesWithPairs: 1, problems: 1, counts: [['alpaca', 2]] });
    assert.equal(statusContent({ summary: s, label: schemaLabel, problems: 1 }).text, '$(checklist) Alpaca · 1 pair · 1 problem');
  });

  it('says "mixed schemas" when no schema has a majority, and "unknown schema" when none is found', () => {
    const mixed = summary({ lines: 4, analysed: 4, pairs: 4, counts: [['alpaca', 2], ['openai', 1], ['sharegpt', 1]] });
    assert.deepEqual(fileSchemaOf(mixed.schemaCounts), { kind: 'mixed' });
    assert.equal(statusContent({ summary: mixed, label: schemaLabel, problems: 0 }).text, '$(checklist) mixed schemas · 4 pairs · 0 problems');
    const majority = summary({ counts: [['alpaca', 3], ['openai', 2]] });
    assert.deepEqual(fileSchemaOf(majority.schemaCounts), { kind: 'one', schema: 'alpaca' });
    const none = summary({ lines: 3, analysed: 3, problems: 3 });
    assert.equal(statusContent({ summary: none, label: schemaLabel, problems: 3 }).text, '$(checklist) unknown schema · 0 pairs · 3 problems');
  });

  it('names a file that is not JSON Lines', () => {
    const s = summary({ lines: 40, analysed: 40, problems: 40, parseErrors: 40 });
    const c = statusContent({ summary: s, label: schemaLabel, problems: 1, fileProblem: 'This file looks like a JSON array' });
    assert.equal(c.text, '$(checklist) not JSON Lines · 0 pairs · 1 problem');
    assert.match(c.tooltip, /JSON array/);
  });

  it('shows progress while the first pass runs', () => {
    const s = summary({ lines: 200000, analysed: 50000, pending: 150000 });
    assert.equal(statusContent({ summary: s, label: schemaLabel, problems: 0 }).text, '$(sync~spin) SCAR: checking 25%');
  });

  it('counts hygiene findings with the line problems, and gives the severities in the tooltip', () => {
    // No line problem, but 20 hygiene warnings and the truncation info: 21 problems, as the Problems panel lists.
    const s = summary({ lines: 300, analysed: 300, pairs: 300, linesWithPairs: 300, counts: [['alpaca', 300]] });
    const c = statusContent({ summary: s, label: schemaLabel, problems: 21, severities: { errors: 0, warnings: 20, infos: 1 } });
    assert.equal(c.text, '$(checklist) Alpaca · 300 pairs · 21 problems');
    assert.match(c.tooltip, /In the Problems panel \(SCAR and SCAR hygiene\): 21 problems, 20 warnings, 1 info\./);
    assert.equal(severitiesText({ errors: 1, warnings: 0, infos: 2 }), '1 error, 2 infos');
    assert.equal(severitiesText({ errors: 0, warnings: 0, infos: 0 }), 'none');
    assert.doesNotMatch(statusContent({ summary: s, label: schemaLabel, problems: 0, severities: { errors: 0, warnings: 0, infos: 0 } }).tooltip, /In the Problems panel/);
  });
});
