// Live scoring: the engine pump that fills each open document's score column (its Dataset's ScoringState) in the
// background, the way a language server works: the editor never waits. The lines on screen are scored first, then
// the rest in batches, round-robin between documents so that two files progress together. An edit removes the
// scores of the edited lines only (the Dataset's columns follow the edit) and those lines are scored again, at once
// after a pause or after a short quiet time in a burst of edits; a result is stored only if its line still has the
// text it was computed for, so nothing stale is ever drawn.
// The host sends the lines as they are and the engine reads their pairs, so scoring a large file leaves the host
// little garbage to collect. Requests of visible and edited lines are urgent: the engine serves them between the
// inference batches of a background request, so an edit never waits for the background pass's requests in flight.
// While the user types, and for half a second after a file opens (VS Code's busiest moment), only edited and visible
// lines are scored; the rest waits. Closing a document cancels its requests.
// The scorer keeps no document's state: it holds only the pump (requests in flight, the round-robin, the quiet
// timer) and reads and writes each document's state through the Datasets registry.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { CancelledError } from '../../engine/client';
import { LINE_BLANK, LINE_ERROR, type LineScores } from '../../engine/protocol';
import type { ConfigSource, ScarConfig } from '../config';
import type { Dataset } from '../documents/dataset';
import type { DatasetChange, Datasets, ScoresChange } from '../documents/datasets';
import type { ScoringState } from '../documents/scoringState';
import type { EngineHost } from './engineHost';
import { isOutputFileName } from './scoreReference';
import type { ScoreScale } from './scoreScale';
import { TaskTimings } from '../probe';
import { t } from '../../core/l10n';

export type { ScoringMode } from '../documents/scoringState';

/**
 * Requests kept in flight to the engine, of each kind: visible (urgent) and background. Two of the background pass, so
 * the engine never waits for the next one; visible ones have their own two, so they never wait for a background
 * slot, and the engine serves them between the batches of a background request (ScoreLinesRequest.urgent).
 */
const MAX_IN_FLIGHT = 2;
/** Lines per request of visible lines (the engine reads their pairs; turn policy 'all' gives several pairs per line). */
const VISIBLE_BATCH_LINES = 128;
/**
 * Lines per request of the background pass: twice a visible request's, so the host sends and stores half as many.
 * Not more: an urgent request waits in the IPC pipe behind the bytes of the background requests sent before it, and
 * the engine reads the pipe only between its inference batches. Measured with the engine driven as the editor drives
 * it (100k lines, a one-line urgent request every 300 ms): 256 lines, urgent answered in 12-18 ms median (p90 29-46);
 * 512, 17-35 ms (p90 54-81); the pass took as long with each. 1024 (runs of 50k lines): 40-59 ms (p90 127), no faster.
 */
const BACKGROUND_BATCH_LINES = 256;
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

interface Job {
  dataset: Dataset;
  generation: number;
  /** Lines of a visible range (else the background pass over the rest of the file). */
  visible: boolean;
  /** Line index and text of each line sent, in order (two arrays, not an object per line); the engine reads their pairs. */
  indexes: number[];
  texts: string[];
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

/** A document's engine requests: sent, settled (answered, failed or cancelled), lines sent, of them by the background pass. */
export interface RequestCounts {
  sent: number;
  settled: number;
  lines: number;
  backgroundLines: number;
}

const noRequests = (): RequestCounts => ({ sent: 0, settled: 0, lines: 0, backgroundLines: 0 });

export class LiveScorer implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Requests in flight, of visible lines and of the background pass. */
  private readonly inFlight = { visible: 0, background: 0 };
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
   * (answered, failed or cancelled), lines sent and of them by the background pass. The oldest documents' counts go
   * past MAX_COUNTED_DOCUMENTS.
   */
  private readonly requestCounts = new Map<string, RequestCounts>();
  /** The longest synchronous work of scoring and drawing (decorations record theirs here too). */
  readonly timings = new TaskTimings();

  constructor(private readonly engine: EngineHost, config: ConfigSource, private readonly datasets: Datasets) {
    this.config = config.current;
    this.subscriptions.push(
      datasets.onDidChange((change) => this.follow(change)),
      vscode.window.onDidChangeVisibleTextEditors(() => { this.offerLargeFiles(); this.schedulePump(); }),
      vscode.window.onDidChangeTextEditorVisibleRanges(() => this.schedulePump()),
    );
    for (const dataset of datasets.all()) this.opened(dataset);
  }

  private follow(change: DatasetChange): void {
    if (change.kind === 'opened') this.opened(change.dataset);
    else if (change.kind === 'edited') this.edited(change.dataset);
    else if (change.kind === 'closed') this.schedulePump(); // its requests were cancelled with its state
    else if (change.kind === 'settings') this.configure(change.previous, change.current, change.adapter);
  }

  /** The scoring state of an open JSONL document. */
  state(doc: vscode.TextDocument): ScoringState | undefined {
    return this.datasets.get(doc)?.scoring;
  }

  private fire(dataset: Dataset, change: ScoresChange): void {
    this.datasets.fire({ kind: 'scores', dataset, ...change });
  }

  /** The scale scores are shown and typed on (the model's 0-100 style score, or raw). */
  scale(): ScoreScale {
    return this.engine.scale();
  }

  /** scar.selection.threshold (a style score when the model has a calibration) as a raw score. */
  settingThresholdRaw(threshold: number): number {
    return this.engine.settingThresholdRaw(threshold);
  }

  /** Whether `doc`'s badges need placeOf: a derived document (Datasets.markDerived) or an output file of SCAR Lens. */
  isDerived(doc: vscode.TextDocument): boolean {
    return this.datasets.get(doc)?.reference !== undefined || isOutputFileName(doc.uri.path);
  }

  /** Where a score of `doc` stands: in the file it came from for a derived document, else in `doc` itself. */
  placeOf(doc: vscode.TextDocument, score: number): LinePlace | undefined {
    const dataset = this.datasets.get(doc);
    if (!dataset) return undefined;
    const ref = dataset.reference;
    if (ref) return { percentile: ref.percentileOf(score), rank: ref.rankOf(score), of: ref.count, source: ref.source, shown: true };
    const table = dataset.scoring.table;
    const shown = !isOutputFileName(doc.uri.path);
    return { percentile: table.percentileOf(score), rank: table.rankOf(score), of: table.stats().scored, shown };
  }

  /** The engine requests made for a document so far (zeros when none). */
  requestsFor(uri: vscode.Uri): RequestCounts {
    const c = this.requestCounts.get(uri.toString());
    return c ? { ...c } : noRequests();
  }

  private countsOf(doc: vscode.TextDocument): RequestCounts {
    const key = doc.uri.toString();
    let c = this.requestCounts.get(key);
    if (c) this.requestCounts.delete(key); // re-inserted last: the map stays in order of use
    else c = noRequests();
    this.requestCounts.set(key, c);
    if (this.requestCounts.size > MAX_COUNTED_DOCUMENTS) this.requestCounts.delete(this.requestCounts.keys().next().value!);
    return c;
  }

  /** Starts (or resumes) scoring a document whatever its size, e.g. for "Score current file". */
  request(doc: vscode.TextDocument): ScoringState | undefined {
    const st = this.state(doc);
    if (!st) return undefined;
    if (st.mode !== 'requested') {
      st.mode = 'requested';
      st.error = undefined;
      if (st.startedAt === 0 || st.completedAt !== 0) st.restartClock(performance.now());
    }
    this.schedulePump();
    return st;
  }

  /** Forgets a document's scores and stops scoring it until it is requested again ("Clear scores"). */
  clear(doc: vscode.TextDocument): boolean {
    const dataset = this.datasets.get(doc);
    if (!dataset) return false;
    const st = dataset.scoring;
    const had = st.table.stats().done > 0 || st.mode !== 'off';
    st.reset();
    st.mode = 'off';
    this.fire(dataset, { complete: false });
    return had;
  }

  /** Stops scoring a document (its scores so far stay), e.g. when the user cancels the progress notification. */
  pause(doc: vscode.TextDocument): void {
    const st = this.state(doc);
    if (!st) return;
    st.abort();
    st.mode = 'off';
  }

  /**
   * Stops scoring a document at the user's word (its scores so far stay) and says why in the status bar, until it
   * is requested again ("SCAR: Score current file").
   */
  stop(doc: vscode.TextDocument, reason: string): void {
    const dataset = this.datasets.get(doc);
    if (!dataset || dataset.scoring.complete) return;
    this.pause(doc);
    dataset.scoring.error = reason;
    this.fire(dataset, { complete: false });
  }

  private opened(dataset: Dataset): void {
    const st = dataset.scoring;
    this.lastOpenAt = performance.now();
    const s = this.config.scores;
    if (s.auto && dataset.document.lineCount <= s.autoScoreMaxLines) {
      st.mode = 'auto';
      st.restartClock(performance.now());
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
      const st = this.state(editor.document);
      if (!st || st.mode !== 'off' || st.offeredLargeFile || editor.document.lineCount <= s.autoScoreMaxLines) continue;
      st.offeredLargeFile = true;
      const doc = editor.document;
      const name = doc.uri.path.split('/').pop() ?? doc.uri.toString();
      const scoreNow = t('Score now');
      void vscode.window
        .showInformationMessage(
          t('SCAR Lens: {0} has {1} lines, more than scar.scoring.autoScoreMaxLines ({2}), so it was not scored on opening.', name, doc.lineCount.toLocaleString('en-US'), s.autoScoreMaxLines.toLocaleString('en-US')),
          scoreNow,
        )
        .then((choice) => { if (choice === scoreNow && !doc.isClosed) void vscode.commands.executeCommand('scar.scoreFile', doc.uri); });
    }
  }

  /** The Dataset followed an edit (the edited lines lost their entries): score them again, debounced in a burst. */
  private edited(dataset: Dataset): void {
    const st = dataset.scoring;
    if (st.completedAt !== 0) st.restartClock(performance.now());
    // An edit after a pause is scored at once; one that follows another within the debounce time waits for that
    // much quiet, so a burst of edits (fast typing, a macro, a multi-step refactoring) costs one request.
    const now = performance.now();
    const debounceMs = this.config.scores.debounceMs;
    const burst = now - this.lastEditAt < debounceMs;
    this.lastEditAt = now;
    this.fire(dataset, { complete: false, edited: st.mode !== 'off' });
    if (st.mode === 'off') return;
    if (st.debounce) clearTimeout(st.debounce);
    st.debounce = setTimeout(() => {
      st.debounce = undefined;
      this.schedulePump();
    }, burst ? debounceMs : 0);
  }

  /** New settings: the Datasets registry has reset the score columns when the pairs or the model changed. */
  private configure(previous: ScarConfig, current: ScarConfig, rescored: boolean): void {
    this.config = current;
    for (const dataset of this.datasets.all()) {
      const st = dataset.scoring;
      if (rescored) {
        if (st.mode !== 'off') st.restartClock(performance.now());
        this.fire(dataset, { complete: false });
      }
      if (current.scores.auto && !previous.scores.auto && st.mode === 'off' && dataset.document.lineCount <= current.scores.autoScoreMaxLines) {
        st.mode = 'auto';
        st.restartClock(performance.now());
      }
      if (!current.scores.auto && st.mode === 'auto') {
        st.abort();
        st.mode = 'off';
      }
    }
    this.schedulePump();
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
    while (!this.disposed) {
      const job = this.nextJob(this.inFlight.visible < MAX_IN_FLIGHT, this.inFlight.background < MAX_IN_FLIGHT);
      if (!job) return;
      this.send(job);
    }
  }

  /** Documents that want work, with a debounce not pending. */
  private wanting(st: ScoringState): boolean {
    return st.mode !== 'off' && st.error === undefined && st.debounce === undefined && !st.document.isClosed && !st.complete;
  }

  /**
   * The next batch: visible lines of visible editors (the active one first), then the rest, round-robin; only of the
   * kinds that have a request slot free.
   */
  private nextJob(visibleSlot: boolean, backgroundSlot: boolean): Job | undefined {
    if (!visibleSlot && !backgroundSlot) return undefined;
    const all = [...this.datasets.all()].filter((d) => this.wanting(d.scoring));
    return (visibleSlot ? this.nextVisibleJob(all) : undefined) ?? (backgroundSlot ? this.nextBackgroundJob(all) : undefined);
  }

  /** Visible lines: of the visible editors, then the first screen of files that have just opened. */
  private nextVisibleJob(all: readonly Dataset[]): Job | undefined {
    const active = vscode.window.activeTextEditor;
    const editors = [...vscode.window.visibleTextEditors].sort((a, b) => (a === active ? -1 : b === active ? 1 : 0));
    for (const editor of editors) {
      const dataset = this.datasets.get(editor.document);
      if (!dataset || !this.wanting(dataset.scoring)) continue;
      for (const r of editor.visibleRanges) {
        const job = this.batch(dataset, r.start.line - VISIBLE_MARGIN, r.end.line + VISIBLE_MARGIN + 1, VISIBLE_BATCH_LINES, true);
        if (job) return job;
      }
    }
    // A file that has just opened shows its first lines almost always (unless VS Code restores a scroll position):
    // they go at once, as visible lines, without waiting for the editor to show (which takes VS Code a while).
    for (const dataset of all) {
      if (dataset.scoring.firstScreenSent) continue;
      dataset.scoring.firstScreenSent = true;
      const job = this.batch(dataset, 0, FIRST_SCREEN_LINES, FIRST_SCREEN_LINES, true);
      if (job) return job;
    }
    return undefined;
  }

  /** The rest of the files, round-robin, unless the user is typing (waitForQuiet). */
  private nextBackgroundJob(all: readonly Dataset[]): Job | undefined {
    if (all.length > 0 && this.waitForQuiet()) return undefined;
    for (let tries = 0; tries < all.length; tries++) {
      const dataset = all[this.roundRobin++ % all.length];
      const first = dataset.scoring.table.firstMissing();
      if (first === undefined) continue;
      const job = this.batch(dataset, first, dataset.scoring.table.lineCount, BACKGROUND_BATCH_LINES, false);
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
  private batch(dataset: Dataset, from: number, to: number, max: number, visible: boolean): Job | undefined {
    const doc = dataset.document;
    const st = dataset.scoring;
    const table = st.table;
    const end = Math.min(to, table.lineCount);
    const job: Job = { dataset, generation: st.generation, visible, indexes: [], texts: [] };
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
    const dataset = job.dataset;
    const st = dataset.scoring;
    const ac = new AbortController();
    st.controllers.add(ac);
    const lane = job.visible ? 'visible' : 'background';
    this.inFlight[lane]++;
    let client;
    try {
      client = this.engine.get();
    } catch (e) {
      this.inFlight[lane]--;
      st.error = (e as Error).message;
      return;
    }
    const sent = performance.now();
    const counts = this.countsOf(dataset.document);
    counts.sent++;
    counts.lines += job.indexes.length;
    if (!job.visible) counts.backgroundLines += job.indexes.length;
    client
      .scoreLines(job.texts, job.indexes[0] + 1, this.config.adapter, { signal: ac.signal, urgent: job.visible })
      .then((results) => {
        this.roundTrips.push(performance.now() - sent);
        if (this.roundTrips.length > 200) this.roundTrips.shift();
        this.timings.run('store a batch of scores', () => this.apply(job, results));
      })
      .catch((e: unknown) => {
        if (e instanceof CancelledError || ac.signal.aborted) return;
        st.error = (e as Error).message;
        void vscode.window.showErrorMessage(t('SCAR Lens: scoring {0} stopped: {1}', dataset.document.uri.path.split('/').pop() ?? '', st.error));
        this.fire(dataset, { complete: false });
      })
      .finally(() => {
        counts.settled++;
        this.inFlight[lane]--;
        st.controllers.delete(ac);
        for (const text of job.texts) st.inflightTexts.delete(text);
        this.schedulePump();
      });
  }

  private apply(job: Job, results: LineScores): void {
    const dataset = job.dataset;
    const st = dataset.scoring;
    const doc = dataset.document;
    if (st.generation !== job.generation || doc.isClosed || this.datasets.get(doc) !== dataset) return;
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
      else if (kind === LINE_ERROR) st.table.setProblem(index, text, errors?.get(k) ?? t('no pair'));
      else st.table.setScored(index, text, results.pairs[k], v[3 * k], v[3 * k + 1], v[3 * k + 2]);
      stored++;
    }
    if (stored === 0) return;
    if (st.complete && st.completedAt === 0) st.completedAt = performance.now();
    this.fire(dataset, { complete: st.complete, background: !job.visible });
  }

  dispose(): void {
    this.disposed = true;
    if (this.resumeTimer) clearTimeout(this.resumeTimer);
    for (const s of this.subscriptions) s.dispose();
    for (const dataset of this.datasets.all()) dataset.scoring.abort();
  }
}
