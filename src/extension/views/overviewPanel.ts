// "SCAR: Open Dataset Overview": a webview panel per file with the score and response-length histograms, a draggable
// cut (threshold, top-k, top-%) that says live what it keeps, the problem counts, and a virtualised table of the
// lines that sorts, filters and reveals a line (with the record view) on a click. The panel receives bins and one
// page of rows at a time, never the file: its memory does not grow with the file. Every message it posts is checked
// (protocol.ts) before it is acted on; the replies are checked again in the webview.
import * as vscode from 'vscode';
import type { OverviewSummary } from '../../core/overviewTypes';
import { t } from '../../core/l10n';
import type { OverviewFeed } from './overviewData';
import type { Cut } from '../../core/overview';
import { checkOverviewRequest, type OverviewRequest, type OverviewUpdate, type OverviewViewState } from './protocol';
import { overviewStrings } from './strings';
import { webviewHtml, webviewOptions } from './webviewHtml';
import { PostedMessages } from './postedMessages';

export const OVERVIEW_VIEW_TYPE = 'scar.overview';

export interface OverviewDeps {
  readonly extensionUri: vscode.Uri;
  /** Reveals a 1-based line of the file in an editor and shows it in the record view. */
  reveal(feed: OverviewFeed, line: number): Promise<void>;
  /** Runs the selection command on the cut; resolves to its report message, or undefined when nothing was written. */
  exportCut(feed: OverviewFeed, cut: Cut): Promise<string | undefined>;
}

/** The most messages a panel remembers for tests (the latest ones). */
const KEEP_MESSAGES = 200;

export class OverviewPanel implements vscode.Disposable {
  /** The latest messages posted, as the webview receives them (JSON), for tests. */
  get posted(): readonly OverviewUpdate[] {
    return this.log.posted;
  }
  private readonly subscriptions: vscode.Disposable[] = [];
  private state: OverviewViewState | undefined;
  private ready = false;
  private lastSummary: OverviewSummary | undefined;
  private disposed = false;
  /** The messages posted, as the webview receives them, and the replies of the messages being handled. */
  private readonly log = new PostedMessages<OverviewUpdate>(KEEP_MESSAGES);
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly feed: OverviewFeed,
    private readonly deps: OverviewDeps,
    state: OverviewViewState | undefined,
  ) {
    this.state = state;
    panel.webview.options = webviewOptions(deps.extensionUri);
    panel.title = t('Overview: {0}', feed.name);
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'icon.png');
    panel.webview.html = webviewHtml(panel.webview, deps.extensionUri, { title: panel.title, script: 'overviewView.js', style: 'overview.css', lang: vscode.env.language });
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((m) => { void this.receive(m); }),
      panel.onDidDispose(() => this.dispose()),
      feed.onDidChange(() => this.pushSummary()),
    );
    feed.start();
  }

  get uri(): vscode.Uri {
    return this.feed.uri;
  }

  /** What the webview remembers (for tests and for the serializer). */
  get viewState(): OverviewViewState | undefined {
    return this.state;
  }

  private post(m: OverviewUpdate): void {
    if (this.disposed) return;
    this.log.record(m);
    void this.panel.webview.postMessage(m);
  }

  private async receive(raw: unknown): Promise<void> {
    try {
      await this.handle(raw);
    } catch (e) {
      this.post({ type: 'status', text: t('SCAR Lens: {0}', (e as Error).message), busy: false });
    }
  }

  /**
   * Acts on one message from the webview (checked first) and returns the replies it posted. Tests call this with
   * the messages the webview would send.
   */
  async handle(raw: unknown): Promise<OverviewUpdate[]> {
    const checked = checkOverviewRequest(raw);
    if (!checked.ok) {
      const reply: OverviewUpdate = { type: 'status', text: t('SCAR Lens: the overview sent a message it should not ({0}); it was ignored.', checked.error), busy: false };
      this.post(reply);
      return [reply];
    }
    return this.log.collect(() => this.act(checked.message));
  }

  private async act(m: OverviewRequest): Promise<void> {
    switch (m.type) {
      case 'ready': {
        // A new webview (the first, or one made again after being hidden or reloaded) has drawn nothing yet.
        this.ready = true;
        this.lastSummary = undefined;
        const scale = this.scale();
        this.post({
          type: 'init',
          file: { name: this.feed.name, uri: this.feed.uri.toString(), large: this.feed.large },
          scale,
          cuts: this.feed.cuts,
          strings: overviewStrings(),
          ...(this.state && this.state.uri === this.feed.uri.toString() ? { state: this.state } : {}),
        });
        this.pushSummary();
        return;
      }
      case 'state':
        this.state = m.state;
        return;
      case 'cut': {
        const stats = await this.feed.cutStats({ mode: m.mode, value: m.value });
        if (stats) this.post({ type: 'cutStats', seq: m.seq, stats });
        return;
      }
      case 'page': {
        if (!this.feed.summary()) { this.post({ type: 'page', seq: m.seq, offset: 0, total: 0, rows: [] }); return; }
        // undefined: its search or sort was cancelled or replaced; the webview asks again for what it shows.
        const page = await this.feed.page(m.query);
        if (page) this.post({ type: 'page', seq: m.seq, offset: page.offset, total: page.total, rows: page.rows });
        return;
      }
      case 'cancel':
        this.feed.cancelWork();
        return;
      case 'reveal':
        await this.deps.reveal(this.feed, m.line);
        return;
      case 'export': {
        const message = await this.deps.exportCut(this.feed, { mode: m.mode, value: m.value });
        this.post(message === undefined
          ? { type: 'exported', ok: false, message: t('Nothing was exported.') }
          : { type: 'exported', ok: true, message });
        return;
      }
    }
  }

  private scale(): { calibrated: boolean; noun: string; min: number; max: number } {
    const s = this.feed.scale;
    if (s.calibrated) return { calibrated: true, noun: s.noun, min: 0, max: 100 };
    const h = this.feed.summary()?.scores;
    return { calibrated: false, noun: s.noun, min: h?.lo ?? 0, max: h?.hi ?? 1 };
  }

  private pushSummary(): void {
    if (!this.ready) return;
    const summary = this.feed.summary();
    const status = this.feed.status;
    this.post({ type: 'status', text: status.text, busy: status.busy, cancellable: status.cancellable });
    if (!summary) return;
    if (!this.feed.scale.calibrated) {
      const scale = this.scale();
      const last = [...this.log.posted].reverse().find((p) => p.type === 'init');
      if (last && last.type === 'init' && (last.scale.min !== scale.min || last.scale.max !== scale.max)) this.post({ ...last, scale, state: this.state });
    }
    // The same summary again (a status change only) is not redrawn.
    if (summary === this.lastSummary) return;
    this.lastSummary = summary;
    this.post({ type: 'summary', summary });
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.feed.dispose();
    for (const s of this.subscriptions) s.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }
}
