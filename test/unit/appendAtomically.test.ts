// core/export appendToFileAtomically: the sibling files that keep removed lines (`<name>.removed.jsonl`) are
// appended to by replacing the whole file atomically, so they are never left half-written.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appendToFileAtomically } from '../../src/core/export';

describe('appendToFileAtomically', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-append-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); });

  it('creates a missing file, then appends byte for byte (non-ASCII, CRLF)', async () => {
    const f = path.join(dir, 'a.removed.jsonl');
    await appendToFileAtomically(f, '{"x": "é"}\r\n', '\r\n');
    await appendToFileAtomically(f, Buffer.from('{"y": "日本"}\r\n'), '\r\n');
    assert.equal(fs.readFileSync(f, 'utf8'), '{"x": "é"}\r\n{"y": "日本"}\r\n');
  });

  it('puts a line ending after an old last line that has none, so lines never run together', async () => {
    const f = path.join(dir, 'b.jsonl');
    fs.writeFileSync(f, '{"old": 1}');
    await appendToFileAtomically(f, '{"new": 2}\r\n', '\r\n');
    assert.equal(fs.readFileSync(f, 'utf8'), '{"old": 1}\r\n{"new": 2}\r\n');
    await appendToFileAtomically(f, '', '\n');
    assert.equal(fs.readFileSync(f, 'utf8'), '{"old": 1}\r\n{"new": 2}\r\n');
  });

  it('leaves no temporary file behind and reports a folder that cannot be written', async () => {
    const f = path.join(dir, 'c.jsonl');
    await appendToFileAtomically(f, 'x\n');
    assert.deepEqual(fs.readdirSync(dir), ['c.jsonl']);
    await assert.rejects(appendToFileAtomically(path.join(dir, 'missing-folder', 'd.jsonl'), 'x\n'), /cannot write/);
    await assert.rejects(appendToFileAtomically(dir, 'x\n'), /cannot read/);
  });
});
