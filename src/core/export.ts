// Writing selected examples: the three output formats, and sinks that write them (an atomic file writer and
// stdout). Formats:
//   jsonl     the original line, byte for byte; with `withScore` that one object is re-serialised with a
//             "score" field added (an existing "score" is replaced).
//   json      SCAR's JSON list: [{"instruction", "output", "score"}], one entry per pair of the line (a
//             conversation scored with the turn policy 'all' gives one entry per exchange, each with the line's
//             score). SCAR keeps no system prompt in this form, and neither do we.
//   sharegpt  SCAR's Vicuna/ShareGPT list: [{"id", "conversations": [{"from": "system"?}, {"from": "human"},
//             {"from": "gpt"}, ...]}], one entry per line with all its scored exchanges in order, the system
//             prompt first when there is one. "id" is the record's own string/number "id" when it has one, else
//             "line-N". With `withScore` each entry also gets "score".
import * as fs from 'fs';
import * as path from 'path';
import { t } from './l10n';
import type { Pair } from './types';

export type ExportFormat = 'jsonl' | 'json' | 'sharegpt';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['jsonl', 'json', 'sharegpt'];

/** One selected line, ready to be written. */
export interface ExportItem {
  /** 1-based line number in the source. */
  line: number;
  /** The line's original bytes (without its line ending). */
  raw: Buffer;
  /** The parsed value of the line. */
  value: unknown;
  /** The pairs the line yielded (at least one for a scored line). */
  pairs: ReadonlyArray<Pair>;
  /** The line's score. */
  score: number;
}

export interface ExportOptions {
  format: ExportFormat;
  /** Add the score to each output object (always present in 'json'). */
  withScore?: boolean;
  /** The line ending written after each jsonl line (default "\n"; the CLI passes the source's own). */
  eol?: string;
}

/** Rounds a score for output: 6 significant decimals is far below the model's precision and keeps files short. */
export function roundScore(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns items into the bytes of one of the formats: header(), then item() for each, then footer(). */
export class ExportFormatter {
  private count = 0;
  private readonly eol: string;

  constructor(private readonly options: ExportOptions) {
    this.eol = options.eol ?? '\n';
  }

  header(): string {
    return this.options.format === 'jsonl' ? '' : '[';
  }

  footer(): string {
    if (this.options.format === 'jsonl') return '';
    return this.count === 0 ? ']\n' : '\n]\n';
  }

  /** The bytes (or text) for one item, including separators and line endings. */
  item(it: ExportItem): Buffer | string {
    switch (this.options.format) {
      case 'jsonl': {
        this.count++;
        if (!this.options.withScore) return Buffer.concat([it.raw, Buffer.from(this.eol)]);
        if (!isPlainObject(it.value)) throw new Error(t('line {0}: cannot add a score to a value that is not a JSON object', it.line));
        return JSON.stringify({ ...it.value, score: roundScore(it.score) }) + this.eol;
      }
      case 'json': {
        let out = '';
        for (const p of it.pairs) {
          out += (this.count++ === 0 ? '\n' : ',\n') + JSON.stringify({ instruction: p.instruction, output: p.response, score: roundScore(it.score) });
        }
        return out;
      }
      case 'sharegpt': {
        const conversations: { from: string; value: string }[] = [];
        const system = it.pairs.find((p) => p.system !== undefined)?.system;
        if (system !== undefined) conversations.push({ from: 'system', value: system });
        for (const p of it.pairs) {
          conversations.push({ from: 'human', value: p.instruction }, { from: 'gpt', value: p.response });
        }
        const ownId = isPlainObject(it.value) ? it.value.id : undefined;
        const id = typeof ownId === 'string' || typeof ownId === 'number' ? String(ownId) : `line-${it.line}`;
        const obj: Record<string, unknown> = { id, conversations };
        if (this.options.withScore) obj.score = roundScore(it.score);
        return (this.count++ === 0 ? '\n' : ',\n') + JSON.stringify(obj);
      }
    }
  }
}

/** Where output goes. write() resolves when the sink can take more; close() finishes (commits) the output. */
export interface OutputSink {
  write(chunk: Buffer | string): Promise<void>;
  close(): Promise<void>;
  /** Gives up: a file sink removes its temporary file and leaves any existing target untouched. */
  abort(): Promise<void>;
}

const FLUSH_BYTES = 1 << 20;

/**
 * Writes a file atomically: everything goes to a temporary file in the target's folder, which is fsynced
 * and renamed over the target on close(). Readers see the old file or the complete new one, never half.
 */
export class AtomicFileWriter implements OutputSink {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private done = false;

  private constructor(readonly target: string, readonly tempPath: string, private readonly fh: fs.promises.FileHandle) {}

  static async open(target: string): Promise<AtomicFileWriter> {
    const abs = path.resolve(target);
    const dir = path.dirname(abs);
    const temp = path.join(dir, `.${path.basename(abs)}.${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.tmp`);
    let fh: fs.promises.FileHandle;
    try {
      fh = await fs.promises.open(temp, 'wx');
    } catch (e) {
      throw new Error(t("cannot write '{0}': {1}", abs, (e as Error).message));
    }
    return new AtomicFileWriter(abs, temp, fh);
  }

  async write(chunk: Buffer | string): Promise<void> {
    if (this.done) throw new Error(t("'{0}' is already closed", this.target));
    const b = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    await this.fh.write(data, 0, data.length);
  }

  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    try {
      await this.flush();
      await this.fh.sync();
      await this.fh.close();
      await fs.promises.rename(this.tempPath, this.target);
    } catch (e) {
      await this.fh.close().catch(() => undefined);
      await fs.promises.unlink(this.tempPath).catch(() => undefined);
      throw new Error(t("cannot write '{0}': {1}", this.target, (e as Error).message));
    }
    // Make the rename itself durable where the platform allows fsync on a folder.
    try {
      const dh = await fs.promises.open(path.dirname(this.target), 'r');
      try { await dh.sync(); } finally { await dh.close(); }
    } catch { /* not supported here (e.g. Windows): the data itself is synced */ }
  }

  async abort(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.pending = [];
    await this.fh.close().catch(() => undefined);
    await fs.promises.unlink(this.tempPath).catch(() => undefined);
  }
}

/**
 * Appends text to a file atomically: its old content and the new text go to a temporary file that replaces it
 * (AtomicFileWriter), so a reader sees the file before or after, never half. A missing file is created; an
 * existing one that does not end with a line ending gets `eol` first, so lines never run together.
 */
export async function appendToFileAtomically(file: string, text: string | Buffer, eol = '\n'): Promise<void> {
  let old: Buffer = Buffer.alloc(0);
  try {
    old = await fs.promises.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(t("cannot read '{0}': {1}", file, (e as Error).message));
  }
  await writeFileAtomically(file, async (w) => {
    await w.write(old);
    if (old.length > 0 && old[old.length - 1] !== 0x0a) await w.write(eol);
    await w.write(text);
  });
}

/**
 * Writes `target` atomically, the one way every file SCAR writes whole is written: `write` fills an AtomicFileWriter,
 * which replaces the target once `write` is done; when `write` throws, the target is left as it was, the temporary
 * file is removed, and the error goes on to the caller.
 */
export async function writeFileAtomically(target: string, write: (w: AtomicFileWriter) => Promise<void>): Promise<void> {
  const w = await AtomicFileWriter.open(target);
  try {
    await write(w);
    await w.close();
  } catch (e) {
    await w.abort();
    throw e;
  }
}
