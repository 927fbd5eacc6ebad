// The one place the record view and the dataset overview read a document's state from: a narrow, read-only view of
// its lines, pairs, problems, scores and hygiene findings, and one change event that says what changed (the line
// analysis after an edit, the scores, the hygiene findings). The views keep no document state of their own beyond
// the page or line the user is looking at; everything else is asked for here when drawn.
// It reads the per-document Dataset store (src/extension/documents/: analysis, scoring and hygiene columns) and maps
// its change event; the live scorer places a score (percentile, rank) and the hygiene service runs a check on demand.
import * as vscode from 'vscode';
import { linePairs, type LinePairs } from '../../core/linePairs';
import type { DuplicateCluster, HygieneFinding, HygieneKind } from '../../core/types';
import type { ConfigSource } from '../config';
import { isJsonlDocument, type Datasets } from '../documents/datasets';
import type { ScoringState } from '../documents/scoringState';
import type { HygieneService } from '../hygiene/hygieneService';
import type { CutCleaning } from '../../core/overviewTypes';
import type { LiveScorer } from '../scoring/liveScorer';
import type { ScoreScale } from '../scoring/scoreScale';

/** edited: the text changed (the columns followed; the analysis of the edited lines follows as 'analysis'). */
export type DatasetChangeKind = 'edited' | 'analysis' | 'scores' | 'hygiene';

export interface DatasetChange {
  uri: vscode.Uri;
  kind: DatasetChangeKind;
}

/** Where a scored line stands in its file. */
export interface LineScore {
  raw: number;
  composition: number;
  presentation: number;
  percentile: number;
  rank: number;
  of: number;
}

/** A document's hygiene findings, for its current text. */
export interface DatasetHygiene {
  /** The findings on a 1-based line. */
  onLine(line: number): HygieneFinding[];
  /** 1-based lines with a finding of any of these kinds. */
  linesOf(kinds: readonly HygieneKind[]): number[];
  readonly exactGroups: readonly DuplicateCluster[];
  readonly nearClusters: readonly DuplicateCluster[];
}

/** A read-only view of one open JSONL document's state, valid for its current version. */
export interface DatasetDocument {
  readonly document: vscode.TextDocument;
  readonly version: number;
  readonly lineCount: number;
  lineText(index: number): string;
  /** Blank (empty or white space); from the line analysis when it is current, else from the text. */
  isBlank(index: number): boolean;
  /** The line's problem (parse error or no pair) as the line analysis says it, when current. */
  problem(index: number): string | undefined;
  /** The pairs the line yields under the current adapter settings (parsed now). */
  pairs(index: number): LinePairs;
  /** The raw score of a line, NaN when it has none (blank, no pair, or not scored yet). */
  scoreAt(index: number): number;
  /** A scored line's place in the file; undefined while it has no score. */
  scoreOf(index: number): LineScore | undefined;
  /** True when the line has no score yet but will get one (it is waiting for the engine). */
  pending(index: number): boolean;
  scoring(): { percent: number; complete: boolean; scored: number };
  componentMedians(): { composition: number; presentation: number };
  /** The next line (0-based) below the low band from `from` in `dir`, wrapping; undefined when none. */
  nextLow(from: number, dir: 1 | -1): number | undefined;
  hygiene(): DatasetHygiene | undefined;
  /** How the file's hygiene findings relate to the cleaning "Select top" runs (hygieneService selectionCleaningState). */
  selectionCleaning(): CutCleaning;
}

export interface DatasetSource extends vscode.Disposable {
  /** The document's state, or undefined when it is not a tracked JSONL document. */
  get(document: vscode.TextDocument): DatasetDocument | undefined;
  readonly onDidChange: vscode.Event<DatasetChange>;
  /** Asks for the document's scores (live scoring scores it in the background; the event says when they arrive). */
  requestScores(document: vscode.TextDocument): void;
  /** Asks for the document's hygiene findings now (a check when they are not current for its text and scores). */
  requestHygiene(document: vscode.TextDocument): void;
  scale(): ScoreScale;
  bandCuts(): { high: number; low: number };
}

/** The DatasetSource over the Datasets store (documents/): its columns and its one change event. */
export class StoreDatasetSource implements DatasetSource {
  private readonly changed = new vscode.EventEmitter<DatasetChange>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly datasets: Datasets,
    private readonly scorer: LiveScorer,
    private readonly hygieneService: () => HygieneService | undefined,
    private readonly config: ConfigSource,
  ) {
    this.subscriptions = [
      this.changed,
      datasets.onDidChange((c) => {
        switch (c.kind) {
          case 'analysis': if (c.done) this.changed.fire({ uri: c.dataset.uri, kind: 'analysis' }); return;
          case 'edited': this.changed.fire({ uri: c.dataset.uri, kind: 'edited' }); return;
          case 'scores': this.changed.fire({ uri: c.dataset.uri, kind: 'scores' }); return;
          case 'hygiene': this.changed.fire({ uri: c.dataset.uri, kind: 'hygiene' }); return;
          case 'settings':
            for (const d of datasets.all()) this.changed.fire({ uri: d.uri, kind: c.adapter ? 'analysis' : 'scores' });
            return;
          default: return;
        }
      }),
    ];
  }

  scale(): ScoreScale {
    return this.scorer.scale();
  }

  bandCuts(): { high: number; low: number } {
    const s = this.config.current.scores;
    return { high: s.bandHigh, low: s.bandLow };
  }

  requestScores(document: vscode.TextDocument): void {
    const st = this.datasets.get(document)?.scoring;
    if (!st || (!st.complete && st.mode === 'off')) this.scorer.request(document);
  }

  requestHygiene(document: vscode.TextDocument): void {
    // ensure() checks only when the findings are older than the text, the scores or the settings, and joins a
    // check that is already running: asking again costs nothing.
    void this.hygieneService()?.ensure(document);
  }

  get(document: vscode.TextDocument): DatasetDocument | undefined {
    if (document.isClosed || !isJsonlDocument(document)) return undefined;
    const dataset = this.datasets.get(document);
    if (!dataset) return undefined;
    const scorer = this.scorer;
    const config = this.config;
    const analysis = dataset.analysis.isCurrent ? dataset.analysis : undefined;
    const scoring = (): ScoringState | undefined => {
      const st = dataset.scoring;
      return st.table.lineCount === document.lineCount ? st : undefined;
    };
    return {
      document,
      version: document.version,
      lineCount: document.lineCount,
      lineText: (i) => document.lineAt(i).text,
      isBlank: (i) => {
        const info = analysis?.model.lineInfo(i);
        return info ? info.blank : document.lineAt(i).isEmptyOrWhitespace;
      },
      problem: (i) => analysis?.model.lineInfo(i)?.problem?.message,
      pairs: (i) => linePairs(document.lineAt(i).text, i + 1, config.current.adapter),
      scoreAt: (i) => scoring()?.table.scoreAt(i) ?? NaN,
      scoreOf: (i) => {
        const st = scoring();
        if (!st) return undefined;
        const e = st.table.get(i, document.lineAt(i).text);
        if (!e || e.score === undefined) return undefined;
        const place = scorer.placeOf(document, e.score);
        if (!place) return undefined;
        return { raw: e.score, composition: e.composition ?? NaN, presentation: e.presentation ?? NaN, percentile: place.percentile, rank: place.rank, of: place.of };
      },
      pending: (i) => {
        const st = scoring();
        return !!st && !st.table.has(i) && st.mode !== 'off' && st.error === undefined;
      },
      scoring: () => {
        const st = scoring();
        if (!st) return { percent: 0, complete: false, scored: 0 };
        return { percent: st.percentDone, complete: st.complete, scored: st.table.stats().scored };
      },
      componentMedians: () => scoring()?.table.componentMedians() ?? { composition: NaN, presentation: NaN },
      nextLow: (from, dir) => scoring()?.table.nextLow(from, dir, config.current.scores.bandLow),
      selectionCleaning: () => {
        const { dedup, languageFilter } = config.current.selection;
        return this.hygieneService()?.selectionCleaningState(document, { dedup, languageFilter }) ?? (dedup || languageFilter ? 'separate' : 'none');
      },
      hygiene: () => {
        const snap = dataset.hygiene.currentFor(document.version);
        if (!snap) return undefined;
        return {
          onLine: (line) => snap.findings.onLine(line),
          linesOf: (kinds) => snap.findings.linesOf(kinds),
          exactGroups: snap.exactGroups,
          nearClusters: snap.nearClusters,
        };
      },
    };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
