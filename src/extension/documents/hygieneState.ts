// A dataset's hygiene column: the latest snapshot of its findings (duplicates, near-duplicates, not English, empty
// and truncated responses), what it was computed with, and the check that is scheduled or running for it. The
// hygiene service (hygiene/hygieneService.ts) fills it; diagnostics, hovers, code actions and commands read it.
import type { DuplicateCluster } from '../../core/types';
import type { HygieneFindings } from '../../core/packedHygiene';

/** One document's findings, for the version of its text they were computed on. */
export interface HygieneSnapshot {
  readonly version: number;
  /** Every finding, in line order (HygieneFindings.onLine(line) gives a 1-based line's). */
  readonly findings: HygieneFindings;
  /** Exact groups and near-duplicate clusters (1-based lines), for the hover. */
  readonly exactGroups: readonly DuplicateCluster[];
  readonly nearClusters: readonly DuplicateCluster[];
  readonly counts: { readonly exact: number; readonly nearDuplicate: number; readonly language: number };
  /** True when ranker scores chose the kept copies (else the first in the file is kept). */
  readonly scored: boolean;
  /**
   * Milliseconds the extension host itself spent: the longest step of taking the text and posting it (it goes in
   * parts of PART_LINES lines, one per turn of the event loop); reading the reply; publishing the warnings (at
   * most MAX_HYGIENE_DIAGNOSTICS, through VS Code's DiagnosticCollection). `postCpu` and `readCpu`: the CPU time of
   * the host's thread in the same steps (undefined where Node cannot tell), which a busy machine does not inflate.
   */
  readonly hostMs: {
    readonly post: number; readonly read: number; readonly publish: number;
    readonly postCpu: number | undefined; readonly readCpu: number | undefined;
  };
}

/** A check under way for a dataset, with its cancel switch. */
export interface RunningCheck {
  readonly version: number;
  readonly scores: Float64Array | undefined;
  readonly key: string;
  readonly cancel: () => void;
  /** Moves a queued check ahead of the background ones (a command now waits for it). */
  readonly promote: () => void;
  readonly done: Promise<HygieneSnapshot | undefined>;
  /** Asked for by a command (ensure): not cancelled when the document's last tab closes. */
  explicit: boolean;
}

export class HygieneState {
  /** The latest snapshot, and the scores (undefined: none) and check settings (a key) it was computed with. */
  snapshot: HygieneSnapshot | undefined;
  scoresUsed: Float64Array | undefined;
  keyUsed: string | undefined;
  /** The debounced check waiting to run, and the one running. */
  timer: NodeJS.Timeout | undefined;
  running: RunningCheck | undefined;

  /** The snapshot when it belongs to document version `version`. */
  currentFor(version: number): HygieneSnapshot | undefined {
    return this.snapshot && this.snapshot.version === version ? this.snapshot : undefined;
  }

  stored(snapshot: HygieneSnapshot, scores: Float64Array | undefined, key: string): void {
    this.snapshot = snapshot;
    this.scoresUsed = scores;
    this.keyUsed = key;
  }

  /** Drops the snapshot (new check settings): the next check starts from nothing. */
  invalidate(): void {
    this.snapshot = undefined;
  }

  cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Stops the scheduled and the running check and forgets everything (the document closed). */
  dispose(): void {
    this.cancelTimer();
    this.running?.cancel();
    this.running = undefined;
    this.snapshot = undefined;
    this.scoresUsed = undefined;
    this.keyUsed = undefined;
  }
}
