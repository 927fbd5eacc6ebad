// The pure half of the commands that act on a scored document ("Select top…", "Export top…", "Sort lines…",
// "Filter out lines below…"): the document's lines with their pairs and scores, SCAR's cleaning run once
// (core/selectionPipeline.ts), the choices a quick pick offers with how many lines each keeps, and what typed
// input means. No vscode import, so all of it is unit-tested; the commands themselves are selectTop.ts
// and sortFilter.ts.
import { analyseRecord } from '../../core/inspect';
import { iterateRecords } from '../../core/jsonl';
import { percentiles, summarizeScores } from '../../core/scores';
import { describeCriterion, ratioCount, type SelectCriterion } from '../../core/select';
import { CleaningPass, type CleaningOptions, type Removal } from '../../core/cleaningPass';
import { pipelineCleaningOptions, pipelineReport, selectSurvivors, type PipelineReport } from '../../core/selectionPipeline';
import type { AdapterOptions, Pair } from '../../core/types';
import type { ScoreScale } from '../scoring/scoreScale';
import { t } from '../../core/l10n';

/** One physical line of a document, with what the commands need to know about it. */
export interface DocLine {
  /** 0-based line index in the document. */
  index: number;
  /** The line's text, without its line ending. */
  text: string;
  /** The ending that follows the line in the document: "\r\n", "\n", or "" for a last line without one. */
  eol: string;
  blank: boolean;
  /** The parsed value, when the line parses. */
  value?: unknown;
  /** The pairs the line yields; undefined when it yields none. */
  pairs?: Pair[];
  /** The line's score; undefined when it has none (no pair, or not scored). */
  score?: number;
}

/** The lines of a document and the text around them. */
export interface DocLines {
  lines: DocLine[];
  /** A byte-order mark at the start of the text, kept by whole-document edits. */
  bom: string;
  /** The document's line ending (the more common one; "\n" for a one-line document). */
  eol: string;
  /** Whether the text ends with a line ending. */
  finalEol: boolean;
}

/** Reads the lines one at a time (yielding after each), returning the whole; shared by the sync and sliced forms. */
function* readLines(text: string, adapter: AdapterOptions, scoreOf: (index: number) => number | undefined): Generator<void, DocLines> {
  const lines: DocLine[] = [];
  let prev: DocLine | undefined;
  let prevEnd = 0;
  let crlf = 0, lf = 0;
  for (const record of iterateRecords(text)) {
    if (prev) {
      prev.eol = text.slice(prevEnd, record.start);
      if (prev.eol === '\r\n') crlf++; else lf++;
    }
    // Every line gets every field, so that all lines share one object shape (fast property access in loops).
    const line: DocLine = { index: record.line - 1, text: record.text, eol: '', blank: record.blank, value: undefined, pairs: undefined, score: undefined };
    if (!record.blank && record.error === undefined) {
      line.value = record.value;
      const a = analyseRecord(record, adapter);
      if (a.problem === undefined && a.result?.ok) {
        line.pairs = a.result.pairs;
        const s = scoreOf(line.index);
        if (s !== undefined && Number.isFinite(s)) line.score = s;
      }
    }
    lines.push(line);
    prev = line;
    prevEnd = record.end;
    yield;
  }
  if (prev) prev.eol = text.slice(prevEnd);
  if (prev?.eol === '\r\n') crlf++; else if (prev?.eol === '\n') lf++;
  return {
    lines,
    bom: text.charCodeAt(0) === 0xfeff ? '\ufeff' : '',
    eol: crlf > lf ? '\r\n' : '\n',
    finalEol: prev !== undefined && prev.eol !== '',
  };
}

/**
 * Splits a document's text into lines, adapts each to pairs with `adapter`, and attaches the scores that
 * `scoreOf(index)` knows (0-based line index; undefined or NaN = no score).
 */
export function documentLines(text: string, adapter: AdapterOptions, scoreOf: (index: number) => number | undefined): DocLines {
  const it = readLines(text, adapter, scoreOf);
  for (;;) {
    const step = it.next();
    if (step.done) return step.value;
  }
}

/** documentLines in slices of at most `sliceMs` (default 20), yielding to the event loop between them. */
export async function documentLinesSliced(
  text: string,
  adapter: AdapterOptions,
  scoreOf: (index: number) => number | undefined,
  options: Pick<PrepareOptions, 'sliceMs' | 'pause' | 'signal'> = {},
): Promise<DocLines> {
  const sliceMs = options.sliceMs ?? 20;
  const pause = options.pause ?? macrotask;
  const it = readLines(text, adapter, scoreOf);
  let sliceStart = performance.now();
  for (let n = 1; ; n++) {
    const step = it.next();
    if (step.done) return step.value;
    if ((n & 63) === 0 && performance.now() - sliceStart > sliceMs) {
      await pause();
      options.signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
}

/** A line with a score. */
export type ScoredLine = DocLine & { score: number; pairs: Pair[] };

export const isScored = (l: DocLine): l is ScoredLine => l.score !== undefined && l.pairs !== undefined;

// ---------------------------------------------------------------------------------------------------------------
// Selection: clean once, then any criterion.

export interface SelectionSwitches {
  dedup: boolean;
  languageFilter: boolean;
}

/** What the quick pick needs to count what each criterion keeps: the ranked scores, best first. */
export interface RankedScores {
  /** Survivors of cleaning with a score, best first (their scores). */
  rankedScores: Float64Array;
  /** How many lines cleaning removed. */
  removedCount: number;
}

/** The ranked scores of per-line scores (NaN = none), leaving out the lines `isRemoved` names. */
export function rankScores(scores: ArrayLike<number>, isRemoved: (i: number) => boolean, removedCount: number): RankedScores {
  let n = 0;
  const kept = new Float64Array(scores.length);
  for (let i = 0; i < scores.length; i++) if (!Number.isNaN(scores[i]) && !isRemoved(i)) kept[n++] = scores[i];
  return { rankedScores: kept.subarray(0, n).sort().reverse(), removedCount };
}

/** A document cleaned in SCAR's order, ready to answer any criterion without cleaning again. */
export interface PreparedSelection extends RankedScores {
  switches: SelectionSwitches;
  /** Lines that yield pairs, in document order (what cleaning saw). */
  candidates: DocLine[];
  /** Score per candidate, NaN when it has none. */
  scores: Float64Array;
  /** Why each removed line was removed, by 1-based line. */
  removed: Map<number, Removal>;
  /** The cleaning counts, for the report. */
  cleaning: { input: number; counts: { exact: number; language: number; nearDuplicate: number } };
}

export interface PrepareOptions {
  /** Longest stretch of work between two yields to the event loop, in ms (default 20). */
  sliceMs?: number;
  /** How to yield (default: a macrotask, so that the extension host handles its other events). */
  pause?: () => Promise<void>;
  /** Called after each slice with the lines cleaned so far and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Stops between slices (rejects with the signal's reason). */
  signal?: AbortSignal;
  /**
   * Runs the cleaning elsewhere (e.g. cleaningWorkerClient's cleanInWorker, off the extension host) instead of in
   * slices here: given the candidates and the CleaningPass options, it must give what CleaningPass gives.
   */
  clean?: (candidates: ReadonlyArray<DocLine>, options: CleaningOptions, run: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void }) => Promise<CleaningOutcome>;
}

/** What cleaning removed and its counts (core/cleaningPass CleaningResult's fields that selection uses). */
export interface CleaningOutcome {
  input: number;
  removed: Map<number, Removal>;
  counts: { exact: number; language: number; nearDuplicate: number };
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** CleaningPass over the candidates in this thread: adding lines in slices that yield, then finish() in one go. */
async function cleanInSlices(candidates: ReadonlyArray<DocLine>, cleaningOptions: CleaningOptions, options: PrepareOptions): Promise<CleaningOutcome> {
  const sliceMs = options.sliceMs ?? 20;
  const pause = options.pause ?? macrotask;
  const pass = new CleaningPass(cleaningOptions);
  let sliceStart = performance.now();
  for (let i = 0; i < candidates.length; i++) {
    pass.add(candidates[i].index + 1, candidates[i].pairs as Pair[]);
    if ((i & 31) === 31 && performance.now() - sliceStart > sliceMs) {
      options.onProgress?.(i + 1, candidates.length);
      await pause();
      options.signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
  const byLine = new Map(candidates.map((l) => [l.index + 1, l]));
  return pass.finish((line) => byLine.get(line)?.pairs as Pair[], (line) => byLine.get(line)?.score);
}

/**
 * Runs SCAR's cleaning over the lines once (exact dedup, language, near-dedup, keeping best-scored copies), as
 * core/cleaningPass CleaningPass does in one go (the tests' runSelectionPipeline oracle), but in slices that yield to the event loop: cleaning 100k
 * lines takes seconds, and the extension host must not stall meanwhile. With both switches off nothing is removed.
 */
export async function prepareSelection(lines: ReadonlyArray<DocLine>, switches: SelectionSwitches, options: PrepareOptions = {}): Promise<PreparedSelection> {
  const candidates = lines.filter((l) => l.pairs !== undefined);
  const scores = new Float64Array(candidates.length);
  candidates.forEach((l, i) => { scores[i] = l.score ?? NaN; });
  let removed = new Map<number, Removal>();
  let cleaning = { input: candidates.length, counts: { exact: 0, language: 0, nearDuplicate: 0 } };
  if (switches.dedup || switches.languageFilter) {
    const cleaningOptions = pipelineCleaningOptions(switches);
    const result = options.clean
      ? await options.clean(candidates, cleaningOptions, { signal: options.signal, onProgress: options.onProgress })
      : await cleanInSlices(candidates, cleaningOptions, options);
    removed = result.removed;
    cleaning = { input: result.input, counts: result.counts };
  }
  return {
    ...rankScores(scores, (i) => removed.has(candidates[i].index + 1), removed.size),
    switches,
    candidates,
    scores,
    removed,
    cleaning,
  };
}

/** How many lines a criterion keeps (cheap: from the ranked scores). */
export function keptCount(prep: RankedScores, c: SelectCriterion): number {
  const n = prep.rankedScores.length;
  switch (c.kind) {
    case 'top-k': return Math.min(c.k, n);
    case 'ratio': return ratioCount(c.ratio, n);
    case 'threshold': {
      // rankedScores is descending: binary search for the first score below the threshold.
      let lo = 0, hi = n;
      while (lo < hi) { const mid = (lo + hi) >>> 1; if (prep.rankedScores[mid] >= c.threshold) lo = mid + 1; else hi = mid; }
      return lo;
    }
  }
}

/** The selected lines (rank order, or document order with keepOrder) and the pipeline's report. */
export function applyCriterion(prep: PreparedSelection, c: SelectCriterion, keepOrder = false): { selected: ScoredLine[]; report: PipelineReport } {
  const { indices, ranked } = selectSurvivors(prep.scores, (i) => prep.removed.has(prep.candidates[i].index + 1), c, keepOrder);
  const selected = Array.from(indices, (i) => prep.candidates[i] as ScoredLine);
  return { selected, report: pipelineReport(prep.cleaning, ranked, selected.length, { criterion: c, ...prep.switches }) };
}

// ---------------------------------------------------------------------------------------------------------------
// Quick pick and input box

const fmt = (n: number): string => n.toLocaleString('en-US');
const lines = (n: number): string => (n === 1 ? t('1 line') : t('{0} lines', fmt(n)));

/** One entry of the criterion quick pick: a ready criterion, or one that asks for a number. */
export interface CriterionChoice {
  label: string;
  description: string;
  detail?: string;
  criterion?: SelectCriterion;
  ask?: SelectCriterion['kind'];
}

/** The choices offered by "Select top…" and "Export top…", each saying how many lines it keeps. */
export function criterionChoices(prep: RankedScores, scale: ScoreScale): CriterionChoice[] {
  const n = prep.rankedScores.length;
  const of = t('of {0} ranked', fmt(n));
  const out: CriterionChoice[] = [];
  for (const pct of [10, 25, 50]) {
    const c: SelectCriterion = { kind: 'ratio', ratio: pct / 100 };
    out.push({ label: t('Top {0}%', pct), description: t('keeps {0} {1}', lines(keptCount(prep, c)), of), criterion: c });
  }
  out.push({ label: t('Top percent…'), description: t('type a percentage {0}', of), ask: 'ratio' });
  out.push({ label: t('Top k…'), description: t('type how many lines to keep (at most {0})', fmt(n)), ask: 'top-k' });
  const median = n > 0 ? summarizeScores(prep.rankedScores)?.median : undefined;
  out.push({
    label: scale.calibrated ? t('Style score threshold…') : t('Score threshold…'),
    description: (scale.calibrated ? t('type a minimum {0} (0–100)', scale.noun) : t('type a minimum {0}', scale.noun))
      + (median === undefined ? '' : t('; the median here is {0}', scale.text(median))),
    ask: 'threshold',
  });
  const removedCount = prep.removedCount;
  if (removedCount > 0) {
    for (const o of out) o.detail = t('after removing {0} (duplicates / not English)', lines(removedCount));
  }
  return out;
}

/** What typed text means for a criterion that asks a number: the criterion and what it keeps, or why it is wrong. */
export function parseCriterionInput(
  kind: SelectCriterion['kind'],
  input: string,
  prep: RankedScores,
  scale: ScoreScale,
): { criterion: SelectCriterion; message: string } | { error: string } {
  const raw = input.trim().replace(/%$/, '').trim();
  const x = raw === '' ? NaN : Number(raw);
  const n = prep.rankedScores.length;
  let c: SelectCriterion;
  switch (kind) {
    case 'top-k':
      if (!Number.isInteger(x) || x < 1) return { error: t('Type a whole number of lines, 1 or more.') };
      c = { kind: 'top-k', k: x };
      break;
    case 'ratio':
      if (!Number.isFinite(x) || x <= 0 || x > 100) return { error: t('Type a percentage above 0 and at most 100.') };
      c = { kind: 'ratio', ratio: x / 100 };
      break;
    case 'threshold':
      if (!scale.valid(x)) {
        return { error: scale.calibrated ? t('Type a style score from 0 to 100, e.g. {0}.', scale.example()) : t('Type a score, e.g. {0}.', scale.example()) };
      }
      c = thresholdCriterion(x, scale);
      break;
  }
  return { criterion: c, message: t('Keeps {0} of {1} ({2}).', lines(keptCount(prep, c)), fmt(n), describeCriterion(c)) };
}

/** The criterion "at or above `shown`" for a threshold typed on the shown scale: compared as a raw score. */
export function thresholdCriterion(shown: number, scale: ScoreScale): SelectCriterion {
  return { kind: 'threshold', threshold: scale.raw(shown), label: t('{0} >= {1}', scale.noun, scale.textOfShown(shown)) };
}

// ---------------------------------------------------------------------------------------------------------------
// Filtering below a threshold (no cleaning: the document's own scores)

/** A filter's cut: lines whose score is below `threshold` are removed; lines without a score stay. */
export interface FilterCut {
  threshold: number;
  /** How to say it, e.g. "score < 0.31" or "below the 25th percentile (score < 0.31)". */
  description: string;
}

/** What typed filter input means: a score ("0.3") or a percentile ("25%", "p25"), and how many lines go. */
export function parseFilterInput(input: string, lines: ReadonlyArray<DocLine>, scale: ScoreScale): { cut: FilterCut; removes: number; message: string } | { error: string } {
  const typed = input.trim();
  const pct = /^(?:p\s*)?([0-9]+(?:\.[0-9]+)?)\s*%$|^p\s*([0-9]+(?:\.[0-9]+)?)$/i.exec(typed);
  let cut: FilterCut;
  if (pct) {
    const p = Number(pct[1] ?? pct[2]);
    if (!(p >= 0 && p <= 100)) return { error: t('A percentile is from 0% to 100%.') };
    const threshold = percentileThreshold(lines, p);
    if (threshold === undefined) return { error: t('No line has a score yet.') };
    cut = { threshold, description: t('below the {0} percentile ({1} < {2})', ordinal(p), scale.noun, scale.text(threshold, true)) };
  } else {
    const x = typed === '' ? NaN : Number(typed);
    if (!scale.valid(x)) {
      return { error: scale.calibrated ? t('Type a {0} from 0 to 100 (e.g. {1}) or a percentile (e.g. 25%).', scale.noun, scale.example(median(lines)))
        : t('Type a {0} (e.g. {1}) or a percentile (e.g. 25%).', scale.noun, scale.example(median(lines))) };
    }
    cut = { threshold: scale.raw(x), description: t('{0} < {1}', scale.noun, scale.textOfShown(x)) };
  }
  const removes = countBelow(lines, cut.threshold);
  return { cut, removes, message: t('Removes {0} ({1}).', lines_(removes), cut.description) };
}
const lines_ = lines;

function ordinal(p: number): string {
  const n = Math.round(p);
  if (n !== p) return t('{0}th', p);
  if (n % 100 >= 11 && n % 100 <= 13) return t('{0}th', n);
  switch (n % 10) {
    case 1: return t('{0}st', n);
    case 2: return t('{0}nd', n);
    case 3: return t('{0}rd', n);
    default: return t('{0}th', n);
  }
}

/**
 * The score below which a line is under the p-th percentile (core/scores percentiles: share of the other scored
 * lines that are lower). Filtering `score < threshold` removes exactly the lines whose percentile is below p.
 */
export function percentileThreshold(lines: ReadonlyArray<DocLine>, p: number): number | undefined {
  const scored = lines.filter(isScored);
  if (scored.length === 0) return undefined;
  const pct = percentiles(scored.map((l) => l.score));
  // The lowest score whose percentile is >= p; every lower score has a percentile < p (percentiles rise with scores).
  let best = Infinity;
  pct.forEach((q, i) => { if (q >= p && scored[i].score < best) best = scored[i].score; });
  return best;
}

export function countBelow(lines: ReadonlyArray<DocLine>, threshold: number): number {
  let n = 0;
  for (const l of lines) if (l.score !== undefined && l.score < threshold) n++;
  return n;
}

/** Suggested filter cuts for the quick pick, each with the number of lines it removes. */
export function filterChoices(lines: ReadonlyArray<DocLine>, scale: ScoreScale): Array<{ label: string; description: string; cut?: FilterCut; ask?: true }> {
  const out: Array<{ label: string; description: string; cut?: FilterCut; ask?: true }> = [];
  for (const p of [10, 25, 50]) {
    const r = parseFilterInput(`${p}%`, lines, scale);
    if ('error' in r) continue;
    out.push({ label: t('Below the {0} percentile', ordinal(p)), description: t('removes {0} ({1} < {2})', lines_(r.removes), scale.noun, scale.text(r.cut.threshold, true)), cut: r.cut });
  }
  const m = median(lines);
  out.push({
    label: scale.calibrated ? t('Style score or percentile…') : t('Score or percentile…'),
    description: scale.calibrated ? t('type a {0} 0–100 (e.g. {1}, the median here) or a percentile (25%)', scale.noun, scale.example(m))
      : t('type a {0} (e.g. {1}, the median here) or a percentile (25%)', scale.noun, scale.example(m)),
    ask: true,
  });
  return out;
}

/** The median raw score of the scored lines, or undefined when none is scored. */
function median(lines: ReadonlyArray<DocLine>): number | undefined {
  const scored = lines.filter(isScored);
  return scored.length ? summarizeScores(scored.map((l) => l.score))?.median : undefined;
}
