// Score decorations, in the manner of Error Lens: glanceable, theme-aware, never in the way. A fixed set of
// decoration types (one per band, one for lines without a pair, one for lines whose score is on its way, two for
// the overview ruler), each set in one call per editor. Badges and gutter marks are drawn for the visible lines
// (plus a margin) only, again on scroll (throttled); the overview ruler gets the file's low and problem lines, so
// they can be found in a long file, redrawn less often. A badge is drawn only for the text it was computed on.
import { performance } from 'perf_hooks';
import { t } from '../../core/l10n';
import * as vscode from 'vscode';
import { badgeWidth, bandOf, pendingBadge, problemBadge, RAW_SCORE_WIDTH, scoreBadge, STYLE_SCORE_WIDTH } from './badgeText';
import type { ConfigSource } from '../config';
import type { ScoresConfig } from '../configValues';
import type { LiveScorer } from '../scoring/liveScorer';
import type { Datasets } from '../documents/datasets';
import { BADGE_COLOURS, GUTTER_ICONS, RULER_COLOURS, type DecorationKind } from './themeColours';

/** Lines above and below the visible range that are decorated too (a little scrolling shows no bare lines). */
const MARGIN = 30;
/** Most lines decorated per editor (a very tall editor or several visible ranges). */
const MAX_LINES = 600;
/** Quickest redraw of the visible badges after a scroll (a change of the visible lines' entries is drawn at once). */
const BADGE_THROTTLE_MS = 30;
/**
 * Quickest redraw when only lines off screen got scores (the background pass): the visible badges change then only
 * through their percentiles, and redrawing them more often would keep the window busy (on a small machine the
 * window's redraws take the CPU from the extension host).
 */
const BACKGROUND_BADGE_THROTTLE_MS = 1000;
/**
 * How long after an edit its lines are drawn as pending when their new scores have not come yet. An edit after a
 * pause is scored within milliseconds, so it is usually drawn once, with its new score, not twice (pending, then
 * scored): half the redraws per keystroke, and no flicker. Until then the edited line keeps its badge as drawn.
 */
const EDIT_PENDING_MS = 40;
const RULER_THROTTLE_MS = 1000;
/**
 * Most overview-ruler marks per kind: the ruler has a few hundred pixels, so a long file is cut into this many
 * equal stretches and each stretch with a low line (or a problem) gets one mark, at its first such line.
 */
const RULER_BUCKETS = 1500;

export type { DecorationKind };
const KINDS: readonly DecorationKind[] = ['high', 'mid', 'low', 'problem', 'pending'];

/** What one editor shows, as last set (for tests and the benchmark): the badge text per 1-based line. */
export interface RenderedDecorations {
  version: number;
  /** performance.now() of the extension host when they were set. */
  at: number;
  badges: Record<DecorationKind, Array<{ line: number; text: string }>>;
  /** Overview-ruler marks set: low lines and lines without a pair. */
  ruler: { low: number; problem: number };
}

function colour(id: string): vscode.ThemeColor {
  return new vscode.ThemeColor(id);
}

export class ScoreDecorations implements vscode.Disposable {
  private types = new Map<DecorationKind, vscode.TextEditorDecorationType>();
  private rulerTypes: { low: vscode.TextEditorDecorationType; problem: vscode.TextEditorDecorationType } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly rendered = new WeakMap<vscode.TextEditor, RenderedDecorations>();
  /** What each editor's badges were last set to (line and text per kind), to skip draws that change nothing. */
  private drawnKeys = new WeakMap<vscode.TextEditor, string>();
  private badgeTimer: NodeJS.Timeout | undefined;
  /** performance.now() when the scheduled badge draw runs. */
  private badgeDue = 0;
  private rulerTimer: NodeJS.Timeout | undefined;
  private lastBadgeDraw = 0;
  private lastRulerDraw = 0;
  private settings: ScoresConfig;

  constructor(private readonly extension: vscode.ExtensionContext, private readonly scorer: LiveScorer, config: ConfigSource, datasets: Datasets) {
    this.settings = config.current.scores;
    this.createTypes();
    this.subscriptions.push(
      datasets.onDidChange((e) => {
        if (e.kind !== 'scores' && e.kind !== 'closed') return;
        if (e.kind === 'scores' && e.edited) this.scheduleBadges(0, EDIT_PENDING_MS);
        else this.scheduleBadges(e.kind === 'scores' && e.background && !e.complete ? BACKGROUND_BADGE_THROTTLE_MS : 0);
        this.scheduleRuler();
      }),
      vscode.window.onDidChangeTextEditorVisibleRanges(() => this.scheduleBadges()),
      vscode.window.onDidChangeVisibleTextEditors(() => { this.scheduleBadges(); this.scheduleRuler(true); }),
      config.onDidChange(({ current }) => {
        this.settings = current.scores;
        this.disposeTypes();
        this.createTypes();
        this.drawnKeys = new WeakMap(); // new decoration types: every badge is drawn again
        this.drawBadges();
        this.drawRulers();
      }),
    );
  }

  /** What an editor shows, as last set; undefined before the first draw. */
  renderedIn(editor: vscode.TextEditor): RenderedDecorations | undefined {
    return this.rendered.get(editor);
  }

  private createTypes(): void {
    const s = this.settings;
    const where = s.position;
    const attachment = (fg: string, bg: string): vscode.ThemableDecorationAttachmentRenderOptions => ({
      color: colour(fg),
      backgroundColor: colour(bg),
      margin: where === 'before' ? '0 1ch 0 0' : '0 0 0 3ch',
      // A fixed width, so that symbols a font draws wider or narrower never move the JSON out of line.
      width: `${badgeWidth(s.format, this.scoreWidth())}ch`,
      fontStyle: 'normal',
      fontWeight: 'normal',
    });
    const make = (kind: DecorationKind): vscode.TextEditorDecorationType => {
      const { foreground, background } = BADGE_COLOURS[kind];
      const options: vscode.DecorationRenderOptions = { rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed };
      if (s.badges) options[where] = attachment(foreground, background);
      const icon = GUTTER_ICONS[kind];
      if (s.gutter && icon) {
        options.gutterIconPath = vscode.Uri.joinPath(this.extension.extensionUri, 'media', icon);
        options.gutterIconSize = '70%';
      }
      return vscode.window.createTextEditorDecorationType(options);
    };
    for (const kind of KINDS) this.types.set(kind, make(kind));
    if (s.overviewRuler) {
      const ruler = (id: string): vscode.TextEditorDecorationType =>
        vscode.window.createTextEditorDecorationType({ overviewRulerColor: colour(id), overviewRulerLane: vscode.OverviewRulerLane.Right, isWholeLine: true });
      this.rulerTypes = { low: ruler(RULER_COLOURS.low), problem: ruler(RULER_COLOURS.problem) };
    }
  }

  /** Characters of the score in a badge, on the scale scores are shown on. */
  private scoreWidth(): number {
    return this.scorer.scale().calibrated ? STYLE_SCORE_WIDTH : RAW_SCORE_WIDTH;
  }

  private disposeTypes(): void {
    for (const t of this.types.values()) t.dispose();
    this.types.clear();
    this.rulerTypes?.low.dispose();
    this.rulerTypes?.problem.dispose();
    this.rulerTypes = undefined;
  }

  /**
   * Draws the visible badges `delayMs` from now and `throttleMs` after the last draw at the earliest (sooner if a
   * sooner draw is asked).
   */
  private scheduleBadges(throttleMs = BADGE_THROTTLE_MS, delayMs = 0): void {
    const due = Math.max(performance.now() + delayMs, this.lastBadgeDraw + throttleMs);
    if (this.badgeTimer) {
      if (due >= this.badgeDue) return;
      clearTimeout(this.badgeTimer);
    }
    this.badgeDue = due;
    this.badgeTimer = setTimeout(() => {
      this.badgeTimer = undefined;
      this.drawBadges();
    }, Math.max(0, due - performance.now()));
  }

  private scheduleRuler(now = false): void {
    if (this.rulerTimer) return;
    const wait = now ? 0 : Math.max(0, this.lastRulerDraw + RULER_THROTTLE_MS - performance.now());
    this.rulerTimer = setTimeout(() => {
      this.rulerTimer = undefined;
      this.drawRulers();
    }, wait);
  }

  private drawBadges(): void {
    this.lastBadgeDraw = performance.now();
    this.scorer.timings.run('draw the visible badges', () => {
      for (const editor of vscode.window.visibleTextEditors) this.drawEditor(editor);
    });
  }

  private drawRulers(): void {
    this.lastRulerDraw = performance.now();
    this.scorer.timings.run('draw the overview ruler', () => {
      for (const editor of vscode.window.visibleTextEditors) this.drawRuler(editor);
    });
  }

  /** Sets every badge type's ranges for the editor's visible lines, each in one call. */
  drawEditor(editor: vscode.TextEditor): void {
    const doc = editor.document;
    const st = this.scorer.state(doc);
    if (!st) return; // not a tracked JSONL document
    const s = this.settings;
    const table = st.table;
    const byKind: Record<DecorationKind, vscode.DecorationOptions[]> = { high: [], mid: [], low: [], problem: [], pending: [] };
    const shown: RenderedDecorations['badges'] = { high: [], mid: [], low: [], problem: [], pending: [] };
    const aligned = table.lineCount === doc.lineCount;
    const lowCut = s.reviewMode ? s.reviewThreshold : Infinity;
    const scale = this.scorer.scale();
    const scoreWidth = this.scoreWidth();
    const derived = this.scorer.isDerived(doc);
    let budget = MAX_LINES;
    let lastDone = -1;
    for (const visible of editor.visibleRanges) {
      const from = Math.max(lastDone + 1, visible.start.line - MARGIN);
      const to = Math.min(doc.lineCount - 1, visible.end.line + MARGIN);
      for (let i = from; i <= to && budget > 0; i++, budget--) {
        lastDone = i;
        const line = doc.lineAt(i);
        const e = aligned ? table.get(i, line.text) : undefined;
        let kind: DecorationKind;
        let text: string;
        if (!e) {
          if (st.mode === 'off' || line.isEmptyOrWhitespace) continue;
          kind = 'pending';
          text = pendingBadge(s.format, scoreWidth);
        } else if (e.blank) {
          continue;
        } else if (e.score === undefined) {
          kind = 'problem';
          text = problemBadge(e.error ?? t('no pair'), s.format, scoreWidth);
        } else {
          const place = derived ? this.scorer.placeOf(doc, e.score)! : undefined;
          const pct = place ? place.percentile : table.percentileOf(e.score);
          if (pct >= lowCut) continue;
          // An output file's own percentiles would rank the cut against itself: no share, no band (neutral).
          const ownPlaceHidden = place !== undefined && !place.shown;
          kind = ownPlaceHidden ? 'mid' : bandOf(pct, { high: s.bandHigh, low: s.bandLow });
          text = scoreBadge(scale.text(e.score), ownPlaceHidden ? undefined : pct, kind, s.format, scoreWidth);
        }
        const at = s.position === 'before' ? line.range.start : line.range.end;
        const options: vscode.DecorationOptions = { range: new vscode.Range(at, at) };
        if (s.badges) options.renderOptions = { [s.position]: { contentText: text } };
        byKind[kind].push(options);
        shown[kind].push({ line: i + 1, text });
      }
    }
    const previous = this.rendered.get(editor);
    // Nothing changed on screen (a background batch that moved no visible percentile): send nothing to the window.
    const key = KINDS.map((k) => shown[k].map((b) => `${b.line}:${b.text}`).join('|')).join('\u0000');
    if (previous && previous.version === doc.version && this.drawnKeys.get(editor) === key) return;
    this.drawnKeys.set(editor, key);
    for (const kind of KINDS) editor.setDecorations(this.types.get(kind)!, byKind[kind]);
    this.rendered.set(editor, { version: doc.version, at: performance.now(), badges: shown, ruler: previous?.ruler ?? { low: 0, problem: 0 } });
  }

  /** Marks the file's low lines and lines without a pair in the overview ruler. */
  drawRuler(editor: vscode.TextEditor): void {
    const st = this.scorer.state(editor.document);
    if (!st || !this.rulerTypes) return;
    const s = this.settings;
    const table = st.table;
    const low: vscode.Range[] = [];
    const problem: vscode.Range[] = [];
    if (table.lineCount === editor.document.lineCount) {
      const cut = table.lowCut(s.bandLow);
      const n = table.lineCount;
      const per = Math.max(1, Math.ceil(n / RULER_BUCKETS));
      for (let start = 0; start < n; start += per) {
        let lowAt = -1;
        let problemAt = -1;
        for (let i = start; i < Math.min(n, start + per) && (lowAt < 0 || problemAt < 0); i++) {
          if (table.isProblem(i)) { if (problemAt < 0) problemAt = i; }
          else if (lowAt < 0 && table.scoreAt(i) < cut) lowAt = i; // NaN (no score) is never below
        }
        if (lowAt >= 0) low.push(new vscode.Range(lowAt, 0, lowAt, 0));
        if (problemAt >= 0) problem.push(new vscode.Range(problemAt, 0, problemAt, 0));
      }
    }
    editor.setDecorations(this.rulerTypes.low, low);
    editor.setDecorations(this.rulerTypes.problem, problem);
    const r = this.rendered.get(editor);
    if (r) r.ruler = { low: low.length, problem: problem.length };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    if (this.badgeTimer) clearTimeout(this.badgeTimer);
    if (this.rulerTimer) clearTimeout(this.rulerTimer);
    this.disposeTypes();
  }
}
