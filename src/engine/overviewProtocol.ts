// The messages between the extension and the overview service (overviewService.ts, dist/overview.js): the dataset
// overview of one file on disk, in a process of its own. Typed once and checked on both sides (core/messageCheck):
// the service checks what it is asked, and the client checks what comes back before it hands it on.
//   extension → service  init (the file and settings), query (cut, page, record, row of a line, step), cancelWork,
//                        engineReply (the answer to a relayed engine request)
//   service → extension  changed (activity and the new summary), reply (to a query), engine (a relayed start or
//                        score: the service scores through the extension's engine, so one model serves both)
import type { Calibration } from '../core/calibration';
import type { CleaningOptions } from '../core/cleaningPass';
import type { L10nBundle } from '../core/l10n';
import { arrayOf, bool, checker, isObj, num, oneOf, optional, shape, str, type Check } from '../core/messageCheck';
import { CUT_MODES, PROBLEM_KINDS, ROW_BANDS, SORT_COLUMNS, type Cut, type CutStats, type OverviewSummary, type TableQuery } from '../core/overview';
import type { AdapterOptions, PairScore } from '../core/types';
import type { FileOverviewActivity, FilePageRow, FileRecord } from '../files/fileOverview';
import type { PairText, ReadyInfo } from './protocol';

export type OverviewQuery =
  | { kind: 'cut'; cut: Cut }
  | { kind: 'page'; query: TableQuery }
  | { kind: 'record'; row: number }
  | { kind: 'rowOfLine'; index: number }
  | { kind: 'step'; row: number; direction: 1 | -1; lowOnly: boolean };

/** What each query answers (undefined: no model yet, or a page whose search or sort was cancelled). */
export interface OverviewAnswers {
  cut: CutStats | undefined;
  page: { total: number; offset: number; rows: FilePageRow[] } | undefined;
  record: FileRecord | undefined;
  rowOfLine: number;
  step: number;
}

export interface OverviewInit {
  file: string;
  adapter: AdapterOptions;
  cleaning: CleaningOptions | null;
  /** The shown scale: the model's calibration, or null for the raw score. */
  calibration: Calibration | null;
  cuts: { high: number; low: number };
  l10n?: L10nBundle;
}

export type OverviewServiceRequest =
  | { type: 'init'; init: OverviewInit }
  | { type: 'query'; id: number; query: OverviewQuery }
  | { type: 'cancelWork' }
  | { type: 'engineReply'; id: number; ok: true; ready?: ReadyInfo; scores?: PairScore[] }
  | { type: 'engineReply'; id: number; ok: false; message: string; cancelled: boolean };

export type OverviewServiceMessage =
  | { type: 'changed'; activity: FileOverviewActivity; summary?: OverviewSummary }
  | { type: 'reply'; id: number; ok: true; answer: unknown }
  | { type: 'reply'; id: number; ok: false; message: string }
  | { type: 'engine'; id: number; op: 'start' }
  | { type: 'engine'; id: number; op: 'score'; pairs: PairText[] }
  | { type: 'engine'; id: number; op: 'cancel' };

const any: Check = () => undefined;
const obj: Check = (v, p) => (isObj(v) ? undefined : `${p} must be an object`);
const int = (min = 0): Check => num({ int: true, min });
const QUERY: Check = (v, p) => {
  if (!isObj(v)) return `${p} must be an object`;
  switch (v.kind) {
    case 'cut': return shape({ cut: shape({ mode: oneOf(CUT_MODES), value: num() }) })(v, p);
    case 'page': return shape({ query: shape({
      sort: oneOf(SORT_COLUMNS), descending: bool, bands: arrayOf(oneOf(ROW_BANDS), 4), kinds: arrayOf(oneOf(PROBLEM_KINDS), 8),
      text: str(500), offset: int(), limit: num({ int: true, min: 0, max: 1000 }),
    }) })(v, p);
    case 'record': return shape({ row: int() })(v, p);
    case 'rowOfLine': return shape({ index: int() })(v, p);
    case 'step': return shape({ row: int(), direction: oneOf([1, -1] as unknown as string[]), lowOnly: bool })(v, p);
    default: return `${p}.kind must be one of cut, page, record, rowOfLine, step`;
  }
};

export const checkServiceRequest = checker<OverviewServiceRequest>({
  init: { init: shape({ file: str(10000), adapter: obj, cleaning: (v, p) => (v === null ? undefined : obj(v, p)), calibration: (v, p) => (v === null ? undefined : obj(v, p)), cuts: shape({ high: num({ min: 0, max: 100 }), low: num({ min: 0, max: 100 }) }) }) },
  query: { id: int(1), query: QUERY },
  cancelWork: {},
  engineReply: { id: int(1), ok: bool, scores: optional(arrayOf(obj)), ready: optional(obj), message: optional(str()) },
});

const ACTIVITY: Check = (v, p) => {
  if (!isObj(v)) return `${p} must be an object`;
  switch (v.kind) {
    case 'idle': return undefined;
    case 'reading': case 'scoring': case 'cleaning': return shape({ lines: int() })(v, p);
    case 'searching': return shape({ percent: num({ min: 0, max: 100 }) })(v, p);
    case 'sorting': return shape({ percent: num({ min: 0, max: 100 }), round: int(1) })(v, p);
    case 'failed': return shape({ message: str(10000) })(v, p);
    default: return `${p}.kind is not an activity`;
  }
};

export const checkServiceMessage = checker<OverviewServiceMessage>({
  changed: { activity: ACTIVITY, summary: optional(shape({ rows: int(), blank: int(), scored: int(), scores: obj, lengths: obj, counts: obj, bands: obj })) },
  reply: { id: int(1), ok: bool, answer: any, message: optional(str()) },
  engine: { id: int(1), op: oneOf(['start', 'score', 'cancel']), pairs: optional(arrayOf(shape({ instruction: str(), response: str() }))) },
});
