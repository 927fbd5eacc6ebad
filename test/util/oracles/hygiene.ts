// Test oracle: the data-hygiene checks over an in-memory array of pairs, in SCAR's cleaning order, written plainly
// from the production building blocks (ExactDupIndex, NearDupIndex, languageFinding, findingMessage). Production
// runs the same steps streaming, in core/cleaningPass.ts; test/unit/hygiene.test.ts checks that the two agree.
//   1. exact duplicates  2. not English  3. near-duplicates among the survivors
// Each step sees only the pairs the previous steps kept; empty responses and truncation are reported, never removed.
import { findingMessage } from '../../../src/core/findingMessages';
import type { DuplicateCluster, HygieneFinding, HygieneKind } from '../../../src/core/types';
import { ExactDupIndex, NearDupIndex, nearDupText, type ExactDupOptions, type NearDupOptions, type NearDupStats } from '../../../src/core/dedup';
import { languageFinding, type LanguageCheck, type ResponseTokenLimit } from '../../../src/core/hygiene';

export interface HygieneInput {
  /** 1-based line of the record the pair came from (several pairs may share a line). */
  line: number;
  instruction: string;
  response: string;
  /** Ranker score, when known: duplicates keep the highest-scored copy. */
  score?: number;
}

export interface HygieneOptions {
  /** Step 1; default on. */
  exact?: boolean | ExactDupOptions;
  /** Step 2; default 'detector'. */
  language?: LanguageCheck;
  /** Step 3; default on with SCAR's parameters. */
  near?: boolean | Partial<NearDupOptions>;
  /** Report empty (blank) responses; default on. */
  emptyResponse?: boolean;
  /** Report responses longer than the ranker reads; off unless given. */
  truncation?: ResponseTokenLimit;
}

export interface HygieneReport {
  /** Sorted by line, then in step order. */
  findings: HygieneFinding[];
  /** Exact duplicate groups, in line numbers. */
  exactGroups: DuplicateCluster[];
  /** Near-duplicate clusters among the pairs that survived steps 1 and 2, in line numbers. */
  nearClusters: DuplicateCluster[];
  /** Indices into the input removed by each step, in input order. */
  removed: { duplicate: number[]; language: number[]; nearDuplicate: number[] };
  /** Indices into the input that every step kept, in input order. */
  kept: number[];
  nearStats?: NearDupStats;
}

const KIND_ORDER: Record<HygieneKind, number> = { duplicate: 0, 'not-english': 1, 'near-duplicate': 2, 'empty-response': 3, truncated: 4 };

/** Runs the checks over `pairs` (see the header). Cost about linear in the number and length of the pairs. */
export function checkHygiene(pairs: ReadonlyArray<HygieneInput>, options: HygieneOptions = {}): HygieneReport {
  const findings: HygieneFinding[] = [];
  const alive = new Uint8Array(pairs.length).fill(1);
  const removed: HygieneReport['removed'] = { duplicate: [], language: [], nearDuplicate: [] };
  const scoreOf = (i: number): number | undefined => pairs[i].score;
  const toLines = (c: DuplicateCluster): DuplicateCluster => ({
    kept: pairs[c.kept].line,
    lines: c.lines.map((i) => pairs[i].line),
    similarity: c.similarity,
  });

  // 1. exact duplicates
  let exactGroups: DuplicateCluster[] = [];
  if (options.exact !== false) {
    const index = new ExactDupIndex(typeof options.exact === 'object' ? options.exact : {});
    pairs.forEach((p, i) => index.add(i, p.instruction, p.response));
    const groups = index.groups(scoreOf, (i) => pairs[i]);
    for (const g of groups) {
      for (const i of g.lines) {
        if (i === g.kept) continue;
        alive[i] = 0;
        removed.duplicate.push(i);
        const other = pairs[g.kept].line;
        findings.push({ line: pairs[i].line, kind: 'duplicate', otherLine: other, message: findingMessage.duplicate(other) });
      }
    }
    removed.duplicate.sort((a, b) => a - b);
    exactGroups = groups.map(toLines);
  }

  // 2. language
  const check = options.language ?? 'detector';
  if (check !== 'off') {
    pairs.forEach((p, i) => {
      if (!alive[i]) return;
      const f = languageFinding(p.instruction, p.response, check);
      if (!f) return;
      alive[i] = 0;
      removed.language.push(i);
      findings.push({ line: p.line, kind: 'not-english', language: f.language, message: f.message });
    });
  }

  // 3. near-duplicates among the survivors
  let nearClusters: DuplicateCluster[] = [];
  let nearStats: NearDupStats | undefined;
  if (options.near !== false) {
    const index = new NearDupIndex(typeof options.near === 'object' ? options.near : {});
    const texts = new Map<number, string>();
    pairs.forEach((p, i) => {
      if (!alive[i]) return;
      const text = nearDupText(p.instruction, p.response);
      texts.set(i, text);
      index.add(i, text);
    });
    const result = index.clusters((i) => texts.get(i) as string, scoreOf);
    nearStats = result.stats;
    for (const c of result.clusters) {
      c.lines.forEach((i, k) => {
        if (i === c.kept) return;
        alive[i] = 0;
        removed.nearDuplicate.push(i);
        const other = pairs[c.kept].line;
        const similarity = c.similarity[k];
        findings.push({
          line: pairs[i].line,
          kind: 'near-duplicate',
          otherLine: other,
          similarity,
          message: findingMessage.nearDuplicate(other, similarity),
        });
      });
    }
    removed.nearDuplicate.sort((a, b) => a - b);
    nearClusters = result.clusters.map(toLines);
  }

  // Reported, never removed.
  pairs.forEach((p) => {
    if (options.emptyResponse !== false && p.response.trim() === '') {
      findings.push({ line: p.line, kind: 'empty-response', message: findingMessage.emptyResponse() });
      return;
    }
    const limit = options.truncation;
    if (limit && limit.responseTokens(p.response) > limit.maxResponseTokens) {
      findings.push({
        line: p.line,
        kind: 'truncated',
        tokens: limit.maxResponseTokens,
        message: findingMessage.truncated(limit.maxResponseTokens),
      });
    }
  });

  findings.sort((a, b) => a.line - b.line || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  const kept: number[] = [];
  alive.forEach((a, i) => {
    if (a) kept.push(i);
  });
  return { findings, exactGroups, nearClusters, removed, kept, nearStats };
}
