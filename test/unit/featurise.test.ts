import * as assert from 'node:assert/strict';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  countResponseTokens,
  createFeaturiser,
  FeaturiserConfig,
  formatVocab,
  INPUT_NAMES,
  LoadedFeaturiser,
  loadFeaturiser,
  parseVocab,
  validateConfig,
} from '../../src/core/featurise';
import { analyseText, COMPOSITION_FEATURES, PRESENTATION_FEATURES } from '../../src/core/style';
import { countTokens, tokenise } from '../../src/core/tokenise';
import { fixture, modelsDir } from '../util/paths';

interface GoldenCase {
  source: string;
  instruction: string;
  response: string;
  features: Record<string, number[]>;
}

function smallConfig(over: Partial<FeaturiserConfig> = {}): FeaturiserConfig {
  const P = PRESENTATION_FEATURES.length;
  const C = COMPOSITION_FEATURES.length;
  return {
    format: 'scar-lens-featuriser',
    version: 'test-1',
    vocabFile: 'vocab.txt',
    oovBuckets: 16,
    ngramBuckets: 1024,
    charNgramMin: 0,
    charNgramMax: 0,
    maxNgrams: 1000,
    maxInstructionTokens: 8,
    maxResponseTokens: 10,
    maxAnalysisTokens: 100,
    presentationFeatures: [...PRESENTATION_FEATURES],
    compositionFeatures: [...COMPOSITION_FEATURES],
    presentationNorm: { mean: new Array(P).fill(0), std: new Array(P).fill(1) },
    compositionNorm: { mean: new Array(C).fill(0), std: new Array(C).fill(1) },
    ...over,
  };
}

const feature = (names: readonly string[], values: ArrayLike<number>, name: string): number => {
  const i = names.indexOf(name);
  assert.ok(i >= 0, `no feature ${name}`);
  return values[i];
};

describe('tokenise', () => {
  it('lower-cases words, splits clitics as GloVe did, keeps symbols and line breaks', () => {
    assert.deepEqual(tokenise("Don't PANIC, it's fine!\n- ok"), ['do', "n't", 'panic', ',', 'it', "'s", 'fine', '!', '\n', '-', 'ok']);
    assert.deepEqual(tokenise('I’m here'), ['i', "'m", 'here']);
    assert.deepEqual(tokenise('  '), []);
  });

  it('gives the same tokens for pre-tokenised text ("should n\'t") and normal text', () => {
    assert.deepEqual(tokenise("should n't go"), tokenise("shouldn't go"));
  });

  it('keeps an emoji (a surrogate pair) as one token and counts up to a limit', () => {
    assert.deepEqual(tokenise('ok 👍'), ['ok', '👍']);
    assert.equal(countTokens('a b c d e', 3), 3);
    assert.equal(countTokens('a b c d e'), 5);
  });
});

describe('style signals', () => {
  it('sees lists, headings, code fences and bold', () => {
    const st = analyseText('# Title\n\nHere are some tips:\n\n1. First **bold** step.\n2. Second.\n- a bullet\n```js\nx()\n```', 1000);
    assert.equal(st.headingLines, 1);
    assert.equal(st.numberedLines, 2);
    assert.equal(st.bulletLines, 1);
    assert.equal(st.codeFences, 2);
    assert.equal(st.boldMarks, 2);
    assert.equal(st.tonePhrases, 1); // "here are"
  });

  it('tells a casual reply from an assistant-style one', () => {
    const f = createFeaturiser(smallConfig(), []);
    const casual = f.rawFeatures({ instruction: 'how do i fix it?', response: 'lol idk, i think u just restart it tbh' });
    const formal = f.rawFeatures({ instruction: 'how do i fix it?', response: 'Certainly! Here are the steps. However, you may need to restart it first.' });
    const P = PRESENTATION_FEATURES;
    assert.ok(feature(P, casual.presentation, 'informal_rate') > feature(P, formal.presentation, 'informal_rate'));
    assert.ok(feature(P, casual.presentation, 'lower_i_rate') > 0);
    assert.equal(feature(P, formal.presentation, 'lower_i_rate'), 0);
    assert.ok(feature(P, formal.presentation, 'transition_rate') > 0);
    assert.ok(feature(P, formal.presentation, 'log_tone_phrases') > 0);
  });

  it('measures how the response covers the instruction', () => {
    const f = createFeaturiser(smallConfig(), []);
    const C = COMPOSITION_FEATURES;
    const on = f.rawFeatures({ instruction: 'Is the Eiffel Tower in Paris?', response: 'Yes, the Eiffel Tower stands in Paris.' }).composition;
    const off = f.rawFeatures({ instruction: 'Is the Eiffel Tower in Paris?', response: 'Bananas are yellow.' }).composition;
    assert.equal(feature(C, on, 'instruction_coverage'), 1);
    assert.equal(feature(C, off, 'instruction_coverage'), 0);
    assert.equal(feature(C, on, 'yes_no_answered'), 1);
    assert.equal(feature(C, off, 'yes_no_answered'), 0);
  });
});

describe('featurise', () => {
  const vocab = ['the', 'cat', 'sat', '.', '\n'];

  it('maps vocabulary words to their line number and unknown words to hashed buckets', () => {
    const f = createFeaturiser(smallConfig(), vocab);
    const feeds = f.featurise([{ instruction: 'the cat', response: 'The cat sat. Zyzzyva' }]);
    const ids = Array.from(feeds.response_ids.data as Int32Array);
    assert.deepEqual(ids.slice(0, 4), [1, 2, 3, 4]);
    assert.ok(ids[4] > vocab.length && ids[4] <= vocab.length + 16, `OOV id ${ids[4]} outside the bucket range`);
  });

  it('pads to the longest row with 0, truncates the response and keeps both ends of a long instruction', () => {
    const f = createFeaturiser(smallConfig(), vocab);
    const longInst = 'the '.repeat(20) + 'cat sat';
    const feeds = f.featurise([
      { instruction: longInst, response: 'cat' },
      { instruction: '', response: 'the cat sat . '.repeat(10) },
    ]);
    assert.deepEqual(feeds.response_ids.dims, [2, 10]);
    const r = feeds.response_ids.data as Int32Array;
    assert.deepEqual(Array.from(r.subarray(0, 10)), [2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.equal(r.subarray(10).indexOf(0), -1);
    assert.deepEqual(feeds.instruction_ids.dims, [2, 8]);
    const inst = Array.from((feeds.instruction_ids.data as Int32Array).subarray(0, 8));
    assert.deepEqual(inst, [1, 1, 1, 1, 1, 1, 2, 3]);
    assert.deepEqual(feeds.response_ngrams.dims, [2, 19]);
    assert.deepEqual(feeds.presentation_features.dims, [2, PRESENTATION_FEATURES.length]);
    assert.deepEqual(Object.keys(feeds).sort(), [...INPUT_NAMES].sort());
  });

  it('adds the character n-grams of each word, with space boundaries, up to maxNgrams', () => {
    const f = createFeaturiser(smallConfig({ charNgramMin: 3, charNgramMax: 4 }), vocab);
    // "cat" -> 1 unigram + " ca", "cat", "at " + " cat", "cat " = 6 ids; "," has no character n-grams.
    assert.deepEqual(f.featurise([{ instruction: '', response: 'cat' }]).response_ngrams.dims, [1, 6]);
    assert.deepEqual(f.featurise([{ instruction: '', response: ',' }]).response_ngrams.dims, [1, 1]);
    const capped = createFeaturiser(smallConfig({ charNgramMin: 3, charNgramMax: 5, maxNgrams: 7 }), vocab);
    assert.deepEqual(capped.featurise([{ instruction: '', response: 'concatenation is long' }]).response_ngrams.dims, [1, 7]);
  });

  it('gives the same inputs when its token memo fills and starts afresh, within a batch and across batches', () => {
    const config = smallConfig({ charNgramMin: 3, charNgramMax: 5 });
    const roomy = createFeaturiser(config, vocab);
    const tiny = createFeaturiser(config, vocab, config.version, 8); // starts afresh every pair or two
    const words = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma'.split(' ');
    const pairs = Array.from({ length: 12 }, (_, i) => ({
      instruction: `Question ${i}: ${words[i]} and ${words[(i * 5) % words.length]}?`,
      response: Array.from({ length: 20 + i }, (_, k) => words[(i * 7 + k * 3) % words.length] + (k % 4 === 0 ? `_${k}` : '')).join(' '),
    }));
    for (const batch of [pairs, pairs.slice(0, 5), pairs.slice(5)]) {
      const want = roomy.featurise(batch);
      const got = tiny.featurise(batch);
      for (const name of Object.keys(want) as Array<keyof typeof want>) {
        assert.deepEqual(got[name].dims, want[name].dims, name);
        assert.deepEqual(Array.from(got[name].data as ArrayLike<number>), Array.from(want[name].data as ArrayLike<number>), name);
      }
    }
  });

  it('gives a pair the same inputs whatever it featurised before, also when an instruction token grows the memo', () => {
    // Every pair brings 8 new instruction tokens (the instruction budget) and no new response token, so the memo's
    // slot arrays (4,096 to begin with) grow while an instruction token is added. A read of the array from before
    // the growth once gave that token id 0, the padding id, in a long-running engine only. 600 pairs x 8 tokens take
    // the memo past 4,096 slots in the batch of pairs 480-511 (this test failed there before the fix).
    const f = createFeaturiser(smallConfig(), vocab);
    const pairs = Array.from({ length: 600 }, (_, i) => ({
      instruction: Array.from({ length: 8 }, (_, k) => `w${i}x${k}`).join(' '),
      response: 'ok ok',
    }));
    for (let start = 0; start < pairs.length; start += 32) {
      const batch = pairs.slice(start, start + 32);
      const got = f.featurise(batch);
      const fresh = createFeaturiser(smallConfig(), vocab).featurise(batch);
      assert.deepEqual(Array.from(got.instruction_ids.data as Int32Array), Array.from(fresh.instruction_ids.data as Int32Array), `batch at pair ${start}`);
      assert.ok(!(got.instruction_ids.data as Int32Array).includes(0), `an instruction token got the padding id in the batch at pair ${start}`);
    }
  });

  it('gives every sequence at least one column, so an empty batch row is still a valid tensor', () => {
    const f = createFeaturiser(smallConfig(), vocab);
    const feeds = f.featurise([{ instruction: '', response: '' }]);
    assert.deepEqual(feeds.instruction_ids.dims, [1, 1]);
    assert.deepEqual(feeds.response_ids.dims, [1, 1]);
    assert.equal((feeds.response_ids.data as Int32Array)[0], 0);
    for (const v of feeds.presentation_features.data as Float32Array) assert.ok(Number.isFinite(v));
  });

  it('clips normalised features so absurd inputs stay bounded', () => {
    const f = createFeaturiser(smallConfig(), vocab);
    const feeds = f.featurise([{ instruction: 'x', response: '!'.repeat(5000) }]);
    for (const v of feeds.presentation_features.data as Float32Array) assert.ok(Math.abs(v) <= 8, `feature ${v} not clipped`);
  });

  it('reports truncation of long responses', () => {
    const f = createFeaturiser(smallConfig(), vocab);
    assert.equal(f.isTruncated('one two three'), false);
    assert.equal(f.isTruncated('w '.repeat(11)), true);
    assert.equal(f.responseTokens('w '.repeat(50)), 11);
    assert.equal(countResponseTokens('w '.repeat(300), 256), 257);
  });
});

describe('featuriser configuration', () => {
  it('rejects a config whose feature list differs from the code, naming the file and field', () => {
    const bad = { ...smallConfig(), presentationFeatures: ['nope', ...PRESENTATION_FEATURES.slice(1)] };
    assert.throws(() => validateConfig(bad, 'm/featuriser.json'), /m\/featuriser\.json: field "presentationFeatures" does not match/);
    assert.throws(() => validateConfig({ ...smallConfig(), maxResponseTokens: 0 }, 'f.json'), /f\.json: field "maxResponseTokens"/);
    assert.throws(() => validateConfig([], 'f.json'), /expected a JSON object/);
  });

  it('round-trips a vocabulary with the newline token and rejects duplicates with the line', () => {
    assert.deepEqual(parseVocab(formatVocab(['a', '\n', 'b'])), ['a', '\n', 'b']);
    assert.throws(() => parseVocab('a\nb\na\n', 'v.txt'), /v\.txt: line 3: duplicate word "a"/);
  });

  it('names the missing file when a model folder is incomplete', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-feat-'));
    try {
      assert.throws(() => loadFeaturiser(dir), (e: Error) => e.message.includes(path.join(dir, 'featuriser.json')) && /not found/.test(e.message));
      fs.writeFileSync(path.join(dir, 'featuriser.json'), '{"format": ');
      assert.throws(() => loadFeaturiser(dir), /featuriser\.json: not valid JSON/);
      fs.writeFileSync(path.join(dir, 'featuriser.json'), JSON.stringify(smallConfig()));
      assert.throws(() => loadFeaturiser(dir), (e: Error) => e.message.includes(path.join(dir, 'vocab.txt')) && /vocabulary not found/.test(e.message));
      fs.writeFileSync(path.join(dir, 'vocab.txt'), formatVocab(vocab()));
      const f = loadFeaturiser(dir);
      assert.match(f.modelId, /^test-1:[0-9a-f]{16}$/);
      fs.writeFileSync(path.join(dir, 'ranker.onnx'), 'different model bytes');
      assert.notEqual(loadFeaturiser(dir).modelId, f.modelId, 'modelId must change with the model file');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    function vocab(): string[] {
      return ['x', 'y'];
    }
  });

  it('ids a model by the SHA-256 of featuriser.json, the vocabulary and ranker.onnx, read in chunks; a given id is kept', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-feat-'));
    try {
      const config = Buffer.from(JSON.stringify(smallConfig()));
      const vocabText = Buffer.from(formatVocab(['x', 'y']));
      // Three chunks of the reader's 1 MiB buffer, the last one not full.
      const onnx = Buffer.alloc((5 << 19) + 1234);
      for (let i = 0; i < onnx.length; i++) onnx[i] = (i * 2654435761) >>> 24;
      fs.writeFileSync(path.join(dir, 'featuriser.json'), config);
      fs.writeFileSync(path.join(dir, 'vocab.txt'), vocabText);
      fs.writeFileSync(path.join(dir, 'ranker.onnx'), onnx);
      const whole = crypto.createHash('sha256').update(Buffer.concat([config, vocabText, onnx])).digest('hex');
      assert.equal(loadFeaturiser(dir).modelId, `test-1:${whole.slice(0, 16)}`);
      assert.equal(loadFeaturiser(dir, 'test-1:given').modelId, 'test-1:given');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('hashes the external data files ranker.onnx names, and only files inside the model folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-feat-'));
    try {
      const config = Buffer.from(JSON.stringify(smallConfig()));
      const vocabText = Buffer.from(formatVocab(['x', 'y']));
      // A graph naming three data files in the folder (one twice, one whose name starts with '..') and one outside
      // it: the entries as ONNX serialises them.
      const entry = (name: string) => Buffer.concat([Buffer.from([0x0a, 0x08]), Buffer.from('location'), Buffer.from([0x12, name.length]), Buffer.from(name)]);
      const graph = Buffer.concat([Buffer.from('graph'), entry('ranker.onnx.data'), entry('../outside.data'), entry('more.data'), entry('ranker.onnx.data'), entry('..odd-name.data')]);
      const data = Buffer.from('the weights');
      const more = Buffer.from('more weights');
      fs.writeFileSync(path.join(dir, 'featuriser.json'), config);
      fs.writeFileSync(path.join(dir, 'vocab.txt'), vocabText);
      fs.writeFileSync(path.join(dir, 'ranker.onnx'), graph);
      fs.writeFileSync(path.join(dir, 'ranker.onnx.data'), data);
      fs.writeFileSync(path.join(dir, 'more.data'), more);
      const odd = Buffer.from('a name that starts with two dots, inside the folder');
      fs.writeFileSync(path.join(dir, '..odd-name.data'), odd);
      fs.writeFileSync(path.join(path.dirname(dir), 'outside.data'), 'not part of the model');
      const id = (...parts: Buffer[]) => `test-1:${crypto.createHash('sha256').update(Buffer.concat(parts)).digest('hex').slice(0, 16)}`;
      assert.equal(loadFeaturiser(dir).modelId, id(config, vocabText, graph, data, more, odd));
      // Retrained weights behind an unchanged graph file: a new id.
      fs.writeFileSync(path.join(dir, 'ranker.onnx.data'), 'new weights');
      assert.equal(loadFeaturiser(dir).modelId, id(config, vocabText, graph, Buffer.from('new weights'), more, odd));
      // A named file that is missing is left to onnxruntime to report; the id is still made.
      fs.rmSync(path.join(dir, 'more.data'));
      assert.equal(loadFeaturiser(dir).modelId, id(config, vocabText, graph, Buffer.from('new weights'), odd));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(path.join(path.dirname(dir), 'outside.data'), { force: true });
    }
  });
});

describe('bundled featuriser (golden vectors from the training dump)', () => {
  const golden = JSON.parse(fs.readFileSync(fixture('featurise-golden.json'), 'utf8')) as { version: string; cases: GoldenCase[] };
  let f: LoadedFeaturiser;
  before(() => {
    f = loadFeaturiser(modelsDir);
  });

  it('is the featuriser the golden file was dumped with', () => {
    assert.equal(f.config.version, golden.version);
    assert.ok(golden.cases.length >= 15, `only ${golden.cases.length} golden cases`);
  });

  it('re-featurises the golden pairs, in one padded batch, to exactly the dumped features', () => {
    const feeds = f.featurise(golden.cases.map((c) => ({ instruction: c.instruction, response: c.response })));
    for (const name of INPUT_NAMES) {
      const t = feeds[name];
      const [B, L] = t.dims;
      assert.equal(B, golden.cases.length);
      golden.cases.forEach((c, b) => {
        const want = c.features[name];
        const got = Array.from(t.data.subarray(b * L, (b + 1) * L) as ArrayLike<number>);
        const where = `${name} of golden case ${b} (${c.source})`;
        if (t.type === 'float32') {
          assert.equal(got.length, want.length, where);
          got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) <= 1e-6, `${where}[${i}]: ${v} != ${want[i]}`));
        } else {
          assert.deepEqual(got.slice(0, want.length), want, where);
          assert.ok(got.slice(want.length).every((v) => v === 0), `${where}: padding is not 0`);
        }
      });
    }
  });

  it('bundles a vocabulary of 20-30k words and a model within the size limit', () => {
    assert.ok(f.vocabSize >= 20000 && f.vocabSize <= 30500, `vocabulary ${f.vocabSize}`);
    // The graph and the external data file that holds its weights.
    const size = fs.statSync(path.join(modelsDir, 'ranker.onnx')).size + fs.statSync(path.join(modelsDir, 'ranker.onnx.data')).size;
    assert.ok(size <= 25 * 1024 * 1024, `ranker.onnx + ranker.onnx.data: ${size} bytes`);
  });
});
