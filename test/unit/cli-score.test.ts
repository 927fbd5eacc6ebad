// `scar score`: one object per non-blank line in input order, null scores with a reason, every schema.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { loadCalibration, styleScore } from '../../src/core/calibration';
import { createScoreCommand } from '../../src/cli/score';
import { EngineClient } from '../../src/engine/client';
import { distDir, fixture, modelsDir } from '../util/paths';
import { alpacaLines, runCommand, scoringDeps, tempDir } from '../util/scoringCli';

const calibration = loadCalibration(modelsDir)!;

interface Row { line: number; score: number | null; style: number | null; percentile: number | null; error: string | null; composition: number | null; presentation: number | null }
const rows = (out: string): Row[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('cli: scar score', function () {
  this.timeout(30000);
  let tmp: string;
  let score: ReturnType<typeof createScoreCommand>;
  beforeEach(() => { tmp = tempDir('scar-cli-score-'); score = createScoreCommand(scoringDeps(path.join(tmp, 'cache'))); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes one object per non-blank line, in order, with null scores and the reason for lines without a pair', async () => {
    const file = path.join(tmp, 'mixed.jsonl');
    const lines = alpacaLines(6);
    fs.writeFileSync(file, [lines[0], '', lines[1], '{"instruction": "x",}', '   ', lines[2], '{"foo": 1}', lines[3]].join('\n') + '\n');
    const r = await runCommand(score, [file]);
    assert.equal(r.code, 0, r.err);
    const out = rows(r.out);
    assert.deepEqual(out.map((o) => o.line), [1, 3, 4, 6, 7, 8]);
    assert.deepEqual(Object.keys(out[0]), ['line', 'score', 'style', 'percentile', 'error', 'composition', 'presentation', 'model']);
    assert.ok(out.every((o) => (o as { model?: string }).model === 'scar-lens-ranker-2.0'), 'every row names the model');
    for (const o of out) {
      if (o.line === 4 || o.line === 7) {
        assert.equal(o.score, null);
        assert.equal(o.style, null);
        assert.equal(o.percentile, null);
        assert.equal(o.composition, null);
        assert.equal(typeof o.error, 'string');
        assert.ok(o.error!.length > 3);
      } else {
        assert.equal(o.error, null);
        assert.ok(typeof o.score === 'number' && o.percentile! >= 0 && o.percentile! <= 100);
        assert.ok(Math.abs(o.score - (o.composition! + o.presentation!)) < 1e-4);
        // the 0-100 style score of the bundled calibration, monotone in the raw score
        assert.ok(typeof o.style === 'number' && o.style > 0 && o.style < 100, `style ${o.style}`);
        assert.ok(Math.abs(o.style - styleScore(o.score, calibration)) < 0.006);
      }
    }
    assert.match(out.find((o) => o.line === 4)!.error!, /invalid JSON/);
    // Percentiles follow the scores.
    const scored = out.filter((o) => o.score !== null).sort((a, b) => a.score! - b.score!);
    for (let i = 1; i < scored.length; i++) assert.ok(scored[i].style! >= scored[i - 1].style!, 'style follows the raw score');
    assert.equal(scored[0].percentile, 0);
    assert.equal(scored[scored.length - 1].percentile, 100);
    assert.match(r.err, /Scored 4 pairs on 4 lines with scar-lens-ranker-2.0 in .* — median .*, 2 lines without a pair/);
  });

  it('gives the same scores as the engine does for the same pairs', async () => {
    const file = path.join(tmp, 'a.jsonl');
    const lines = alpacaLines(20);
    fs.writeFileSync(file, lines.join('\n'));
    const out = rows((await runCommand(score, [file])).out);
    const client = new EngineClient({ enginePath: path.join(distDir, 'engine.js'), modelDir: modelsDir, cacheDir: null });
    try {
      const direct = await client.score(lines.map((l) => {
        const v = JSON.parse(l);
        return { instruction: v.input ? `${v.instruction}\n\n${v.input}` : v.instruction, response: v.output };
      }));
      // Lines without input are unambiguous whatever the join rule; compare those exactly.
      lines.forEach((l, i) => { if (!JSON.parse(l).input) assert.ok(Math.abs(out[i].score! - direct[i].score) < 1e-5, `line ${i + 1}`); });
    } finally { client.dispose(); }
  });

  it('scores every supported schema (and a custom mapping)', async () => {
    const cases: [string, string[], number][] = [
      ['alpaca.jsonl', [], 3], ['sharegpt.jsonl', [], 2], ['openai.jsonl', [], 2], ['prompt-completion.jsonl', [], 1],
      ['prompt-response.jsonl', [], 1], ['question-answer.jsonl', [], 1], ['query-response.jsonl', [], 1],
      ['instruction-response.jsonl', [], 1], ['custom.jsonl', ['--map-instruction', 'data.q', '--map-response', 'data.a'], 1],
    ];
    for (const [name, extra, expectScored] of cases) {
      const r = await runCommand(score, [fixture(name), ...extra]);
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      const out = rows(r.out);
      assert.equal(out.filter((o) => o.score !== null).length, expectScored, `${name}: ${r.out}`);
    }
  });

  it('with --turns all scores a conversation as the mean of its exchanges', async () => {
    const first = rows((await runCommand(score, [fixture('sharegpt.jsonl')])).out);
    const all = rows((await runCommand(score, [fixture('sharegpt.jsonl'), '--turns', 'all'])).out);
    const last = rows((await runCommand(score, [fixture('sharegpt.jsonl'), '--turns', 'last'])).out);
    // Line 2 has two exchanges: first ("Hi") and last ("Bye").
    assert.ok(Math.abs(all[1].score! - (first[1].score! + last[1].score!) / 2) < 1e-5);
    assert.notEqual(first[1].score, last[1].score);
  });

  it('keeps lines of CRLF, BOM and no-final-newline files, and reports invalid UTF-8 per line', async () => {
    for (const name of ['crlf.jsonl', 'bom.jsonl', 'no-final-newline.jsonl']) {
      const out = rows((await runCommand(score, [fixture(name)])).out);
      assert.deepEqual(out.map((o) => [o.line, o.error]), [[1, null], [2, null]], name);
    }
    const bad = rows((await runCommand(score, [fixture('invalid-utf8.jsonl')])).out);
    assert.equal(bad.length, 4);
    assert.equal(bad[0].error, null);
    assert.equal(bad[3].error, null);
  });

  it('writes -o OUT atomically, the same as stdout', async () => {
    const outFile = path.join(tmp, 'scores.jsonl');
    const a = await runCommand(score, [fixture('alpaca.jsonl'), '-o', outFile]);
    assert.equal(a.code, 0);
    assert.equal(a.out, '');
    const b = await runCommand(score, [fixture('alpaca.jsonl')]);
    assert.equal(fs.readFileSync(outFile, 'utf8'), b.out);
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.endsWith('.tmp')), []);
  });

  it('fills and then uses the persistent cache, and --no-cache leaves it alone', async () => {
    const file = path.join(tmp, 'c.jsonl');
    fs.writeFileSync(file, alpacaLines(30).join('\n'));
    await runCommand(score, [file, '--no-cache']);
    assert.equal(fs.existsSync(path.join(tmp, 'cache')), false);
    const first = await runCommand(score, [file]);
    const cacheFile = path.join(tmp, 'cache', fs.readdirSync(path.join(tmp, 'cache'))[0]);
    const size = fs.statSync(cacheFile).size;
    assert.ok(size > 30 * 32);
    const second = await runCommand(score, [file]);
    assert.equal(second.out, first.out);
    assert.equal(fs.statSync(cacheFile).size, size, 'all hits: nothing appended');
  });

  it('exits 1 and writes nothing when a forced --schema fits no line, naming the schema the file looks like', async () => {
    const file = path.join(tmp, 'alpaca.jsonl');
    fs.writeFileSync(file, alpacaLines(12).join('\n') + '\n');
    const outFile = path.join(tmp, 'scores.jsonl');
    const r = await runCommand(score, [file, '--schema', 'sharegpt', '-o', outFile]);
    assert.equal(r.code, 1, r.err);
    assert.equal(r.err, `scar: ${file}: no line fits the schema sharegpt; the file looks like alpaca (12 of 12 lines); use --schema alpaca or --schema auto\n`);
    assert.equal(fs.existsSync(outFile), false, 'no output file');
    assert.equal(r.out, '');
    // Streaming (--no-percentile): the rows went out as they came, and the exit status and message are the same.
    const streamed = await runCommand(score, [file, '--schema', 'sharegpt', '--no-percentile']);
    assert.equal(streamed.code, 1, streamed.err);
    assert.equal(streamed.err, r.err);
    // The schema it names works.
    const ok = await runCommand(score, [file, '--schema', 'alpaca']);
    assert.equal(ok.code, 0, ok.err);
    assert.match(ok.err, /^Scored 12 pairs on 12 lines/);
  });

  it('exits 2 with a clear message for a missing file, a bad option or a missing model', async () => {
    let r = await runCommand(score, [path.join(tmp, 'nope.jsonl')]);
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read '.*nope\.jsonl': no such file/);
    r = await runCommand(score, [fixture('alpaca.jsonl'), '--turns', 'middle']);
    assert.equal(r.code, 2);
    assert.match(r.err, /turn policy 'middle'/);
    r = await runCommand(score, [fixture('alpaca.jsonl'), '--model', tmp]);
    assert.equal(r.code, 2);
    assert.ok(r.err.includes(`cannot load ranker model '${path.join(tmp, 'ranker.onnx')}'`), r.err);
  });
});
