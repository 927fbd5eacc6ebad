// A model folder of the "official SCAR ranker" kind (training/export_official_scar.py's output) in the engine and the
// CLI: loading, tokenisation with the folder's own tokenizer.json (truncated at maxLength), scores against a
// reference forward pass computed here, length-ordered batches against one-by-one scores, the cache keeping two
// models apart, and the messages for broken folders. The model is tiny and random, built for the test by
// test/fixtures/official/make_tiny_scar.py (Debian python3-onnx + python3-numpy).
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describeModelFolder, inspectModelFolder, ModelFolderError } from '../../src/core/modelFolder';
import { EngineClient, ModelError, type EngineClientOptions } from '../../src/engine/client';
import { TruncatingTokenizer } from '../../src/engine/officialSession';
import { buildTinyOfficialModel, tinyReferenceScore } from '../util/tinyOfficialModel';
import { createScoreCommand } from '../../src/cli/score';
import { runCommand, scoringDeps } from '../util/scoringCli';
import { distDir, fixture, modelsDir } from '../util/paths';

const enginePath = path.join(distDir, 'engine.js');

const PAIRS = [
  { instruction: 'How do I sort a list in Python?', response: 'Use sorted(xs) for a new list, or xs.sort() to sort it in place.' },
  { instruction: 'Name a colour.', response: 'Blue.' },
  { instruction: 'Write a haiku about the sea, please, with a word about time', response: 'Waves fold into foam\nthe tide keeps no calendar\nsalt remembers us' },
  { instruction: 'hi', response: 'Hello! How can I help you today? I can answer questions, write text, explain code and much more.' },
  { instruction: 'What is 2 + 2?', response: '4' },
  { instruction: 'Explain recursion in one sentence for a child who likes stories.', response: 'Recursion is when a story contains a smaller copy of the same story, until the smallest one just ends.' },
];

describe('official SCAR ranker folders', function () {
  this.timeout(60000);
  let tmp: string;
  let tiny: string;
  const clients: EngineClient[] = [];
  const client = (modelDir: string, o: Partial<EngineClientOptions> = {}): EngineClient => {
    const c = new EngineClient({ enginePath, modelDir, cacheDir: path.join(tmp, 'cache'), env: { SCAR_CACHE_DIR: '' }, restartBackoffMs: 10, ...o });
    clients.push(c);
    return c;
  };

  before(function () {
    assert.ok(fs.existsSync(enginePath), `${enginePath} is missing: run \`node esbuild.js\` first`);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-official-'));
    tiny = buildTinyOfficialModel({}, tmp);
  });
  afterEach(() => { while (clients.length) clients.pop()!.dispose(); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('tells the two kinds of folder apart', () => {
    assert.equal(inspectModelFolder(tiny).kind, 'official');
    assert.equal(inspectModelFolder(modelsDir).kind, 'bundled');
    const d = describeModelFolder(tiny);
    assert.equal(d.name, 'tiny-scar');
    assert.match(d.summary, /tiny random stand-in.*licence MIT.*512 tokens/);
  });

  it('tokenises with the folder\'s tokenizer.json: WordPiece ids with [CLS] and [SEP], truncated to maxLength like Hugging Face', () => {
    const json = JSON.parse(fs.readFileSync(path.join(tiny, 'tokenizer.json'), 'utf8'));
    const vocab = json.model.vocab as Record<string, number>;
    const tok = TruncatingTokenizer.load(path.join(tiny, 'tokenizer.json'), path.join(tiny, 'tokenizer_config.json'), 8);
    // Lower-cased, split at punctuation, an unknown word split into pieces: a real WordPiece tokenizer at work.
    const ids = tok.encode('The cat, Zyx!');
    const expected = ['[CLS]', 'the', 'cat', ',', 'z', '##y', '##x', '!', '[SEP]'].map((t) => vocab[t]);
    assert.ok(expected.every((v) => typeof v === 'number'), 'every expected token is in the vocabulary');
    // 9 tokens > 8: the text keeps its first 6 tokens, then [SEP]: as truncation=True, max_length=8 does.
    assert.deepEqual(ids, [...expected.slice(0, 7), vocab['[SEP]']]);
    const short = TruncatingTokenizer.load(path.join(tiny, 'tokenizer.json'), undefined, 512).encode('The cat, Zyx!');
    assert.deepEqual(short, expected);
  });

  it('loads through the engine, says its name and kind, and scores like the reference forward pass within 1e-4', async () => {
    const c = client(tiny);
    const ready = await c.start();
    assert.equal(ready.modelName, 'tiny-scar');
    assert.equal(ready.modelKind, 'official');
    assert.equal(ready.hasComponents, false);
    assert.match(ready.modelId, /^tiny-scar:[0-9a-f]{16}$/);
    const scores = await c.score(PAIRS);
    const tok = new Tokenizer(JSON.parse(fs.readFileSync(path.join(tiny, 'tokenizer.json'), 'utf8')), {});
    for (let i = 0; i < PAIRS.length; i++) {
      const ref = tinyReferenceScore(tiny, tok.encode(PAIRS[i].instruction).ids, tok.encode(PAIRS[i].response).ids);
      assert.ok(Math.abs(scores[i].score - ref.score) < 1e-4, `pair ${i}: engine ${scores[i].score} vs reference ${ref.score}`);
      assert.ok(Number.isNaN(scores[i].composition) && Number.isNaN(scores[i].presentation), 'no parts without composition/presentation outputs');
    }
    assert.ok(new Set(scores.map((s) => s.score.toFixed(5))).size === PAIRS.length, 'different pairs, different scores');
    const stats = await c.stats();
    assert.equal(stats.modelName, 'tiny-scar');
    assert.equal(stats.modelKind, 'official');
  });

  it('reports composition and presentation when the export has those outputs', async () => {
    const parts = buildTinyOfficialModel({ parts: true, name: 'tiny-parts' }, tmp);
    const c = client(parts);
    assert.equal((await c.start()).hasComponents, true);
    const [s] = await c.score([PAIRS[0]]);
    const tok = new Tokenizer(JSON.parse(fs.readFileSync(path.join(parts, 'tokenizer.json'), 'utf8')), {});
    const ref = tinyReferenceScore(parts, tok.encode(PAIRS[0].instruction).ids, tok.encode(PAIRS[0].response).ids);
    assert.ok(Math.abs(s.composition - ref.composition) < 1e-4 && Math.abs(s.presentation - ref.presentation) < 1e-4);
  });

  it('length-ordered, padded batches give the scores of one-by-one requests', async () => {
    // 40 pairs of very different lengths: padded batches of 16 after the length order; then each pair alone.
    const many = Array.from({ length: 40 }, (_, i) => ({
      instruction: `${PAIRS[i % PAIRS.length].instruction} ${'more '.repeat(i % 7)}`,
      response: `${PAIRS[(i * 5) % PAIRS.length].response} ${'and then some words '.repeat((i * 3) % 11)}`,
    }));
    const batched = await client(tiny, { cacheDir: null }).score(many);
    const single = client(tiny, { cacheDir: null });
    for (let i = 0; i < many.length; i++) {
      const [one] = await single.score([many[i]]);
      assert.ok(Math.abs(one.score - batched[i].score) < 1e-5, `pair ${i}: batched ${batched[i].score} vs alone ${one.score}`);
    }
  });

  it('truncates long texts at maxLength (512) instead of failing', async () => {
    const long = { instruction: 'word '.repeat(2000), response: 'answer words here '.repeat(1000) };
    const [s] = await client(tiny, { cacheDir: null }).score([long]);
    assert.ok(Number.isFinite(s.score));
    // A text is cut at 512 tokens: what follows the cut does not change the score.
    const [t] = await client(tiny, { cacheDir: null }).score([{ instruction: long.instruction + ' tail', response: long.response + ' different tail' }]);
    assert.ok(Math.abs(s.score - t.score) < 1e-6);
  });

  it('keeps two models\' scores apart in the shared persistent cache', async () => {
    const other = buildTinyOfficialModel({ seed: 99, name: 'tiny-other' }, tmp);
    const a = await client(tiny).score(PAIRS.slice(0, 3));
    const b = client(other);
    const bs = await b.score(PAIRS.slice(0, 3));
    assert.equal((await b.stats()).diskHits, 0, 'nothing of the first model answered for the second');
    for (let i = 0; i < 3; i++) assert.notEqual(a[i].score, bs[i].score);
    const bundled = await client(modelsDir).score(PAIRS.slice(0, 3));
    for (let i = 0; i < 3; i++) assert.notEqual(a[i].score, bundled[i].score);
    const again = client(tiny);
    assert.deepEqual((await again.score(PAIRS.slice(0, 3))).map((s) => s.score), a.map((s) => s.score));
    assert.equal((await again.stats()).diskHits, 3, 'the first model\'s own entries come back from disk');
  });

  describe('broken folders get a message naming the missing piece', () => {
    const broken = (name: string, change: (dir: string) => void): string => {
      const dir = path.join(tmp, `broken-${name}`);
      fs.cpSync(tiny, dir, { recursive: true });
      change(dir);
      return dir;
    };
    const cases: Array<[string, (dir: string) => void, RegExp]> = [
      ['no tokenizer.json', (d) => fs.rmSync(path.join(d, 'tokenizer.json')), /has no tokenizer\.json/],
      ['no model file', (d) => fs.rmSync(path.join(d, 'model.onnx')), /has no model\.onnx \(the ONNX model that scar-model\.json names\)/],
      ['wrong kind', (d) => { const m = JSON.parse(fs.readFileSync(path.join(d, 'scar-model.json'), 'utf8')); m.kind = 'bert'; fs.writeFileSync(path.join(d, 'scar-model.json'), JSON.stringify(m)); }, /scar-model\.json: "kind" must be "scar-official-onnx" \(found "bert"\)/],
      ['scar-model.json not JSON', (d) => fs.writeFileSync(path.join(d, 'scar-model.json'), '{ nope'), /scar-model\.json: not valid JSON/],
      ['no scar-model.json', (d) => fs.rmSync(path.join(d, 'scar-model.json')), /is not a model folder: it has neither ranker\.onnx \+ featuriser\.json .* nor scar-model\.json .*without its scar-model\.json/],
      ['a corrupt tokenizer.json', (d) => fs.writeFileSync(path.join(d, 'tokenizer.json'), '{"version": "1.0"}'), /cannot load the tokenizer '.*tokenizer\.json': it has no "model"/],
      ['a graph with other inputs', (d) => { fs.copyFileSync(path.join(modelsDir, 'ranker.onnx'), path.join(d, 'model.onnx')); fs.copyFileSync(path.join(modelsDir, 'ranker.onnx.data'), path.join(d, 'ranker.onnx.data')); }, /model\.onnx': it has no input 'instruction_input_ids'/],
      ['a bundled folder without featuriser.json', (d) => { for (const f of fs.readdirSync(d)) fs.rmSync(path.join(d, f)); fs.copyFileSync(path.join(modelsDir, 'ranker.onnx'), path.join(d, 'ranker.onnx')); }, /cannot load featuriser configuration '.*featuriser\.json': the file does not exist/],
    ];
    for (const [what, change, message] of cases) {
      it(what, async () => {
        const dir = broken(what.replace(/\W+/g, '-'), change);
        await assert.rejects(client(dir).start(), (e: Error) => e instanceof ModelError && message.test(e.message), `engine: ${what}`);
        if (!/corrupt tokenizer|other inputs/.test(what)) assert.throws(() => inspectModelFolder(dir), (e: Error) => e instanceof ModelFolderError && message.test(e.message));
      });
    }
    it('a path that is not a folder', () => {
      assert.throws(() => inspectModelFolder(path.join(tmp, 'nowhere')), /the model folder '.*nowhere' does not exist/);
      assert.throws(() => inspectModelFolder(fixture('alpaca.jsonl')), /is not a folder/);
    });
  });

  it('`scar score --model DIR` scores with it and names it in the rows and the summary', async () => {
    const runCli = (args: string[]) => runCommand(createScoreCommand(scoringDeps(path.join(tmp, 'cli-cache'))), args);
    const r = await runCli([fixture('alpaca.jsonl'), '--model', tiny, '--no-cache']);
    assert.equal(r.code, 0, r.err);
    const rows = r.out.trim().split('\n').map((l) => JSON.parse(l));
    assert.ok(rows.length > 0 && rows.every((x) => x.model === 'tiny-scar'));
    const scored = rows.filter((x) => x.error === null);
    assert.ok(scored.length > 0 && scored.every((x) => typeof x.score === 'number' && x.composition === null && x.presentation === null && x.style === null));
    assert.match(r.err, /Scored \d+ pairs on \d+ lines with tiny-scar in .* — median -?\d+\.\d\d \(raw score\)/);
    const bad = await runCli([fixture('alpaca.jsonl'), '--model', path.join(tmp, 'nowhere'), '--no-cache']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /the model folder '.*nowhere' does not exist/);
  });
});
