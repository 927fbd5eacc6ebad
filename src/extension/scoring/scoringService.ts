// Scoring in the editor: live scoring (liveScorer.ts) behind a small service, "SCAR: Score current file" and
// "SCAR: Clear scores".
//
// API FOR OTHER FEATURES (stable; engineer H1 owns this module): every Feature gets `ctx.scoring`, a ScoringService:
//   ctx.scoring.ensureScored(document, token?) -> Promise<DocumentScores>
//       Scores the whole CURRENT version of a JSONL document, reusing every score already known (live scoring and
//       the engine's cache), with a cancellable notification when it takes long. Rejects with CancelledError (from
//       '../engine/client') when the token or the user cancels, with Error for a non-JSONL document.
//   ctx.scoring.scoresFor(document) -> DocumentScores | undefined
//       The scores of the document's current version when every line is scored; undefined otherwise. Never stale.
//   ctx.scoring.lineScoresFor(document) -> Float64Array | undefined
//       The same scores as one number per document line (NaN for a blank line or a line without a pair), when every
//       line is scored; the same array object until the scores change, so it can be compared by identity. Cheap:
//       no object per line, for listeners that run on every change.
//   ctx.scoring.onDidChangeScores(uri => ...)  fires when a document's scores change (or are cleared).
// DocumentScores.lines holds the NON-BLANK lines in document order (0-based `index`), each with its score,
// components and percentile, or the `error` that says why the line has no pair.
import * as path from 'path';
import * as vscode from 'vscode';
import { CancelledError } from '../../engine/client';
import type { EngineStats } from '../../engine/protocol';
import { isJsonlDocument, type Datasets } from '../documents/datasets';
import type { ScarContext } from '../context';
import { withCancellableProgress } from '../progress';
import { EngineHost } from './engineHost';
import { LiveScorer } from './liveScorer';
import type { ScoringState } from '../documents/scoringState';
import { documentScoresOf, type DocumentScores } from '../documents/documentScores';

export { EngineHost } from './engineHost';
import type { ScoreScale } from './scoreScale';
import { t } from '../../core/l10n';
export { documentScoresOf, type DocumentScores, type LineScore } from '../documents/documentScores';

const fmt = (n: number): string => n.toLocaleString('en-US');

/** The summary message, e.g. "Scored 9,998 pairs in 3.2 s — median style score 41, 2 lines without a pair". */
export function scoringMessage(result: DocumentScores, scale: ScoreScale): string {
  const without = result.lines.filter((l) => l.error !== undefined).length;
  const seconds = (result.durationMs / 1000).toFixed(1);
  return (result.pairs === 1 ? t('Scored 1 pair in {0} s', seconds) : t('Scored {0} pairs in {1} s', fmt(result.pairs), seconds))
    + (result.summary ? t(' — median {0} {1}', scale.noun, scale.text(result.summary.median)) : '')
    + (without === 0 ? '' : without === 1 ? t(', 1 line without a pair') : t(', {0} lines without a pair', fmt(without)));
}

/** What features that act on scores use (see the comment at the top of this file). */
export interface ScoringService {
  /** Scores the whole current version of a JSONL document (reusing what is known); rejects with CancelledError when cancelled. */
  ensureScored(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<DocumentScores>;
  /** The scores of the document's current version when complete, else undefined. */
  scoresFor(document: vscode.TextDocument): DocumentScores | undefined;
  /** One score per document line (NaN where none) when complete, else undefined; the same object until they change. */
  lineScoresFor(document: vscode.TextDocument): Float64Array | undefined;
  /** Fires with a document's uri when its scores changed or were cleared. */
  readonly onDidChangeScores: vscode.Event<vscode.Uri>;
  /**
   * Marks a new document (a selection's editor) as cut from a file whose raw line scores are `sourceScores`: its
   * lines then show the percentile and rank they have in `source`.
   */
  markDerived(uri: vscode.Uri, source: string, sourceScores: ArrayLike<number>): void;
}

/** What the scoring feature adds to the extension's API (for tests and later features). */
export interface ScoringApi {
  /** The scores of an open document's current version, when every line is scored. */
  documentScores(uri: vscode.Uri): DocumentScores | undefined;
  /** The engine's counters, when it has started. */
  engineStats(): Promise<EngineStats | undefined>;
}

/** How long ensureScored waits before it shows a progress notification. */
const PROGRESS_AFTER_MS = 400;

/**
 * Registers live scoring, "SCAR: Score current file" and "SCAR: Clear scores"; returns what to dispose, the service
 * for other features and the API part. Needs only the settings, so main.ts calls it before building the ScarContext.
 */
export function registerScoring(ctx: Pick<ScarContext, 'extension' | 'config' | 'datasets'>): {
  disposables: vscode.Disposable[]; api: ScoringApi; service: ScoringService; engine: EngineHost; scorer: LiveScorer;
} {
  const engine = new EngineHost(ctx.extension, () => ctx.config.current.modelPath, () => ctx.config.current.scores.rawScore);
  const datasets: Datasets = ctx.datasets;
  const scorer = new LiveScorer(engine, ctx.config, datasets);
  const changed = new vscode.EventEmitter<vscode.Uri>();
  let modelId = '';
  const pendingNotice = new Map<string, vscode.Uri>();

  // The views of a complete score column are made once per table revision and kept on the dataset (ScoringState.view).
  const documentScoresView = (st: ScoringState): DocumentScores => {
    const durationMs = st.completedAt > 0 && st.startedAt > 0 ? st.completedAt - st.startedAt : 0;
    return documentScoresOf(st.document, st.table, modelId, Math.round(durationMs));
  };
  const scoresFor = (doc: vscode.TextDocument): DocumentScores | undefined => datasets.get(doc)?.scoring.view('scores', documentScoresView);
  const lineScoresFor = (doc: vscode.TextDocument): Float64Array | undefined => datasets.get(doc)?.scoring.view('lineScores', (st) => st.table.scoresByLine());

  /** Resolves when the document's table is complete; rejects when the token fires, the file closes or scoring fails. */
  const whenComplete = (doc: vscode.TextDocument, token: vscode.CancellationToken | undefined, onProgress?: (pct: number) => void): Promise<DocumentScores> =>
    new Promise<DocumentScores>((resolve, reject) => {
      const subs: vscode.Disposable[] = [];
      const finish = (f: () => void): void => { for (const d of subs) d.dispose(); f(); };
      const check = (): void => {
        const st = scorer.state(doc);
        if (doc.isClosed || !st) return finish(() => reject(new CancelledError(t('the document was closed'))));
        if (st.error !== undefined) return finish(() => reject(new Error(st.error)));
        if (st.mode === 'off' && !st.complete) return finish(() => reject(new CancelledError(t('scoring was stopped'))));
        const scores = scoresFor(doc);
        if (scores) return finish(() => resolve(scores));
        onProgress?.(st.percentDone);
      };
      subs.push(datasets.onDidChange((e) => { if ((e.kind === 'scores' || e.kind === 'closed') && e.dataset.document === doc) check(); }));
      if (token) subs.push(token.onCancellationRequested(() => finish(() => reject(new CancelledError()))));
      if (token?.isCancellationRequested) return finish(() => reject(new CancelledError()));
      check();
    });

  const ensureScored = async (doc: vscode.TextDocument, token?: vscode.CancellationToken): Promise<DocumentScores> => {
    if (!isJsonlDocument(doc)) throw new Error(t('{0} is not a JSON Lines document', path.basename(doc.uri.fsPath || doc.uri.path)));
    if (!modelId) modelId = (await engine.get().start()).modelId;
    const ready = scoresFor(doc);
    if (ready) return ready;
    scorer.request(doc);
    const quick = whenComplete(doc, token);
    const early = await Promise.race([quick.then((s) => s, () => undefined), new Promise<undefined>((r) => setTimeout(() => r(undefined), PROGRESS_AFTER_MS))]);
    if (early) return early;
    return withCancellableProgress(t('SCAR: scoring {0}', path.basename(doc.uri.fsPath || doc.uri.path)), (progress) => {
      progress.signal.addEventListener('abort', () => scorer.pause(doc)); // the user's cancel stops the file's scoring
      return whenComplete(doc, token, (pct) => progress.report(t('{0}%', pct), pct));
    });
  };

  const service: ScoringService = {
    ensureScored, scoresFor, lineScoresFor, onDidChangeScores: changed.event,
    markDerived: (uri, source, scores) => datasets.markDerived(uri, source, scores),
  };

  const scoreFile = async (uri?: vscode.Uri): Promise<DocumentScores | undefined> => {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'jsonl') {
      void vscode.window.showWarningMessage(t('SCAR Lens: open a JSON Lines (.jsonl) file to score it.'));
      return undefined;
    }
    try {
      const result = await ensureScored(doc);
      void vscode.window.showInformationMessage(t('SCAR Lens: {0}', scoringMessage(result, engine.scale())));
      return result;
    } catch (e) {
      if (e instanceof CancelledError) {
        void vscode.window.showInformationMessage(t('SCAR Lens: scoring cancelled.'));
        return undefined;
      }
      void vscode.window.showErrorMessage(t('SCAR Lens: {0}', (e as Error).message));
      return undefined;
    }
  };

  const clearScores = (uri?: vscode.Uri): boolean => {
    const doc = uri instanceof vscode.Uri
      ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
      : vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'jsonl') {
      void vscode.window.showWarningMessage(t('SCAR Lens: open a JSON Lines (.jsonl) file to clear its scores.'));
      return false;
    }
    const had = scorer.clear(doc);
    const name = path.basename(doc.uri.fsPath || doc.uri.path);
    void vscode.window.showInformationMessage(had
      ? t('SCAR Lens: cleared the scores of {0}; it is not scored again until you run "SCAR: Score current file".', name)
      : t('SCAR Lens: {0} has no scores to clear.', name));
    return had;
  };

  const disposables: vscode.Disposable[] = [
    scorer,
    engine,
    changed,
    datasets.onDidChange((e) => {
      if (e.kind !== 'scores' && e.kind !== 'closed') return;
      const uri = e.dataset.uri;
      const key = uri.toString();
      // Told once per tick and document, after the batch is stored: listeners' work is a task of its own.
      if (pendingNotice.has(key)) return;
      pendingNotice.set(key, uri);
      setImmediate(() => {
        const uri = pendingNotice.get(key);
        pendingNotice.delete(key);
        if (uri) changed.fire(uri);
      });
    }),
    vscode.commands.registerCommand('scar.scoreFile', scoreFile),
    vscode.commands.registerCommand('scar.clearScores', clearScores),
    ctx.config.onDidChange(({ previous, current }) => { if (previous.modelPath !== current.modelPath) { engine.reset(); modelId = ''; } }),
  ];
  const documentScores = (uri: vscode.Uri): DocumentScores | undefined => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    return doc ? scoresFor(doc) : undefined;
  };
  return { disposables, engine, scorer, service, api: { documentScores, engineStats: () => engine.stats() } };
}
