// A dataset's score column and where its scoring stands: the ScoreTable of line scores, why it is (not) being scored,
// the engine requests in flight for it, and the whole-document views of the table made once per table revision.
// The live scorer (scoring/liveScorer.ts) fills it; every other reader only reads it.
import type * as vscode from 'vscode';
import type { DocumentScores } from './documentScores';
import { ScoreTable } from './scoreTable';

/** Why a document is (not) being scored. */
export type ScoringMode = 'auto' | 'requested' | 'off';

export class ScoringState {
  readonly table: ScoreTable;
  mode: ScoringMode = 'off';
  /** Bumped when the table is reset (settings, model, clear): answers to requests of an older generation are dropped. */
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
  /** Whether the first lines were sent as soon as the document opened (before its editor shows: see the scorer). */
  firstScreenSent = false;
  /** Whole-document views of a complete table, each for the table revision it was made from. */
  private readonly views = new Map<string, { revision: number; value: unknown }>();

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

  /**
   * A view of the complete table (DocumentScores, the per-line score array), made once per table revision; the same
   * object until a score changes. Undefined while the table is incomplete.
   */
  view<T>(name: 'scores' | 'lineScores', make: (state: ScoringState) => T): T | undefined {
    if (!this.complete) return undefined;
    const memo = this.views.get(name);
    if (memo && memo.revision === this.table.revision) return memo.value as T;
    const value = make(this);
    this.views.set(name, { revision: this.table.revision, value });
    return value;
  }

  /** Cancels the requests in flight for this document. */
  abort(): void {
    for (const ac of this.controllers) ac.abort();
    this.controllers.clear();
    this.inflightTexts.clear();
  }

  /** Forgets every score (new adapter settings, another model, "Clear scores"); in-flight answers are dropped. */
  reset(): void {
    this.abort();
    this.generation++;
    this.table.reset(this.document.lineCount);
    this.startedAt = this.completedAt = 0;
  }

  restartClock(now: number): void {
    this.startedAt = now;
    this.completedAt = 0;
  }

  dispose(): void {
    this.abort();
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = undefined;
  }
}

/** The type of the DocumentScores view, for readers that name it. */
export type { DocumentScores };
