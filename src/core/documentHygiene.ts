// The editor's hygiene check of a whole document, as one pure function over its text: every line is parsed,
// adapted to pairs and put through SCAR's cleaning steps (cleaningPass.ts: exact duplicates, not English,
// near-duplicates), with empty responses (lines the adapters refuse for that reason alone) and responses the
// ranker truncates reported too. The extension runs it in a worker thread (src/extension/hygieneWorker.ts), so
// its input and output are plain structured-clonable data.
//
// Which copy of a duplicate group is kept: the line with the highest ranker score when `scores` are given,
// otherwise (and for ties) the first in the file.

import { findingMessage } from './findingMessages';
import { CleaningPass, cleaningFindings } from './cleaningPass';
import type { TextPair } from './dedup';
import { emptyResponseField } from './emptyResponse';
import { countResponseTokens } from './featurise';
import { analyseRecord } from './inspect';
import { parseLine } from './jsonl';
import type { AdapterOptions, DuplicateCluster, HygieneFinding } from './types';

export interface DocumentHygieneOptions {
  adapter: AdapterOptions;
  /** Flag lines that are not English (the detector). */
  languageCheck: boolean;
  /** Near-duplicate Jaccard threshold and words per shingle. */
  nearDuplicateThreshold: number;
  ngram: number;
  /** The ranker's response token limit: longer responses are reported as truncated. */
  maxResponseTokens: number;
  /**
   * Ranker scores by 0-based line index (NaN, or a missing entry, for none): in each duplicate group the line with
   * the highest score is kept.
   */
  scores?: ArrayLike<number>;
}

export interface DocumentHygiene {
  /** Every finding, sorted by line, then in SCAR's step order. Lines are 1-based. */
  findings: HygieneFinding[];
  exactGroups: DuplicateCluster[];
  nearClusters: DuplicateCluster[];
  counts: { exact: number; nearDuplicate: number; language: number };
  /** Lines with a pair that took part in the cleaning steps. */
  checked: number;
}

/** The lines of a text as an editor shows them: split at \r\n, \n and \r. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Runs the hygiene checks over a document's lines (see the header). `cancelled` is polled every 256 lines. */
export function documentHygiene(lines: readonly string[], options: DocumentHygieneOptions, cancelled?: () => boolean): DocumentHygiene | undefined {
  const { adapter, maxResponseTokens } = options;
  const pass = new CleaningPass({
    language: options.languageCheck ? 'detector' : 'off',
    near: { threshold: options.nearDuplicateThreshold, ngram: options.ngram },
    truncation: { maxResponseTokens, responseTokens: (s) => countResponseTokens(s, maxResponseTokens) },
  });
  const empty: HygieneFinding[] = [];
  for (let i = 0; i < lines.length; i++) {
    if ((i & 255) === 255 && cancelled?.()) return undefined;
    const text = lines[i];
    const record = parseLine(text, i + 1, 0, text.length);
    if (record.blank || record.error) continue;
    const { result } = analyseRecord(record, adapter);
    if (result?.ok) pass.add(i + 1, result.pairs);
    else if (result && emptyResponseField(record.value, result.reason, adapter)) {
      empty.push({ line: i + 1, kind: 'empty-response', message: findingMessage.emptyResponse() });
    }
  }
  if (cancelled?.()) return undefined;
  const pairsOf = (line: number): ReadonlyArray<TextPair> => {
    const text = lines[line - 1];
    const r = analyseRecord(parseLine(text, line, 0, text.length), adapter).result;
    if (!r?.ok) throw new Error(`line ${line} no longer yields a pair`);
    return r.pairs;
  };
  const scores = options.scores;
  const scoreOf = scores ? (line: number): number | undefined => (line - 1 < scores.length ? scores[line - 1] : undefined) : undefined;
  const result = pass.finish(pairsOf, scoreOf);
  const findings = [...cleaningFindings(result), ...empty].sort((a, b) => a.line - b.line);
  return { findings, exactGroups: result.exactGroups, nearClusters: result.nearClusters, counts: result.counts, checked: result.input };
}
