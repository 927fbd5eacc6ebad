// A set of line numbers read from files: the drop lists `scar dedup --resolve` writes (one JSON object with a
// "line" field per row), or plain lists of numbers, one a line. Used by `scar select --drop` and `scar cut
// --exclude`. Held as one sorted Float64Array (8 bytes a line) searched by bisection.
import * as readline from 'readline';
import * as fs from 'fs';
import { CliError, isReadableError } from './args';
import { ioErrorMessage } from '../files/errors';

export class LineSet {
  private constructor(private readonly lines: Float64Array) {}

  static readonly EMPTY = new LineSet(new Float64Array(0));

  static fromLines(lines: Iterable<number>): LineSet {
    const a = Float64Array.from(lines).sort();
    let n = 0;
    for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[n - 1]) a[n++] = a[i];
    return new LineSet(a.slice(0, n));
  }

  /** Reads every file (rows `{"line": N, ...}` or `N`); a row that is neither is a CliError naming it. */
  static async read(files: readonly string[]): Promise<LineSet> {
    let buf = new Float64Array(1024);
    let n = 0;
    for (const file of files) {
      let lineNo = 0;
      try {
        const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
        for await (const text of rl) {
          lineNo++;
          const t = text.trim();
          if (t === '') continue;
          let v: unknown;
          try { v = JSON.parse(t); } catch { v = undefined; }
          const line = typeof v === 'number' ? v : typeof v === 'object' && v !== null ? (v as { line?: unknown }).line : undefined;
          if (typeof line !== 'number' || !Number.isSafeInteger(line) || line < 1) {
            throw new CliError(`${file}:${lineNo}: expected a line number or an object with a "line" number, got ${t.length > 60 ? t.slice(0, 57) + '...' : t}`);
          }
          if (n === buf.length) { const b = new Float64Array(n * 2); b.set(buf); buf = b; }
          buf[n++] = line;
        }
      } catch (e) {
        if (isReadableError(e)) throw e;
        throw new CliError(ioErrorMessage(file, e));
      }
    }
    return LineSet.fromLines(buf.subarray(0, n));
  }

  get size(): number {
    return this.lines.length;
  }

  has(line: number): boolean {
    const a = this.lines;
    let lo = 0, hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid] === line) return true;
      if (a[mid] < line) lo = mid + 1; else hi = mid - 1;
    }
    return false;
  }
}
