// "SCAR: Go to next/previous low-scoring line" and "SCAR: Show score summary" (the ten-bin distribution of the style
// score, the quartiles, the share above scar.selection.threshold, and actions). Read the active document's score
// column; never wait for the engine.
import * as path from 'path';
import * as vscode from 'vscode';
import { t } from '../../core/l10n';
import type { ConfigSource } from '../config';
import type { EngineHost } from '../scoring/engineHost';
import type { LiveScorer } from '../scoring/liveScorer';
import { topShare } from '../surfaces/badgeText';
import { scoreStatusOf } from '../surfaces/scoreView';
import { formatCount } from '../surfaces/statusText';

function fileName(doc: vscode.TextDocument): string {
  return path.basename(doc.uri.fsPath || doc.uri.path);
}

export function registerScoreNavigation(scorer: LiveScorer, config: ConfigSource, engine: EngineHost): vscode.Disposable[] {
  const jsonlEditor = (what: string): vscode.TextEditor | undefined => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== 'jsonl') {
      void vscode.window.showWarningMessage(t('SCAR Lens: open a JSON Lines (.jsonl) file to {0}.', what));
      return undefined;
    }
    return editor;
  };

  /** Moves the cursor to the next/previous low line; returns the 1-based line, or undefined. */
  const goToLow = (dir: 1 | -1, fromLine?: number): number | undefined => {
    const editor = jsonlEditor(t('go to its low-scoring lines'));
    if (!editor) return undefined;
    const doc = editor.document;
    const st = scorer.state(doc);
    const s = config.current.scores;
    if (!st || st.table.stats().scored === 0) {
      void vscode.window.showInformationMessage(t('SCAR Lens: {0} has no scores yet; run "SCAR: Score current file".', fileName(doc)));
      return undefined;
    }
    const from = typeof fromLine === 'number' ? fromLine - 1 : editor.selection.active.line;
    const target = st.table.nextLow(from, dir, s.bandLow);
    if (target === undefined) {
      void vscode.window.showInformationMessage(t('SCAR Lens: No low-scoring lines (below percentile {0}) in {1}.', s.bandLow, fileName(doc)));
      return undefined;
    }
    const pos = new vscode.Position(target, 0);
    editor.selection = new vscode.Selection(pos, pos);
    editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    const e = st.table.entry(target)!;
    const pct = st.table.percentileOf(e.score!);
    const wrapped = dir === 1 ? target <= from : target >= from;
    const partial = st.complete ? '' : t(' (scoring {0}% done)', st.percentDone);
    const scale = scorer.scale();
    vscode.window.setStatusBarMessage(
      t('SCAR: line {0} — {1} {2}, {3}{4}{5}', formatCount(target + 1), scale.noun, scale.text(e.score!), topShare(pct), wrapped ? t(', wrapped around') : '', partial),
      5000,
    );
    return target + 1;
  };

  const showSummary = async (): Promise<void> => {
    const editor = jsonlEditor(t('see its score summary'));
    if (!editor) return;
    const doc = editor.document;
    const st = scorer.state(doc);
    const status = scoreStatusOf(scorer, config, doc);
    if (!st || !status || status.state !== 'done') {
      void vscode.window.showInformationMessage(st && !st.complete && st.mode !== 'off'
        ? t('SCAR Lens: {0} is not scored yet ({1}% done).', fileName(doc), st.percentDone)
        : t('SCAR Lens: {0} is not scored yet.', fileName(doc)));
      return;
    }
    const s = config.current.scores;
    const scale = scorer.scale();
    const sorted = st.table.sortedScores();
    // Ten bins on the shown scale: 0-10, ..., 90-100 for the style score; equal widths between the lowest and the
    // highest score for a raw one.
    const shown = Float64Array.from(sorted, (v) => scale.shown(v));
    const bins = scale.calibrated ? 10 : 5;
    const min = scale.calibrated ? 0 : shown[0];
    const max = scale.calibrated ? 100 : shown[shown.length - 1];
    const width = (max - min) / bins || 1;
    const counts = new Array<number>(bins).fill(0);
    for (const v of shown) counts[Math.max(0, Math.min(bins - 1, Math.floor((v - min) / width)))]++;
    const most = Math.max(...counts);
    const edge = (x: number) => scale.textOfShown(scale.calibrated ? x : Math.round(x * 100) / 100);
    type Item = vscode.QuickPickItem & { run?: () => unknown };
    const items: Item[] = [];
    items.push({ label: t('Distribution of the {0}', scale.noun), kind: vscode.QuickPickItemKind.Separator });
    for (let b = bins - 1; b >= 0; b--) {
      const bar = '█'.repeat(Math.round((12 * counts[b]) / Math.max(1, most))) || '▏';
      items.push({ label: t('{0} to {1}', edge(min + b * width), edge(min + (b + 1) * width)), description: t('{0} {1}', bar, formatCount(counts[b])) });
    }
    const tableCounts = st.table.stats();
    items.push({ label: t('Summary'), kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: t('median {0}', status.median), description: t('middle half {0} to {1} · {2} lines scored, {3} without a pair', status.p25, status.p75, formatCount(tableCounts.scored), formatCount(tableCounts.errors)) });
    items.push({ label: t('{0}% ≥ {1}', Math.round(100 * status.shareAbove), status.threshold), description: t('scar.selection.threshold ({0})', scale.noun) });
    items.push({ label: scale.calibrated ? t('What the style score means') : t('What the raw score means'), detail: scale.meaning });
    items.push({ label: t('Actions'), kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: t('$(arrow-down) Go to next low-scoring line'), description: t('below percentile {0}', s.bandLow), run: () => goToLow(1) });
    items.push({ label: t('$(filter) Select top style-consistent examples…'), run: () => vscode.commands.executeCommand('scar.selectTop') });
    items.push({ label: t('$(warning) Open the Problems panel'), run: () => vscode.commands.executeCommand('workbench.actions.view.problems') });
    const model = engine.model?.modelName;
    items.push({ label: t('$(symbol-class) Choose ranker model…'), description: model ? t('scored by {0}', model) : undefined, run: () => vscode.commands.executeCommand('scar.chooseModel') });
    const pick = await vscode.window.showQuickPick(items, { title: t('SCAR scores of {0} · {1} lines{2}', fileName(doc), formatCount(tableCounts.scored), model ? t(' · scored by {0}', model) : ''), placeHolder: t('The distribution of scores; pick an action') });
    await pick?.run?.();
  };

  return [
    vscode.commands.registerCommand('scar.nextLowLine', (line?: number) => goToLow(1, line)),
    vscode.commands.registerCommand('scar.previousLowLine', (line?: number) => goToLow(-1, line)),
    vscode.commands.registerCommand('scar.showScoreSummary', showSummary),
  ];
}
