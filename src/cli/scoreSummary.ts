// A global cut across shards, exact. `scar score --summary FILE` writes a shard's scored lines as (score, line)
// pairs sorted in rank order (score descending, then line ascending: the order `scar select` ranks in); `scar
// cut` merges the shards' summaries (a k-way merge that streams every file, memory O(shards)), leaves out the
// lines cleaning removed (--exclude), and finds the k-th line in rank order for --top-k or --ratio.
//
// Why not a fixed-bin histogram or a t-digest: either gives only an approximate cut, and a threshold alone cannot
// say which of several lines with the very same score the top-k keeps (select keeps the first in the file). The
// cut is therefore a pair: every line scoring above T, and of the lines scoring exactly T those up to line L
// (`scar select --threshold T --ties-through L`). With that, per-shard selection equals one-machine selection
// line for line. A summary costs about 20 bytes a scored line on disk; scores are written in the shortest form
// that reads back as the same double, so no precision is lost.
//
// File format: a header line {"format": "scar-score-summary/1", "count": N, "order": "score desc, line asc"},
// then N lines "SCORE LINE" (line numbers as the shard's --line-offset made them).
import * as fs from 'fs';
import * as readline from 'readline';
import { AtomicFileWriter } from '../core/export';
import { ratioCount, type SelectCriterion } from '../core/select';
import { CliError, isReadableError } from './args';
import { ioErrorMessage } from '../files/errors';
import type { LineSet } from './lineSet';

export const SUMMARY_FORMAT = 'scar-score-summary/1';

/** Collects (score, line) of the scored lines of a shard: 16 bytes a line, sorted and written at the end. */
export class SummaryCollector {
  private scores = new Float64Array(1024);
  private lines = new Float64Array(1024);
  private n = 0;

  add(score: number, line: number): void {
    if (!Number.isFinite(score)) return;
    if (this.n === this.scores.length) {
      const s = new Float64Array(this.n * 2); s.set(this.scores); this.scores = s;
      const l = new Float64Array(this.n * 2); l.set(this.lines); this.lines = l;
    }
    this.scores[this.n] = score;
    this.lines[this.n] = line;
    this.n++;
  }

  get count(): number {
    return this.n;
  }

  /** Writes the summary atomically (a temporary file, then a rename). */
  async write(file: string): Promise<void> {
    const { scores, lines, n } = this;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (scores[b] - scores[a]) || (lines[a] - lines[b]));
    let out: AtomicFileWriter;
    try {
      out = await AtomicFileWriter.open(file);
    } catch (e) {
      throw new CliError((e as Error).message);
    }
    try {
      let buf = JSON.stringify({ format: SUMMARY_FORMAT, count: n, order: 'score desc, line asc' }) + '\n';
      for (let k = 0; k < n; k++) {
        const i = order[k];
        buf += `${JSON.stringify(scores[i])} ${lines[i]}\n`;
        if (buf.length > 1 << 16) { await out.write(buf); buf = ''; }
      }
      await out.write(buf);
      await out.close();
    } catch (e) {
      await out.abort();
      throw new CliError(`cannot write '${file}': ${(e as Error).message}`);
    }
  }
}

interface Entry { score: number; line: number }

/** Streams a summary's entries in its (rank) order, checking the header and the order as it goes. */
async function* readSummary(file: string): AsyncGenerator<Entry> {
  let rl: readline.Interface;
  try {
    rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  } catch (e) {
    throw new CliError(ioErrorMessage(file, e));
  }
  let lineNo = 0;
  let count = -1;
  let seen = 0;
  let prev: Entry | undefined;
  try {
    for await (const text of rl) {
      lineNo++;
      if (lineNo === 1) {
        let header: { format?: unknown; count?: unknown } | undefined;
        try { header = JSON.parse(text); } catch { header = undefined; }
        if (header?.format !== SUMMARY_FORMAT || typeof header.count !== 'number') {
          throw new CliError(`${file} is not a score summary (written by 'scar score --summary'): its first line is not a ${SUMMARY_FORMAT} header`);
        }
        count = header.count;
        continue;
      }
      const sp = text.indexOf(' ');
      const score = sp > 0 ? Number(text.slice(0, sp)) : NaN;
      const line = sp > 0 ? Number(text.slice(sp + 1)) : NaN;
      if (!Number.isFinite(score) || !Number.isSafeInteger(line)) throw new CliError(`${file}:${lineNo}: expected "SCORE LINE", got '${text.slice(0, 60)}'`);
      const e = { score, line };
      if (prev && (prev.score < score || (prev.score === score && prev.line >= line))) {
        throw new CliError(`${file}:${lineNo}: entries are not in rank order (score descending, then line ascending)`);
      }
      prev = e;
      seen++;
      yield e;
    }
  } catch (e) {
    if (isReadableError(e)) throw e;
    throw new CliError(ioErrorMessage(file, e));
  } finally {
    rl.close();
  }
  if (count < 0) throw new CliError(`${file} is empty: not a score summary`);
  if (seen !== count) throw new CliError(`${file} is cut short: its header says ${count} entries, it holds ${seen}`);
}

/** Entries of several summaries in global rank order, without the excluded lines (a k-way merge). */
async function* mergeSummaries(files: readonly string[], exclude: LineSet): AsyncGenerator<Entry> {
  const iters = files.map((f) => readSummary(f)[Symbol.asyncIterator]());
  const heads: Array<Entry | undefined> = await Promise.all(iters.map(async (it) => (await it.next()).value as Entry | undefined));
  const before = (a: Entry, b: Entry): boolean => a.score > b.score || (a.score === b.score && a.line < b.line);
  try {
    for (;;) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i];
        if (h !== undefined && (best < 0 || before(h, heads[best]!))) best = i;
      }
      if (best < 0) return;
      const e = heads[best]!;
      const r = await iters[best].next();
      heads[best] = r.done ? undefined : r.value;
      if (heads[best] !== undefined && heads[best]!.score === e.score && heads[best]!.line === e.line) {
        throw new CliError(`line ${e.line} is in ${files[best]} twice`);
      }
      if (!exclude.has(e.line)) yield e;
    }
  } finally {
    await Promise.all(iters.map((it) => it.return?.(undefined)));
  }
}

export interface CutResult {
  /** Select every line scoring above this, and those scoring exactly this up to tiesThrough. */
  threshold: number;
  /** Of the lines scoring exactly `threshold`, the last one selected (null: all of them are). */
  tiesThrough: number | null;
  /** Lines the cut selects over all shards, and lines it ranked (summarised, not excluded). */
  selected: number;
  ranked: number;
}

/**
 * The exact cut for a top-k or ratio criterion over the union of the summaries minus the excluded lines: the
 * lines it selects are the ones one `scar select` over the concatenated shards would select (same ranking, same
 * rounding of the ratio, ties by line). Two passes over the files: one to count, one to find the k-th line.
 */
export async function computeCut(files: readonly string[], exclude: LineSet, criterion: SelectCriterion): Promise<CutResult> {
  if (criterion.kind === 'threshold') throw new RangeError('a threshold needs no cut');
  let ranked = 0;
  let top: number | undefined;
  for (const file of files) {
    for await (const e of readSummary(file)) {
      if (exclude.has(e.line)) continue;
      ranked++;
      if (top === undefined || e.score > top) top = e.score;
    }
  }
  const k = criterion.kind === 'top-k' ? Math.min(criterion.k, ranked) : ratioCount(criterion.ratio, ranked);
  // Nothing to select: no line scores above the best score, and no line number is 0 or less.
  if (k === 0) return { threshold: top ?? 0, tiesThrough: 0, selected: 0, ranked };
  let seen = 0;
  let kth: Entry | undefined;
  for await (const e of mergeSummaries(files, exclude)) {
    seen++;
    if (seen === k) { kth = e; continue; }
    if (seen === k + 1) {
      return { threshold: kth!.score, tiesThrough: e.score === kth!.score ? kth!.line : null, selected: k, ranked };
    }
  }
  if (kth === undefined) throw new CliError(`the summaries changed while they were read (found ${seen} lines, expected ${ranked})`);
  return { threshold: kth.score, tiesThrough: null, selected: k, ranked };
}
