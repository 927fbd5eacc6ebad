// `scar dedup`, and SCAR's cleaning inside `scar select`: what each step removes, the report, the JSON clusters,
// byte-for-byte output, flags, every schema.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { dedupCommand } from '../../src/cli/dedup';
import { adaptRecord } from '../../src/core/schema';
import { COMMANDS } from '../../src/cli/main';
import { createScoreCommand } from '../../src/cli/score';
import { createSelectCommand } from '../../src/cli/select';
import { fixture } from '../util/paths';
import { runCommand, scoringDeps, tempDir } from '../util/scoringCli';

const workspaceFixture = (name: string): string => fixture(path.join('workspace', name));

/** dupes.jsonl (alpaca): 3 = exact copy of 1, 4 German, 6 = near copy of 2 (Jaccard 0.87), 7 empty output, 8 long. */
const DUPES = workspaceFixture('dupes.jsonl');
/** dupes-chat.jsonl (ShareGPT): 3 French, 4 = near copy of 1 (0.85), 5 = exact copy of 2, 6 empty reply. */
const CHAT = workspaceFixture('dupes-chat.jsonl');

const linesOf = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);

describe('cli: scar dedup', function () {
  this.timeout(20000);
  let tmp: string;
  beforeEach(() => { tmp = tempDir('scar-cli-dedup-'); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('is registered', () => {
    assert.ok(COMMANDS.some((c) => c.name === 'dedup'));
  });

  it('writes every other line byte for byte to stdout, and reports what it removed', async () => {
    const r = await runCommand(dedupCommand, [DUPES]);
    assert.equal(r.code, 0, r.err);
    const src = linesOf(DUPES);
    assert.equal(r.out, src.filter((_, i) => i !== 2 && i !== 5).map((l) => l + '\n').join(''));
    assert.equal(r.err, 'Removed 1 exact duplicate and 1 near-duplicate; kept 7 of 9 lines -> stdout; 1 line without a pair left unchanged\n');
  });

  it('--json prints the clusters with 1-based lines and similarities', async () => {
    const r = await runCommand(dedupCommand, [DUPES, '--json']);
    assert.equal(r.code, 0, r.err);
    const got = JSON.parse(r.out);
    assert.deepEqual(got, { clusters: [{ kept: 1, lines: [1, 3], similarity: [1, 1] }, { kept: 2, lines: [2, 6], similarity: [1, got.clusters[1].similarity[1]] }], removed: 2 });
    const j = got.clusters[1].similarity[1];
    assert.ok(j >= 0.5 && j < 1, `near-duplicate similarity ${j}`);
    assert.equal(j.toFixed(2), '0.87');
  });

  it('-o writes atomically, keeps CRLF and a missing final newline, and --json still goes to stdout', async () => {
    const src = linesOf(CHAT);
    const file = path.join(tmp, 'crlf.jsonl');
    fs.writeFileSync(file, ['', ...src].join('\r\n')); // a blank first line, CRLF, no final newline
    const out = path.join(tmp, 'out.jsonl');
    const r = await runCommand(dedupCommand, [file, '-o', out, '--json']);
    assert.equal(r.code, 0, r.err);
    // Lines move down by one (the blank first line): exact copy 6 of 3, near copy 5 of 2.
    assert.deepEqual(JSON.parse(r.out).clusters.map((c: { kept: number; lines: number[] }) => [c.kept, c.lines]), [[2, [2, 5]], [3, [3, 6]]]);
    const kept = ['', ...src.filter((_, i) => i !== 3 && i !== 4)];
    assert.deepEqual(fs.readFileSync(out), Buffer.from(kept.join('\r\n')));
    assert.deepEqual(fs.readdirSync(tmp).sort(), ['crlf.jsonl', 'out.jsonl'], 'no temporary file left');
  });

  it('removes a last line that is a duplicate without leaving its neighbour unterminated', async () => {
    const src = linesOf(DUPES);
    const file = path.join(tmp, 'tail.jsonl');
    fs.writeFileSync(file, [src[0], src[1], src[0]].join('\n'));
    const r = await runCommand(dedupCommand, [file]);
    assert.equal(r.out, `${src[0]}\n${src[1]}\n`);
  });

  it('--threshold and --ngram change what counts as near', async () => {
    const strict = JSON.parse((await runCommand(dedupCommand, [DUPES, '--json', '--threshold', '0.95'])).out);
    assert.equal(strict.removed, 1, 'only the exact copy');
    const loose = JSON.parse((await runCommand(dedupCommand, [DUPES, '--json', '--ngram', '1', '--threshold', '0.9'])).out);
    assert.equal(loose.removed, 2, 'word unigrams of the near copy overlap over 0.9');
  });

  it('works on every schema the adapters read (custom mapping included)', async () => {
    const cases: [string, string[]][] = [
      ['alpaca.jsonl', []], ['sharegpt.jsonl', []], ['openai.jsonl', []], ['prompt-completion.jsonl', []],
      ['prompt-response.jsonl', []], ['question-answer.jsonl', []], ['query-response.jsonl', []],
      ['instruction-response.jsonl', []], ['custom.jsonl', ['--map-instruction', 'data.q', '--map-response', 'data.a']],
    ];
    for (const [name, extra] of cases) {
      const src = fs.readFileSync(fixture(name), 'utf8');
      const mapping = extra.length ? { instruction: 'data.q', response: 'data.a' } : undefined;
      const first = src.split(/\r?\n/).find((l) => {
        try { return adaptRecord(JSON.parse(l), mapping ? { schema: 'auto', turnPolicy: 'first', mapping } : undefined).ok; } catch { return false; }
      })!;
      const file = path.join(tmp, name);
      const text = (src.endsWith('\n') ? src : src + '\n') + first + '\n'; // plant an exact copy at the end
      fs.writeFileSync(file, text);
      const planted = text.split('\n').length - 1;
      const r = await runCommand(dedupCommand, [file, '--json', ...extra]);
      assert.equal(r.code, 0, `${name}: ${r.err}`);
      const got = JSON.parse(r.out);
      assert.ok(got.clusters.some((c: { lines: number[] }) => c.lines.includes(planted)), `${name}: a cluster with line ${planted}: ${r.out}`);
      assert.ok(got.removed >= 1, name);
    }
  });

  it('exits 1 and writes nothing when a forced --schema fits no line, naming the schema the file looks like', async () => {
    const out = path.join(tmp, 'out.jsonl');
    const r = await runCommand(dedupCommand, [CHAT, '--schema', 'alpaca', '-o', out]);
    assert.equal(r.code, 1, r.err);
    assert.match(r.err, /^scar: .*dupes-chat\.jsonl: no line fits the schema alpaca; the file looks like sharegpt \(\d+ of \d+ lines\); use --schema sharegpt or --schema auto\n$/);
    assert.equal(fs.existsSync(out), false);
    assert.equal(r.out, '');
  });

  it('usage and I/O errors exit 2 with a message', async () => {
    for (const [args, msg] of [
      [[], /dedup needs a FILE/],
      [[DUPES, '--threshold', '0'], /--threshold must be a Jaccard similarity in \(0, 1\], got 0/],
      [[DUPES, '--threshold', 'x'], /--threshold needs a number, got 'x'/],
      [[DUPES, '--ngram', '1.5'], /--ngram must be a whole number >= 1/],
      [[path.join(tmp, 'missing.jsonl')], /cannot read '.*missing.jsonl': no such file/],
      [[tmp], /it is a directory/],
    ] as [string[], RegExp][]) {
      const r = await runCommand(dedupCommand, args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.err, msg);
    }
  });
});

describe('cli: scar select cleans in SCAR order', function () {
  this.timeout(60000);
  let tmp: string;
  let select: ReturnType<typeof createSelectCommand>;
  let score: ReturnType<typeof createScoreCommand>;
  beforeEach(() => {
    tmp = tempDir('scar-cli-select-clean-');
    const deps = scoringDeps(path.join(tmp, 'cache'));
    select = createSelectCommand(deps);
    score = createScoreCommand(deps);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('removes exact copies, non-English lines and near copies before ranking, and says so', async () => {
    const r = await runCommand(select, [DUPES, '--ratio', '1', '--keep-order']);
    assert.equal(r.code, 0, r.err);
    const src = linesOf(DUPES);
    // Line 7 has no pair; 3 (exact), 4 (German) and one of 2/6 (the lower-scored) go.
    const scores = new Map<number, number>(
      (await runCommand(score, [DUPES])).out.trim().split('\n').map((l) => JSON.parse(l)).filter((o) => o.score !== null).map((o) => [o.line, o.score]),
    );
    const nearKept = scores.get(6)! > scores.get(2)! ? 6 : 2;
    const expected = [1, 2, 5, 6, 8, 9].filter((l) => l !== (nearKept === 2 ? 6 : 2));
    assert.equal(r.out, expected.map((l) => src[l - 1] + '\n').join(''));
    assert.equal(r.err, 'Removed 1 exact duplicate, 1 non-English, 1 near-duplicate; kept 5 of 5 (top 100%) -> stdout; 1 line without a pair not considered\n');
  });

  it('--no-dedup, --no-language-filter and --near-dup-threshold turn steps off', async () => {
    const noDedup = await runCommand(select, [DUPES, '--ratio', '1', '--no-dedup']);
    assert.match(noDedup.err, /^Removed 1 non-English; kept 7 of 7 \(top 100%\)/);
    const noLang = await runCommand(select, [DUPES, '--ratio', '1', '--no-language-filter']);
    assert.match(noLang.err, /^Removed 1 exact duplicate, 1 near-duplicate; kept 6 of 6 \(top 100%\)/);
    const strict = await runCommand(select, [DUPES, '--ratio', '1', '--near-dup-threshold', '0.95']);
    assert.match(strict.err, /^Removed 1 exact duplicate, 1 non-English, 0 near-duplicates; kept 6 of 6/);
    const neither = await runCommand(select, [DUPES, '--top-k', '2', '--no-dedup', '--no-language-filter']);
    assert.match(neither.err, /^Kept 2 of 8 \(top 2\)/);
    const bad = await runCommand(select, [DUPES, '--top-k', '2', '--near-dup-threshold', '2']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--near-dup-threshold must be a Jaccard similarity in \(0, 1\], got 2/);
  });

  it('cleans conversations (ShareGPT) too', async () => {
    const r = await runCommand(select, [CHAT, '--ratio', '1', '--keep-order']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /^Removed 1 exact duplicate, 1 non-English, 1 near-duplicate; kept 3 of 3/);
    const kept = r.out.split('\n').filter((l) => l);
    const src = linesOf(CHAT);
    assert.ok(!kept.includes(src[2]), 'the French line is gone');
    assert.equal(kept.filter((l) => l === src[1]).length, 1, 'one copy of the exact duplicate stays');
  });
});
