// `scar` as a user runs it: spawns `node bin/scar.js` (which loads dist/cli.js, built by `npm run build`).
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fixture, repoRoot } from '../util/paths';

const bin = path.join(repoRoot, 'bin', 'scar.js');

function scar(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: repoRoot, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scar CLI: shell and inspect', function () {
  this.timeout(20000);
  let tmp: string;

  before(() => {
    assert.ok(fs.existsSync(path.join(repoRoot, 'dist', 'cli.js')), 'dist/cli.js is missing: run `npm run build` first');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-cli-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints the version from package.json', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-V']) assert.deepEqual(scar(flag), { code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('prints help for scar and for inspect; no arguments is a usage error', () => {
    const h = scar('--help');
    assert.equal(h.code, 0);
    assert.match(h.stdout, /^Usage: scar <command>/);
    assert.match(h.stdout, /\n {2}inspect +report the schema/);
    const ih = scar('inspect', '--help');
    assert.equal(ih.code, 0);
    assert.match(ih.stdout, /^Usage: scar inspect FILE/);
    assert.equal(scar('help', 'inspect').stdout, ih.stdout);
    assert.equal(scar().code, 2);
  });

  it('rejects unknown commands, options and values with exit code 2 and a message', () => {
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /^scar: unknown command 'frobnicate' \(expected inspect/],
      [['inspect', fixture('alpaca.jsonl'), '--colour'], /^scar inspect: unknown option '--colour' \(see 'scar inspect --help'\)/],
      [['inspect'], /^scar inspect: inspect needs a FILE/],
      [['inspect', fixture('alpaca.jsonl'), '--schema', 'yaml'], /^scar inspect: unknown schema 'yaml'/],
      [['inspect', fixture('alpaca.jsonl'), '--turns', 'middle'], /^scar inspect: unknown turn policy 'middle' \(expected first, last or all\)/],
      [['inspect', fixture('alpaca.jsonl'), '--map-instruction', 'a'], /^scar inspect: a custom mapping needs both --map-instruction and --map-response/],
      [['inspect', fixture('alpaca.jsonl'), '--schema'], /^scar inspect: option '--schema' needs a value/],
    ];
    for (const [args, message] of cases) {
      const r = scar(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(r.stdout, '');
    }
  });

  it('reports I/O errors with exit code 2', () => {
    const missing = scar('inspect', 'nope.jsonl');
    assert.deepEqual(missing, { code: 2, stdout: '', stderr: "scar: cannot read 'nope.jsonl': no such file\n" });
    const dir = scar('inspect', tmp);
    assert.equal(dir.code, 2);
    assert.equal(dir.stderr, `scar: cannot read '${tmp}': it is a directory\n`);
  });

  it('prints exactly one JSON object with --json, exit 0 when every line yields a pair', () => {
    const f = fixture('alpaca.jsonl');
    const r = scar('inspect', f, '--json');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    assert.deepEqual(JSON.parse(r.stdout), { file: f, schema: 'alpaca', lines: 3, pairs: 3, errors: [] });
  });

  it('exits 1 and lists every problem line when some lines yield no pair', () => {
    const r = scar('inspect', fixture('not-pairs.jsonl'), '--json');
    assert.equal(r.code, 1);
    const o = JSON.parse(r.stdout);
    assert.deepEqual([o.schema, o.lines, o.pairs], ['unknown', 6, 0]);
    assert.deepEqual(o.errors.slice(0, 4), [
      { line: 1, message: 'line is a JSON array, not an object' },
      { line: 2, message: 'line is a JSON string, not an object' },
      { line: 3, message: "field 'output' is not a string (found a number)" },
      { line: 4, message: "field 'output' is empty" },
    ]);
    assert.deepEqual(o.errors[5], { line: 6, message: 'no assistant turn' });
  });

  it('prints a human report with schema, counts and problems', () => {
    const f = fixture('sharegpt.jsonl');
    const r = scar('inspect', f);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, [f, '  schema    ShareGPT (2 of 3 lines)', '  lines     3 non-blank', '  pairs     2', '  problems  1', `${f}:3: no assistant turn`, ''].join('\n'));
  });

  it('says when a file is a JSON array, and reports its lines', () => {
    const r = scar('inspect', fixture('json-array.jsonl'));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /This file looks like a JSON array, not JSON Lines \(one JSON object per line\)\./);
    assert.match(r.stdout, /json-array\.jsonl:1: invalid JSON at column 2: line ends before the JSON value is complete/);
  });

  it('applies --turns, --schema and the custom mapping', () => {
    assert.equal(JSON.parse(scar('inspect', fixture('sharegpt.jsonl'), '--json', '--turns', 'all').stdout).pairs, 3);
    const forced = JSON.parse(scar('inspect', fixture('alpaca.jsonl'), '--json', '--schema', 'sharegpt').stdout);
    assert.deepEqual(forced.errors[0], { line: 1, message: "field 'conversations' is missing" });
    const custom = scar('inspect', fixture('custom.jsonl'), '--json', '--map-instruction', 'data.q', '--map-response', 'data.a');
    assert.deepEqual(JSON.parse(custom.stdout), {
      file: fixture('custom.jsonl'), schema: 'custom', lines: 2, pairs: 1,
      errors: [{ line: 2, message: "custom mapping: path 'data.q' not found" }],
    });
  });

  it('exits 1 naming the schema the file looks like when a forced --schema fits no line', () => {
    const expected = 'no line fits the schema sharegpt; the file looks like alpaca (3 of 3 lines); use --schema alpaca or --schema auto';
    const human = scar('inspect', fixture('alpaca.jsonl'), '--schema', 'sharegpt');
    assert.equal(human.code, 1);
    assert.ok(human.stdout.split('\n').includes(`  ${expected}`), human.stdout);
    const json = scar('inspect', fixture('alpaca.jsonl'), '--schema', 'sharegpt', '--json');
    assert.equal(json.code, 1);
    assert.equal(JSON.parse(json.stdout).pairs, 0);
    assert.equal(json.stderr, `scar: ${fixture('alpaca.jsonl')}: ${expected}\n`);
    // A schema that fits says nothing of the kind.
    assert.doesNotMatch(scar('inspect', fixture('alpaca.jsonl'), '--schema', 'alpaca').stdout, /no line fits/);
  });

  it('reads bad-input files without crashing: CRLF, BOM, blank lines, no final newline, invalid UTF-8', () => {
    for (const name of ['crlf.jsonl', 'bom.jsonl', 'blank-lines.jsonl', 'no-final-newline.jsonl']) {
      assert.deepEqual(JSON.parse(scar('inspect', fixture(name), '--json').stdout), { file: fixture(name), schema: 'prompt-completion', lines: 2, pairs: 2, errors: [] }, name);
    }
    const bad = JSON.parse(scar('inspect', fixture('invalid-utf8.jsonl'), '--json').stdout);
    assert.deepEqual(bad.errors, [
      { line: 2, message: 'invalid UTF-8 at byte 16 of the line (column 16)' },
      { line: 3, message: 'invalid UTF-8 at byte 13 of the line (column 13)' },
    ]);
  });

  it('lists the first 50 problems, then says how many more', () => {
    const f = path.join(tmp, 'many.jsonl');
    fs.writeFileSync(f, Array.from({ length: 73 }, (_, i) => `{"n": ${i},}`).join('\n'));
    const r = scar('inspect', f);
    assert.equal(r.code, 1);
    const problemLines = r.stdout.split('\n').filter((l) => l.startsWith(`${f}:`));
    assert.equal(problemLines.length, 50);
    assert.equal(problemLines[49].split(':')[1], '50');
    assert.match(r.stdout, /\n… and 23 more\n$/);
    assert.match(r.stdout, / {2}problems {2}73\n/);
  });

  it('stops quietly when the reader of its output goes away (EPIPE)', async () => {
    const f = path.join(tmp, 'big-errors.jsonl');
    fs.writeFileSync(f, `{"a": "${'x'.repeat(200)}",}\n`.repeat(40000));
    const child = spawn(process.execPath, [bin, 'inspect', f, '--json'], { cwd: repoRoot });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    await new Promise<void>((resolve) => child.stdout.once('data', () => { child.stdout.destroy(); resolve(); }));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '');
    assert.ok(code === 1 || code === 0, `exit code ${code}`);
  });
});
