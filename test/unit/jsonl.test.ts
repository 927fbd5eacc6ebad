import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { Readable } from 'stream';
import {
  fileShapeProblem,
  firstInvalidUtf8,
  locateJsonError,
  looksLikeJsonArrayFile,
  parseLine,
  readRecords,
  readRecordsFromBytes,
  streamRecords,
  trailingCommaFixes,
} from '../../src/core/jsonl';
import type { JsonlRecord } from '../../src/core/types';
import { fixture } from '../util/paths';

async function collect(input: NodeJS.ReadableStream | string, highWaterMark?: number): Promise<JsonlRecord[]> {
  const out: JsonlRecord[] = [];
  for await (const r of streamRecords(input, highWaterMark === undefined ? {} : { highWaterMark })) out.push(r);
  return out;
}

/** A stream that hands out `bytes` in chunks of `size` (to exercise lines and characters split across chunks). */
function chunked(bytes: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) parts.push(bytes.subarray(i, i + size));
  return Readable.from(parts);
}

/** Records without offsets, which differ in units between the in-memory and byte readers. */
const shape = (rs: JsonlRecord[]) => rs.map(({ line, text, blank, value, error }) => ({ line, text, blank, value, error }));

describe('jsonl reader', () => {
  describe('parseLine', () => {
    it('parses a JSON object line', () => {
      assert.deepEqual(parseLine('{"a":1}', 4, 10, 17), { line: 4, start: 10, end: 17, text: '{"a":1}', blank: false, value: { a: 1 } });
    });
    it('marks empty and whitespace-only lines blank, with no value and no error', () => {
      for (const t of ['', '   ', '\t', ' \r ']) {
        const r = parseLine(t, 1, 0, t.length);
        assert.equal(r.blank, true, JSON.stringify(t));
        assert.equal('value' in r, false);
        assert.equal('error' in r, false);
      }
    });
    it('names a trailing comma in an object and in an array, with the column of the closing bracket', () => {
      assert.deepEqual(parseLine('{"a": 1,}', 1, 0, 9).error, { message: "trailing comma before '}' (JSON allows no comma after the last item)", column: 9, kind: 'trailing-comma' });
      assert.deepEqual(parseLine('{"a": [1, 2, ]}', 1, 0, 15).error, { message: "trailing comma before ']' (JSON allows no comma after the last item)", column: 14, kind: 'trailing-comma' });
    });
    it('explains other invalid JSON with a 1-based column', () => {
      const cases: Array<[string, string, number]> = [
        ["{'a': 1}", "expected a double-quoted property name, found ''' (property names need double quotes)", 2],
        ['{"a" 1}', "expected ':' after the property name, found '1'", 6],
        ['{"a": 1 "b": 2}', "expected ',' or '}' after a property value, found '\"'", 9],
        ['{"a": "x', 'line ends inside a string (missing closing \'"\'?)', 9],
        ['{"a": 1', "line ends before the JSON value is complete (missing '}'?)", 8],
        ['{"a": tru}', "unexpected word 'tru' where a value was expected (text must be in double quotes; literals are true, false, null)", 7],
        ['{"a": 01}', 'invalid number: leading zeros are not allowed', 8],
        ['{"a": "\\q"}', "invalid escape '\\q' in a string", 9],
        ['{"a": "x\ty"}', 'unescaped control character U+0009 inside a string (a tab: write \\t)', 9],
        ['{} {}', "unexpected '{' after the JSON value (only one JSON value is allowed per line)", 4],
        ['[1, 2] x', "unexpected 'x' after the JSON value", 8],
        ['NaN', "unexpected word 'NaN' where a value was expected (text must be in double quotes; literals are true, false, null)", 1],
      ];
      // The column is where the named text starts, as VS Code numbers columns (the first character is column 1),
      // even for a word that begins like a literal (V8 would say position 1 for "not json": the 'o').
      const words: Array<[string, string, number]> = [
        ['not json', 'not', 1],
        ['nul x', 'nul', 1],
        ['{"a": fals}', 'fals', 7],
        ['{"a": [1, nope]}', 'nope', 11],
        ['{"a": True}', 'True', 7],
      ];
      for (const [text, word, column] of words) {
        const e = parseLine(text, 1, 0, text.length).error;
        assert.equal(e?.column, column, text);
        assert.equal(text.slice(column - 1, column - 1 + word.length), word, `${text}: column ${column} is where '${word}' starts`);
        assert.match(e!.message, new RegExp(`^unexpected word '${word}'`));
      }
      for (const [text, message, column] of cases) {
        const r = parseLine(text, 7, 0, text.length);
        assert.equal(r.value, undefined, text);
        assert.equal(r.error?.message, message, text);
        assert.equal(r.error?.column, column, text);
      }
    });
    it('never throws and agrees with JSON.parse on deeply nested input', () => {
      const deep = '['.repeat(200000);
      const r = parseLine(deep, 1, 0, deep.length);
      assert.ok(r.error);
      assert.equal(locateJsonError('['.repeat(5000) + ']'.repeat(5000)), undefined);
    });
  });

  describe('readRecords (in memory, UTF-16 offsets)', () => {
    it('gives one record per line, offsets that slice back to the text, and no record after a final newline', () => {
      const doc = '{"a":1}\n\n  \n{"b":2}\n';
      const rs = readRecords(doc);
      assert.equal(rs.length, 4);
      assert.deepEqual(rs.map((r) => [r.line, r.start, r.end, r.blank]), [[1, 0, 7, false], [2, 8, 8, true], [3, 9, 11, true], [4, 12, 19, false]]);
      for (const r of rs) assert.equal(doc.slice(r.start, r.end), r.text);
      assert.deepEqual(rs[3].value, { b: 2 });
    });
    it('reads a last line without a final newline', () => {
      const rs = readRecords('{"a":1}\n{"b":2}');
      assert.deepEqual(rs.map((r) => [r.line, r.start, r.end, r.value]), [[1, 0, 7, { a: 1 }], [2, 8, 15, { b: 2 }]]);
    });
    it('strips the \\r of CRLF line ends but keeps a lone \\r as text', () => {
      const rs = readRecords('{"a":1}\r\n{"b":"x\ry"}\r\n');
      assert.equal(rs.length, 2);
      assert.deepEqual([rs[0].start, rs[0].end, rs[0].text], [0, 7, '{"a":1}']);
      assert.deepEqual([rs[1].start, rs[1].end], [9, 20]);
      // A raw CR inside a string is a control character JSON does not allow: the line is reported, not split.
      assert.equal(rs[1].error?.message, 'unescaped control character U+000D inside a string (a carriage return: write \\r)');
    });
    it('removes a BOM from line 1 and starts its offsets after it', () => {
      const rs = readRecords('\ufeff{"a":1}\n{"b":2}');
      assert.deepEqual([rs[0].start, rs[0].end, rs[0].text, rs[0].value], [1, 8, '{"a":1}', { a: 1 }]);
      assert.deepEqual([rs[1].line, rs[1].start], [2, 9]);
    });
    it('gives no records for an empty document, and one blank record for a lone newline', () => {
      assert.deepEqual(readRecords(''), []);
      assert.deepEqual(readRecords('\n'), [{ line: 1, start: 0, end: 0, text: '', blank: true }]);
    });
    it('reads a several-megabyte line', () => {
      const big = 'x'.repeat(6 * 1024 * 1024);
      const doc = `{"prompt":"p","completion":"${big}"}\n{"a":1}\n`;
      const rs = readRecords(doc);
      assert.equal(rs.length, 2);
      assert.equal((rs[0].value as { completion: string }).completion.length, big.length);
      assert.equal(rs[1].line, 2);
    });
    it('reports every line of a JSON array file and says what the file is, without throwing', () => {
      const text = fs.readFileSync(fixture('json-array.jsonl'), 'utf8');
      const rs = readRecords(text);
      assert.deepEqual(rs.map((r) => r.line), [1, 2, 3, 4]);
      assert.equal(rs[0].error?.message, "line ends before the JSON value is complete (missing ']'?)");
      assert.equal(rs[1].error?.message, "unexpected ',' after the JSON value");
      assert.equal(rs[3].error?.message, "unexpected ']' where a value was expected");
      assert.equal(looksLikeJsonArrayFile(rs[0].text), true);
      assert.equal(fileShapeProblem(rs[0].text), 'This file looks like a JSON array, not JSON Lines (one JSON object per line).');
      assert.equal(fileShapeProblem('[{"a":1},{"b":2}]'), 'This file looks like a JSON array, not JSON Lines (one JSON object per line).');
      assert.equal(fileShapeProblem('{"a":1}'), undefined);
      assert.equal(looksLikeJsonArrayFile('[1, 2]'), false, 'a line that is an array of numbers is valid JSONL');
      assert.match(fileShapeProblem('{') ?? '', /pretty-printed JSON/);
    });
  });

  describe('byte readers (offsets in bytes)', () => {
    it('flags invalid UTF-8 in a Buffer, decodes it with U+FFFD, and keeps the line', () => {
      const bytes = fs.readFileSync(fixture('invalid-utf8.jsonl'));
      const rs = readRecordsFromBytes(bytes);
      assert.equal(rs.length, 4);
      assert.deepEqual(rs[1].error, { message: 'invalid UTF-8 at byte 16 of the line', column: 16, kind: 'invalid-utf8' });
      assert.equal(rs[1].text, '{"prompt": "caf\ufffd", "completion": "b"}');
      assert.deepEqual(rs[2].error, { message: 'invalid UTF-8 at byte 13 of the line', column: 13, kind: 'invalid-utf8' });
      assert.equal(rs[0].error, undefined);
      assert.equal(rs[3].error, undefined);
      for (const r of rs) assert.equal(bytes.subarray(r.start, r.end).toString('utf8'), r.text);
    });
    it('finds the first invalid byte like the decoder does (overlong, surrogate, out of range, truncated)', () => {
      const cases: Array<[number[], number]> = [
        [[0x61, 0x62], -1],
        [[0xe2, 0x82, 0xac], -1], // €
        [[0xf0, 0x9f, 0x98, 0x80], -1], // emoji
        [[0x61, 0xc0, 0x80], 1], // overlong
        [[0xed, 0xa0, 0x80], 0], // surrogate
        [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
        [[0x61, 0x62, 0xe2, 0x82], 2], // truncated
        [[0x80], 0], // stray continuation
      ];
      for (const [bytes, expected] of cases) {
        assert.equal(firstInvalidUtf8(Buffer.from(bytes), 0, bytes.length), expected, bytes.map((b) => b.toString(16)).join(' '));
        assert.equal(expected === -1, !Buffer.from(bytes).toString('utf8').includes('\ufffd'));
      }
    });
    it('streams a file with the same records as the in-memory reader, byte offsets aside', async () => {
      for (const name of ['alpaca.jsonl', 'sharegpt.jsonl', 'crlf.jsonl', 'bom.jsonl', 'blank-lines.jsonl', 'no-final-newline.jsonl', 'trailing-comma.jsonl', 'invalid-json.jsonl', 'json-array.jsonl', 'custom.jsonl']) {
        const bytes = fs.readFileSync(fixture(name));
        const streamed = await collect(fixture(name));
        assert.deepEqual(shape(streamed), shape(readRecords(bytes.toString('utf8'))), name);
        for (const r of streamed) {
          assert.equal(bytes.subarray(r.start, r.end).toString('utf8'), r.text, `${name}:${r.line}`);
        }
      }
    });
    it('handles BOM, CRLF, multi-byte characters and lines split across tiny chunks', async () => {
      const text = '\ufeff{"q":"héllo €"}\r\n\n{"q":"😀"}\r\n{"q":"end"}';
      const bytes = Buffer.from(text, 'utf8');
      const expected = readRecordsFromBytes(bytes);
      for (const size of [1, 2, 3, 5, 7, 64]) {
        const got = await collect(chunked(bytes, size));
        assert.deepEqual(got, expected, `chunk size ${size}`);
      }
      assert.deepEqual(expected.map((r) => [r.start, r.end]), [[3, 21], [23, 23], [24, 36], [38, 49]]);
      assert.deepEqual(shape(expected), shape(readRecords(text)));
    });
    it('flags invalid UTF-8 from a stream even when the bad byte arrives in its own chunk', async () => {
      const bytes = Buffer.concat([Buffer.from('{"a":"x'), Buffer.from([0xff]), Buffer.from('"}\n{"a":"ok"}\n')]);
      const rs = await collect(chunked(bytes, 1));
      assert.equal(rs.length, 2);
      assert.deepEqual(rs[0].error, { message: 'invalid UTF-8 at byte 8 of the line', column: 8, kind: 'invalid-utf8' });
      assert.deepEqual(rs[1].value, { a: 'ok' });
    });
    it('streams a several-megabyte line in small chunks', async () => {
      const big = 'é'.repeat(3 * 1024 * 1024); // 6 MB of UTF-8
      const bytes = Buffer.from(`{"a":1}\n{"response":"${big}"}\n{"b":2}\n`, 'utf8');
      const rs = await collect(chunked(bytes, 64 * 1024));
      assert.deepEqual(rs.map((r) => r.line), [1, 2, 3]);
      assert.equal((rs[1].value as { response: string }).response.length, big.length);
      assert.equal(rs[2].start, bytes.length - 8);
    });
    it('reads a file with a small highWaterMark', async () => {
      const rs = await collect(fixture('sharegpt.jsonl'), 16);
      assert.deepEqual(shape(rs), shape(readRecords(fs.readFileSync(fixture('sharegpt.jsonl'), 'utf8'))));
    });
    it('rejects with the I/O error for a missing file (parse problems never reject)', async () => {
      await assert.rejects(collect(fixture('does-not-exist.jsonl')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    });
    it('closes the file when the consumer stops early', async () => {
      // Open file descriptors (Linux: /proc/self/fd; elsewhere the file-related active resources).
      const open = (): number => fs.existsSync('/proc/self/fd') ? fs.readdirSync('/proc/self/fd').length
        : process.getActiveResourcesInfo().filter((n) => /File|FSReq/.test(n)).length;
      const before = open();
      for await (const r of streamRecords(fixture('alpaca.jsonl'))) { assert.equal(r.line, 1); break; }
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(open(), before);
    });
  });
});

describe('trailingCommaFixes', () => {
  const apply = (text: string, commas: number[]): string => {
    let out = text;
    for (const j of [...commas].reverse()) {
      assert.equal(out.charAt(j), ',', `index ${j} of ${JSON.stringify(text)} is a comma`);
      out = out.slice(0, j) + out.slice(j + 1);
    }
    return out;
  };

  it('removes the comma after the value, and every comma before a closing bracket, leaving valid JSON', () => {
    const cases: Array<[string, string]> = [
      ['{"instruction": "a", "output": "b"},', '{"instruction": "a", "output": "b"}'],
      ['{"instruction": "a", "output": "b"} ,  ', '{"instruction": "a", "output": "b"}   '],
      ['{"a": 1,}', '{"a": 1}'],
      ['{"a": 1 , }', '{"a": 1  }'],
      ['[1, 2,]', '[1, 2]'],
      ['{"a": [1, {"b": 2,},], "c": "x,",},,', '{"a": [1, {"b": 2}], "c": "x,"}'],
      ['{"conversations": [{"from": "human", "value": "x"}, {"from": "gpt", "value": "y"},]}', '{"conversations": [{"from": "human", "value": "x"}, {"from": "gpt", "value": "y"}]}'],
    ];
    for (const [text, fixed] of cases) {
      const commas = trailingCommaFixes(text);
      assert.ok(commas.length > 0, text);
      assert.deepEqual(commas, [...commas].sort((a, b) => a - b), 'ascending');
      assert.equal(apply(text, commas), fixed, text);
      assert.equal(parseLine(fixed, 1, 0, fixed.length).error, undefined, fixed);
    }
  });

  it('offers nothing when the line parses or its first error is something else', () => {
    for (const text of ['{"a": 1}', '{"a": }', '[1,,]', '{"a":1},{"b":2}', "{'a': 1},", '{"a": "x,"', '', 'not json,']) {
      assert.deepEqual(trailingCommaFixes(text), [], text);
    }
  });

  it('removes the trailing commas it finds even when another error remains', () => {
    const text = '{"a": 1,} {"b": 2}';
    assert.deepEqual(trailingCommaFixes(text), [7]);
    assert.match(parseLine('{"a": 1} {"b": 2}', 1, 0, 17).error!.message, /only one JSON value/);
  });

  it('cures every line of the trailing-comma fixture', () => {
    for (const r of readRecords(fs.readFileSync(fixture('trailing-comma.jsonl'), 'utf8'))) {
      if (r.blank) continue;
      const fixed = apply(r.text, trailingCommaFixes(r.text));
      assert.equal(parseLine(fixed, 1, 0, fixed.length).error, undefined, r.text);
    }
  });
});
