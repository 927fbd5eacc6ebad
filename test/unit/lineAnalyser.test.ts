// The editor judges each line exactly as `scar inspect` does: same messages, same pair and schema counts.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { InspectAccumulator, analyseRecord } from '../../src/core/inspect';
import { readRecords } from '../../src/core/jsonl';
import type { AdapterOptions } from '../../src/core/types';
import { lineAnalyserFor } from '../../src/extension/documents/lineAnalyser';
import { LineModel } from '../../src/extension/documents/lineModel';
import { fixturesDir } from '../util/paths';

function jsonlFixtures(): string[] {
  const out: string[] = [];
  for (const dir of [fixturesDir, path.join(fixturesDir, 'workspace')]) {
    for (const name of fs.readdirSync(dir)) if (name.endsWith('.jsonl')) out.push(path.join(dir, name));
  }
  return out;
}

const OPTIONS: AdapterOptions[] = [
  { schema: 'auto', turnPolicy: 'first' },
  { schema: 'auto', turnPolicy: 'all' },
  { schema: 'sharegpt', turnPolicy: 'last' },
  { schema: 'custom', mapping: { instruction: 'data.q', response: 'data.a' }, turnPolicy: 'first' },
];

describe('lineAnalyser', () => {
  it('finds fixtures to compare', () => {
    assert.ok(jsonlFixtures().length >= 10, `only ${jsonlFixtures().length} fixtures`);
  });

  it('agrees with scar inspect\'s accumulator on every fixture and adapter setting', () => {
    for (const file of jsonlFixtures()) {
      const records = readRecords(fs.readFileSync(file, 'utf8'));
      for (const options of OPTIONS) {
        const acc = new InspectAccumulator();
        for (const r of records) acc.addAnalysis(analyseRecord(r, options));
        const expected = acc.summary();

        const model = new LineModel(lineAnalyserFor(options), records.length);
        model.analysePending((i) => records[i].text);
        const s = model.summary();
        const context = `${path.basename(file)} with ${JSON.stringify(options)}`;
        assert.deepEqual(
          model.problemLines().map((p) => ({ line: p.index + 1, message: p.info.problem!.message })),
          expected.errors,
          `${context}: problems`,
        );
        assert.equal(s.pairs, expected.pairs, `${context}: pairs`);
        assert.equal(s.lines - s.blank, expected.lines, `${context}: non-blank lines`);
        assert.deepEqual(Object.fromEntries(s.schemaCounts), expected.schemaCounts, `${context}: schema counts`);
      }
    }
  });

  it('keeps a parse error\'s column and kind, and a no-pair reason', () => {
    const analyse = lineAnalyserFor({ schema: 'auto', turnPolicy: 'first' });
    const parse = analyse('{"instruction": "x", "output": "y",}', 7);
    assert.equal(parse.problem?.kind, 'parse');
    assert.equal(parse.problem?.column, 36, 'the column of the closing brace after the comma');
    assert.match(parse.problem!.message, /^invalid JSON at column 36: trailing comma before '\}'/);
    const noPair = analyse('{"conversations": [{"from": "human", "value": "hi"}]}', 1);
    assert.deepEqual(noPair, { blank: false, pairs: 0, problem: { kind: 'no-pair', message: 'no assistant turn' } });
    assert.deepEqual(analyse('   ', 2), { blank: true, pairs: 0 });
  });
});
