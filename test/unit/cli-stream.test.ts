// `scar` as a pipe stage: FILE '-' (stdin) for inspect, score, select and dedup; `score --no-percentile` streaming
// one row per input line in order; stdin spilled to a temporary file where a mode needs the whole input (same
// result as the file); SIGPIPE, SIGTERM and bounded memory on a 1M-line pipe, with the real `node bin/scar.js`.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Readable } from 'stream';
import type { Command } from '../../src/cli/command';
import { dedupCommand } from '../../src/cli/dedup';
import { inspectCommand } from '../../src/cli/inspect';
import { memoryWriter } from '../../src/cli/output';
import { createScoreCommand } from '../../src/cli/score';
import { createSelectCommand } from '../../src/cli/select';
import { repoRoot } from '../util/paths';
import { alpacaLines, scoringDeps, tempDir, type CliRun } from '../util/scoringCli';

const bin = path.join(repoRoot, 'bin', 'scar.js');

/** Runs a command in-process with `stdin` as what '-' reads. */
async function runWithStdin(command: Command, args: string[], stdin: string | Buffer): Promise<CliRun> {
  const out = memoryWriter();
  const err = memoryWriter();
  let code: number;
  try {
    code = await command.run(args, { out, err, in: Readable.from([Buffer.from(stdin)]) });
  } catch (e) {
    err.write(`scar: ${(e as Error).message}\n`);
    code = ['UsageError', 'CliError'].includes((e as Error).name) ? 2 : 99;
  }
  return { code, out: out.text(), err: err.text() };
}

async function runFile(command: Command, args: string[]): Promise<CliRun> {
  return runWithStdin(command, args, '');
}

interface Row { line: number; score: number | null; percentile: number | null; error: string | null }
const rows = (out: string): Row[] => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

/** PIDs of the direct children of `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

const alive = (pid: number): boolean => {
  try { process.kill(pid, 0); return true; } catch { return false; }
};

describe('cli: streaming pipe mode (FILE -)', function () {
  this.timeout(60000);
  let tmp: string;
  let deps: ReturnType<typeof scoringDeps>;
  beforeEach(() => { tmp = tempDir('scar-cli-stream-'); deps = scoringDeps(path.join(tmp, 'cache')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const mixed = (): string => {
    const l = alpacaLines(8);
    return [l[0], '', l[1], '{"instruction": "x",}', '   ', l[2], '{"foo": 1}', l[3], l[4], l[5], l[6], l[7]].join('\n') + '\n';
  };

  it('score - --no-percentile writes exactly one row per input line, in order, blank and problem lines included', async () => {
    const text = mixed();
    const r = await runWithStdin(createScoreCommand(deps), ['-', '--no-percentile'], text);
    assert.equal(r.code, 0, r.err);
    const out = rows(r.out);
    assert.deepEqual(out.map((o) => o.line), Array.from({ length: 12 }, (_, i) => i + 1));
    assert.equal(out[1].error, 'blank line');
    assert.equal(out[4].error, 'blank line');
    assert.match(out[3].error!, /invalid JSON/);
    assert.equal(typeof out[6].error, 'string');
    for (const o of out) assert.equal(o.percentile, null);
    for (const o of out) assert.equal((o as { model?: string }).model, 'scar-lens-ranker-2.0', 'every streamed row names the model');
    assert.match(r.err, /^Scored \d+ pairs on \d+ lines with scar-lens-ranker-2\.0 in /);
    // The same scores as the whole-file mode gives.
    const file = path.join(tmp, 'm.jsonl');
    fs.writeFileSync(file, text);
    const whole = rows((await runFile(createScoreCommand(deps), [file])).out);
    const byLine = new Map(whole.map((o) => [o.line, o.score]));
    for (const o of out) if (o.score !== null) assert.equal(o.score, byLine.get(o.line), `line ${o.line}`);
    assert.equal(out.filter((o) => o.score !== null).length, whole.filter((o) => o.score !== null).length);
  });

  it('--line-offset shifts every line number of the rows and the summary', async () => {
    const summary = path.join(tmp, 's.txt');
    const r = await runWithStdin(createScoreCommand(deps), ['-', '--no-percentile', '--line-offset', '1000', '--summary', summary], mixed());
    assert.equal(r.code, 0, r.err);
    assert.equal(rows(r.out)[0].line, 1001);
    const entries = fs.readFileSync(summary, 'utf8').trim().split('\n');
    assert.equal(JSON.parse(entries[0]).count, 8);
    for (const e of entries.slice(1)) assert.ok(Number(e.split(' ')[1]) > 1000, e);
  });

  it('score - with percentiles copies stdin to a temporary file: the same output as the file', async () => {
    const text = mixed();
    const file = path.join(tmp, 'm.jsonl');
    fs.writeFileSync(file, text);
    const fromStdin = await runWithStdin(createScoreCommand(deps), ['-'], text);
    const fromFile = await runFile(createScoreCommand(deps), [file]);
    assert.equal(fromStdin.code, 0, fromStdin.err);
    assert.equal(fromStdin.out, fromFile.out);
    assert.ok(rows(fromStdin.out).some((o) => o.percentile !== null));
  });

  it('select - streams with --threshold --keep-order --no-dedup, and spills for --ratio: both equal the file', async () => {
    const lines = alpacaLines(30);
    // CRLF endings and a last line without one: the streamed lines keep their own endings, like the file mode.
    const text = lines.slice(0, 10).join('\r\n') + '\r\n' + lines.slice(10).join('\n');
    const file = path.join(tmp, 'a.jsonl');
    fs.writeFileSync(file, text);
    const scores = rows((await runFile(createScoreCommand(deps), [file])).out).map((o) => o.score!).sort((a, b) => a - b);
    const t = String(scores[15]);
    for (const args of [['--threshold', t, '--keep-order', '--no-dedup'], ['--ratio', '0.3'], ['--top-k', '7', '--keep-order'], ['--threshold', t]]) {
      const a = await runWithStdin(createSelectCommand(deps), ['-', ...args], text);
      const b = await runFile(createSelectCommand(deps), [file, ...args]);
      assert.equal(a.code, 0, a.err);
      assert.equal(a.out, b.out, args.join(' '));
      assert.ok(a.out.length > 0, args.join(' '));
    }
  });

  it('select --drop and --ties-through leave lines out, in --line-offset numbering, streamed or not', async () => {
    const lines = alpacaLines(10);
    // Lines 1, 2 and 3 are the same pair: equal scores (no dedup here), so --ties-through decides among them.
    const text = [lines[0], lines[0], lines[0], ...lines.slice(1)].join('\n') + '\n';
    const file = path.join(tmp, 't.jsonl');
    fs.writeFileSync(file, text);
    const s = rows((await runFile(createScoreCommand(deps), [file])).out)[0].score!;
    const exact = rows((await runWithStdin(createScoreCommand(deps), ['-', '--no-percentile'], text)).out); // rounded, but the same order
    const drop = path.join(tmp, 'drop.txt');
    fs.writeFileSync(drop, '{"line": 106, "step": "near-duplicate"}\n');
    // The exact score of line 1: from a summary.
    const summary = path.join(tmp, 's.txt');
    await runFile(createScoreCommand(deps), [file, '--no-percentile', '--summary', summary]);
    const entry = fs.readFileSync(summary, 'utf8').split('\n').slice(1).find((e) => e.endsWith(' 1'))!;
    const exactScore = entry.split(' ')[0];
    assert.equal(Math.round(Number(exactScore) * 1e6) / 1e6, s);
    const args = ['--threshold', exactScore, '--ties-through', '102', '--line-offset', '100', '--drop', drop, '--keep-order', '--no-dedup'];
    const a = await runWithStdin(createSelectCommand(deps), ['-', ...args], text);
    const b = await runFile(createSelectCommand(deps), [file, ...args]);
    assert.equal(a.code, 0, a.err);
    assert.equal(a.out, b.out);
    const kept = a.out.split('\n').filter(Boolean);
    const expected = text.split('\n').filter((l, i) => l && i !== 2 && i !== 5 && (exact[i].score! > s || i < 2));
    assert.deepEqual(kept, expected);
  });

  it('inspect - and dedup - read stdin', async () => {
    const text = mixed() + alpacaLines(2)[0] + '\n';
    const file = path.join(tmp, 'm.jsonl');
    fs.writeFileSync(file, text);
    const i = await runWithStdin(inspectCommand, ['-', '--json'], text);
    assert.equal(i.code, 1);
    const report = JSON.parse(i.out);
    assert.equal(report.errors.length, 2);
    const fromFile = JSON.parse((await runFile(inspectCommand, [file, '--json'])).out);
    assert.deepEqual({ ...report, file }, fromFile);
    const d1 = await runWithStdin(dedupCommand, ['-'], text);
    const d2 = await runFile(dedupCommand, [file]);
    assert.equal(d1.code, 0, d1.err);
    assert.equal(d1.out, d2.out);
    assert.ok(d1.out.length < text.length && d1.out.length > 0);
    assert.match(d1.err, /Removed 1 exact duplicate/);
  });

  it('refuses what a stream cannot do, and says why', async () => {
    const sel = await runWithStdin(createSelectCommand(deps), ['-', '--ratio', '0.5', '--ties-through', '3'], 'x');
    assert.equal(sel.code, 2);
    assert.match(sel.err, /--ties-through goes with --threshold/);
    const sig = await runWithStdin(dedupCommand, ['-', '--signatures', '--json'], 'x');
    assert.equal(sig.code, 2);
    assert.match(sig.err, /--json does not go with --signatures/);
    const res = await runWithStdin(dedupCommand, ['-', '--resolve', '--line-offset', '4'], 'x');
    assert.equal(res.code, 2);
    assert.match(res.err, /--line-offset goes with --signatures/);
    const off = await runWithStdin(createScoreCommand(deps), ['-', '--line-offset', '-3'], 'x');
    assert.equal(off.code, 2);
    assert.match(off.err, /--line-offset needs a whole number >= 0/);
  });

  it('| head: stops quietly with status 0 when the reader goes away', function () {
    const lines = alpacaLines(50);
    const input = Array.from({ length: 4000 }, (_, i) => lines[i % 50]).join('\n') + '\n';
    const r = spawnSync('bash', ['-o', 'pipefail', '-c', `node ${JSON.stringify(bin)} score - --no-percentile | head -n 3`], {
      input, encoding: 'utf8', env: { ...process.env, SCAR_CACHE_DIR: path.join(tmp, 'cache') }, timeout: 30000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 3);
    assert.doesNotMatch(r.stderr, /EPIPE|Error|internal/);
  });

  it('SIGTERM ends scar and its engine child, as a Unix tool ends', async () => {
    const child = spawn(process.execPath, [bin, 'score', '-', '--no-percentile'], { env: { ...process.env, SCAR_CACHE_DIR: path.join(tmp, 'cache') }, stdio: ['pipe', 'pipe', 'pipe'] });
    // Feed a first batch and keep stdin open: scar waits for more, as in a long pipeline.
    child.stdin.write(alpacaLines(5).join('\n') + '\n');
    const firstRow = await new Promise<string>((resolve, reject) => {
      child.stdout.once('data', (d: Buffer) => resolve(d.toString()));
      child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
    });
    assert.match(firstRow, /"line":1/);
    const engines = childrenOf(child.pid!);
    assert.ok(engines.length >= 1, 'the engine child is running');
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.ok(signal === 'SIGTERM' || code === 143, `ended by SIGTERM (code ${code}, signal ${signal})`);
    const deadline = Date.now() + 5000;
    while (engines.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(engines.filter(alive), [], 'the engine child ended with it');
  });

  it('keeps memory bounded on 1M piped lines (peak RSS of scar and of its engine)', async function () {
    this.timeout(240000);
    const distinct = Array.from({ length: 1000 }, (_, i) => JSON.stringify({
      instruction: `How do I change line ${i} of a config file?`, input: '',
      output: `To do this, you can use the following approach. First read the file; then update entry ${i}. Finally write it back and check the result carefully.`,
    }));
    const N = 1_000_000;
    const child = spawn(process.execPath, [bin, 'score', '-', '--no-percentile'], {
      env: { ...process.env, SCAR_CACHE_DIR: path.join(tmp, 'cache'), SCAR_REPORT_MAXRSS: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let engineHwm = 0;
    const sampler = setInterval(() => {
      for (const pid of childrenOf(child.pid!)) {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
          if (m) engineHwm = Math.max(engineHwm, Number(m[1]));
        } catch { /* gone */ }
      }
    }, 250);
    let rowsSeen = 0, lastLine = 0, inOrder = true, err = '', rest = '';
    child.stdout.on('data', (d: Buffer) => {
      const parts = (rest + d.toString()).split('\n');
      rest = parts.pop()!;
      for (const p of parts) {
        const line = Number(p.slice(8, p.indexOf(',')));
        if (line !== lastLine + 1) inOrder = false;
        lastLine = line;
        rowsSeen++;
      }
    });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const bytes = await new Promise<number>((resolve, reject) => {
      let i = 0, written = 0;
      const pump = (): void => {
        while (i < N) {
          let chunk = '';
          for (let k = 0; k < 2000 && i < N; k++, i++) chunk += (i % 100 === 99 ? '' : i % 97 === 0 ? '{"bad":' : distinct[i % 1000]) + '\n';
          written += chunk.length;
          if (!child.stdin.write(chunk)) { child.stdin.once('drain', pump); return; }
        }
        child.stdin.end();
        resolve(written);
      };
      child.stdin.on('error', reject);
      pump();
    });
    const code = await done;
    clearInterval(sampler);
    assert.equal(code, 0, err);
    assert.equal(rowsSeen, N);
    assert.ok(inOrder, 'rows in input order');
    const maxRss = Number(/maxRSS (\d+) kB/.exec(err)?.[1]);
    // The input is ~220 MB: a process that held it, or a row per line, would pass these bounds by far.
    assert.ok(bytes > 200e6, `input ${bytes} bytes`);
    assert.ok(maxRss > 0 && maxRss < 250_000, `scar's peak RSS ${maxRss} kB`);
    assert.ok(engineHwm < 400_000, `the engine's peak RSS ${engineHwm} kB`);
    console.log(`      1M lines (${(bytes / 1e6).toFixed(0)} MB): scar peak RSS ${(maxRss / 1024).toFixed(0)} MB, engine ${(engineHwm / 1024).toFixed(0)} MB`);
  });
});
