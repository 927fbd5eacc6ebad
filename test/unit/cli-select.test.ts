// `scar select`: exactly k / the ratio / the threshold, output order, formats, and originals byte for byte.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { createScoreCommand } from '../../src/cli/score';
import { createSelectCommand } from '../../src/cli/select';
import { fixture } from '../util/paths';
import { alpacaLines, runCommand, scoringDeps, tempDir } from '../util/scoringCli';

describe('cli: scar select', function () {
  this.timeout(40000);
  let tmp: string;
  let select: ReturnType<typeof createSelectCommand>;
  let score: ReturnType<typeof createScoreCommand>;
  let file: string;
  let lines: string[];
  /** line number -> score, from `scar score` on the same file. */
  let scores: Map<number, number>;

  beforeEach(async () => {
    tmp = tempDir('scar-cli-select-');
    const deps = scoringDeps(path.join(tmp, 'cache'));
    select = createSelectCommand(deps);
    score = createScoreCommand(deps);
    lines = alpacaLines(40);
    lines[10] = '{"instruction": "broken",}';
    lines[20] = '{"nothing": "to score"}';
    file = path.join(tmp, 'data.jsonl');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const r = await runCommand(score, [file]);
    scores = new Map(r.out.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.score !== null).map((o) => [o.line, o.score]));
    assert.equal(scores.size, 38);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** The selection rules alone, without SCAR's cleaning (whose tests are below): these lines are near-duplicates by design. */
  const runPlain = (args: string[]) => runCommand(select, [...args, '--no-dedup', '--no-language-filter']);
  const outLines = (out: string) => out.split('\n').filter((l) => l !== '');
  const lineOf = (text: string) => lines.indexOf(text) + 1;

  it('--top-k keeps exactly k lines, best first, each the original text', async () => {
    for (const k of [1, 7, 38, 100]) {
      const r = await runPlain([file, '--top-k', String(k)]);
      assert.equal(r.code, 0, r.err);
      const got = outLines(r.out);
      assert.equal(got.length, Math.min(k, 38));
      for (const l of got) assert.ok(lines.includes(l), `not an original line: ${l}`);
      const s = got.map((l) => scores.get(lineOf(l))!);
      for (let i = 1; i < s.length; i++) assert.ok(s[i - 1] >= s[i], 'ordered by score, descending');
      const best = [...scores.values()].sort((a, b) => b - a).slice(0, got.length);
      assert.deepEqual(s, best);
    }
    const r = await runPlain([file, '--top-k', '5']);
    assert.match(r.err, /^Kept 5 of 38 \(top 5\) -> stdout; 2 lines without a pair not considered\n$/);
  });

  it('--ratio keeps ceil(ratio x scored lines); --keep-order keeps the same set in file order', async () => {
    const r = await runPlain([file, '--ratio', '0.25']);
    const ranked = outLines(r.out);
    assert.equal(ranked.length, 10); // ceil(0.25 x 38) = ceil(9.5)
    assert.match(r.err, /Kept 10 of 38 \(top 25%\)/);
    const ordered = outLines((await runPlain([file, '--ratio', '0.25', '--keep-order'])).out);
    assert.deepEqual([...ordered].sort(), [...ranked].sort());
    const nums = ordered.map(lineOf);
    assert.deepEqual(nums, [...nums].sort((a, b) => a - b));
  });

  it('--threshold keeps every line at or above it', async () => {
    const sorted = [...scores.values()].sort((a, b) => b - a);
    const t = (sorted[11] + sorted[12]) / 2; // between the 12th and 13th best
    const r = await runPlain([file, '--threshold', String(t)]);
    const got = outLines(r.out);
    assert.equal(got.length, 12);
    for (const l of got) assert.ok(scores.get(lineOf(l))! >= t);
    assert.equal(outLines((await runPlain([file, '--threshold', '1e9'])).out).length, 0);
  });

  it('exits 1 when a forced --schema fits no line, naming the schema the file looks like', async () => {
    const out = path.join(tmp, 'top.jsonl');
    const r = await runCommand(select, [file, '--top-k', '5', '--schema', 'openai', '-o', out]);
    assert.equal(r.code, 1, r.err);
    assert.equal(r.err, `scar: ${file}: no line fits the schema openai; the file looks like alpaca (38 of 40 lines); use --schema alpaca or --schema auto\n`);
    assert.equal(fs.existsSync(out), false);
  });

  it('needs exactly one valid criterion (exit 2 with a message)', async () => {
    for (const [args, msg] of [
      [[], /exactly one of --top-k N, --ratio R or --threshold T/],
      [['--top-k', '3', '--ratio', '0.5'], /only one/],
      [['--ratio', '1.5'], /\(0, 1\]/],
      [['--top-k', 'ten'], /--top-k needs a whole number, got 'ten'/],
      [['--top-k', '2', '--format', 'csv'], /unknown format 'csv'/],
    ] as [string[], RegExp][]) {
      const r = await runPlain([file, ...args]);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, msg);
      assert.equal(r.out, '');
    }
  });

  it('preserves originals byte for byte: CRLF, non-ASCII, odd spacing, no final newline', async () => {
    const raw = [
      '{"instruction":"Übersetze: Haus","output":"house — „Haus“ means house 🏠"}',
      '  {  "instruction" : "Spaces around",   "output":"kept\\u0020as\\tthey are"  }   ',
      '{"instruction":"日本語の質問","output":"日本語の答え。"}',
      '{"instruction":"Escapes \\"q\\"","output":"a\\nb\\\\c"}',
    ];
    const crlf = path.join(tmp, 'crlf.jsonl');
    const bytes = raw.join('\r\n'); // CRLF, and no final newline
    fs.writeFileSync(crlf, bytes);
    const outFile = path.join(tmp, 'sel.jsonl');
    const r = await runPlain([crlf, '--ratio', '1', '--keep-order', '-o', outFile]);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, '');
    assert.deepEqual(fs.readFileSync(outFile), Buffer.from(raw.join('\r\n') + '\r\n'));
    // In rank order, every line still carries its own CRLF and its exact bytes.
    await runPlain([crlf, '--top-k', '4', '-o', outFile]);
    const got = fs.readFileSync(outFile, 'utf8');
    assert.ok(got.endsWith('\r\n'));
    assert.deepEqual(got.split('\r\n').slice(0, -1).sort(), [...raw].sort());
  });

  it('--with-score re-serialises only to add the score', async () => {
    const got = outLines((await runPlain([file, '--top-k', '3', '--with-score'])).out).map((l) => JSON.parse(l));
    assert.equal(got.length, 3);
    for (const o of got) {
      const { score: s, ...rest } = o;
      const line = lineOf(JSON.stringify(rest));
      assert.ok(line > 0, 'same fields in the same order as the original');
      assert.ok(Math.abs(s - scores.get(line)!) < 1e-6);
    }
  });

  it('writes SCAR json and sharegpt forms', async () => {
    const json = JSON.parse((await runPlain([file, '--top-k', '4', '--format', 'json'])).out);
    assert.equal(json.length, 4);
    assert.deepEqual(Object.keys(json[0]), ['instruction', 'output', 'score']);
    assert.ok(json[0].score >= json[3].score);
    const first = JSON.parse(lines.find((l) => lineOf(l) === [...scores].sort((a, b) => b[1] - a[1])[0][0])!);
    assert.equal(json[0].output, first.output);
    const share = JSON.parse((await runPlain([fixture('sharegpt.jsonl'), '--ratio', '1', '--keep-order', '--format', 'sharegpt'])).out);
    assert.equal(share.length, 2);
    assert.deepEqual(share[0], { id: 'line-1', conversations: [{ from: 'human', value: 'What is 2+2?' }, { from: 'gpt', value: '4.' }] });
    assert.deepEqual(share[1].conversations.map((c: { from: string }) => c.from), ['system', 'human', 'gpt']);
  });

  it('selects from every supported schema, keeping the lines byte for byte', async () => {
    const cases: [string, string[]][] = [
      ['alpaca.jsonl', []], ['sharegpt.jsonl', []], ['openai.jsonl', []], ['prompt-completion.jsonl', []],
      ['prompt-response.jsonl', []], ['question-answer.jsonl', []], ['query-response.jsonl', []],
      ['instruction-response.jsonl', []], ['custom.jsonl', ['--map-instruction', 'data.q', '--map-response', 'data.a']],
      ['bom.jsonl', []], ['crlf.jsonl', []],
    ];
    for (const [name, extra] of cases) {
      const scored = (await runCommand(score, [fixture(name), ...extra])).out.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.score !== null).map((o) => o.line);
      const r = await runPlain([fixture(name), '--ratio', '1', '--keep-order', ...extra]);
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      const src = fs.readFileSync(fixture(name), 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
      const eol = fs.readFileSync(fixture(name), 'utf8').includes('\r\n') ? '\r\n' : '\n';
      assert.equal(r.out, scored.map((n: number) => src[n - 1] + eol).join(''), name);
    }
  });
});
