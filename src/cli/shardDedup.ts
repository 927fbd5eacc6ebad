// Near-dedup across shards, in two `scar dedup` stages around a distributed engine's shuffle (docs/distributed.md):
//
//   --signatures   per shard, streaming: for every line with a pair, its LSH bucket keys (core/dedup
//                  NearDupSigner: the keys one NearDupIndex over all the lines would bucket it by) and, with
//                  --language-filter, whether it is foreign. One row per such line:
//                    {"line": N, "foreign": false, "keys": "<hex: 4 bytes per key, big-endian>"}
//                  key i sits at position i (band x probes + probe): group on (position, key).
//   --resolve      once, on the lines the shuffle found sharing a (position, key) with another line, plus every
//                  foreign line, each with its score and its original JSON line, in increasing line order:
//                    {"line": N, "score": S | null, "record": "<the line's JSON text>"}
//                  It runs SCAR's cleaning (files/cleanFile.ts: exact duplicates, language with --language-filter,
//                  MinHash-LSH near-duplicates verified by exact Jaccard, union-find clusters) over just those
//                  lines and writes what to drop, in line order:
//                    {"line": N, "step": "duplicate" | "not-english" | "near-duplicate", "kept": K, "similarity": J}
//
// Why this equals one-machine cleaning: a line that shares no bucket key with any other line is never a candidate,
// so leaving it out changes no cluster (LSH buckets, candidate order, the giant-bucket windows and the verified
// edges are the same among the lines that remain, whose relative order is kept); exact copies share every key,
// so whole exact groups arrive together; the kept copy is chosen by the same rule (highest score, then first
// line). Ids are global line numbers (--line-offset), so "first in the file" means first in the whole corpus.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { lineTextPair } from '../core/cleaningPass';
import { nearDupText, NearDupSigner, type NearDupOptions } from '../core/dedup';
import type { OutputSink } from '../core/export';
import { languageFinding } from '../core/hygiene';
import type { AdapterOptions } from '../core/types';
import { CliError, isReadableError } from './args';
import { ioErrorMessage } from '../files/errors';
import { cleanFile } from '../files/cleanFile';
import { scoreLinesInOrder } from '../files/lineStream';

export interface SignatureOptions {
  adapter: AdapterOptions;
  near: Partial<NearDupOptions>;
  languageFilter: boolean;
  lineOffset: number;
  stop?: () => boolean;
}

/** Streams the signature rows of `input` to `out`. Returns how many lines were read and how many had a pair. */
export async function writeSignatures(input: NodeJS.ReadableStream, out: OutputSink, options: SignatureOptions): Promise<{ lines: number; signed: number; foreign: number; stopped: boolean }> {
  const signer = new NearDupSigner(options.near);
  let signed = 0, foreign = 0;
  const totals = await scoreLinesInOrder(input, undefined, { adapter: options.adapter, persistentCache: false, stop: options.stop }, async (lines) => {
    let buf = '';
    for (const l of lines) {
      if (l.pairs === undefined) continue;
      const t = lineTextPair(l.pairs);
      const isForeign = options.languageFilter && languageFinding(t.instruction, t.response, 'detector') !== undefined;
      const keys = signer.bandKeys(nearDupText(t.instruction, t.response));
      const hex = Buffer.allocUnsafe(keys.length * 4);
      for (let i = 0; i < keys.length; i++) hex.writeUInt32BE(keys[i], i * 4);
      buf += `{"line":${options.lineOffset + l.record.line},"foreign":${isForeign},"keys":"${hex.toString('hex')}"}\n`;
      signed++;
      if (isForeign) foreign++;
    }
    if (buf.length > 0) await out.write(buf);
  });
  return { lines: totals.lines, signed, foreign, stopped: totals.stopped };
}

export interface ResolveOptions {
  adapter: AdapterOptions;
  near: { threshold: number; ngram: number };
  languageFilter: boolean;
}

export interface ResolveCounts { input: number; exact: number; language: number; nearDuplicate: number }

/** Reads candidate rows, cleans them, writes the drop rows to `out`. */
export async function resolveCandidates(input: NodeJS.ReadableStream, inputName: string, out: OutputSink, options: ResolveOptions): Promise<ResolveCounts> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-resolve-'));
  try {
    const temp = path.join(dir, 'candidates.jsonl');
    const lines: number[] = [];
    const scores: Array<number | undefined> = [];
    const ws = fs.createWriteStream(temp);
    const wsError = new Promise<never>((_, reject) => ws.on('error', reject));
    wsError.catch(() => undefined);
    let lineNo = 0;
    try {
      const rl = readline.createInterface({ input, crlfDelay: Infinity });
      for await (const text of rl) {
        lineNo++;
        if (text.trim() === '') continue;
        let row: { line?: unknown; score?: unknown; record?: unknown };
        try { row = JSON.parse(text); } catch (e) { throw new CliError(`${inputName}:${lineNo}: not JSON (${(e as Error).message})`); }
        const { line, score, record } = row ?? {};
        if (typeof line !== 'number' || !Number.isSafeInteger(line) || line < 1) throw new CliError(`${inputName}:${lineNo}: "line" must be a line number >= 1`);
        if (score !== null && score !== undefined && (typeof score !== 'number' || !Number.isFinite(score))) throw new CliError(`${inputName}:${lineNo}: "score" must be a number or null`);
        if (typeof record !== 'string' || /[\r\n]/.test(record)) throw new CliError(`${inputName}:${lineNo}: "record" must be the line's JSON text (a string without line breaks)`);
        const last = lines.length ? lines[lines.length - 1] : 0;
        if (line <= last) throw new CliError(`${inputName}:${lineNo}: rows must come in increasing line order (line ${line} after ${last})`);
        lines.push(line);
        scores.push(typeof score === 'number' ? score : undefined);
        if (!ws.write(record + '\n')) await Promise.race([new Promise<void>((r) => { ws.once("drain", () => r()); }), wsError]);
      }
      await Promise.race([new Promise<void>((r) => { ws.end(() => r()); }), wsError]);
    } catch (e) {
      ws.destroy();
      if (isReadableError(e)) throw e;
      throw new CliError(ioErrorMessage(inputName, e));
    }
    // Temp line i holds global line lines[i - 1]: the map keeps order, so "first in the file" is unchanged.
    const cleaned = await cleanFile(temp, {
      adapter: options.adapter,
      cleaning: { exact: true, language: options.languageFilter ? 'detector' : 'off', near: { threshold: options.near.threshold, ngram: options.near.ngram } },
      scoreOf: (t) => scores[t - 1],
    });
    const global = (t: number): number => lines[t - 1];
    const rows = [...cleaned.result.removed].sort((a, b) => a[0] - b[0]);
    let buf = '';
    for (const [t, r] of rows) {
      const row: Record<string, unknown> = { line: global(t), step: r.step };
      if (r.otherLine !== undefined) row.kept = global(r.otherLine);
      if (r.similarity !== undefined) row.similarity = Math.round(r.similarity * 1e4) / 1e4;
      if (r.language !== undefined) row.language = r.language;
      buf += JSON.stringify(row) + '\n';
      if (buf.length > 1 << 16) { await out.write(buf); buf = ''; }
    }
    await out.write(buf);
    return { input: cleaned.result.input, ...cleaned.result.counts };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
