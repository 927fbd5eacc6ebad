// The scores of a whole document as other features use them (ScoringService.ensureScored / scoresFor), made from
// a complete ScoreTable. Pure (no vscode import).
import { percentilesOfSorted, summarizeSorted, type ScoreSummary } from '../../core/scores';
import { t } from '../../core/l10n';
import type { ScoreTable } from './scoreTable';

/** One non-blank line of a scored document. */
export interface LineScore {
  /** 0-based line index in the document. */
  index: number;
  /** The line score (mean over its exchanges with the turn policy 'all'); undefined when the line has no pair. */
  score?: number;
  composition?: number;
  presentation?: number;
  /** 0-100 within the document (core/scores percentiles). */
  percentile?: number;
  /** Why the line has no score. */
  error?: string;
}

/** The scores of one document, for the version of its text they were computed on. */
export interface DocumentScores {
  uri: string;
  version: number;
  modelId: string;
  /** Non-blank lines in document order. */
  lines: LineScore[];
  pairs: number;
  summary?: ScoreSummary;
  durationMs: number;
}

/**
 * The DocumentScores of a complete table (every line has an entry). Percentiles as core/scores defines them, over
 * the file's scored lines.
 */
export function documentScoresOf(doc: { uri: { toString(): string }; version: number }, table: ScoreTable, modelId: string, durationMs: number): DocumentScores {
  // One pass over the sorted scores gives every distinct score its percentile, so each line costs a Map look-up,
  // not a search; the summary comes from the same sorted scores.
  const sorted = table.sortedScores();
  const pct = percentilesOfSorted(sorted);
  const lines: LineScore[] = [];
  for (let i = 0; i < table.lineCount; i++) {
    const e = table.entry(i);
    if (!e || e.blank) continue;
    if (e.score === undefined) { lines.push({ index: i, error: e.error ?? t('no pair') }); continue; }
    lines.push({ index: i, score: e.score, composition: e.composition, presentation: e.presentation, percentile: pct.get(e.score) });
  }
  const summary = summarizeSorted(sorted);
  return { uri: doc.uri.toString(), version: doc.version, modelId, lines, pairs: table.stats().pairs, summary, durationMs };
}

