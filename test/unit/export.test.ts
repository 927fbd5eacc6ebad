import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { AtomicFileWriter, ExportFormatter, type ExportItem } from '../../src/core/export';

const item = (line: number, value: Record<string, unknown>, score: number, pairs = [{ instruction: `q${line}`, response: `a${line}`, exchange: 0, source: { instruction: 'q', response: 'a' } }]): ExportItem => {
  const text = JSON.stringify(value);
  return { line, raw: Buffer.from(text), value, pairs, score };
};

function render(f: ExportFormatter, items: ExportItem[]): string {
  return f.header() + items.map((i) => f.item(i).toString()).join('') + f.footer();
}

describe('export: formats', () => {
  it('jsonl keeps the original bytes, or adds the score to that object only', () => {
    const raw = Buffer.from('{ "instruction":"é",  "output" : "x" }');
    const it1: ExportItem = { line: 1, raw, value: JSON.parse(raw.toString()), pairs: [], score: 0.1234567891 };
    assert.deepEqual(new ExportFormatter({ format: 'jsonl', eol: '\r\n' }).item(it1), Buffer.concat([raw, Buffer.from('\r\n')]));
    const withScore = new ExportFormatter({ format: 'jsonl', withScore: true }).item(it1) as string;
    assert.equal(withScore, '{"instruction":"é","output":"x","score":0.123457}\n');
    const replaced = new ExportFormatter({ format: 'jsonl', withScore: true }).item(item(2, { score: 'old', a: 1 }, 2));
    assert.equal(replaced, '{"score":2,"a":1}\n');
  });

  it('json is a valid list of {instruction, output, score}, one entry per exchange', () => {
    const f = new ExportFormatter({ format: 'json' });
    const two = [
      { instruction: 'q1', response: 'a1', exchange: 0, source: { instruction: '', response: '' } },
      { instruction: 'q2', response: 'a2', exchange: 1, source: { instruction: '', response: '' } },
    ];
    const parsed = JSON.parse(render(f, [item(3, { x: 1 }, 1.5), item(7, { y: 2 }, -0.25, two)]));
    assert.deepEqual(parsed, [
      { instruction: 'q3', output: 'a3', score: 1.5 },
      { instruction: 'q1', output: 'a1', score: -0.25 },
      { instruction: 'q2', output: 'a2', score: -0.25 },
    ]);
    assert.deepEqual(JSON.parse(render(new ExportFormatter({ format: 'json' }), [])), []);
  });

  it('sharegpt puts the system turn first, keeps ids, and adds scores only on request', () => {
    const pairs = [{ instruction: 'hi', response: 'hello', system: 'be brief', exchange: 0, source: { instruction: '', response: '' } }];
    const out = JSON.parse(render(new ExportFormatter({ format: 'sharegpt' }), [item(4, { id: 'abc' }, 1, pairs), item(9, { n: 1 }, 2)]));
    assert.deepEqual(out[0], { id: 'abc', conversations: [{ from: 'system', value: 'be brief' }, { from: 'human', value: 'hi' }, { from: 'gpt', value: 'hello' }] });
    assert.deepEqual(out[1], { id: 'line-9', conversations: [{ from: 'human', value: 'q9' }, { from: 'gpt', value: 'a9' }] });
    const scored = JSON.parse(render(new ExportFormatter({ format: 'sharegpt', withScore: true }), [item(9, { n: 1 }, 2)]));
    assert.equal(scored[0].score, 2);
  });

  it('refuses to add a score to a line that is not an object', () => {
    const f = new ExportFormatter({ format: 'jsonl', withScore: true });
    assert.throws(() => f.item({ line: 5, raw: Buffer.from('[1]'), value: [1], pairs: [], score: 1 }), /line 5/);
  });
});

describe('export: atomic file writer', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-export-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replaces the target only on close, leaving no temporary file', async () => {
    const target = path.join(dir, 'out.jsonl');
    fs.writeFileSync(target, 'old\n');
    const w = await AtomicFileWriter.open(target);
    await w.write('new ');
    await w.write(Buffer.from('content\n'));
    assert.equal(fs.readFileSync(target, 'utf8'), 'old\n');
    assert.equal(path.dirname(w.tempPath), dir);
    await w.close();
    assert.equal(fs.readFileSync(target, 'utf8'), 'new content\n');
    assert.deepEqual(fs.readdirSync(dir), ['out.jsonl']);
  });

  it('leaves the old file untouched on abort', async () => {
    const target = path.join(dir, 'out.jsonl');
    fs.writeFileSync(target, 'old\n');
    const w = await AtomicFileWriter.open(target);
    await w.write('x'.repeat(3 << 20)); // past the flush size, so the temporary file has data
    await w.abort();
    assert.equal(fs.readFileSync(target, 'utf8'), 'old\n');
    assert.deepEqual(fs.readdirSync(dir), ['out.jsonl']);
  });

  it('names the target when it cannot write there', async () => {
    await assert.rejects(AtomicFileWriter.open(path.join(dir, 'missing', 'out.jsonl')), /cannot write '.*missing.*out\.jsonl'/);
  });
});
