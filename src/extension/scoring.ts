// Scoring in the editor: the engine host, the per-document score store and "SCAR: Score current file".
//
// API FOR OTHER FEATURES (stable; engineer H1 owns this module): every Feature gets `ctx.scoring`, a ScoringService:
//   ctx.scoring.ensureScored(document, token?) -> Promise<DocumentScores>
//       Scores the whole CURRENT version of a JSONL document, reusing every score already known (live scoring and
//       the engine's cache), with a cancellable notification when it takes long. Rejects with CancelledError (from
//       '../engine/client') when the token or the user cancels, with Error for a non-JSONL document.
//   ctx.scoring.scoresFor(document) -> DocumentScores | undefined
//       The scores of the document's current version when every line is scored; undefined otherwise. Never stale.
//   ctx.scoring.onDidChangeScores(uri => ...)  fires when a document's scores change (or are cleared).
// DocumentScores.lines holds the NON-BLANK lines in document order (0-based `index`), each with its score,
// components and percentile, or the `error` that says why the line has no pair.
// The engine (one EngineClient) lives as long as the extension: started on first use, restarted after a
// crash (the user is told once), replaced when scar.modelPath changes, stopped on deactivate.
import * as path from 'path';
import * as vscode from 'vscode';
import { analyseRecord } from '../core/inspect';
import { iterateRecords } from '../core/jsonl';
import { percentiles, summarizeScores, type ScoreSummary } from '../core/scores';
import type { AdapterOptions } from '../core/types';
import { CancelledError, EngineClient, scoreAll } from '../engine/client';
import type { EngineStats, PairText } from '../engine/protocol';
import type { ScarContext } from './context';

/** One non-blank line of a scored document. */
export interface LineScore {
  /** 0-based line index in the document. */
  index: number;
  /** The line score (mean over its exchanges with the turn policy 'all'); undefined when the line has no pair. */
  score?: number;
  composition?: number;
  presentation?: number;
  /** 0-100 within the document (core/scores percentiles). */
  percentile?: number;
  /** Why the line has no score. */
  error?: string;
}

/** The scores of one document, for the version of its text they were computed on. */
export interface DocumentScores {
  uri: string;
  version: number;
  modelId: string;
  /** Non-blank lines in document order. */
  lines: LineScore[];
  pairs: number;
  summary?: ScoreSummary;
  durationMs: number;
}

/** Results per document; a result whose version is older than its document's is stale, not current. */
export class ScoreStore implements vscode.Disposable {
  private readonly byUri = new Map<string, DocumentScores>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  get(uri: vscode.Uri): DocumentScores | undefined {
    return this.byUri.get(uri.toString());
  }

  /** The document's scores only if they belong to its current text. */
  current(doc: vscode.TextDocument): DocumentScores | undefined {
    const s = this.get(doc.uri);
    return s && s.version === doc.version ? s : undefined;
  }

  set(uri: vscode.Uri, scores: DocumentScores): void {
    this.byUri.set(uri.toString(), scores);
    this.changed.fire(uri);
  }

  delete(uri: vscode.Uri): void {
    if (this.byUri.delete(uri.toString())) this.changed.fire(uri);
  }

  dispose(): void {
    this.byUri.clear();
    this.changed.dispose();
  }
}

/** Owns the engine client for the extension: created lazily for the current model folder. */
export class EngineHost implements vscode.Disposable {
  private client: EngineClient | undefined;
  private clientModelDir = '';
  private toldRestart = false;

  constructor(private readonly extension: vscode.ExtensionContext, private modelPath: () => string) {}

  /** The model folder: the scar.modelPath setting, else the bundled models/. */
  get modelDir(): string {
    return this.modelPath() || path.join(this.extension.extensionPath, 'models');
  }

  get(): EngineClient {
    const dir = this.modelDir;
    if (this.client && this.clientModelDir === dir) return this.client;
    this.client?.dispose();
    this.clientModelDir = dir;
    this.client = new EngineClient({
      enginePath: path.join(this.extension.extensionPath, 'dist', 'engine.js'),
      modelDir: dir,
      cacheDir: this.extension.globalStorageUri.fsPath,
      onRestart: (_attempt, reason) => {
        if (this.toldRestart) return;
        this.toldRestart = true; // say it once per session, not on every crash
        void vscode.window.showWarningMessage(`SCAR Lens: the scoring engine stopped unexpectedly (${reason}) and was restarted.`);
      },
    });
    return this.client;
  }

  /** Drops the engine (a new one starts on the next request), e.g. when the model folder setting changes. */
  reset(): void {
    this.client?.dispose();
    this.client = undefined;
  }

  async stats(): Promise<EngineStats | undefined> {
    return this.client?.stats();
  }

  dispose(): void {
    this.reset();
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');

/** Scores a document's text; pure apart from the engine call. Lines without a pair carry their reason. */
export async function scoreDocumentText(
  text: string,
  adapter: AdapterOptions,
  client: EngineClient,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<{ lines: LineScore[]; pairs: number }> {
  const lines: LineScore[] = [];
  const pairs: PairText[] = [];
  const owner: number[] = [];
  for (const record of iterateRecords(text)) {
    if (record.blank) continue;
    const a = analyseRecord(record, adapter);
    const entry: LineScore = { index: record.line - 1 };
    lines.push(entry);
    if (a.problem !== undefined || !a.result?.ok) { entry.error = a.problem ?? 'no pair'; continue; }
    for (const p of a.result.pairs) { pairs.push({ instruction: p.instruction, response: p.response }); owner.push(lines.length - 1); }
  }
  const scores = await scoreAll(client, pairs, { signal: options.signal, onProgress: options.onProgress });
  const sums = new Float64Array(lines.length * 3);
  const counts = new Int32Array(lines.length);
  scores.forEach((s, k) => {
    const i = owner[k];
    sums[i * 3] += s.score; sums[i * 3 + 1] += s.composition; sums[i * 3 + 2] += s.presentation;
    counts[i]++;
  });
  const lineScores = new Float64Array(lines.length).fill(NaN);
  lines.forEach((l, i) => {
    if (counts[i] === 0) return;
    l.score = lineScores[i] = sums[i * 3] / counts[i];
    l.composition = sums[i * 3 + 1] / counts[i];
    l.presentation = sums[i * 3 + 2] / counts[i];
  });
  const pct = percentiles(lineScores);
  lines.forEach((l, i) => { if (l.score !== undefined) l.percentile = pct[i]; });
  return { lines, pairs: pairs.length };
}

/** The summary message, e.g. "Scored 9,998 pairs in 3.2 s — median 0.41, 2 lines without a pair". */
export function scoringMessage(result: DocumentScores): string {
  const without = result.lines.filter((l) => l.error !== undefined).length;
  return `Scored ${fmt(result.pairs)} pair${result.pairs === 1 ? '' : 's'} in ${(result.durationMs / 1000).toFixed(1)} s`
    + (result.summary ? ` — median ${result.summary.median.toFixed(2)}` : '')
    + (without ? `, ${fmt(without)} line${without === 1 ? '' : 's'} without a pair` : '');
}

/** What features that act on scores use (see the comment at the top of this file). */
export interface ScoringService {
  /** Scores the whole current version of a JSONL document (reusing what is known); rejects with CancelledError when cancelled. */
  ensureScored(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<DocumentScores>;
  /** The scores of the document's current version when complete, else undefined. */
  scoresFor(document: vscode.TextDocument): DocumentScores | undefined;
  /** Fires with a document's uri when its scores changed or were cleared. */
  readonly onDidChangeScores: vscode.Event<vscode.Uri>;
}

/** What the scoring feature adds to the extension's API (for tests and later features). */
export interface ScoringApi {
  /** The latest scores of a document, if it was scored (check `version` against the document's). */
  documentScores(uri: vscode.Uri): DocumentScores | undefined;
  /** The engine's counters, when it has started. */
  engineStats(): Promise<EngineStats | undefined>;
}

/**
 * Registers "SCAR: Score current file" and the store; returns what to dispose, the service for other features and
 * the API part. Needs only the settings, so main.ts calls it before building the ScarContext.
 */
export function registerScoring(ctx: Pick<ScarContext, 'extension' | 'config'>): { disposables: vscode.Disposable[]; api: ScoringApi; service: ScoringService; store: ScoreStore; engine: EngineHost } {
  const store = new ScoreStore();
  const engine = new EngineHost(ctx.extension, () => ctx.config.current.modelPath);

  const scoreWithProgress = (doc: vscode.TextDocument, outer?: vscode.CancellationToken): Promise<DocumentScores> => {
    const cached = store.current(doc);
    if (cached) return Promise.resolve(cached);
    const version = doc.version;
    const text = doc.getText();
    const adapter = ctx.config.current.adapter;
    return Promise.resolve(vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `SCAR: scoring ${path.basename(doc.uri.fsPath || doc.uri.path)}`, cancellable: true },
      async (progress, token) => {
        const ac = new AbortController();
        const subs = [token.onCancellationRequested(() => ac.abort()), outer?.onCancellationRequested(() => ac.abort())];
        if (outer?.isCancellationRequested) ac.abort();
        const t0 = Date.now();
        let reported = 0;
        try {
          const client = engine.get();
          const { modelId } = await client.start();
          const { lines, pairs } = await scoreDocumentText(text, adapter, client, {
            signal: ac.signal,
            onProgress: (done, total) => {
              const pct = (100 * done) / Math.max(1, total);
              progress.report({ increment: pct - reported, message: `${fmt(done)} of ${fmt(total)} pairs` });
              reported = pct;
            },
          });
          const summary = summarizeScores(lines.map((l) => l.score ?? NaN));
          const result: DocumentScores = { uri: doc.uri.toString(), version, modelId, lines, pairs, summary, durationMs: Date.now() - t0 };
          store.set(doc.uri, result);
          return result;
        } finally {
          for (const s of subs) s?.dispose();
        }
      },
    ));
  };

  const service: ScoringService = {
    ensureScored: async (doc, token) => {
      if (doc.languageId !== 'jsonl') throw new Error(`${path.basename(doc.uri.fsPath || doc.uri.path)} is not a JSON Lines document`);
      return scoreWithProgress(doc, token);
    },
    scoresFor: (doc) => store.current(doc),
    onDidChangeScores: store.onDidChange,
  };

  const scoreFile = async (uri?: vscode.Uri): Promise<DocumentScores | undefined> => {
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'jsonl') {
      void vscode.window.showWarningMessage('SCAR Lens: open a JSON Lines (.jsonl) file to score it.');
      return undefined;
    }
    try {
      const result = await service.ensureScored(doc);
      void vscode.window.showInformationMessage(`SCAR Lens: ${scoringMessage(result)}`);
      return result;
    } catch (e) {
      if (e instanceof CancelledError) {
        void vscode.window.showInformationMessage('SCAR Lens: scoring cancelled.');
        return undefined;
      }
      void vscode.window.showErrorMessage(`SCAR Lens: ${(e as Error).message}`);
      return undefined;
    }
  };

  const disposables: vscode.Disposable[] = [
    store,
    engine,
    vscode.commands.registerCommand('scar.scoreFile', scoreFile),
    vscode.workspace.onDidCloseTextDocument((doc) => store.delete(doc.uri)),
    ctx.config.onDidChange(({ previous, current }) => { if (previous.modelPath !== current.modelPath) engine.reset(); }),
  ];
  return {
    disposables,
    store,
    engine,
    service,
    api: { documentScores: (uri) => store.get(uri), engineStats: () => engine.stats() },
  };
}
