// Property tests of the reader and the adapters with a seeded PRNG: random bytes, random JSON values and random
// broken lines never throw, every line becomes exactly one record with the right number and offsets, and our error
// locator agrees with JSON.parse about what is valid.
import * as assert from 'node:assert/strict';
import { Readable } from 'stream';
import { analyseRecord } from '../../src/core/inspect';
import { locateJsonError, readRecords, readRecordsFromBytes, streamRecords } from '../../src/core/jsonl';
import { adaptRecord } from '../../src/core/schema';
import type { AdapterOptions, JsonlRecord } from '../../src/core/types';
import { mulberry32 as prng } from '../util/prng';


const SEEDS = Array.from({ length: 40 }, (_, i) => 0x5ca7 + i * 7919);

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)];
}

const KEYS = ['instruction', 'input', 'output', 'prompt', 'completion', 'response', 'question', 'answer', 'query', 'conversations', 'messages', 'from', 'value', 'role', 'content', 'type', 'text', 'system', 'x'];
const STRS = ['', ' ', 'hi', 'é€😀', 'a\nb', 'human', 'gpt', 'user', 'assistant', 'system', 'tool', 'text', '"q"', '\\', '\u2028'];

/** A random JSON value biased towards the shapes the adapters look at. */
function randomValue(rnd: () => number, depth = 0): unknown {
  const r = rnd();
  if (depth > 4 || r < 0.3) {
    const k = rnd();
    if (k < 0.5) return pick(rnd, STRS);
    if (k < 0.7) return Math.floor(rnd() * 2000 - 1000) / (rnd() < 0.5 ? 1 : 7);
    if (k < 0.8) return rnd() < 0.5;
    return null;
  }
  if (r < 0.5) return Array.from({ length: Math.floor(rnd() * 4) }, () => randomValue(rnd, depth + 1));
  const o: Record<string, unknown> = {};
  const n = Math.floor(rnd() * 5);
  for (let i = 0; i < n; i++) o[pick(rnd, KEYS)] = randomValue(rnd, depth + 1);
  return o;
}

/** A line: valid JSON, JSON with one random edit (insert/delete/replace a character), or blank. */
function randomLine(rnd: () => number): string {
  const v = JSON.stringify(randomValue(rnd));
  const r = rnd();
  if (r < 0.1) return pick(rnd, ['', '  ', '\t']);
  if (r < 0.5) return v;
  const at = Math.floor(rnd() * (v.length + 1));
  const ch = pick(rnd, [',', '}', ']', '{', '[', '"', ':', ' ', 'x', '\\', '\r', '\u0001', '1', '-', '.', 'e']);
  const k = rnd();
  if (k < 0.4) return v.slice(0, at) + ch + v.slice(at);
  if (k < 0.7) return v.slice(0, at) + v.slice(at + 1);
  return v.slice(0, at) + ch + v.slice(at + 1);
}

const policies: AdapterOptions[] = [
  { schema: 'auto', turnPolicy: 'first' },
  { schema: 'auto', turnPolicy: 'last' },
  { schema: 'auto', turnPolicy: 'all', mapping: { instruction: 'conversations[0].value', response: 'x.y[1]' } },
  { schema: 'sharegpt', turnPolicy: 'all' },
  { schema: 'custom', turnPolicy: 'first', mapping: { instruction: 'messages[0].content', response: 'output' } },
];

/** The invariants every record list must meet against its source lines. */
function checkLines(records: JsonlRecord[], lines: string[], slice: (r: JsonlRecord) => string, label: string): void {
  assert.equal(records.length, lines.length, `${label}: record count`);
  records.forEach((r, i) => {
    assert.equal(r.line, i + 1, `${label}: line number`);
    assert.equal(slice(r), r.text, `${label}: offsets of line ${r.line}`);
    const parsed = r.value !== undefined;
    assert.ok(r.blank ? !parsed && r.error === undefined : parsed !== (r.error !== undefined), `${label}: line ${r.line} has exactly one of value/error`);
    if (r.error) assert.ok(r.error.column >= 1 && r.error.column <= r.text.length + 1, `${label}: column ${r.error.column} of line ${r.line}`);
  });
}

describe('reader and adapters under random input', () => {
  it('random JSON lines: one record per line, exact line numbers and offsets, adapters never throw', () => {
    for (const seed of SEEDS) {
      const rnd = prng(seed);
      const lines = Array.from({ length: 60 }, () => randomLine(rnd));
      // A raw "\r" at the end of a line would merge with the line end: the lines themselves never end with one.
      const clean = lines.map((l) => (l.endsWith('\r') ? l + ' ' : l));
      const nl = rnd() < 0.5 ? '\n' : '\r\n';
      const doc = (rnd() < 0.3 ? '\ufeff' : '') + clean.join(nl) + (rnd() < 0.5 ? nl : '');
      const records = readRecords(doc);
      checkLines(records, clean, (r) => doc.slice(r.start, r.end), `seed ${seed}`);
      for (const r of records) for (const o of policies) {
        const a = analyseRecord(r, o);
        if (!r.blank) assert.equal(typeof (a.problem ?? ''), 'string');
        if (r.value !== undefined) adaptRecord(r.value, o);
      }
    }
  });

  it('random bytes: never throw, in memory and streamed in random chunks, with the same records', async () => {
    for (const seed of SEEDS) {
      const rnd = prng(seed);
      const n = Math.floor(rnd() * 3000);
      const bytes = Buffer.alloc(n);
      const alphabet = [0x0a, 0x0d, 0x7b, 0x7d, 0x22, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x61, 0x31, 0xef, 0xbb, 0xbf, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0xff, 0x80];
      for (let i = 0; i < n; i++) bytes[i] = rnd() < 0.5 ? pick(rnd, alphabet) : Math.floor(rnd() * 256);
      const fromBytes = readRecordsFromBytes(bytes);
      // Line count: one per "\n", plus one for text after the last "\n".
      const nls = bytes.filter((b) => b === 0x0a).length;
      const expected = nls + (n > 0 && bytes[n - 1] !== 0x0a ? 1 : 0);
      assert.equal(fromBytes.length, expected, `seed ${seed}: record count`);
      fromBytes.forEach((r, i) => {
        assert.equal(r.line, i + 1);
        assert.equal(bytes.subarray(r.start, r.end).toString('utf8'), r.text, `seed ${seed}: byte offsets of line ${r.line}`);
      });
      const parts: Buffer[] = [];
      for (let i = 0; i < n;) { const k = 1 + Math.floor(rnd() * 50); parts.push(bytes.subarray(i, i + k)); i += k; }
      const streamed: JsonlRecord[] = [];
      for await (const r of streamRecords(Readable.from(parts))) streamed.push(r);
      assert.deepEqual(streamed, fromBytes, `seed ${seed}: stream equals buffer`);
      // The same bytes decoded as a string: same count and texts (an invalid byte decodes to U+FFFD either way).
      const text = bytes.toString('utf8');
      const inMemory = readRecords(text);
      assert.equal(inMemory.length, fromBytes.length, `seed ${seed}: in-memory count`);
      checkLines(inMemory, inMemory.map((r) => r.text), (r) => text.slice(r.start, r.end), `seed ${seed}`);
      for (const r of fromBytes) analyseRecord(r, policies[0]);
    }
  });

  it('the error locator agrees with JSON.parse, and with V8 on where the error is when V8 says', () => {
    let compared = 0;
    for (const seed of SEEDS) {
      const rnd = prng(seed ^ 0xbeef);
      for (let i = 0; i < 150; i++) {
        const line = randomLine(rnd);
        let v8: Error | undefined;
        try { JSON.parse(line); } catch (e) { v8 = e as Error; }
        const mine = locateJsonError(line);
        assert.equal(mine === undefined, v8 === undefined, `validity of ${JSON.stringify(line)}: V8 says ${v8?.message}`);
        const m = v8 && /at position (\d+)/.exec(v8.message);
        if (m && mine) {
          const word = /^unexpected word '([^']*)'/.exec(mine.message);
          if (word) {
            // A bare word is reported where it starts (the text the message names); V8 points inside it, at the
            // first character that differs from a literal it begins like ('nul' + 'x'), or at its start.
            const v8pos = Number(m[1]);
            assert.equal(line.slice(mine.position, mine.position + word[1].length), word[1], `word start in ${JSON.stringify(line)}`);
            assert.ok(v8pos >= mine.position && v8pos <= mine.position + word[1].length, `V8's position ${v8pos} inside the word in ${JSON.stringify(line)}`);
          } else {
            assert.equal(mine.position, Number(m[1]), `position in ${JSON.stringify(line)}: V8 says ${v8?.message}, we say ${mine.message}`);
          }
          compared++;
        }
      }
    }
    assert.ok(compared > 100, `compared ${compared} positions`);
  });
});
