// What the user sees of the scores: the decorations, the score hover, the status-bar summary, "Go to next/previous
// low-scoring line" and "Show score summary". Reads the live scorer's tables; never waits for the engine.
import * as path from 'path';
import * as vscode from 'vscode';
import { topShare } from './badgeText';
import type { ConfigSource } from '../config';
import { ScoreDecorations, type RenderedDecorations } from './decorations';
import { scoreHoverMarkdown } from './hoverText';
import { linePairs } from '../../core/linePairs';
import { lowerBound } from '../../core/scores';
import type { LiveScorer } from '../scoring/liveScorer';
import type { EngineHost } from '../scoring/engineHost';
import { registerScoringProgress } from '../scoring/scoringProgress';
import type { Datasets } from '../documents/datasets';
import type { ScarStatusBar } from './statusBar';
import { formatCount, type ScoreStatus } from './statusText';
import type { TaskTimings } from '../taskTimings';
import { t } from '../../core/l10n';

/** Commands whose links the score hover may carry. */
export const HOVER_COMMANDS = ['scar.nextLowLine', 'scar.previousLowLine', 'scar.showScoreSummary', 'scar.clearScores', 'scar.selectTop', 'scar.chooseModel', 'scar.showRecord', 'scar.openOverview'];

function fileName(doc: vscode.TextDocument): string {
  return path.basename(doc.uri.fsPath || doc.uri.path);
}

/** The status-bar view of a document's scores, or undefined when it is not being scored. */
export function scoreStatusOf(scorer: LiveScorer, config: ConfigSource, doc: vscode.TextDocument): ScoreStatus | undefined {
  const st = scorer.state(doc);
  if (!st) return undefined;
  if (st.error !== undefined) return { state: 'stopped', reason: st.error };
  if (!st.complete) return st.mode === 'off' ? undefined : { state: 'scoring', percent: st.percentDone };
  const sorted = st.table.sortedScores();
  if (sorted.length === 0) return undefined;
  const scale = scorer.scale();
  const rawThreshold = scorer.settingThresholdRaw(config.current.scores.threshold);
  const lo = lowerBound(sorted, rawThreshold);
  return {
    state: 'done',
    scored: sorted.length,
    median: scale.text(st.table.scoreAtPercentile(50)!),
    p25: scale.text(st.table.scoreAtPercentile(25)!),
    p75: scale.text(st.table.scoreAtPercentile(75)!),
    shareAbove: (sorted.length - lo) / sorted.length,
    threshold: scale.text(rawThreshold),
    noun: scale.noun,
  };
}

/** What the score view adds to the extension's API (tests and the editor benchmark read what the user sees). */
export interface ScoreViewApi {
  /** The badges an editor shows, as last set, per kind, with their text; undefined before the first draw. */
  renderedDecorations(editor: vscode.TextEditor): RenderedDecorations | undefined;
  /** Where live scoring of a document stands. */
  liveScoring(uri: vscode.Uri): { mode: string; percentDone: number; complete: boolean; startedAt: number; completedAt: number; error?: string } | undefined;
  /** Milliseconds of the latest engine requests of live scoring, from send to answer. */
  engineRoundTrips(): number[];
  /** Live scoring's engine requests for one document: sent, settled (answered, failed or cancelled), lines sent. */
  engineRequests(uri: vscode.Uri): { sent: number; settled: number; lines: number };
  /** The longest synchronous work of live scoring and drawing since the last reset (wall and CPU ms). */
  scoringTaskTimings(reset?: boolean): ReturnType<TaskTimings['snapshot']>;
}

export function registerScoreView(
  extension: vscode.ExtensionContext,
  config: ConfigSource,
  scorer: LiveScorer,
  statusBar: ScarStatusBar,
  engine: EngineHost,
  datasets: Datasets,
): { disposables: vscode.Disposable[]; decorations: ScoreDecorations; api: ScoreViewApi } {
  const decorations = new ScoreDecorations(extension, scorer, config, datasets);

  const changedDoc = new vscode.EventEmitter<vscode.TextDocument>();
  statusBar.useScores({
    statusOf: (doc) => scoreStatusOf(scorer, config, doc),
    onDidChange: changedDoc.event,
    summaryCommand: 'scar.showScoreSummary',
  });

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
      void vscode.window.showInformationMessage(t('SCAR Lens: {0} is not scored yet{1}.', fileName(doc), st && !st.complete && st.mode !== 'off' ? ` (${st.percentDone}% done)` : ''));
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

  const hover: vscode.HoverProvider = {
    provideHover(doc, position) {
      const st = scorer.state(doc);
      if (!st || st.table.lineCount !== doc.lineCount) return undefined;
      const text = doc.lineAt(position.line).text;
      const e = st.table.get(position.line, text);
      if (!e || e.score === undefined) return undefined; // blank, pending, or a problem (the diagnostics hover says it)
      const s = config.current.scores;
      const found = linePairs(text, position.line + 1, config.current.adapter);
      const scale = scorer.scale();
      const place = scorer.placeOf(doc, e.score)!;
      const md = scoreHoverMarkdown({
        line: position.line + 1,
        score: e.score,
        shown: { text: scale.text(e.score, true), noun: scale.noun, meaning: scale.meaning, calibrated: scale.calibrated },
        composition: e.composition ?? NaN,
        presentation: e.presentation ?? NaN,
        percentile: place.percentile,
        rank: place.rank,
        scored: place.of,
        source: place.source,
        placeShown: place.shown,
        medians: st.table.componentMedians(),
        cuts: { high: s.bandHigh, low: s.bandLow },
        pairs: 'pairs' in found ? found.pairs : [],
        model: engine.model?.modelName,
        commands: [
          { label: t('Show record'), id: 'scar.showRecord', args: [{ uri: doc.uri.toString(), line: position.line + 1 }] },
          { label: t('Next low line'), id: 'scar.nextLowLine', args: [position.line + 1] },
          { label: t('Previous low line'), id: 'scar.previousLowLine', args: [position.line + 1] },
          { label: t('Score summary'), id: 'scar.showScoreSummary' },
          { label: t('Select top…'), id: 'scar.selectTop' },
          { label: t('Dataset overview'), id: 'scar.openOverview' },
        ],
      });
      const markdown = new vscode.MarkdownString(md);
      markdown.isTrusted = { enabledCommands: HOVER_COMMANDS };
      return new vscode.Hover(markdown, doc.lineAt(position.line).range);
    },
  };

  const disposables: vscode.Disposable[] = [
    decorations,
    changedDoc,
    datasets.onDidChange((e) => { if (e.kind === 'scores' || e.kind === 'closed') changedDoc.fire(e.dataset.document); }),
    config.onDidChange(() => { const d = vscode.window.activeTextEditor?.document; if (d) changedDoc.fire(d); }),
    vscode.languages.registerHoverProvider({ language: 'jsonl' }, hover),
    vscode.commands.registerCommand('scar.nextLowLine', (line?: number) => goToLow(1, line)),
    vscode.commands.registerCommand('scar.previousLowLine', (line?: number) => goToLow(-1, line)),
    vscode.commands.registerCommand('scar.showScoreSummary', showSummary),
    ...registerScoringProgress(scorer, datasets),
  ];
  const api: ScoreViewApi = {
    renderedDecorations: (editor) => decorations.renderedIn(editor),
    engineRoundTrips: () => [...scorer.roundTrips],
    engineRequests: (uri) => scorer.requestsFor(uri),
    scoringTaskTimings: (reset) => {
      const s = scorer.timings.snapshot();
      if (reset) scorer.timings.reset();
      return s;
    },
    liveScoring: (uri) => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const st = doc && scorer.state(doc);
      return st && { mode: st.mode, percentDone: st.percentDone, complete: st.complete, startedAt: st.startedAt, completedAt: st.completedAt, error: st.error };
    },
  };
  return { disposables, decorations, api };
}
