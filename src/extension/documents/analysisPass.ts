// A dataset's analysis column: its LineModel (which Dataset.followEdit keeps in step with every edit) and the passes
// that analyse only the dirty lines (debounced after typing, at once on open or when settings change), in slices that
// yield to the event loop so that a large file never stalls the extension host, and a snapshot once every line is done.
import { performance } from 'perf_hooks';
import * as vscode from 'vscode';
import { fileShapeProblem } from '../../core/jsonl';
import { LineModel, SLICE_MS, type LineAnalyser, type LineModelSummary } from './lineModel';
import { hostCpuMs } from '../probe';

/** How often a long first pass reports its progress (for the status bar), at most. */
const PROGRESS_EVERY_MS = 200;

/** The result of a finished pass, for the document version it was computed on. */
export interface AnalysisSnapshot {
  readonly version: number;
  readonly summary: LineModelSummary;
  /** When the file as a whole is not JSON Lines (a JSON array, pretty-printed JSON): the message and its 0-based line. */
  readonly fileProblem?: { message: string; index: number };
  /** Problems the user sees for the file: 1 for a file-level problem, else the lines with a problem. */
  readonly problems: number;
}

export class DocumentAnalysis implements vscode.Disposable {
  readonly model: LineModel;
  private timer: NodeJS.Timeout | undefined;
  private slice: NodeJS.Immediate | undefined;
  private lastProgress = 0;
  private disposed = false;
  private snapshot: AnalysisSnapshot | undefined;
  /** Full re-analyses so far (open, settings change, or a model found out of step); for tests and logs. */
  fullPasses = 0;
  /** Timing of the latest pass (from its first slice to its last), for tests and benchmarks. */
  readonly lastPass = { slices: 0, lines: 0, longestSliceMs: 0, longestSliceCpuMs: 0, wallMs: 0, startedAt: 0, endedAt: 0 };
  private passStart = -1;

  constructor(
    readonly document: vscode.TextDocument,
    analyser: LineAnalyser,
    private debounceMs: number,
    /** Called when a pass finished (done) or, during a long pass, with progress (not done). */
    private readonly onUpdate: (analysis: DocumentAnalysis, done: boolean) => void,
  ) {
    this.model = new LineModel(analyser, 0);
    this.reanalyse(analyser);
  }

  /** The latest finished result, if any pass has finished since the document opened or the settings changed. */
  get latest(): AnalysisSnapshot | undefined {
    return this.snapshot;
  }

  /** True when the latest snapshot belongs to the document's current text. */
  get isCurrent(): boolean {
    return this.snapshot !== undefined && this.snapshot.version === this.document.version && this.model.pending === 0;
  }

  /** Forgets everything and analyses the whole document again, at once (open, or new adapter settings). */
  reanalyse(analyser?: LineAnalyser): void {
    this.model.reset(this.document.lineCount, analyser);
    this.snapshot = undefined;
    this.fullPasses++;
    this.schedule(0);
  }

  setDebounce(ms: number): void {
    this.debounceMs = ms;
  }

  /** The line model followed an edit (Dataset.followEdit): the dirty lines are analysed after the debounce. */
  edited(): void {
    this.schedule(this.debounceMs);
  }

  private schedule(delay: number): void {
    if (this.disposed) return;
    if (this.slice) return; // a pass is running: it picks the new dirty lines up as it goes
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runSlice();
    }, delay);
  }

  private runSlice(): void {
    this.slice = undefined;
    if (this.disposed || this.document.isClosed) return;
    const doc = this.document;
    if (this.model.lineCount !== doc.lineCount) {
      // The model must mirror the document line for line; if it does not, start again from the text.
      this.model.reset(doc.lineCount);
      this.fullPasses++;
    }
    const started = performance.now();
    const deadline = started + SLICE_MS;
    const pendingBefore = this.model.pending;
    if (this.passStart < 0) {
      this.passStart = started;
      Object.assign(this.lastPass, { slices: 0, lines: 0, longestSliceMs: 0, longestSliceCpuMs: 0, wallMs: 0, startedAt: started, endedAt: 0 });
    }
    const cpuBefore = hostCpuMs();
    const done = this.model.analysePending((i) => doc.lineAt(i).text, () => performance.now() > deadline);
    const ended = performance.now();
    this.lastPass.longestSliceCpuMs = Math.max(this.lastPass.longestSliceCpuMs, hostCpuMs() - cpuBefore);
    this.lastPass.slices++;
    this.lastPass.lines += pendingBefore - this.model.pending;
    this.lastPass.longestSliceMs = Math.max(this.lastPass.longestSliceMs, ended - started);
    this.lastPass.wallMs = ended - this.passStart;
    this.lastPass.endedAt = ended;
    if (!done) {
      this.slice = setImmediate(() => this.runSlice());
      if (started - this.lastProgress >= PROGRESS_EVERY_MS) {
        this.lastProgress = started;
        this.onUpdate(this, false);
      }
      return;
    }
    this.lastProgress = 0;
    this.passStart = -1;
    this.snapshot = this.takeSnapshot();
    this.onUpdate(this, true);
  }

  private takeSnapshot(): AnalysisSnapshot {
    const summary = this.model.summary();
    let fileProblem: AnalysisSnapshot['fileProblem'];
    const first = this.firstNonBlank();
    if (first !== undefined && this.model.lineInfo(first)?.problem) {
      const message = fileShapeProblem(this.document.lineAt(first).text);
      if (message) fileProblem = { message, index: first };
    }
    return { version: this.document.version, summary, fileProblem, problems: fileProblem ? 1 : summary.problems };
  }

  private firstNonBlank(): number | undefined {
    for (let i = 0; i < this.model.lineCount; i++) {
      const info = this.model.lineInfo(i);
      if (!info) return undefined;
      if (!info.blank) return i;
    }
    return undefined;
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.slice) clearImmediate(this.slice);
    this.timer = this.slice = undefined;
  }
}
