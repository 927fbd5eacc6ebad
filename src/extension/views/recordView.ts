// "SCAR: Show Record": a webview beside the editor that shows one line of a JSONL file in full and follows the
// cursor: each conversation turn as a bubble with the scored turns marked, Markdown and code rendered safely (or the
// raw text, or the JSON line), the score with its band, rank, percentile and the two components against the file's
// medians, the line's problems and duplicate clusters with links, and next/previous (all lines, or low lines only)
// from the keyboard. An edit blanks the view at once ('stale') and redraws it from the new text: a record is never
// shown for text the line no longer has. Lines of files too large to open come from the overview (read from disk).
import * as path from 'path';
import * as vscode from 'vscode';
import { analyseRecord } from '../../core/inspect';
import { parseLine } from '../../core/jsonl';
import { t } from '../../core/l10n';
import { recordTurns } from '../../core/record';
import type { DuplicateCluster } from '../../core/types';
import { bandOf } from '../surfaces/badgeText';
import type { DatasetDocument, DatasetSource, LineScore } from './datasetSource';
import { checkRecordRequest, MAX_CLUSTER_LINES, type RecordCluster, type RecordPayload, type RecordRequest, type RecordScore, type RecordUpdate } from './protocol';
import { recordStrings } from './strings';
import { webviewHtml, webviewOptions } from './webviewHtml';
import type { ScoreScale } from '../scoring/scoreScale';
import { PostedMessages } from './postedMessages';

export const RECORD_VIEW_TYPE = 'scar.record';

/** A line of a file on disk that the editor cannot open (from the overview of a large file). */
export interface FileLine {
  uri: vscode.Uri;
  /** 0-based line index and the file's line count (non-blank rows, for the header). */
  index: number;
  lineCount: number;
  text: string;
  score?: LineScore;
  medians: { composition: number; presentation: number };
  /** What the streamed passes found on the line. */
  findings: Array<{ kind: string; message: string }>;
  /** The next line to show from this one (for next/previous), or undefined at the end. */
  step(direction: 1 | -1, lowOnly: boolean): Promise<FileLine | undefined>;
}

/** What the view shows: a line of an open document, or a line of a file on disk. */
type Target = { kind: 'document'; document: vscode.TextDocument; index: number } | { kind: 'file'; line: FileLine };

const SCORE_TEXT = (scale: ScoreScale, raw: number): string => scale.text(raw, true);

function clusterView(kind: 'exact' | 'near', c: DuplicateCluster): RecordCluster {
  return { kind, kept: c.kept, lines: c.lines.slice(0, MAX_CLUSTER_LINES), similarity: c.similarity.slice(0, MAX_CLUSTER_LINES), size: c.lines.length };
}

function scoreView(s: LineScore, scale: ScoreScale, cuts: { high: number; low: number }, medians: { composition: number; presentation: number }): RecordScore {
  return {
    text: SCORE_TEXT(scale, s.raw), noun: scale.noun, calibrated: scale.calibrated, band: bandOf(s.percentile, cuts),
    percentile: s.percentile, rank: s.rank, of: s.of, raw: s.raw, composition: s.composition, presentation: s.presentation, medians,
  };
}

/** The payload of one line's text (turns, problem) without scores and findings. */
function textPayload(text: string, index: number, adapter: import('../../core/types').AdapterOptions): Pick<RecordPayload, 'blank' | 'turns' | 'problem' | 'pairs' | 'raw'> {
  const record = parseLine(text, index + 1, 0, text.length);
  if (record.blank) return { blank: true, turns: [], pairs: 0, raw: text };
  const a = analyseRecord(record, adapter);
  if (a.problem !== undefined || !a.result?.ok) return { blank: false, turns: [], problem: a.problem ?? t('no pair'), pairs: 0, raw: text };
  return { blank: false, turns: recordTurns(record.value, a.result.pairs), pairs: a.result.pairs.length, raw: text };
}

/** The record of line `index` of a document, from its current state. */
export function documentRecord(view: DatasetDocument, index: number, scale: ScoreScale, cuts: { high: number; low: number }, adapter: import('../../core/types').AdapterOptions): RecordPayload {
  const doc = view.document;
  const text = view.lineText(index);
  const base = textPayload(text, index, adapter);
  const s = view.scoreOf(index);
  const h = view.hygiene();
  const findings = h ? h.onLine(index + 1).map((f) => ({ kind: f.kind, message: f.message, ...(f.otherLine ? { otherLine: f.otherLine } : {}) })) : [];
  const clusters: RecordCluster[] = [];
  if (h) {
    const line = index + 1;
    for (const c of h.exactGroups) if (c.lines.includes(line)) clusters.push(clusterView('exact', c));
    for (const c of h.nearClusters) if (c.lines.includes(line)) clusters.push(clusterView('near', c));
  }
  return {
    file: path.basename(doc.uri.fsPath || doc.uri.path), uri: doc.uri.toString(), version: doc.version, line: index + 1,
    // the empty "line" after a final line break is the file's ending, not one of its lines
    lineCount: view.lineCount > 1 && view.lineText(view.lineCount - 1) === '' ? view.lineCount - 1 : view.lineCount,
    ...base,
    ...(s ? { score: scoreView(s, scale, cuts, view.componentMedians()) } : {}),
    scoring: s ? 'scored' : base.pairs > 0 && view.pending(index) ? 'pending' : 'none',
    findings, clusters,
  };
}

export interface RecordViewDeps {
  readonly extensionUri: vscode.Uri;
  readonly source: DatasetSource;
  adapter(): import('../../core/types').AdapterOptions;
}

const KEEP_MESSAGES = 100;

export class RecordView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private panelSubs: vscode.Disposable[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private target: Target | undefined;
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  /** The messages posted, as the webview receives them, and the replies of the messages being handled. */
  private readonly log = new PostedMessages<RecordUpdate>(KEEP_MESSAGES);

  /** The latest messages posted, as the webview receives them (JSON), for tests. */
  get posted(): readonly RecordUpdate[] {
    return this.log.posted;
  }

  constructor(private readonly deps: RecordViewDeps) {
    this.subscriptions.push(
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!this.panel || e.textEditor.document.languageId !== 'jsonl') return;
        const index = e.selections[0]?.active.line ?? 0;
        const tg = this.target;
        if (tg?.kind === 'document' && tg.document === e.textEditor.document && tg.index === index) return;
        this.target = { kind: 'document', document: e.textEditor.document, index };
        this.schedule(30);
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (!this.panel || !editor || editor.document.languageId !== 'jsonl') return;
        this.target = { kind: 'document', document: editor.document, index: editor.selection.active.line };
        this.schedule(30);
      }),
      deps.source.onDidChange((e) => {
        const tg = this.target;
        if (!this.panel || tg?.kind !== 'document' || tg.document.uri.toString() !== e.uri.toString()) return;
        if (e.kind === 'edited') {
          // The text changed under the view: blank it now, redraw from the new text.
          this.post({ type: 'stale' });
          const editor = vscode.window.visibleTextEditors.find((ed) => ed.document === tg.document);
          tg.index = Math.min(editor ? editor.selection.active.line : tg.index, tg.document.lineCount - 1);
          this.schedule(50);
          return;
        }
        this.schedule(e.kind === 'scores' ? 100 : 20);
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        const tg = this.target;
        if (tg?.kind === 'document' && tg.document === doc) { this.target = undefined; this.schedule(0); }
      }),
    );
  }

  /** The view's panel, created beside the editor (or revealed) when needed. */
  private ensurePanel(preserveFocus: boolean): void {
    if (this.panel) {
      if (!this.panel.visible) this.panel.reveal(undefined, preserveFocus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(RECORD_VIEW_TYPE, t('SCAR Record'), { viewColumn: vscode.ViewColumn.Beside, preserveFocus }, webviewOptions(this.deps.extensionUri));
    this.adopt(panel);
  }

  /** Takes a panel (a new one, or one restored after a reload) and draws into it. */
  adopt(panel: vscode.WebviewPanel, state?: { uri?: unknown; line?: unknown }): void {
    this.panel?.dispose();
    this.panel = panel;
    this.ready = false;
    panel.webview.options = webviewOptions(this.deps.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(this.deps.extensionUri, 'media', 'icon.png');
    panel.title = t('SCAR Record');
    panel.webview.html = webviewHtml(panel.webview, this.deps.extensionUri, { title: panel.title, script: 'recordView.js', style: 'record.css', lang: vscode.env.language });
    this.panelSubs = [
      panel.webview.onDidReceiveMessage((m) => { void this.handle(m); }),
      panel.onDidDispose(() => {
        if (this.panel !== panel) return;
        this.panel = undefined;
        for (const s of this.panelSubs) s.dispose();
        this.panelSubs = [];
      }),
      panel.onDidChangeViewState((e) => { if (e.webviewPanel.visible) this.schedule(0); }),
    ];
    if (state && typeof state.uri === 'string' && typeof state.line === 'number' && Number.isInteger(state.line) && state.line >= 1) {
      const uri = vscode.Uri.parse(state.uri);
      const line = state.line;
      void (async () => {
        try {
          const doc = await vscode.workspace.openTextDocument(uri);
          if (doc.languageId === 'jsonl' && this.target === undefined) { this.target = { kind: 'document', document: doc, index: Math.min(line - 1, doc.lineCount - 1) }; this.schedule(0); }
        } catch {
          // The file is gone or too large to open: the view says what to do.
          this.schedule(0);
        }
      })();
    }
  }

  /** Shows line `index` (0-based) of a document. */
  showDocumentLine(document: vscode.TextDocument, index: number, preserveFocus = true): void {
    this.target = { kind: 'document', document, index: Math.max(0, Math.min(index, document.lineCount - 1)) };
    this.ensurePanel(preserveFocus);
    this.schedule(0);
  }

  /** Shows a line of a file on disk. */
  showFileLine(line: FileLine, preserveFocus = true): void {
    this.target = { kind: 'file', line };
    this.ensurePanel(preserveFocus);
    this.schedule(0);
  }

  get visible(): boolean {
    return this.panel?.visible ?? false;
  }

  /** The record last posted (for tests). */
  get lastRecord(): RecordPayload | undefined {
    for (let i = this.posted.length - 1; i >= 0; i--) {
      const m = this.posted[i];
      if (m.type === 'record') return m.record;
      if (m.type === 'stale' || m.type === 'empty') return undefined;
    }
    return undefined;
  }

  private post(m: RecordUpdate): void {
    if (!this.panel) return;
    this.log.record(m);
    void this.panel.webview.postMessage(m);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.render(); }, ms);
  }

  /** Draws the target from the current state (never from anything remembered about its text). */
  render(): void {
    if (!this.panel || !this.ready) return;
    const tg = this.target;
    const src = this.deps.source;
    if (!tg) { this.post({ type: 'empty', text: t('Put the cursor on a line of a JSON Lines file, or click a row of the dataset overview.') }); return; }
    if (tg.kind === 'file') {
      const l = tg.line;
      const base = textPayload(l.text, l.index, this.deps.adapter());
      this.post({
        type: 'record',
        record: {
          file: path.basename(l.uri.fsPath), uri: l.uri.toString(), version: 0, line: l.index + 1, lineCount: l.lineCount, ...base,
          ...(l.score ? { score: scoreView(l.score, src.scale(), src.bandCuts(), l.medians) } : {}),
          scoring: l.score ? 'scored' : 'none', findings: l.findings, clusters: [],
        },
      });
      return;
    }
    const view = src.get(tg.document);
    if (!view) { this.post({ type: 'empty', text: t('{0} is not a JSON Lines document.', path.basename(tg.document.uri.path)) }); return; }
    const index = Math.max(0, Math.min(tg.index, view.lineCount - 1));
    this.post({ type: 'record', record: documentRecord(view, index, src.scale(), src.bandCuts(), this.deps.adapter()) });
  }

  /** Acts on one message from the webview (checked first); returns the replies posted meanwhile. */
  async handle(raw: unknown): Promise<RecordUpdate[]> {
    const checked = checkRecordRequest(raw);
    if (!checked.ok) {
      this.post({ type: 'empty', text: t('SCAR Lens: the record view sent a message it should not ({0}); it was ignored.', checked.error) });
      return [];
    }
    return this.log.collect(() => this.act(checked.message));
  }

  private async act(m: RecordRequest): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.post({ type: 'init', strings: recordStrings() });
        if (!this.target) {
          const editor = vscode.window.activeTextEditor ?? vscode.window.visibleTextEditors.find((e) => e.document.languageId === 'jsonl');
          if (editor?.document.languageId === 'jsonl') this.target = { kind: 'document', document: editor.document, index: editor.selection.active.line };
        }
        this.render();
        return;
      case 'navigate':
        await this.navigate(m.direction, m.lowOnly);
        return;
      case 'reveal': {
        const tg = this.target;
        if (tg?.kind === 'document') await this.moveTo(tg.document, m.line - 1);
        return;
      }
    }
  }

  private async navigate(direction: 1 | -1, lowOnly: boolean): Promise<void> {
    const tg = this.target;
    if (!tg) return;
    if (tg.kind === 'file') {
      const next = await tg.line.step(direction, lowOnly);
      if (next) { this.target = { kind: 'file', line: next }; this.render(); }
      return;
    }
    const view = this.deps.source.get(tg.document);
    if (!view) return;
    let next: number | undefined;
    if (lowOnly) next = view.nextLow(tg.index, direction);
    else {
      for (let i = tg.index + direction; i >= 0 && i < view.lineCount; i += direction) if (!view.isBlank(i)) { next = i; break; }
    }
    if (next === undefined) return;
    await this.moveTo(tg.document, next);
  }

  /** Moves the document's editor (if one shows it) to a line and shows that line here. */
  private async moveTo(document: vscode.TextDocument, index: number): Promise<void> {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    this.target = { kind: 'document', document, index };
    if (editor) {
      const pos = new vscode.Position(index, 0);
      editor.selection = new vscode.Selection(pos, pos);
      editor.revealRange(new vscode.Range(pos, pos), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    this.render();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    for (const s of this.panelSubs) s.dispose();
    this.panel?.dispose();
  }
}
