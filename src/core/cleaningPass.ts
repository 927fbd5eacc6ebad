// SCAR's cleaning steps over the lines of a file, one line at a time, remembering a few bytes per line, never
// its text: 1. exact duplicates, 2. not English, 3. near-duplicates (MinHash-LSH). What `scar select`,
// `scar dedup`, the editor's selection and the editor's hygiene warnings share.
//
//   const pass = new CleaningPass({ language: 'detector' });
//   for each line with pairs: pass.add(line, pairs);          // file order; cheap enough to slice
//   const result = pass.finish((line) => pairsAgain(line), scoreOf);
//
// A line is the unit: selection keeps or drops whole lines. A line with several pairs (a conversation read
// with the turn policy 'all') is compared on its pairs' instructions and responses joined by newlines.
//
// How the steps fit together while streaming (the tests' oracle, test/util/oracles/hygiene.ts, does the same over an array):
// - Every line goes into the exact index. A line whose normalised text was seen before inherits that
//   earlier line's language verdict (same words, same language), so each text is judged once.
// - Every line that is not foreign goes into the near-duplicate index, exact duplicates included: with
//   scores, a later exact copy may be the kept one, and it must be there to be compared. Exact copies
//   have identical shingle sets, so they never join clusters that would not exist without them.
// - finish(): exact groups (kept = highest score, else first) remove their other members; foreign lines
//   not already removed are removed; near clusters, restricted to the lines still alive, remove all but
//   their kept member (the highest score, else the first in the file).
// Empty and truncated responses are only reported (`notes`), never removed.

import { findingMessage } from './findingMessages';
import { ExactDupIndex, NearDupIndex, nearDupText, type ExactDupOptions, type NearDupOptions, type ScoreOf, type TextPair } from './dedup';
import { languageFinding, type LanguageCheck, type ResponseTokenLimit } from './hygiene';
import type { DuplicateCluster, HygieneFinding, HygieneKind } from './types';

export interface CleaningOptions {
  /** Step 1, exact duplicates; default on. */
  exact?: boolean | ExactDupOptions;
  /** Step 2; default 'detector'; 'off' skips it. */
  language?: LanguageCheck;
  /** Step 3, near-duplicates; default on with SCAR's parameters (threshold 0.5, word bigrams). */
  near?: boolean | Partial<NearDupOptions>;
  /** Report lines with an empty response (default off here: the CLI does not need them). */
  emptyResponse?: boolean;
  /** Report responses longer than the ranker reads (off unless given). */
  truncation?: ResponseTokenLimit;
}

/** Why a line was removed by a cleaning step. */
export interface Removal {
  step: 'duplicate' | 'not-english' | 'near-duplicate';
  /** For duplicates and near-duplicates: the kept copy's line. */
  otherLine?: number;
  /** For near-duplicates: exact Jaccard to the kept copy. */
  similarity?: number;
  /** For not-english: the detected language ('und' when only SCAR's heuristic failed). */
  language?: string;
  /** The sentence a person reads, e.g. "Near-duplicate of line 88 (Jaccard 0.71)". */
  message: string;
}

export interface CleaningResult {
  /** Lines given to add(). */
  input: number;
  /** Every removed line and why, by line. */
  removed: Map<number, Removal>;
  /** How many lines each step removed. */
  counts: { exact: number; language: number; nearDuplicate: number };
  /** Exact duplicate groups (all members). */
  exactGroups: DuplicateCluster[];
  /** Near-duplicate clusters among the lines steps 1 and 2 kept (members and similarities restricted to them). */
  nearClusters: DuplicateCluster[];
  /** Reported, not removed: empty and truncated responses, sorted by line. */
  notes: HygieneFinding[];
}

/** The text a line is compared on: its pairs' instructions and responses, each joined by newlines. */
export function lineTextPair(pairs: ReadonlyArray<TextPair>): TextPair {
  if (pairs.length === 1) return pairs[0];
  return { instruction: pairs.map((p) => p.instruction).join('\n'), response: pairs.map((p) => p.response).join('\n') };
}

const KIND_ORDER: Record<HygieneKind, number> = { duplicate: 0, 'not-english': 1, 'near-duplicate': 2, 'empty-response': 3, truncated: 4 };

/** Streaming SCAR cleaning (see the header). */
export class CleaningPass {
  private readonly exact?: ExactDupIndex;
  private readonly near?: NearDupIndex;
  private readonly language: LanguageCheck;
  /** Lines judged foreign, with the verdict (a few per file, normally). */
  private readonly foreign = new Map<number, { language: string; message: string }>();
  private readonly notes: HygieneFinding[] = [];
  private count = 0;
  private finished = false;

  constructor(private readonly options: CleaningOptions = {}) {
    if (options.exact !== false) this.exact = new ExactDupIndex(typeof options.exact === 'object' ? options.exact : {});
    if (options.near !== false) this.near = new NearDupIndex(typeof options.near === 'object' ? options.near : {});
    this.language = options.language ?? 'detector';
  }

  /** Lines added so far. */
  get size(): number {
    return this.count;
  }

  /** Adds a line (1-based, increasing) with the pairs it yields (at least one). */
  add(line: number, pairs: ReadonlyArray<TextPair>): void {
    if (this.finished) throw new Error('CleaningPass.add after finish()');
    if (pairs.length === 0) throw new RangeError(`line ${line} yields no pair: only lines with pairs take part in cleaning`);
    const { instruction, response } = lineTextPair(pairs);
    this.count++;
    const first = this.exact?.add(line, instruction, response);
    let verdict: { language: string; message: string } | undefined;
    if (first !== undefined) verdict = this.foreign.get(first);
    else verdict = languageFinding(instruction, response, this.language);
    if (verdict) this.foreign.set(line, verdict);
    else this.near?.add(line, nearDupText(instruction, response));
    this.noteLine(line, pairs);
  }

  private noteLine(line: number, pairs: ReadonlyArray<TextPair>): void {
    if (this.options.emptyResponse && pairs.some((p) => p.response.trim() === '')) {
      this.notes.push({ line, kind: 'empty-response', message: findingMessage.emptyResponse() });
      return;
    }
    const limit = this.options.truncation;
    if (limit && pairs.some((p) => limit.responseTokens(p.response) > limit.maxResponseTokens)) {
      this.notes.push({ line, kind: 'truncated', tokens: limit.maxResponseTokens, message: findingMessage.truncated(limit.maxResponseTokens) });
    }
  }

  /**
   * Runs the clustering and decides what each step removes. `pairsOf(line)` must give back the pairs that
   * were added for that line (it is called only for duplicates and near-duplicate candidates); `scoreOf`
   * decides which copy is kept (highest score; lines without one lose; ties go to the first in the file).
   */
  finish(pairsOf: (line: number) => ReadonlyArray<TextPair>, scoreOf?: ScoreOf): CleaningResult {
    if (this.finished) throw new Error('CleaningPass.finish called twice');
    this.finished = true;
    const removed = new Map<number, Removal>();
    const counts = { exact: 0, language: 0, nearDuplicate: 0 };
    const textOf = (line: number): TextPair => lineTextPair(pairsOf(line));

    // 1. exact duplicates
    const exactGroups = this.exact ? this.exact.groups(scoreOf, textOf) : [];
    const exactKept = new Map<number, number>(); // removed line -> its group's kept line
    for (const g of exactGroups) {
      for (const line of g.lines) {
        if (line === g.kept) continue;
        exactKept.set(line, g.kept);
        removed.set(line, { step: 'duplicate', otherLine: g.kept, message: findingMessage.duplicate(g.kept) });
        counts.exact++;
      }
    }

    // 2. language (verdicts were taken while adding)
    for (const [line, verdict] of this.foreign) {
      if (removed.has(line)) continue;
      removed.set(line, { step: 'not-english', language: verdict.language, message: verdict.message });
      counts.language++;
    }

    // 3. near-duplicates among the survivors
    const nearClusters: DuplicateCluster[] = [];
    if (this.near && this.near.size > 1) {
      const { clusters } = this.near.clusters((line) => {
        const t = textOf(line);
        return nearDupText(t.instruction, t.response);
      }, scoreOf);
      for (const c of clusters) {
        const alive: number[] = [];
        const similarity: number[] = [];
        c.lines.forEach((line, i) => {
          if (removed.has(line)) return;
          alive.push(line);
          similarity.push(c.similarity[i]);
        });
        if (alive.length < 2) continue; // a cluster of exact copies only
        // The kept member is alive (an exact group's kept copy is its best); an exact twin stands in otherwise.
        let kept = c.kept;
        if (removed.has(kept)) kept = exactKept.get(kept) ?? alive[0];
        for (let i = 0; i < alive.length; i++) {
          const line = alive[i];
          if (line === kept) continue;
          const s = similarity[i];
          removed.set(line, { step: 'near-duplicate', otherLine: kept, similarity: s, message: findingMessage.nearDuplicate(kept, s) });
          counts.nearDuplicate++;
        }
        nearClusters.push({ kept, lines: alive, similarity });
      }
    }
    return { input: this.count, removed, counts, exactGroups, nearClusters, notes: this.notes.slice() };
  }
}

/** Every finding of a cleaning result (removals and notes) as HygieneFindings, sorted by line then step. */
export function cleaningFindings(result: CleaningResult): HygieneFinding[] {
  const out: HygieneFinding[] = [];
  for (const [line, r] of result.removed) {
    const f: HygieneFinding = { line, kind: r.step, message: r.message };
    if (r.otherLine !== undefined) f.otherLine = r.otherLine;
    if (r.similarity !== undefined) f.similarity = r.similarity;
    if (r.language !== undefined) f.language = r.language;
    out.push(f);
  }
  out.push(...result.notes);
  return out.sort((a, b) => a.line - b.line || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}
