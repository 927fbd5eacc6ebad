// The messages between the two webviews (record view, dataset overview) and the extension, typed once and checked
// on both sides: the extension checks what a webview posts before it acts (a webview is a web page; its messages
// are input), and the webview checks what it receives before it draws. Pure (no vscode import, no Node module): it
// is bundled into the webview scripts too (esbuild.js: dist/overviewView.js, dist/recordView.js).
import { CUT_CLEANING, CUT_MODES, PROBLEM_KINDS, ROW_BANDS, SORT_COLUMNS, type CutMode, type CutStats, type OverviewSummary, type ProblemKind, type RowBand, type SortColumn } from '../../core/overviewTypes';

export type { OverviewSummary } from '../../core/overviewTypes';
import type { RecordTurn } from '../../core/record';
import { arrayOf, bool, checker, num, oneOf, optional, record, shape, str, type Check } from '../../core/messageCheck';

// ----------------------------------------------------------------------------------------------------------------
// The overview panel.

export interface TableQueryMessage {
  sort: SortColumn;
  descending: boolean;
  bands: RowBand[];
  kinds: ProblemKind[];
  text: string;
  offset: number;
  limit: number;
}

/** What the overview webview posts. `seq` ties an answer to its question (older answers are dropped). */
export type OverviewRequest =
  | { type: 'ready' }
  | { type: 'cut'; seq: number; mode: CutMode; value: number }
  | { type: 'page'; seq: number; query: TableQueryMessage }
  | { type: 'reveal'; line: number }
  | { type: 'export'; mode: CutMode; value: number }
  | { type: 'state'; state: OverviewViewState }
  /** Cancel the search or sort that is reading the file. */
  | { type: 'cancel' };

/** What the overview webview remembers across hide/show and reloads (vscode.setState), and hands back on ready. */
export interface OverviewViewState {
  uri: string;
  mode: CutMode;
  value: number;
  sort: SortColumn;
  descending: boolean;
  bands: RowBand[];
  kinds: ProblemKind[];
  text: string;
  scrollRow: number;
}

const QUERY: Record<string, Check> = {
  sort: oneOf(SORT_COLUMNS), descending: bool, bands: arrayOf(oneOf(ROW_BANDS), 4), kinds: arrayOf(oneOf(PROBLEM_KINDS), 8),
  text: str(500), offset: num({ int: true, min: 0 }), limit: num({ int: true, min: 0, max: 1000 }),
};
const STATE: Record<string, Check> = {
  uri: str(10000), mode: oneOf(CUT_MODES), value: num({ min: -1e9, max: 1e9 }), sort: oneOf(SORT_COLUMNS), descending: bool,
  bands: arrayOf(oneOf(ROW_BANDS), 4), kinds: arrayOf(oneOf(PROBLEM_KINDS), 8), text: str(500), scrollRow: num({ int: true, min: 0 }),
};

export const checkOverviewRequest = checker<OverviewRequest>({
  ready: {},
  cut: { seq: num({ int: true, min: 0 }), mode: oneOf(CUT_MODES), value: num({ min: -1e9, max: 1e9 }) },
  page: { seq: num({ int: true, min: 0 }), query: shape(QUERY) },
  reveal: { line: num({ int: true, min: 1 }) },
  export: { mode: oneOf(CUT_MODES), value: num({ min: -1e9, max: 1e9 }) },
  state: { state: shape(STATE) },
  cancel: {},
});

/** One row of the table as the webview draws it. */
export interface RowView {
  /** 1-based line number. */
  line: number;
  /** The shown score ("72", "-3.41"), or '' when the line has none. */
  score: string;
  band: RowBand;
  /** Response tokens, -1 when unknown. */
  tokens: number;
  instruction: string;
  response: string;
  problems: ProblemKind[];
}

export type OverviewUpdate =
  | { type: 'init'; file: { name: string; uri: string; large: boolean }; scale: { calibrated: boolean; noun: string; min: number; max: number }; cuts: { high: number; low: number }; strings: Record<string, string>; state?: OverviewViewState }
  | { type: 'summary'; summary: OverviewSummary }
  | { type: 'cutStats'; seq: number; stats: CutStats }
  | { type: 'page'; seq: number; offset: number; total: number; rows: RowView[] }
  /** cancellable: a search or a sort is reading the file, and the panel offers to cancel it. */
  | { type: 'status'; text: string; busy: boolean; cancellable?: boolean }
  | { type: 'exported'; ok: boolean; message: string };

const HIST: Check = shape({ lo: num(), hi: num(), counts: arrayOf(num({ int: true, min: 0 }), 1000), clipped: num({ int: true, min: 0 }) });
const COUNTS: Check = record(num({ int: true, min: 0 }));

export const checkOverviewUpdate = checker<OverviewUpdate>({
  init: {
    file: shape({ name: str(1000), uri: str(10000), large: bool }),
    scale: shape({ calibrated: bool, noun: str(100), min: num(), max: num() }),
    cuts: shape({ high: num({ min: 0, max: 100 }), low: num({ min: 0, max: 100 }) }),
    strings: record(str(2000)),
    state: optional(shape(STATE)),
  },
  summary: {
    summary: shape({
      rows: num({ int: true, min: 0 }), blank: num({ int: true, min: 0 }), scored: num({ int: true, min: 0 }), counts: COUNTS,
      scores: HIST, lengths: HIST, lengthsReady: bool, scoring: shape({ percent: num({ min: 0, max: 100 }), complete: bool }), bands: COUNTS,
      version: num(),
    }),
  },
  cutStats: {
    seq: num({ int: true, min: 0 }),
    stats: shape({
      mode: oneOf(CUT_MODES), value: num(), kept: num({ int: true, min: 0 }), scored: num({ int: true, min: 0 }), share: num({ min: 0, max: 1 }),
      cleaning: oneOf(CUT_CLEANING), removed: num({ int: true, min: 0 }),
      medianTokensKept: num({ nan: true }), medianTokensAll: num({ nan: true }), boundary: num({ nan: true }),
    }),
  },
  page: {
    seq: num({ int: true, min: 0 }), offset: num({ int: true, min: 0 }), total: num({ int: true, min: 0 }),
    rows: arrayOf(shape({
      line: num({ int: true, min: 1 }), score: str(40), band: oneOf(ROW_BANDS), tokens: num({ int: true, min: -1 }),
      instruction: str(2000), response: str(2000), problems: arrayOf(oneOf(PROBLEM_KINDS), 8),
    }), 1000),
  },
  status: { text: str(2000), busy: bool, cancellable: optional(bool) },
  exported: { ok: bool, message: str(5000) },
});

// ----------------------------------------------------------------------------------------------------------------
// The record view.

export type RecordRequest =
  | { type: 'ready' }
  | { type: 'navigate'; direction: 1 | -1; lowOnly: boolean }
  | { type: 'reveal'; line: number };

export const checkRecordRequest = checker<RecordRequest>({
  ready: {},
  navigate: { direction: (v, p) => (v === 1 || v === -1 ? undefined : `${p} must be 1 or -1`), lowOnly: bool },
  reveal: { line: num({ int: true, min: 1 }) },
});

export interface RecordScore {
  /** The shown score ("72.4" / "-3.41") and what it is called. */
  text: string;
  noun: string;
  calibrated: boolean;
  band: 'high' | 'mid' | 'low';
  percentile: number;
  rank: number;
  of: number;
  raw: number;
  /** NaN when the ranker reports no components. */
  composition: number;
  presentation: number;
  medians: { composition: number; presentation: number };
}

export interface RecordFinding {
  kind: string;
  message: string;
  /** 1-based line of the kept copy, for duplicates. */
  otherLine?: number;
}

export interface RecordCluster {
  kind: 'exact' | 'near';
  kept: number;
  /** 1-based lines (the first MAX_CLUSTER_LINES). */
  lines: number[];
  similarity: number[];
  size: number;
}

export interface RecordPayload {
  file: string;
  uri: string;
  version: number;
  /** 1-based line and the file's line count. */
  line: number;
  lineCount: number;
  blank: boolean;
  turns: RecordTurn[];
  /** Why the line yields no pair (parse error, no assistant turn, ...). */
  problem?: string;
  pairs: number;
  /** Absent while the line is not scored yet (pending) or has no pair. */
  score?: RecordScore;
  scoring: 'scored' | 'pending' | 'none';
  findings: RecordFinding[];
  clusters: RecordCluster[];
  /** The line's text, for the raw toggle (JSON as written). */
  raw: string;
}

export type RecordUpdate =
  | { type: 'init'; strings: Record<string, string> }
  | { type: 'record'; record: RecordPayload }
  /** The text changed under the view: it shows nothing until the new record arrives. */
  | { type: 'stale' }
  | { type: 'empty'; text: string };

const TURN: Check = shape({
  label: str(200), role: oneOf(['system', 'user', 'assistant', 'other']), text: str(), path: str(1000),
  scored: optional(oneOf(['response', 'instruction'])), exchanges: optional(arrayOf(num({ int: true, min: 0 }), 10000)),
});

export const checkRecordUpdate = checker<RecordUpdate>({
  init: { strings: record(str(2000)) },
  record: {
    record: shape({
      file: str(1000), uri: str(10000), version: num(), line: num({ int: true, min: 1 }), lineCount: num({ int: true, min: 0 }), blank: bool,
      turns: arrayOf(TURN, 100000), problem: optional(str(10000)), pairs: num({ int: true, min: 0 }),
      score: optional(shape({
        text: str(40), noun: str(100), calibrated: bool, band: oneOf(['high', 'mid', 'low']), percentile: num({ min: 0, max: 100 }),
        rank: num({ int: true, min: 1 }), of: num({ int: true, min: 1 }), raw: num(), composition: num({ nan: true }), presentation: num({ nan: true }),
        medians: shape({ composition: num({ nan: true }), presentation: num({ nan: true }) }),
      })),
      scoring: oneOf(['scored', 'pending', 'none']),
      findings: arrayOf(shape({ kind: str(100), message: str(5000), otherLine: optional(num({ int: true, min: 1 })) }), 100),
      clusters: arrayOf(shape({
        kind: oneOf(['exact', 'near']), kept: num({ int: true, min: 1 }), lines: arrayOf(num({ int: true, min: 1 }), 1000),
        similarity: arrayOf(num(), 1000), size: num({ int: true, min: 1 }),
      }), 10),
      raw: str(),
    }),
  },
  stale: {},
  empty: { text: str(2000) },
});

/** The most lines of a duplicate cluster the record view lists. */
export const MAX_CLUSTER_LINES = 50;
