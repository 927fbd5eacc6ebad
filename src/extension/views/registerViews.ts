// Registers the record view ("SCAR: Show Record") and the dataset overview ("SCAR: Open Dataset Overview"), their
// webview serializers (both come back after a window reload), and what the extension's API exposes of them for the
// integration tests (which talk to the panels through the same checked message protocol the webviews use).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { cleanFile } from '../../files/cleanFile';
import { scoreFileStream } from '../../files/scoreStream';
import { t } from '../../core/l10n';
import { pipelineCleaningOptions } from '../../core/selectionPipeline';
import type { ScarContext } from '../context';
import type { OnDiskOutcome } from '../commands/onDisk';
import { SYNC_LIMIT_BYTES, baseName, fmt } from '../commands/common';
import type { SelectionOutcome } from '../commands/selectTop';
import type { DatasetSource } from './datasetSource';
import { DocumentFeed, FileFeed, type FileScoring, type OverviewFeed } from './overviewData';
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

  const fileScoring: FileScoring = {
    score: async (file, onProgress, signal) => {
      const client = ctx.engine.get();
      await client.start();
      const scores = await scoreFileStream(file, client, { adapter: ctx.config.current.adapter, persistentCache: true, signal, onProgress: (lines) => onProgress(lines) });
      return { score: scores.score, composition: scores.composition, presentation: scores.presentation };
    },
    clean: async (file, scoreOf) => {
      const { dedup, languageFilter } = ctx.config.current.selection;
      const out = new Map<number, 'duplicate' | 'not-english' | 'near-duplicate'>();
      if (!dedup && !languageFilter) return out;
      const cleaned = await cleanFile(file, { adapter: ctx.config.current.adapter, cleaning: pipelineCleaningOptions({ dedup, languageFilter }), scoreOf });
      for (const [line, removal] of cleaned.result.removed) out.set(line, removal.step);
      return out;
    },
  };

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
          return new FileFeed(uri, fileScoring, () => ctx.engine.scale(), () => source.bandCuts(), () => ctx.config.current.adapter, {
            reading: (n) => t('Reading {0}: {1} lines…', path.basename(uri.fsPath), fmt(n)),
            scoring: (n) => t('Scoring {0}: {1} lines read…', path.basename(uri.fsPath), fmt(n)),
            cleaning: t('Looking for duplicates and non-English lines…'),
            failed: (m) => t('SCAR Lens: could not read the file: {0}', m),
          });
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
    return new DocumentFeed(source, doc);
  };

  /** A row of a large file as the record view shows it. */
  const fileLine = async (feed: FileFeed, row: number): Promise<FileLine | undefined> => {
    const model = feed.model;
    if (!model || row < 0 || row >= model.rows.count) return undefined;
    const raw = model.rows.score[row];
    const rank = (() => { for (let r = 0; r < model.cut.order.length; r++) if (model.cut.order[r] === row) return r + 1; return 0; })();
    const text = await feed.lineText(row);
    return {
      uri: feed.uri, index: model.rows.line[row], lineCount: model.rows.count + model.blank, text,
      ...(Number.isNaN(raw) ? {} : { score: { raw, ...feed.components(row), percentile: model.cut.percentile[row], rank, of: model.cut.scored } }),
      medians: feed.componentMedians(),
      findings: PROBLEM_KINDS.filter((k) => k !== 'noPair' && (model.rows.flags[row] & ROW_FLAGS[k]) !== 0).map((k) => ({ kind: k, message: FILE_PROBLEM[k]() })),
      step: async (direction, lowOnly) => {
        for (let r = row + direction; r >= 0 && r < model.rows.count; r += direction) {
          if (!lowOnly || model.band(r) === 'low') return fileLine(feed, r);
        }
        return undefined;
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
        const model = feed.model;
        if (!model) return;
        // rows are in line order: binary search for the line
        let lo = 0, hi = model.rows.count - 1;
        while (lo < hi) { const mid = (lo + hi) >>> 1; if (model.rows.line[mid] < line - 1) lo = mid + 1; else hi = mid; }
        const l = await fileLine(feed, lo);
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
