// What the user sees of the scores: the decorations, the score hover and the status-bar summary (the commands that
// move between low lines and show the summary are commands/scoreNavigation.ts). Reads each dataset's score column;
// never waits for the engine.
import * as vscode from 'vscode';
import type { ConfigSource } from '../config';
import { ScoreDecorations, type RenderedDecorations } from './decorations';
import { scoreHoverMarkdown } from './hoverText';
import { responseWindowIn } from '../hygiene/hygieneService';
import { linePairs } from '../../core/linePairs';
import { lowerBound } from '../../core/scores';
import type { LiveScorer, RequestCounts } from '../scoring/liveScorer';
import type { EngineHost } from '../scoring/engineHost';
import { registerScoringProgress } from '../scoring/scoringProgress';
import { registerScoreNavigation } from '../commands/scoreNavigation';
import type { Datasets } from '../documents/datasets';
import type { ScarStatusBar } from './statusBar';
import type { ScoreStatus } from './statusText';
import type { TaskTimings } from '../probe';
import { t } from '../../core/l10n';

/** Commands whose links the score hover may carry. */
export const HOVER_COMMANDS = ['scar.nextLowLine', 'scar.previousLowLine', 'scar.showScoreSummary', 'scar.clearScores', 'scar.selectTop', 'scar.chooseModel', 'scar.showRecord', 'scar.openOverview'];

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
  /**
   * Live scoring's engine requests for one document: sent, settled (answered, failed or cancelled), lines sent, and of
   * those the lines sent by the background pass.
   */
  engineRequests(uri: vscode.Uri): RequestCounts;
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

  // What the ranker reads of a response, from its model folder (read once per folder).
  let windowOf: { dir: string; window: { tokens: number; statistics?: number } } | undefined;
  const responseWindow = (): { tokens: number; statistics?: number } => {
    const dir = engine.modelDir;
    if (windowOf?.dir !== dir) windowOf = { dir, window: responseWindowIn(dir) };
    return windowOf.window;
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
        responseWindow: responseWindow(),
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
    ...registerScoreNavigation(scorer, config, engine),
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
