// Score decorations in the real VS Code: what each line of problems.jsonl shows (band, score and share, checked
// against an independent `scar score` run), the problem badges, the formats and positions, review mode and the
// overview-ruler marks.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllEditors, openAnalysed, setScarSettings, waitUntil, workspaceUri } from '../util/scarExtension';
import { badgeOf, clearAllScores, cliScores, fullApi, liveScoringOn, settledBadges, type CliLine } from '../util/scoreView';
import { loadCalibration } from '../../src/core/calibration';
import { scoreScale } from '../../src/extension/scoring/scoreScale';
import { modelsDir } from '../util/paths';

/** The scale the badges show: the bundled ranker's 0-100 style score. */
const scale = scoreScale(loadCalibration(modelsDir));

/** The band a CLI percentile falls in with the default cut-offs (high >= 75, low < 25). */
function band(p: number): string {
  return p >= 75 ? 'high' : p < 25 ? 'low' : 'mid';
}

describe('score decorations', function () {
  this.timeout(60000);
  let restore: () => Promise<void>;
  let expected: Map<number, CliLine>;
  before(async () => {
    restore = await liveScoringOn();
    expected = await cliScores(workspaceUri('problems.jsonl').fsPath);
  });
  after(async () => { await restore(); await clearAllScores(); });
  afterEach(async () => { await closeAllEditors(); });

  it('badges every line of problems.jsonl with its band, score and share of the file, and problems with their reason', async () => {
    const { editor } = await openAnalysed('problems.jsonl');
    const api = await fullApi();
    const r = await settledBadges(api, editor);
    for (const [line, cli] of expected) {
      const b = badgeOf(r, line);
      assert.ok(b, `line ${line} has a badge`);
      if (cli.score === null) {
        assert.equal(b.kind, 'problem', `line ${line}`);
        assert.ok(b.text.startsWith('⚠ '), `line ${line}: ${b.text}`);
        assert.ok(cli.error!.startsWith(b.text.slice(2).trimEnd().replace(/…$/, '')), `line ${line}: "${b.text}" begins "${cli.error}"`);
      } else {
        assert.equal(b.kind, band(cli.percentile!), `line ${line} (percentile ${cli.percentile})`);
        const symbol = { high: '▲', mid: '●', low: '▼' }[b.kind];
        // "top k%" rounds up: the line is within the top k% of the file
        const above = 100 - cli.percentile!;
        const share = above <= 50 ? `top ${Math.max(1, Math.ceil(above - 1e-9))}%` : `bottom ${Math.max(1, Math.ceil(cli.percentile! - 1e-9))}%`;
        const want = `${symbol} ${scale.text(cli.score).padStart(3)} · ${share.padEnd(10)}`;
        assert.equal(b.text, want, `line ${line}`);
        assert.ok(cli.style !== null && Math.abs(Number(scale.text(cli.score, true)) - cli.style) <= 0.051, `line ${line}: the CLI's style ${cli.style}`);
      }
    }
    assert.equal(badgeOf(r, 8)?.text, '⚠ no assistant tu…');
    const widths = new Set(Object.values(r.badges).flat().map((b) => b.text.length));
    assert.deepEqual([...widths], [18], 'every badge has the same width');
  });

  it('a selection\'s editor shows where each line stood in its source; an output file on disk shows no percentile', async () => {
    const { editor: source } = await openAnalysed('problems.jsonl');
    const api = await fullApi();
    await settledBadges(api, source);
    const sourceBadges = api.renderedDecorations(source)!;
    const result = (await vscode.commands.executeCommand('scar.selectTop', { criterion: 'top-k', value: 3, output: 'untitled' })) as { untitled: string; lines: number[] };
    const selection = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === result.untitled)!;
    assert.ok(selection, 'the selection is open');
    const r = await settledBadges(api, selection);
    result.lines.forEach((sourceLine, k) => {
      // the same badge as in the source: its score and its share of the SOURCE file (the selection's best is not re-ranked)
      assert.equal(badgeOf(r, k + 1)?.text, badgeOf(sourceBadges, sourceLine)?.text, `selection line ${k + 1} = source line ${sourceLine}`);
    });
    const worstKept = badgeOf(r, result.lines.length)!;
    assert.doesNotMatch(worstKept.text, /bottom/, `the selection's last line is not "bottom" of anything: ${worstKept.text}`);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');

    // the same lines written to <name>.top.jsonl and opened: scores, no percentile
    const top = workspaceUri('problems-generated.top.jsonl');
    const lines = source.document.getText().split(/\r?\n/);
    await vscode.workspace.fs.writeFile(top, Buffer.from(result.lines.map((l) => lines[l - 1]).join('\n') + '\n'));
    try {
      await vscode.commands.executeCommand('vscode.open', top);
      const out = vscode.window.activeTextEditor!;
      const rendered = await settledBadges(api, out);
      for (let k = 1; k <= result.lines.length; k++) {
        const b = badgeOf(rendered, k)!;
        assert.match(b.text, /^● +(\d+|<1|>99) *$/, `output file line ${k}: ${b.text} (score only, neutral band)`);
        assert.equal(b.kind, 'mid');
        assert.equal(b.text.slice(1).trim(), badgeOf(sourceBadges, result.lines[k - 1])!.text.split(' · ')[0].slice(1).trim(), 'the same score as in the source');
      }
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(top);
    }
  });

  it('marks the low lines and the problems in the overview ruler', async () => {
    const { editor } = await openAnalysed('problems.jsonl');
    const api = await fullApi();
    await settledBadges(api, editor);
    const low = [...expected.values()].filter((l) => l.percentile !== null && l.percentile < 25).length;
    await waitUntil('ruler marks', () => {
      const r = api.renderedDecorations(editor)!;
      return r.ruler.low === low && r.ruler.problem === 2;
    });
  });

  it('follows the format and position settings, and review mode shows only the low lines', async () => {
    const { editor } = await openAnalysed('problems.jsonl');
    const api = await fullApi();
    await settledBadges(api, editor);
    const undo = await setScarSettings({ 'decorations.format': 'bar', 'decorations.position': 'after' });
    try {
      await waitUntil('bar badges', () => /^[▲●▼] [▮▯]{5}$/.test(badgeOf(api.renderedDecorations(editor)!, 1)?.text ?? ''));
      const best = [...expected.values()].filter((l) => l.score !== null).sort((a, b) => b.score! - a.score!)[0];
      assert.equal(badgeOf(api.renderedDecorations(editor)!, best.line)?.text, '▲ ▮▮▮▮▮');
      await setScarSettings({ 'decorations.format': 'score', 'decorations.reviewMode': true, 'decorations.reviewThreshold': 25 });
      const lowLines = [...expected.values()].filter((l) => l.percentile !== null && l.percentile < 25).map((l) => l.line).sort((a, b) => a - b);
      await waitUntil('review mode', () => {
        const r = api.renderedDecorations(editor)!;
        return r.badges.high.length === 0 && r.badges.mid.length === 0 && r.badges.low.map((b) => b.line).join() === lowLines.join();
      });
      const r = api.renderedDecorations(editor)!;
      assert.equal(r.badges.problem.length, 2, 'problems stay visible in review mode');
      assert.match(r.badges.low[0].text, /^▼ +(\d+|<1|>99)$/);
      // scar.decorations.rawScore: the raw score, 6 characters wide, as `scar score` gives it
      await setScarSettings({ 'decorations.rawScore': true });
      const lowest = [...expected.values()].filter((l) => l.score !== null && l.percentile! < 25).sort((a, b) => a.line - b.line)[0];
      await waitUntil('raw badges', () => /^▼ +-?\d+\.\d\d$/.test(badgeOf(api.renderedDecorations(editor)!, lowest.line)?.text ?? ''));
      assert.equal(badgeOf(api.renderedDecorations(editor)!, lowest.line)?.text, `▼ ${lowest.score!.toFixed(2).padStart(6)}`);
    } finally {
      await undo();
      await setScarSettings({ 'decorations.reviewMode': undefined, 'decorations.reviewThreshold': undefined, 'decorations.rawScore': undefined });
    }
  });

  it('draws nothing once the scores are cleared, and says so', async () => {
    const { editor } = await openAnalysed('problems.jsonl');
    const api = await fullApi();
    await settledBadges(api, editor);
    const cleared = await vscode.commands.executeCommand<boolean>('scar.clearScores');
    assert.equal(cleared, true);
    await waitUntil('no badges', () => Object.values(api.renderedDecorations(editor)!.badges).every((l) => l.length === 0));
    assert.equal(api.documentScores(editor.document.uri), undefined);
    assert.equal(api.liveScoring(editor.document.uri)?.mode, 'off');
    // Scoring again brings them back.
    await vscode.commands.executeCommand('scar.scoreFile');
    await settledBadges(api, editor);
  });
});
