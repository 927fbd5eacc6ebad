import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ExternalDataScanner, externalDataLocations } from '../../src/core/onnxExternalData';
import { modelsDir } from '../util/paths';

/** One serialised StringStringEntryProto { key: "location", value: name }, as ONNX writers write it. */
function entry(name: string, key = 'location'): Buffer {
  const k = Buffer.from(key);
  const v = Buffer.from(name);
  const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, n >> 7]);
  return Buffer.concat([Buffer.from([0x0a, ...varint(k.length)]), k, Buffer.from([0x12, ...varint(v.length)]), v]);
}

/** Pseudo-random bytes standing in for inline tensor data. */
function noise(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = ((i + seed) * 2654435761) >>> 24;
  return b;
}

describe('ONNX external data locations', () => {
  it('finds the one data file the bundled graph names', () => {
    const graph = fs.readFileSync(path.join(modelsDir, 'ranker.onnx'));
    assert.deepEqual(externalDataLocations(graph), ['ranker.onnx.data']);
  });

  it('reads every location once, in order of first mention, whatever the chunk sizes', () => {
    const long = `weights/${'w'.repeat(200)}.bin`; // a two-byte length varint
    const file = Buffer.concat([noise(300, 1), entry('a.data'), noise(77, 2), entry(long), entry('a.data'), entry('offset'.padEnd(10, 'x'), 'offset'), noise(50, 3), entry('b.data')]);
    for (const size of [1, 2, 3, 7, 13, 64, 255, file.length]) {
      const s = new ExternalDataScanner();
      for (let at = 0; at < file.length; at += size) s.push(file.subarray(at, at + size));
      assert.deepEqual(s.locations, ['a.data', long, 'b.data'], `chunks of ${size} bytes`);
    }
  });

  it('does not keep a reference to a chunk its reader reuses', () => {
    const file = Buffer.concat([noise(20, 4), entry('kept.data')]);
    const reused = Buffer.alloc(8);
    const s = new ExternalDataScanner();
    for (let at = 0; at < file.length; at += reused.length) {
      const n = file.copy(reused, 0, at, at + reused.length);
      s.push(reused.subarray(0, n));
      reused.fill(0xff);
    }
    assert.deepEqual(s.locations, ['kept.data']);
  });

  it('ignores a cut-off entry, an empty name and one with control characters', () => {
    const cut = entry('never.data').subarray(0, 14);
    assert.deepEqual(externalDataLocations(cut), []);
    assert.deepEqual(externalDataLocations(Buffer.concat([entry(''), entry('bad\u0000name'), entry('ok.data')])), ['ok.data']);
    assert.deepEqual(externalDataLocations(noise(100_000, 5)), []);
  });
});
