// "SCAR: Score current file" in the real VS Code: the command scores the active JSONL file through the engine
// process, and the per-document store holds a score for each line with a pair and the reason for the others.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScoringApi, DocumentScores } from '../../src/extension/scoring/scoringService';
import { closeAllEditors, openAnalysed } from '../util/scarExtension';
import { clearAllScores } from '../util/scoreView';

describe('scoring', function () {
  this.timeout(60000);
  afterEach(async () => {
    await clearAllScores(); // later tests see the files as not scored
    await closeAllEditors();
  });

  it('scores the active file through the engine and keeps the results for its version', async () => {
    const { doc, api } = await openAnalysed('problems.jsonl');
    const scoring = api as unknown as ScoringApi;
    const result = (await vscode.commands.executeCommand('scar.scoreFile')) as DocumentScores | undefined;
    assert.ok(result, 'the command returned a result');
    assert.equal(result.version, doc.version);
    assert.equal(result.pairs, 9);
    assert.equal(result.lines.length, 11);
    const withScore = result.lines.filter((l) => l.score !== undefined);
    assert.equal(withScore.length, 9);
    for (const l of withScore) {
      assert.ok(Number.isFinite(l.score!) && l.percentile! >= 0 && l.percentile! <= 100);
      assert.ok(Math.abs(l.score! - (l.composition! + l.presentation!)) < 1e-4);
    }
    const errors = result.lines.filter((l) => l.error !== undefined).map((l) => l.index + 1);
    assert.deepEqual(errors, [4, 8]);
    assert.ok(result.summary && result.summary.count === 9);
    assert.equal(scoring.documentScores(doc.uri), result);

    // A second run on the same text is answered from the scores in hand, not the model.
    const before = await scoring.engineStats();
    assert.ok(before && before.pairsScored >= 9);
    const again = (await vscode.commands.executeCommand('scar.scoreFile')) as DocumentScores | undefined;
    assert.equal(again, result);
    // After "Clear scores" the engine's cache answers: no pair goes through the model again.
    await vscode.commands.executeCommand('scar.clearScores');
    const third = (await vscode.commands.executeCommand('scar.scoreFile')) as DocumentScores | undefined;
    assert.deepEqual(third!.lines, result.lines);
    const after = await scoring.engineStats();
    assert.equal(after!.pairsScored, before!.pairsScored);
    assert.ok(after!.cacheHits >= before!.cacheHits + 9);
  });

  it('scores each schema of the workspace', async () => {
    for (const [name, pairs] of [['alpaca.jsonl', 5], ['sharegpt.jsonl', 5], ['openai-chat.jsonl', 4]] as const) {
      await openAnalysed(name);
      const result = (await vscode.commands.executeCommand('scar.scoreFile')) as DocumentScores | undefined;
      assert.equal(result?.pairs, pairs, name);
    }
  });
});
