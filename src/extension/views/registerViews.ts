// Registers the record view ("SCAR: Show Record") and the dataset overview ("SCAR: Open Dataset Overview"), their
// webview serializers (both come back after a window reload), and what the extension's API exposes of them for the
// integration tests (which talk to the panels through the same checked message protocol the webviews use).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { t } from '../../core/l10n';
import { selectionCleaningOptions } from '../hygiene/selectionCleaning';
import type { ScarContext } from '../context';
import type { OnDiskOutcome } from '../commands/onDisk';
import { SYNC_LIMIT_BYTES, baseName, fmt } from '../commands/common';
import type { SelectionOutcome } from '../commands/selectTop';
import type { DatasetSource } from './datasetSource';
import { DocumentFeed, FileFeed, type FeedWords, type OverviewFeed } from './overviewData';
import { OVERVIEW_VIEW_TYPE, OverviewPanel, type OverviewDeps } from './overviewPanel';
import { checkOverviewRequest, type OverviewViewState } from './protocol';
import { RECORD_VIEW_TYPE, RecordView, type FileLine } from './recordView';
import { webviewOptions } from './webviewHtml';
import { PROBLEM_KINDS, ROW_FLAGS, type ProblemKind } from '../../core/overview';

/** What a line of a large file is flagged with (its problems come from the streamed passes, not the hygiene check). */
const FILE_PROBLEM: Record<ProblemKind, () => string> = {
  noPair: () => t('No pair'),
  duplicate: () => t('Exact duplicate of an earlier line (SCAR\'s cleaning removes it on export)'),
  nearDuplicate: () => t('Near-duplicate of another line (SCAR\'s cleaning removes it on export)'),
  nonEnglish: () => t('Not English (SCAR\'s cleaning removes it on export)'),
  emptyResponse: () => t('Empty response'),
  truncated: () => t('Response longer than the ranker reads'),
};
import { selectionArgs } from './selectionArgs';

/** What the views add to the extension's API (for tests). */
export interface ViewsApi {
  /** The open overview panel of a file, if any. */
  overviewPanel(uri: vscode.Uri): OverviewPanel | undefined;
  /** The record view (one per window). */
  readonly recordView: RecordView;
}

export function registerViews(ctx: ScarContext, source: DatasetSource): { disposables: vscode.Disposable[]; api: ViewsApi } {
  const extensionUri = ctx.extension.extensionUri;
  const record = new RecordView({ extensionUri, source, adapter: () => ctx.config.current.adapter });
  const panels = new Map<string, OverviewPanel>();

  /** How an overview's status line words what is running, for a file called `name`. */
  const wordsFor = (name: string): FeedWords => ({
    reading: (n) => t('Reading {0}: {1} lines…', name, fmt(n)),
    scoring: (n) => t('Scoring {0}: {1} lines read…', name, fmt(n)),
    cleaning: (n) => t('Looking for duplicates and non-English lines: {0} lines read…', fmt(n)),
    searching: (p) => t('Searching the lines: {0}%…', p),
    sorting: (p, round) => (round === 1 ? t('Sorting by the whole text: {0}%…', p) : t('Sorting by the whole text: {0}% of the lines that begin alike (read {1})…', p, round)),
    failed: (m) => t('SCAR Lens: could not read the file: {0}', m),
  });

  const fileFeed = (uri: vscode.Uri): FileFeed => new FileFeed(uri, {
    servicePath: path.join(ctx.extension.extensionPath, 'dist', 'overview.js'),
    engine: {
      start: async () => ctx.engine.get().start(),
      score: (pairs, options) => ctx.engine.get().score(pairs, options),
    },
    scale: () => ctx.engine.scale(),
    calibration: () => ctx.engine.calibration(),
    cuts: () => source.bandCuts(),
    adapter: () => ctx.config.current.adapter,
    cleaning: () => {
      const { dedup, languageFilter } = ctx.config.current.selection;
      return dedup || languageFilter ? selectionCleaningOptions({ dedup, languageFilter }, ctx.config.current.hygiene) : null;
    },
    l10n: vscode.l10n.bundle,
    words: wordsFor(path.basename(uri.fsPath)),
  });

  /** The feed of a file: its open document, or the file streamed from disk when VS Code cannot open it. */
  const feedFor = async (uri: vscode.Uri): Promise<OverviewFeed | undefined> => {
    let doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc) {
      if (uri.scheme === 'file') {
        let size: number;
        try {
          size = (await fs.promises.stat(uri.fsPath)).size;
        } catch (e) {
          void vscode.window.showErrorMessage(t('SCAR Lens: cannot read {0}: {1}', uri.fsPath, (e as Error).message));
          return undefined;
        }
        if (size > SYNC_LIMIT_BYTES) {
          return fileFeed(uri);
        }
      }
      try {
        doc = await vscode.workspace.openTextDocument(uri);
      } catch (e) {
        void vscode.window.showErrorMessage(t('SCAR Lens: cannot open {0}: {1}', baseName(uri), (e as Error).message));
        return undefined;
      }
    }
    if (doc.languageId !== 'jsonl') {
      void vscode.window.showWarningMessage(t('SCAR Lens: {0} is not a JSON Lines (.jsonl) file.', baseName(uri)));
      return undefined;
    }
    return new DocumentFeed(source, doc, wordsFor(baseName(doc.uri)));
  };

  /** A row of a large file as the record view shows it (read from disk by the overview service). */
  const fileLine = async (feed: FileFeed, row: number): Promise<FileLine | undefined> => {
    const r = await feed.record(row);
    if (!r) return undefined;
    return {
      uri: feed.uri, index: r.index, lineCount: r.lineCount, text: r.text,
      ...(r.score ? { score: r.score } : {}),
      medians: r.medians,
      findings: PROBLEM_KINDS.filter((k) => k !== 'noPair' && (r.flags & ROW_FLAGS[k]) !== 0).map((k) => ({ kind: k, message: FILE_PROBLEM[k]() })),
      step: async (direction, lowOnly) => {
        const next = await feed.step(row, direction, lowOnly);
        return next < 0 ? undefined : fileLine(feed, next);
      },
    };
  };

  const deps: OverviewDeps = {
    extensionUri,
    reveal: async (feed, line) => {
      if (feed instanceof DocumentFeed) {
        const doc = feed.document;
        const index = Math.min(line - 1, doc.lineCount - 1);
        const shown = vscode.window.visibleTextEditors.find((e) => e.document === doc);
        const range = new vscode.Range(index, 0, index, 0);
        const editor = await vscode.window.showTextDocument(doc, { viewColumn: shown?.viewColumn ?? vscode.ViewColumn.One, selection: range, preserveFocus: false, preview: false });
        editor.revealRange(range, vscode.TextEditorRevealType.InCenter);
        record.showDocumentLine(doc, index, true);
        return;
      }
      if (feed instanceof FileFeed) {
        const row = await feed.rowOfLine(line - 1);
        const l = row < 0 ? undefined : await fileLine(feed, row);
        if (l) record.showFileLine(l, false);
      }
    },
    exportCut: async (feed, cut) => {
      const args = { uri: feed.uri, ...selectionArgs(cut) };
      if (feed.large) return (await vscode.commands.executeCommand<OnDiskOutcome | undefined>('scar.selectTopOnDisk', args))?.message;
      return (await vscode.commands.executeCommand<SelectionOutcome | undefined>('scar.selectTop', args))?.message;
    },
  };

  const track = (p: OverviewPanel): OverviewPanel => {
    const key = p.uri.toString();
    panels.set(key, p);
    p.onDidClose(() => { if (panels.get(key) === p) panels.delete(key); });
    return p;
  };

  const openOverview = async (arg?: unknown): Promise<boolean> => {
    const uri = arg instanceof vscode.Uri ? arg
      : arg && typeof arg === 'object' && typeof (arg as { uri?: unknown }).uri === 'string' ? vscode.Uri.parse((arg as { uri: string }).uri)
      : arg && typeof arg === 'object' && (arg as { uri?: unknown }).uri instanceof vscode.Uri ? (arg as { uri: vscode.Uri }).uri
      : vscode.window.activeTextEditor?.document.uri;
    if (!uri) {
      void vscode.window.showWarningMessage(t('SCAR Lens: open a JSON Lines (.jsonl) file, or pick one in the Explorer, to see its overview.'));
      return false;
    }
    const existing = panels.get(uri.toString());
    if (existing) { existing.reveal(); return true; }
    const feed = await feedFor(uri);
    if (!feed) return false;
    const panel = vscode.window.createWebviewPanel(OVERVIEW_VIEW_TYPE, t('Overview: {0}', feed.name), vscode.ViewColumn.Active, webviewOptions(extensionUri));
    track(new OverviewPanel(panel, feed, deps, undefined));
    return true;
  };

  const showRecord = async (arg?: unknown): Promise<boolean> => {
    let uri: vscode.Uri | undefined;
    let line: number | undefined;
    if (arg instanceof vscode.Uri) uri = arg;
    else if (typeof arg === 'number') line = arg;
    else if (arg && typeof arg === 'object') {
      const o = arg as { uri?: unknown; line?: unknown };
      uri = o.uri instanceof vscode.Uri ? o.uri : typeof o.uri === 'string' ? vscode.Uri.parse(o.uri) : undefined;
      if (typeof o.line === 'number' && Number.isInteger(o.line) && o.line >= 1) line = o.line;
    }
    const editor = vscode.window.activeTextEditor;
    const doc = uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri!.toString()) ?? (await vscode.workspace.openTextDocument(uri).then((d) => d, () => undefined)) : editor?.document;
    if (!doc || doc.languageId !== 'jsonl') {
      void vscode.window.showWarningMessage(t('SCAR Lens: open a JSON Lines (.jsonl) file to see its records.'));
      return false;
    }
    const index = line !== undefined ? line - 1 : editor && editor.document === doc ? editor.selection.active.line : 0;
    record.showDocumentLine(doc, index, true);
    return true;
  };

  const disposables: vscode.Disposable[] = [
    record,
    { dispose: () => { for (const p of [...panels.values()]) p.dispose(); } },
    vscode.commands.registerCommand('scar.showRecord', showRecord),
    vscode.commands.registerCommand('scar.openOverview', openOverview),
    vscode.window.registerWebviewPanelSerializer(RECORD_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        record.adopt(panel, state && typeof state === 'object' ? (state as { uri?: unknown; line?: unknown }) : undefined);
      },
    }),
    vscode.window.registerWebviewPanelSerializer(OVERVIEW_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state: unknown) => {
        const checked = checkOverviewRequest({ type: 'state', state });
        if (!checked.ok || checked.message.type !== 'state') { panel.dispose(); return; }
        const s: OverviewViewState = checked.message.state;
        const uri = vscode.Uri.parse(s.uri);
        if (panels.has(uri.toString())) { panel.dispose(); return; }
        const feed = await feedFor(uri);
        if (!feed) { panel.dispose(); return; }
        track(new OverviewPanel(panel, feed, deps, s));
      },
    }),
  ];
  return { disposables, api: { overviewPanel: (uri) => panels.get(uri.toString()), recordView: record } };
}
