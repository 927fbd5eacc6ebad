// The score hover in the real VS Code, through vscode.executeHoverProvider: score, percentile, rank and band, the
// two components against the file's medians with a reading, the pair's texts and fields, and the command links.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { loadCalibration } from '../../src/core/calibration';
import { scoreScale } from '../../src/extension/scoring/scoreScale';
import { modelsDir } from '../util/paths';

const scale = scoreScale(loadCalibration(modelsDir));
import { closeAllEditors, openAnalysed, workspaceUri } from '../util/scarExtension';
import { clearAllScores, cliScores, fullApi, liveScoringOn, settledBadges } from '../util/scoreView';

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n---\n');
}

describe('score hover', function () {
  this.timeout(60000);
  let restore: () => Promise<void>;
  before(async () => { restore = await liveScoringOn(); });
  after(async () => { await restore(); await clearAllScores(); });
  afterEach(async () => { await closeAllEditors(); });

  it('explains the best line of problems.jsonl: score, percentile, rank, components, texts, links', async () => {
    const expected = await cliScores(workspaceUri('problems.jsonl').fsPath);
    const scored = [...expected.values()].filter((l) => l.score !== null).sort((a, b) => b.score! - a.score!);
    const best = scored[0];
    const worst = scored[scored.length - 1];
    const { doc, editor } = await openAnalysed('problems.jsonl');
    await settledBadges(await fullApi(), editor);

    const top = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(best.line - 1, 5)));
    assert.ok(top.includes(`**SCAR ▲ ${scale.text(best.score!, true)} / 100** style score`), top);
    assert.ok(top.includes(`Raw score ${best.score!.toFixed(2)} = composition ${best.composition!.toFixed(2)} + presentation ${best.presentation!.toFixed(2)}.`), top);
    assert.match(top, /_Style score 0–100: the chance, in percent, that an answer scoring this was written by a strong instruction-tuned assistant rather than a person/);
    assert.ok(top.includes(`high band · top 1% (percentile 100) · rank 1 of ${scored.length}`), top);
    assert.match(top, /\| Composition \| -?\d+\.\d\d \| -?\d+\.\d\d \| [+−]\d+\.\d\d \|/);
    assert.ok(top.includes(`| Composition | ${best.composition!.toFixed(2)} |`), 'the line\'s own composition');
    assert.ok(top.includes(`| Presentation | ${best.presentation!.toFixed(2)} |`), 'the line\'s own presentation');
    assert.match(top, /\*\*Presentation (pulls it down|lifts it|is about typical)/);
    assert.match(top, /\*\*Composition (pulls it down|lifts it|is about typical)/);
    const pairLine = JSON.parse(doc.lineAt(best.line - 1).text) as { conversations: Array<{ value: string }> };
    assert.ok(top.includes('**Instruction** `conversations[0].value`'), top);
    assert.ok(top.includes('**Response** `conversations[1].value`'), top);
    const firstWords = pairLine.conversations[0].value.split(' ').slice(0, 2).join(' ');
    assert.ok(top.includes(firstWords), `the instruction's text "${firstWords}"`);
    assert.ok(top.includes(`command:scar.nextLowLine?${encodeURIComponent(JSON.stringify([best.line]))}`), 'a link to the next low line from this line');

    const bottom = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(worst.line - 1, 5)));
    assert.ok(bottom.includes(`low band · bottom 1% (percentile 0) · rank ${scored.length} of ${scored.length}`), bottom);
  });

  it('says when a response is longer than the ranker reads (dupes.jsonl line 8: 564 tokens), and not otherwise', async () => {
    const { doc, editor } = await openAnalysed('dupes.jsonl');
    await settledBadges(await fullApi(), editor);
    const long = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(7, 5)));
    assert.ok(long.includes('✂ **Cut for scoring:** this response has 564 tokens; the ranker reads the first 512 (its style statistics the first 1,024), and the rest does not count in the score.'), long);
    const short = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 5)));
    assert.ok(short.includes('**SCAR') && !short.includes('Cut for scoring'), short);
  });

  it('adds no score hover on a line without a pair', async () => {
    const { doc, editor } = await openAnalysed('problems.jsonl');
    await settledBadges(await fullApi(), editor);
    const text = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(7, 5)));
    assert.ok(!text.includes('**SCAR'), text);
  });
});
