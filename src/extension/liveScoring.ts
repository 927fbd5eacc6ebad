// Live scoring: keeps a ScoreTable per open JSONL document and fills it through the engine in the background, the
// way a language server works: the editor never waits. The lines on screen are scored first, then the rest in
// batches, round-robin between documents so that two files progress together. An edit removes the scores of the
// edited lines only (the table follows the edit) and those lines are scored again, at once after a pause or after
// a short quiet time in a burst of edits; a result is stored only if its line still has the text it was computed
// for, so nothing stale is ever drawn.
// The host sends the lines as they are and the engine reads their pairs, so scoring a large file leaves the host
// little garbage to collect. While the user types, and for half a second after a file opens (VS Code's busiest
// moment), only edited and visible lines are scored; the rest waits. Closing a document cancels its requests.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { CancelledError } from '../engine/client';
import { LINE_BLANK, LINE_ERROR, type LineScores } from '../engine/protocol';
import { isJsonlDocument } from './analysisRegistry';
import type { ConfigSource, ScarConfig } from './config';
import type { EngineHost } from './engineHost';
import { lineSpan } from './lineModel';
import { isOutputFileName, ScoreReference } from './scoreReference';
import type { ScoreScale } from './scoreScale';
import { ScoreTable } from './scoreTable';
import { TaskTimings } from './probe';
import { t } from '../core/l10n';

/** Requests kept in flight to the engine (two: the engine never waits for the next batch). */
const MAX_IN_FLIGHT = 2;
/** Lines per batch (the engine reads their pairs; turn policy 'all' gives several pairs per line). */
const BATCH_LINES = 128;
/** Characters of line text per batch at most (a file of very long lines sends fewer lines per batch). */
const BATCH_CHARS = 1 << 20;
/** Lines above and below the visible range that count as visible (scrolling a little needs no new request). */
export const VISIBLE_MARGIN = 40;
/** Lines from the top of a file sent as soon as it opens, before its editor shows (a tall editor's screenful). */
const FIRST_SCREEN_LINES = 80;
/** Longest stretch of collecting a batch's lines before it is sent, so the host never stalls. */
const COLLECT_MS = 8;

/**
 * After the user edits any document, lines off screen wait this long without a further edit before they are scored:
 * while the user types, only the edited and visible lines are scored, and the CPU stays with the editor.
 */
export const BACKGROUND_QUIET_MS = 500;

/** Documents whose engine request counts are kept (the most recently used). */
const MAX_COUNTED_DOCUMENTS = 64;

/** Why a document is (not) being scored. */
export type ScoringMode = 'auto' | 'requested' | 'off';

interface Job {
  state: DocState;
  generation: number;
  /** Lines of a visible range (else the background pass over the rest of the file). */
  visible: boolean;
  /** Line index and text of each line sent, in order (two arrays, not an object per line); the engine reads their pairs. */
  indexes: number[];
  texts: string[];
}

/** One tracked document. */
export class DocState {
  readonly table: ScoreTable;
  mode: ScoringMode = 'off';
  generation = 0;
  /** Texts of lines in requests not yet answered (not requested twice). */
  readonly inflightTexts = new Set<string>();
  readonly controllers = new Set<AbortController>();
  debounce: NodeJS.Timeout | undefined;
  /** performance.now() when scoring of the current generation started, and when it completed. */
  startedAt = 0;
  completedAt = 0;
  /** The last error the engine gave for this document (scoring stops until it is requested again). */
  error: string | undefined;
  offeredLargeFile = false;
  /** Whether the first lines were sent as soon as the document opened (before its editor shows: see nextJob). */
  firstScreenSent = false;

  constructor(readonly document: vscode.TextDocument) {
    this.table = new ScoreTable(document.lineCount);
  }

  get complete(): boolean {
    return this.table.complete && this.table.lineCount === this.document.lineCount;
  }

  /** 0-100, how much of the document has an entry. */
  get percentDone(): number {
    const s = this.table.stats();
    return s.lines === 0 ? 100 : Math.floor((100 * s.done) / s.lines);
  }
}

export interface ScoresChange {
  document: vscode.TextDocument;
  /** The document's table now has an entry for every line. */
  complete: boolean;
  /**
   * Only lines off screen got entries (a batch of the background pass): what the visible lines show changes only
   * through the percentiles, so views may redraw less often.
   */
  background?: boolean;
  /** An edit removed the entries of the edited lines (their new scores usually follow within milliseconds). */
  edited?: boolean;
}

/**
 * Where a scored line stands: its percentile and rank among `of` scored lines of `source` (undefined: its own file).
 * `shown` false: the file is an output of SCAR Lens (a selection or removed lines written to disk) whose own
 * percentiles would mean something else; they order its bands but are not shown.
 */
export interface LinePlace {
  percentile: number;
  rank: number;
  of: number;
  source?: string;
  shown: boolean;
}

export class LiveScorer implements vscode.Disposable {
  private readonly docs = new Map<string, DocState>();
  /** Derived documents (a selection's editor) and the score distribution of the file they came from. */
  private readonly references = new Map<string, ScoreReference>();
  private readonly changed = new vscode.EventEmitter<ScoresChange>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private inFlight = 0;
  private roundRobin = 0;
  private pumpQueued = false;
  private disposed = false;
  /** performance.now() of the user's last edit of a tracked document, and the timer that resumes the background. */
  private lastEditAt = -Infinity;
  /** performance.now() when a tracked document was last opened: VS Code is busiest just after (see waitForQuiet). */
  private lastOpenAt = -Infinity;
  private resumeTimer: NodeJS.Timeout | undefined;
  private config: ScarConfig;
  /** Milliseconds of the latest engine requests, from send to answer (the last 200), for the benchmark. */
  readonly roundTrips: number[] = [];
  /**
   * Engine requests per document (uri), kept after it closes so a test can tell that none followed: sent, settled
   * (answered, failed or cancelled) and lines sent. The oldest documents' counts go past MAX_COUNTED_DOCUMENTS.
   */
  private readonly requestCounts = new Map<string, { sent: number; settled: number; lines: number }>();
  /** The longest synchronous work of scoring and drawing (decorations record theirs here too). */
  readonly timings = new TaskTimings();

  /** Fires when entries of a document changed (scores arrived, an edit removed some, scores were cleared). */
  readonly onDidChange = this.changed.event;

  constructor(private readonly engine: EngineHost, config: ConfigSource) {
    this.config = config.current;
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument((doc) => this.opened(doc)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.edited(e)),
      vscode.window.onDidChangeVisibleTextEditors(() => { this.offerLargeFiles(); this.schedulePump(); }),
      vscode.window.onDidChangeTextEditorVisibleRanges(() => this.schedulePump()),
      config.onDidChange(({ previous, current }) => this.configure(previous, current)),
    );
    for (const doc of vscode.workspace.textDocuments) this.opened(doc);
  }

  /** The state of a tracked document. */
  state(doc: vscode.TextDocument): DocState | undefined {
    return this.docs.get(doc.uri.toString());
  }

  /** The scale scores are shown and typed on (the model's 0-100 style score, or raw). */
  scale(): ScoreScale {
    return this.engine.scale();
  }

  /**
   * Marks `uri` as derived from a file whose raw line scores are `sourceScores` (a selection's editor): its lines
   * then read the percentile and rank they have in that file. Dropped when the document closes.
   */
  setReference(uri: vscode.Uri, source: string, sourceScores: ArrayLike<number>): void {
    this.references.set(uri.toString(), new ScoreReference(source, sourceScores));
  }

  /** scar.selection.threshold (a style score when the model has a calibration) as a raw score. */
  settingThresholdRaw(threshold: number): number {
    return this.engine.settingThresholdRaw(threshold);
  }

  /** Whether `doc`'s badges need placeOf: a derived document (see setReference) or an output file of SCAR Lens. */
  isDerived(doc: vscode.TextDocument): boolean {
    return this.references.has(doc.uri.toString()) || isOutputFileName(doc.uri.path);
  }

  /** Where a score of `doc` stands: in the file it came from for a derived document, else in `doc` itself. */
  placeOf(doc: vscode.TextDocument, score: number): LinePlace | undefined {
    const ref = this.references.get(doc.uri.toString());
    if (ref) return { percentile: ref.percentileOf(score), rank: ref.rankOf(score), of: ref.count, source: ref.source, shown: true };
    const st = this.docs.get(doc.uri.toString());
    if (!st) return undefined;
    const shown = !isOutputFileName(doc.uri.path);
    return { percentile: st.table.percentileOf(score), rank: st.table.rankOf(score), of: st.table.stats().scored, shown };
  }

  /** The engine requests made for a document so far (zeros when none). */
  requestsFor(uri: vscode.Uri): { sent: number; settled: number; lines: number } {
    const c = this.requestCounts.get(uri.toString());
    return c ? { ...c } : { sent: 0, settled: 0, lines: 0 };
  }

  private countsOf(doc: vscode.TextDocument): { sent: number; settled: number; lines: number } {
    const key = doc.uri.toString();
    let c = this.requestCounts.get(key);
    if (c) this.requestCounts.delete(key); // re-inserted last: the map stays in order of use
    else c = { sent: 0, settled: 0, lines: 0 };
    this.requestCounts.set(key, c);
    if (this.requestCounts.size > MAX_COUNTED_DOCUMENTS) this.requestCounts.delete(this.requestCounts.keys().next().value!);
    return c;
  }

  /** Starts (or resumes) scoring a document whatever its size, e.g. for "Score current file". */
  request(doc: vscode.TextDocument): DocState {
    const st = this.track(doc);
    if (st.mode !== 'requested') {
      st.mode = 'requested';
      st.error = undefined;
      if (st.startedAt === 0 || st.completedAt !== 0) this.restartClock(st);
    }
    this.schedulePump();
    return st;
  }

  /** Forgets a document's scores and stops scoring it until it is requested again ("Clear scores"). */
  clear(doc: vscode.TextDocument): boolean {
    const st = this.docs.get(doc.uri.toString());
    if (!st) return false;
    const had = st.table.stats().done > 0 || st.mode !== 'off';
    this.abort(st);
    st.mode = 'off';
    st.generation++;
    st.table.reset(doc.lineCount);
    st.startedAt = st.completedAt = 0;
    this.changed.fire({ document: doc, complete: false });
    return had;
  }

  /** Stops scoring a document (its scores so far stay), e.g. when the user cancels the progress notification. */
  pause(doc: vscode.TextDocument): void {
    const st = this.docs.get(doc.uri.toString());
    if (!st) return;
    this.abort(st);
    st.mode = 'off';
  }

  /**
   * Stops scoring a document at the user's word (its scores so far stay) and says why in the status bar, until it
   * is requested again ("SCAR: Score current file").
   */
  stop(doc: vscode.TextDocument, reason: string): void {
    const st = this.docs.get(doc.uri.toString());
    if (!st || st.complete) return;
    this.pause(doc);
    st.error = reason;
    this.changed.fire({ document: doc, complete: false });
  }

  private track(doc: vscode.TextDocument): DocState {
    const key = doc.uri.toString();
    let st = this.docs.get(key);
    if (!st) {
      st = new DocState(doc);
      this.docs.set(key, st);
    }
    return st;
  }

  private opened(doc: vscode.TextDocument): void {
    if (!isJsonlDocument(doc) || this.docs.has(doc.uri.toString())) return;
    const st = this.track(doc);
    this.lastOpenAt = performance.now();
    const s = this.config.scores;
    if (s.auto && doc.lineCount <= s.autoScoreMaxLines) {
      st.mode = 'auto';
      this.restartClock(st);
      this.schedulePump();
    } else {
      this.offerLargeFiles();
    }
  }

  /** Offers "Score now" once for each visible JSONL file that auto scoring skipped because of its size. */
  private offerLargeFiles(): void {
    const s = this.config.scores;
    if (!s.auto) return;
    for (const editor of vscode.window.visibleTextEditors) {
      const st = this.docs.get(editor.document.uri.toString());
      if (!st || st.mode !== 'off' || st.offeredLargeFile || editor.document.lineCount <= s.autoScoreMaxLines) continue;
      st.offeredLargeFile = true;
      const doc = editor.document;
      const name = doc.uri.path.split('/').pop() ?? doc.uri.toString();
      void vscode.window
        .showInformationMessage(
          `SCAR Lens: ${name} has ${doc.lineCount.toLocaleString('en-US')} lines, more than scar.scoring.autoScoreMaxLines (${s.autoScoreMaxLines.toLocaleString('en-US')}), so it was not scored on opening.`,
          'Score now',
        )
        .then((choice) => { if (choice === 'Score now' && !doc.isClosed) void vscode.commands.executeCommand('scar.scoreFile', doc.uri); });
    }
  }

  private closed(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.references.delete(key);
    const st = this.docs.get(key);
    if (!st) return;
    this.abort(st);
    if (st.debounce) clearTimeout(st.debounce);
    this.docs.delete(key);
    this.changed.fire({ document: doc, complete: false });
  }

  private edited(e: vscode.TextDocumentChangeEvent): void {
    const st = this.docs.get(e.document.uri.toString());
    if (!st || e.contentChanges.length === 0) return;
    for (const c of e.contentChanges) {
      const first = c.range.start.line;
      const last = c.range.end.line;
      if (last >= st.table.lineCount) { st.table.reset(e.document.lineCount); break; }
      st.table.replaceLines(first, last, lineSpan(c.text));
    }
    if (st.table.lineCount !== e.document.lineCount) st.table.reset(e.document.lineCount);
    if (st.completedAt !== 0) this.restartClock(st);
    // An edit after a pause is scored at once; one that follows another within the debounce time waits for that
    // much quiet, so a burst of edits (fast typing, a macro, a multi-step refactoring) costs one request.
    const now = performance.now();
    const debounceMs = this.config.scores.debounceMs;
    const burst = now - this.lastEditAt < debounceMs;
    this.lastEditAt = now;
    this.changed.fire({ document: e.document, complete: false, edited: st.mode !== 'off' });
    if (st.mode === 'off') return;
    if (st.debounce) clearTimeout(st.debounce);
    st.debounce = setTimeout(() => {
      st.debounce = undefined;
      this.schedulePump();
    }, burst ? debounceMs : 0);
  }

  private configure(previous: ScarConfig, current: ScarConfig): void {
    this.config = current;
    const adapterChanged = JSON.stringify(previous.adapter) !== JSON.stringify(current.adapter) || previous.modelPath !== current.modelPath;
    for (const st of this.docs.values()) {
      if (adapterChanged) {
        this.abort(st);
        st.generation++;
        st.table.reset(st.document.lineCount);
        if (st.mode !== 'off') this.restartClock(st);
        this.changed.fire({ document: st.document, complete: false });
      }
      if (current.scores.auto && !previous.scores.auto && st.mode === 'off' && st.document.lineCount <= current.scores.autoScoreMaxLines) {
        st.mode = 'auto';
        this.restartClock(st);
      }
      if (!current.scores.auto && st.mode === 'auto') {
        this.abort(st);
        st.mode = 'off';
      }
    }
    this.schedulePump();
  }

  private restartClock(st: DocState): void {
    st.startedAt = performance.now();
    st.completedAt = 0;
  }

  private abort(st: DocState): void {
    for (const ac of st.controllers) ac.abort();
    st.controllers.clear();
    st.inflightTexts.clear();
  }

  private schedulePump(): void {
    if (this.pumpQueued || this.disposed) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.timings.run('read lines and send a batch', () => this.pump());
    });
  }

  private pump(): void {
    while (!this.disposed && this.inFlight < MAX_IN_FLIGHT) {
      const job = this.nextJob();
      if (!job) return;
      this.send(job);
    }
  }

  /** Documents that want work, with a debounce not pending. */
  private wanting(st: DocState): boolean {
    return st.mode !== 'off' && st.error === undefined && st.debounce === undefined && !st.document.isClosed && !st.complete;
  }

  /** The next batch: visible lines of visible editors (the active one first), then the rest, round-robin. */
  private nextJob(): Job | undefined {
    const active = vscode.window.activeTextEditor;
    const editors = [...vscode.window.visibleTextEditors].sort((a, b) => (a === active ? -1 : b === active ? 1 : 0));
    for (const editor of editors) {
      const st = this.docs.get(editor.document.uri.toString());
      if (!st || !this.wanting(st)) continue;
      for (const r of editor.visibleRanges) {
        const job = this.batch(st, r.start.line - VISIBLE_MARGIN, r.end.line + VISIBLE_MARGIN + 1, BATCH_LINES, true);
        if (job) return job;
      }
    }
    const all = [...this.docs.values()].filter((st) => this.wanting(st));
    // A file that has just opened shows its first lines almost always (unless VS Code restores a scroll position):
    // they go at once, as visible lines, without waiting for the editor to show (which takes VS Code a while).
    for (const st of all) {
      if (st.firstScreenSent) continue;
      st.firstScreenSent = true;
      const job = this.batch(st, 0, FIRST_SCREEN_LINES, FIRST_SCREEN_LINES, true);
      if (job) return job;
    }
    if (all.length > 0 && this.waitForQuiet()) return undefined;
    for (let tries = 0; tries < all.length; tries++) {
      const st = all[this.roundRobin++ % all.length];
      const first = st.table.firstMissing();
      if (first === undefined) continue;
      const job = this.batch(st, first, st.table.lineCount, BATCH_LINES, false);
      if (job) return job; // else everything left of it is in flight
    }
    return undefined;
  }

  /**
   * True while the user is typing (an edit less than BACKGROUND_QUIET_MS ago) or a file has just opened (VS Code is
   * still laying it out and tokenising it: the visible lines are scored, the rest waits as long); the pump runs again
   * after it.
   */
  private waitForQuiet(): boolean {
    const wait = Math.max(this.lastEditAt, this.lastOpenAt) + BACKGROUND_QUIET_MS - performance.now();
    if (wait <= 0) return false;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    this.resumeTimer = setTimeout(() => {
      this.resumeTimer = undefined;
      this.schedulePump();
    }, wait + 1);
    return true;
  }

  /**
   * The next batch of lines of [from, to) that have no entry and are not in flight, in order (at most `max`, and no
   * more than BATCH_CHARS of text or COLLECT_MS of work); undefined when there is none. The host does not parse
   * them (the engine does), so a batch costs the host one look-up per line and two arrays.
   */
  private batch(st: DocState, from: number, to: number, max: number, visible: boolean): Job | undefined {
    const doc = st.document;
    const table = st.table;
    const end = Math.min(to, table.lineCount);
    const job: Job = { state: st, generation: st.generation, visible, indexes: [], texts: [] };
    const deadline = performance.now() + COLLECT_MS;
    let chars = 0;
    for (let i = Math.max(0, from); i < end && job.indexes.length < max; i++) {
      if (table.has(i)) continue;
      const text = doc.lineAt(i).text;
      if (st.inflightTexts.has(text)) continue;
      job.indexes.push(i);
      job.texts.push(text);
      st.inflightTexts.add(text);
      chars += text.length;
      if (chars >= BATCH_CHARS || performance.now() > deadline) break;
    }
    return job.indexes.length > 0 ? job : undefined;
  }

  private send(job: Job): void {
    const st = job.state;
    const ac = new AbortController();
    st.controllers.add(ac);
    this.inFlight++;
    let client;
    try {
      client = this.engine.get();
    } catch (e) {
      this.inFlight--;
      st.error = (e as Error).message;
      return;
    }
    const sent = performance.now();
    const counts = this.countsOf(st.document);
    counts.sent++;
    counts.lines += job.indexes.length;
    client
      .scoreLines(job.texts, job.indexes[0] + 1, this.config.adapter, { signal: ac.signal })
      .then((results) => {
        this.roundTrips.push(performance.now() - sent);
        if (this.roundTrips.length > 200) this.roundTrips.shift();
        this.timings.run('store a batch of scores', () => this.apply(job, results));
      })
      .catch((e: unknown) => {
        if (e instanceof CancelledError || ac.signal.aborted) return;
        st.error = (e as Error).message;
        void vscode.window.showErrorMessage(t('SCAR Lens: scoring {0} stopped: {1}', st.document.uri.path.split('/').pop() ?? '', st.error));
        this.changed.fire({ document: st.document, complete: false });
      })
      .finally(() => {
        counts.settled++;
        this.inFlight--;
        st.controllers.delete(ac);
        for (const text of job.texts) st.inflightTexts.delete(text);
        this.schedulePump();
      });
  }

  private apply(job: Job, results: LineScores): void {
    const st = job.state;
    if (st.generation !== job.generation || st.document.isClosed || this.docs.get(st.document.uri.toString()) !== st) return;
    const doc = st.document;
    const errors = results.errors.length ? new Map(results.errors) : undefined;
    let stored = 0;
    for (let k = 0; k < job.indexes.length && k < results.kinds.length; k++) {
      const index = job.indexes[k];
      const text = job.texts[k];
      // Stored only where the line still has the text that was scored (an edit since then leaves it to the next batch).
      if (index >= doc.lineCount || st.table.has(index) || doc.lineAt(index).text !== text) continue;
      const kind = results.kinds[k];
      const v = results.values;
      if (kind === LINE_BLANK) st.table.setBlank(index, text);
      else if (kind === LINE_ERROR) st.table.setProblem(index, text, errors?.get(k) ?? 'no pair');
      else st.table.setScored(index, text, results.pairs[k], v[3 * k], v[3 * k + 1], v[3 * k + 2]);
      stored++;
    }
    if (stored === 0) return;
    this.finishIfComplete(st);
    this.changed.fire({ document: doc, complete: st.complete, background: !job.visible });
  }

  private finishIfComplete(st: DocState): void {
    if (st.complete && st.completedAt === 0) st.completedAt = performance.now();
  }

  dispose(): void {
    this.disposed = true;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    for (const s of this.subscriptions) s.dispose();
    for (const st of this.docs.values()) { this.abort(st); if (st.debounce) clearTimeout(st.debounce); }
    this.docs.clear();
    this.changed.dispose();
  }
}
