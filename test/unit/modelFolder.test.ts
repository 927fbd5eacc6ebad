// src/core/modelFolder: what the model picker shows of a folder (name, kind, summary, card) and the checks of
// scar-model.json, field by field. The engine-level checks of broken folders are in officialModel.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cardSummary, describeModelFolder, parseOfficialMeta } from '../../src/core/modelFolder';
import { modelsDir } from '../util/paths';

const META = { kind: 'scar-official-onnx', name: 'scar-gte-base', id: 'x', onnx: 'model.onnx', maxLength: 512, padTokenId: 0 };

describe('model folders', () => {
  it('describes the bundled ranker from its model card', () => {
    const d = describeModelFolder(modelsDir);
    assert.equal(d.kind, 'bundled');
    assert.match(d.name, /scar-lens-ranker-2\.0/);
    assert.match(d.summary, /^A small style-consistency ranker/);
    assert.equal(d.card, path.join(modelsDir, 'MODEL_CARD.md'));
    assert.equal(d.error, undefined);
  });

  it('describes a broken folder with its error instead of throwing', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-folder-'));
    try {
      const d = describeModelFolder(dir);
      assert.equal(d.kind, undefined);
      assert.match(d.error!, /is not a model folder/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes a card\'s title and first paragraph, as plain text, cut at 300 characters', () => {
    assert.deepEqual(cardSummary('# My `ranker`\n\nIt **ranks**\npairs.\n\n## More\n'), { title: 'My ranker', summary: 'It ranks pairs.' });
    assert.equal(cardSummary(`# T\n\n${'word '.repeat(200)}`).summary.length, 300);
  });

  it('checks scar-model.json field by field, naming the file and the field', () => {
    assert.equal(parseOfficialMeta(JSON.stringify(META), 'f.json').name, 'scar-gte-base');
    const bad = (o: object, re: RegExp) => assert.throws(() => parseOfficialMeta(JSON.stringify({ ...META, ...o }), 'f.json'), re);
    bad({ kind: 'x' }, /f\.json: "kind" must be "scar-official-onnx"/);
    bad({ name: '' }, /"name" must be a non-empty string/);
    bad({ onnx: '../elsewhere.onnx' }, /"onnx" must name a file inside the model folder/);
    bad({ onnx: '/abs/model.onnx' }, /"onnx" must name a file inside the model folder/);
    bad({ maxLength: 1 }, /"maxLength" must be an integer between 2 and 8192/);
    bad({ padTokenId: -1 }, /"padTokenId" must be a non-negative integer/);
    bad({ variants: [{ file: 1 }] }, /"variants" must hold objects/);
    assert.throws(() => parseOfficialMeta('[]', 'f.json'), /expected a JSON object/);
  });
});
