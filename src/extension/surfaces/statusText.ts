// The words of the status-bar item, from a line-model summary. Pure (no vscode import), so it is unit-tested.
import { majoritySchema } from '../../core/schema';
import type { SchemaId } from '../../core/types';
import type { LineModelSummary } from '../documents/lineModel';
import { t } from '../../core/l10n';

/** What the file as a whole is, as far as schemas go. */
export type FileSchema =
  | { kind: 'one'; schema: SchemaId }
  /** Several schemas and none holds a majority of the lines that have one. */
  | { kind: 'mixed' }
  /** No line was recognised as any schema (an empty file, or nothing fits). */
  | { kind: 'none' };

export interface StatusContent {
  text: string;
  /** Markdown for the tooltip. */
  tooltip: string;
}

const numbers = new Intl.NumberFormat('en-US');

/** 9998 -> "9,998". Fixed to en-US grouping so the text is the same on every machine. */
export function formatCount(n: number): string {
  return numbers.format(n);
}

/** "1 problem", "2 problems", "1,000 pairs": each noun's two forms are whole messages, so each translates. */
const COUNTED = {
  line: (n: number): string => (n === 1 ? t('1 line') : t('{0} lines', formatCount(n))),
  pair: (n: number): string => (n === 1 ? t('1 pair') : t('{0} pairs', formatCount(n))),
  problem: (n: number): string => (n === 1 ? t('1 problem') : t('{0} problems', formatCount(n))),
  error: (n: number): string => (n === 1 ? t('1 error') : t('{0} errors', formatCount(n))),
  warning: (n: number): string => (n === 1 ? t('1 warning') : t('{0} warnings', formatCount(n))),
  info: (n: number): string => (n === 1 ? t('1 info') : t('{0} infos', formatCount(n))),
  scoredLine: (n: number): string => (n === 1 ? t('1 scored line') : t('{0} scored lines', formatCount(n))),
};

export function plural(n: number, noun: keyof typeof COUNTED): string {
  return COUNTED[noun](n);
}

/** The schema holding a strict majority of the pair-yielding lines; `mixed` when none does (as `scar inspect` decides). */
export function fileSchemaOf(schemaCounts: ReadonlyMap<SchemaId, number>): FileSchema {
  let total = 0;
  for (const n of schemaCounts.values()) total += n;
  const best = majoritySchema(new Map(schemaCounts));
  if (best === undefined) return { kind: 'none' };
  return (schemaCounts.get(best) ?? 0) * 2 > total ? { kind: 'one', schema: best } : { kind: 'mixed' };
}

export interface StatusInput {
  summary: LineModelSummary;
  /** Human name of a schema, e.g. 'sharegpt' -> 'ShareGPT' (core's schemaLabel). */
  label: (schema: SchemaId) => string;
  /** A problem with the whole file (e.g. a JSON array), when there is one. */
  fileProblem?: string;
  /**
   * Problems counted for the file: every problem SCAR reports in the Problems panel (parse errors, lines without a
   * pair, hygiene warnings and infos), so that the two never disagree.
   */
  problems: number;
  /** The same problems by severity, for the tooltip. */
  severities?: ProblemSeverities;
  /** The file's scores, when live scoring has started (or finished) for it. */
  scores?: ScoreStatus;
}

/** SCAR's problems in the Problems panel, by severity. */
export interface ProblemSeverities {
  errors: number;
  warnings: number;
  infos: number;
}

/** "1 error, 21 warnings, 1 info" (the kinds that occur), or "none". */
export function severitiesText(s: ProblemSeverities): string {
  const parts: string[] = [];
  if (s.errors) parts.push(plural(s.errors, 'error'));
  if (s.warnings) parts.push(plural(s.warnings, 'warning'));
  if (s.infos) parts.push(plural(s.infos, 'info'));
  return parts.length ? parts.join(', ') : t('none');
}

/** Where a file's scoring stands, for the status bar. */
export type ScoreStatus =
  | { state: 'scoring'; percent: number }
  | { state: 'stopped'; reason: string }
  | {
    state: 'done';
    /** Lines with a score. */
    scored: number;
    /** The median, as shown (the style score "44", or a raw score "-4.04"). */
    median: string;
    /** Share (0-1) of the scored lines at or above `threshold`. */
    shareAbove: number;
    /** scar.selection.threshold, as shown. */
    threshold: string;
    /** Quartiles, as shown, for the tooltip. */
    p25: string;
    p75: string;
    /** What the shown number is: "style score" or "raw score". */
    noun: string;
  };

/** The status-bar words for the scores: " · median 44 · 31% ≥ 50", or the progress. */
export function scoreStatusText(scores: ScoreStatus): string {
  switch (scores.state) {
    case 'scoring': return t(' · scoring {0}%', scores.percent);
    case 'stopped': return t(' · not scored');
    case 'done': return t(' · median {0} · {1}% ≥ {2}', scores.median, Math.round(100 * scores.shareAbove), scores.threshold);
  }
}

/** The status-bar text and tooltip for one analysed (or half-analysed) document. */
export function statusContent({ summary, label, fileProblem, problems, severities, scores }: StatusInput): StatusContent {
  if (summary.pending > 0) {
    const pct = summary.lines ? Math.floor((100 * summary.analysed) / summary.lines) : 0;
    return {
      text: t('$(sync~spin) SCAR: checking {0}%', pct),
      tooltip: t('SCAR Lens is checking {0} ({1} done).', plural(summary.lines, 'line'), formatCount(summary.analysed)),
    };
  }
  const fs = fileSchemaOf(summary.schemaCounts);
  const schemaText = fileProblem ? t('not JSON Lines') : fs.kind === 'one' ? label(fs.schema) : fs.kind === 'mixed' ? t('mixed schemas') : t('unknown schema');
  const scoring = scores?.state === 'scoring';
  const icon = scoring ? '$(sync~spin)' : '$(checklist)';
  const text = `${icon} ${t('{0} · {1}{2} · {3}', schemaText, plural(summary.pairs, 'pair'), scores ? scoreStatusText(scores) : '', plural(problems, 'problem'))}`;

  const rows: string[] = ['**SCAR Lens**', ''];
  if (fileProblem) rows.push(fileProblem, '');
  const nonBlank = summary.lines - summary.blank;
  rows.push(t('{0} with content, {1} yielding {2}.', plural(nonBlank, 'line'), plural(summary.linesWithPairs, 'line'), plural(summary.pairs, 'pair')), '');
  const sorted = [...summary.schemaCounts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  if (sorted.length > 0) {
    rows.push(t('| Schema | Lines |'), '|:--|--:|');
    for (const [schema, n] of sorted) rows.push(t('| {0} | {1} |', label(schema), formatCount(n)));
    rows.push('');
  } else {
    rows.push(t('No line matches a known schema.'), '');
  }
  const lineProblems = summary.problems;
  if (lineProblems > 0) {
    const parse = summary.parseErrors;
    rows.push(t('{0} not valid JSON, {1} without a pair.', plural(parse, 'line'), plural(lineProblems - parse, 'line')), '');
  }
  if (severities && problems > 0) {
    rows.push(t('In the Problems panel (SCAR and SCAR hygiene): {0}, {1}.', plural(problems, 'problem'), severitiesText(severities)), '');
  }
  if (scores?.state === 'done') {
    rows.push(t('Scores ({0}): median {1}, middle half {2} to {3}; ', scores.noun, scores.median, scores.p25, scores.p75)
      + t('{0}% of {1} at or above {2} (`scar.selection.threshold`).', Math.round(100 * scores.shareAbove), plural(scores.scored, 'scoredLine'), scores.threshold), '');
    rows.push(t('Click for the score summary. [Open the Problems panel](command:workbench.actions.view.problems)'));
  } else {
    if (scores?.state === 'scoring') rows.push(t('Scoring: {0}% of the lines done. Click to stop (**SCAR: Score current file** resumes).', scores.percent), '');
    if (scores?.state === 'stopped') rows.push(t('Not scored: {0}', scores.reason), '');
    if (scores?.state !== 'scoring') rows.push(t('Click to open the Problems panel.'));
  }
  return { text, tooltip: rows.join('\n') };
}
