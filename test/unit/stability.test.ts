// Property test: edits that change no style move the bundled model's 0-100 style score by less than a stated
// bound. Each line of a small fixture (prose, lists, code, short and long answers; two schemas) is scored as it is
// and after each edit, end to end from the JSONL line (linePairs -> featuriser -> ranker.onnx -> calibration):
//   - " (variant 1)" appended to the instruction (the way generated data sets number their variants);
//   - whitespace changes in the texts: trailing spaces and a final line break, CRLF line endings;
//   - the JSON line reformatted: spaces after ':' and ',', and its keys in reverse order.
// Needs the bundled model (models/ with calibration.json) and onnxruntime-node.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import { loadCalibration, styleScore } from '../../src/core/calibration';
import { linePairs } from '../../src/core/linePairs';
import { DEFAULT_ADAPTER_OPTIONS } from '../../src/core/schema';
import { RankerSession } from '../../src/engine/session';
import { fixture, modelsDir } from '../util/paths';

/** The stated bounds, in points of the 0-100 style score. */
export const STABILITY_BOUNDS = {
  /**
   * " (variant 1)" appended to the instruction: the featuriser drops such numbered-variant labels
   * (canonicalInstruction), so nothing should move (measured: 0.000 on every fixture line).
   */
  variantSuffix: 0.5,
  /** Trailing whitespace, a final line break and CRLF line endings in the texts (measured: at most 0.06 points). */
  whitespace: 0.5,
  /** Spaces between the JSON tokens and the keys' order: the texts are unchanged, so the score must be too. */
  jsonLayout: 0,
};

type Obj = Record<string, unknown>;

/** Applies `f` to every string that is an instruction or a response of the record (Alpaca or OpenAI messages). */
function mapTexts(o: Obj, inst: (s: string) => string, resp: (s: string) => string): Obj {
  const c = JSON.parse(JSON.stringify(o)) as Obj;
  if (typeof c.instruction === 'string') c.instruction = inst(c.instruction);
  if (typeof c.output === 'string') c.output = resp(c.output);
  if (Array.isArray(c.messages)) {
    for (const m of c.messages as Obj[]) m.content = m.role === 'user' ? inst(String(m.content)) : resp(String(m.content));
  }
  return c;
}

function reverseKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reverseKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v as Obj).reverse().map(([k, x]) => [k, reverseKeys(x)]));
  return v;
}

describe('score stability under edits that change no style', function () {
  this.timeout(60_000);
  let session: RankerSession;
  const lines = fs.readFileSync(fixture('stability-pairs.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '');
  const calibration = loadCalibration(modelsDir);

  before(async () => { session = await RankerSession.load(modelsDir, 1); });
  after(async () => { await session?.release(); });

  /** The 0-100 style score of each line (the mean raw score over its pairs, as the engine reports it). */
  async function styles(texts: string[]): Promise<number[]> {
    assert.ok(calibration, 'models/ has no calibration.json');
    const out: number[] = [];
    for (let i = 0; i < texts.length; i++) {
      const found = linePairs(texts[i], i + 1, DEFAULT_ADAPTER_OPTIONS);
      assert.ok('pairs' in found, `line ${i + 1}: ${JSON.stringify(found)}`);
      const scores = await session.run(found.pairs.map((p) => ({ instruction: p.instruction, response: p.response })));
      out.push(styleScore(scores.reduce((a, s) => a + s.score, 0) / scores.length, calibration!));
    }
    return out;
  }

  async function maxMove(edit: (o: Obj) => string): Promise<number> {
    const base = await styles(lines);
    const edited = await styles(lines.map((l) => edit(JSON.parse(l) as Obj)));
    return Math.max(...base.map((b, i) => Math.abs(b - edited[i])));
  }

  it(`moves by less than ${STABILITY_BOUNDS.variantSuffix} points when " (variant 1)" is appended to the instruction`, async () => {
    const move = await maxMove((o) => JSON.stringify(mapTexts(o, (s) => s + ' (variant 1)', (s) => s)));
    assert.ok(move < STABILITY_BOUNDS.variantSuffix, `moved by ${move.toFixed(3)} points`);
  });

  it(`moves by less than ${STABILITY_BOUNDS.whitespace} point under whitespace changes in the texts`, async () => {
    const trailing = await maxMove((o) => JSON.stringify(mapTexts(o, (s) => s + '  ', (s) => s.replace(/\n/g, '  \n') + '\n')));
    const crlf = await maxMove((o) => JSON.stringify(mapTexts(o, (s) => s.replace(/\n/g, '\r\n'), (s) => s.replace(/\n/g, '\r\n'))));
    assert.ok(trailing < STABILITY_BOUNDS.whitespace, `trailing whitespace moved the score by ${trailing.toFixed(3)} points`);
    assert.ok(crlf < STABILITY_BOUNDS.whitespace, `CRLF line endings moved the score by ${crlf.toFixed(3)} points`);
  });

  it('does not move when the JSON line is laid out differently or its keys reordered', async () => {
    const spaced = await maxMove((o) => JSON.stringify(o).replace(/":"/g, '": "').replace(/","/g, '", "').replace(/\},\{/g, '}, {'));
    const reordered = await maxMove((o) => JSON.stringify(reverseKeys(o)));
    assert.equal(spaced, STABILITY_BOUNDS.jsonLayout);
    assert.equal(reordered, STABILITY_BOUNDS.jsonLayout);
  });
});
