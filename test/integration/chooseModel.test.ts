// "SCAR: Choose Ranker Model…" in the real VS Code: switching the open file's scores from the bundled ranker to a
// folder of the official kind (a tiny random model built for the test by test/fixtures/official/make_tiny_scar.py)
// and back. The choice lands in the user's settings only (scar.modelPath is machine-scoped: a workspace cannot set
// it); the engine restarts with the new model; the open file is scored again, with the scores the CLI gives with
// --model; the hover names the model. A broken folder is refused with the missing piece and changes nothing.
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { closeAllEditors, openAnalysed, setScarSettings, waitUntil, workspaceUri } from '../util/scarExtension';
import { clearAllScores, cliScores, fullApi, liveScoringOn, settledBadges, type FullApi } from '../util/scoreView';
import { buildTinyOfficialModel } from '../util/tinyOfficialModel';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n---\n');
}

/** The open document's line scores (1-based line -> raw score), once its scoring is complete. */
function docScores(api: FullApi, uri: vscode.Uri): Map<number, number> {
  const s = api.documentScores(uri);
  assert.ok(s, 'the document is scored');
  return new Map(s.lines.filter((l) => l.score !== undefined).map((l) => [l.index + 1, l.score!]));
}

/** Waits until the extension's engine has loaded the named model. */
async function waitForModel(api: FullApi, name: string, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen: string | undefined;
  while ((seen = (await api.engineStats().catch(() => undefined))?.modelName) !== name) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for the engine to load ${name} (it has ${seen ?? 'none'})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('choosing the ranker model', function () {
  this.timeout(120000);
  let tmp: string;
  let tiny: string;
  let restore: () => Promise<void>;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-choose-'));
    tiny = buildTinyOfficialModel({}, tmp);
    restore = await liveScoringOn();
    const undo = await setScarSettings({ modelPath: undefined });
    const previous = restore;
    restore = async () => { await undo(); await previous(); };
  });
  after(async () => {
    await restore();
    await clearAllScores();
    await closeAllEditors();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('switches the open file to an official-kind model folder and back, rescoring it each time', async () => {
    const file = workspaceUri('alpaca.jsonl');
    const { doc, editor } = await openAnalysed('alpaca.jsonl');
    const api = await fullApi();
    // The first scoring of the run starts the engine (a busy 2-core machine may take a while).
    await settledBadges(api, editor, 60000).catch((e: Error) => {
      throw new Error(`${e.message}; live scoring: ${JSON.stringify(api.liveScoring(doc.uri))}`);
    });
    assert.equal((await api.engineStats())?.modelName, 'scar-lens-ranker-2.0');
    const bundledScores = docScores(api, doc.uri);
    const line = [...bundledScores.keys()][0];
    const hover = async () => hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(line - 1, 5)));
    assert.ok((await hover()).includes('Scored by `scar-lens-ranker-2.0`'), await hover());

    // Switch to the tiny official-kind model.
    const chosen = await vscode.commands.executeCommand<string | undefined>('scar.chooseModel', tiny);
    assert.equal(chosen, tiny);
    const inspected = vscode.workspace.getConfiguration('scar').inspect<string>('modelPath');
    assert.equal(inspected?.globalValue, tiny, 'written to the user settings');
    assert.equal(inspected?.workspaceValue, undefined, 'never to the workspace');
    await waitForModel(api, 'tiny-scar');
    await waitUntil('the file scored again with tiny-scar', () => {
      const s = api.liveScoring(doc.uri)?.complete ? api.documentScores(doc.uri) : undefined;
      return !!s && s.lines.some((l) => l.score !== undefined && l.score !== bundledScores.get(l.index + 1));
    }, 60000);
    await settledBadges(api, editor, 60000);
    const tinyScores = docScores(api, doc.uri);
    const expected = await cliScores(file.fsPath, ['--model', tiny]);
    assert.equal(tinyScores.size, [...expected.values()].filter((l) => l.score !== null).length);
    for (const [n, s] of tinyScores) {
      const cli = expected.get(n)!.score!;
      assert.ok(Math.abs(s - cli) < 1e-4, `line ${n}: editor ${s} vs scar score --model ${cli}`);
      assert.notEqual(s, bundledScores.get(n), `line ${n} was scored again`);
    }
    const h = await hover();
    assert.ok(h.includes('Scored by `tiny-scar`'), h);
    assert.ok(h.includes('reports only its overall score'), h);
    assert.ok(h.includes('raw score') && !h.includes('/ 100'), 'no calibration for this model: the raw score, labelled as such');

    // A broken folder is refused: the setting and the scores stay.
    const broken = path.join(tmp, 'broken');
    fs.cpSync(tiny, broken, { recursive: true });
    fs.rmSync(path.join(broken, 'tokenizer.json'));
    assert.equal(await vscode.commands.executeCommand('scar.chooseModel', broken), undefined);
    assert.equal(vscode.workspace.getConfiguration('scar').inspect<string>('modelPath')?.globalValue, tiny);

    // Back to the bundled ranker ('' = bundled): the user value is removed and the first scores come back.
    assert.equal(await vscode.commands.executeCommand('scar.chooseModel', ''), '');
    assert.equal(vscode.workspace.getConfiguration('scar').inspect<string>('modelPath')?.globalValue, undefined);
    await waitUntil('the bundled scores to come back', () => {
      const s = api.liveScoring(doc.uri)?.complete ? api.documentScores(doc.uri) : undefined;
      return !!s && s.lines.every((l) => l.score === undefined || Math.abs(l.score - bundledScores.get(l.index + 1)!) < 1e-6);
    }, 60000);
    await waitForModel(api, 'scar-lens-ranker-2.0');
  });

  it('scar.modelPath is machine-scoped: a workspace cannot set it', async () => {
    await assert.rejects(
      Promise.resolve(vscode.workspace.getConfiguration('scar').update('modelPath', tiny, vscode.ConfigurationTarget.Workspace)),
      /modelPath/,
    );
    assert.equal(vscode.workspace.getConfiguration('scar').inspect<string>('modelPath')?.workspaceValue, undefined);
  });
});
