// The JSONL reader: text or bytes in, one JsonlRecord per physical line out.
// Contract: no function here throws on any input, and no line is ever dropped (blank and broken lines are records).
// Line ends are "\n" and "\r\n" (the "\r" is stripped); a lone "\r" is ordinary text. A source ending with "\n" has
// no extra empty last record. A leading UTF-8 BOM is removed from line 1 and its offsets start after it.
import { isUtf8 } from 'buffer';
import * as fs from 'fs';
import { t } from './l10n';
import type { JsonlRecord, ParseError } from './types';

// ---------------------------------------------------------------------------------------------------------------
// One line

/** True when the text is empty or only JSON whitespace (space, tab, CR, LF) or other Unicode white space. */
function isBlank(text: string): boolean {
  const n = text.length;
  if (n === 0) return true;
  const c = text.charCodeAt(0);
  // The common case: a line starting with '{' or '[' or '"' is never blank; skip the trim.
  if (c === 0x7b || c === 0x5b || c === 0x22) return false;
  return text.trim().length === 0;
}

/**
 * Parses one line (its text without line ending; the caller has removed any BOM). Never throws: a line that is not
 * valid JSON gets `error` with a message and a 1-based column.
 */
export function parseLine(text: string, line: number, start: number, end: number): JsonlRecord {
  if (isBlank(text)) return { line, start, end, text, blank: true };
  try {
    return { line, start, end, text, blank: false, value: JSON.parse(text) };
  } catch (e) {
    return { line, start, end, text, blank: false, error: describeParseFailure(text, e) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// In-memory documents (offsets in UTF-16 code units)

/** Yields one record per line of an in-memory document. Offsets are UTF-16 code units of `text`. */
export function* iterateRecords(text: string): Generator<JsonlRecord> {
  const n = text.length;
  // An empty document has no records; a document ending with "\n" has no extra empty last record.
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (pos < n) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = n;
    const end = nl > pos && text.charCodeAt(nl - 1) === 0x0d && nl < n ? nl - 1 : nl;
    yield parseLine(text.slice(pos, end), line, pos, end);
    line++;
    pos = nl + 1;
  }
}

/** All records of an in-memory document; see iterateRecords. */
export function readRecords(text: string): JsonlRecord[] {
  const out: JsonlRecord[] = [];
  for (const r of iterateRecords(text)) out.push(r);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Bytes (offsets in bytes): a push-based line splitter shared by the stream reader and readRecordsFromBytes.

/**
 * Splits a byte stream into line records. Feed chunks with push() and finish with end(); each returns the records
 * completed so far. Memory held between calls is the current unfinished line only.
 */
export class ByteLineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Byte offset (in the whole stream) of the first byte of the unfinished line. */
  private lineStart = 0;
  private line = 1;
  private atStart = true;

  push(chunk: Uint8Array): JsonlRecord[] {
    const out: JsonlRecord[] = [];
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.atStart) {
      // The BOM may arrive split across chunks: wait for three bytes before deciding.
      if (this.pendingBytes + buf.length < 3) {
        this.pending.push(buf);
        this.pendingBytes += buf.length;
        return out;
      }
      if (this.pending.length > 0) {
        buf = Buffer.concat([...this.pending, buf]);
        this.pending = [];
        this.pendingBytes = 0;
      }
      this.atStart = false;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
        buf = buf.subarray(3);
        this.lineStart = 3;
      }
    }
    let nl = buf.indexOf(0x0a);
    if (nl < 0) {
      if (buf.length > 0) {
        this.pending.push(buf);
        this.pendingBytes += buf.length;
      }
      return out;
    }
    let pos = 0;
    if (this.pending.length > 0) {
      // Finish the line carried over from earlier chunks.
      this.pending.push(buf.subarray(0, nl));
      const whole = Buffer.concat(this.pending, this.pendingBytes + nl);
      this.pending = [];
      this.pendingBytes = 0;
      out.push(this.emit(whole, 0, whole.length, true));
      pos = nl + 1;
      nl = buf.indexOf(0x0a, pos);
    }
    // Whole lines inside this chunk. Validate their UTF-8 in one native call; only a failing region is re-checked per line.
    const lastNl = buf.lastIndexOf(0x0a);
    const regionValid = pos > lastNl || isUtf8(buf.subarray(pos, lastNl));
    if (regionValid && pos <= lastNl) {
      // Decode the whole region once and walk its lines in step with the bytes: a "\n" byte is a "\n" character
      // in valid UTF-8, so the k-th newline of one is the k-th newline of the other.
      const str = buf.toString('utf8', pos, lastNl);
      let sPos = 0;
      for (;;) {
        const sNl = nl === lastNl ? str.length : str.indexOf('\n', sPos);
        const cr = nl > pos && buf[nl - 1] === 0x0d;
        const start = this.lineStart;
        const end = start + (nl - pos) - (cr ? 1 : 0);
        out.push(parseLine(str.slice(sPos, cr ? sNl - 1 : sNl), this.line, start, end));
        this.line++;
        this.lineStart = start + (nl - pos) + 1;
        if (nl === lastNl) break;
        pos = nl + 1;
        sPos = sNl + 1;
        nl = buf.indexOf(0x0a, pos);
      }
      pos = lastNl + 1;
    } else {
      while (nl >= 0) {
        out.push(this.emit(buf, pos, nl, !regionValid));
        pos = nl + 1;
        nl = buf.indexOf(0x0a, pos);
      }
    }
    if (pos < buf.length) {
      this.pending.push(buf.subarray(pos));
      this.pendingBytes += buf.length - pos;
    }
    return out;
  }

  /**
   * Byte offset where the next line starts: after push(), the last record it returned ended with a line ending of
   * nextLineStart - record.end bytes ("\n" or "\r\n"), so a streaming reader knows it before more bytes come.
   */
  get nextLineStart(): number {
    return this.lineStart;
  }

  /** Flushes the last line (a source without a final newline). */
  end(): JsonlRecord[] {
    if (this.atStart) {
      // Fewer than three bytes in all: BOM check on what there is.
      const buf = Buffer.concat(this.pending);
      this.pending = [];
      this.pendingBytes = 0;
      this.atStart = false;
      // Fewer than three bytes cannot hold a BOM: split them as ordinary bytes.
      const out = buf.length > 0 ? this.push(buf) : [];
      return out.concat(this.end());
    }
    if (this.pendingBytes === 0) {
      // The source ended with "\n" (no extra empty record) or was empty (no records at all).
      return [];
    }
    const whole = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    // The last line has no "\n" after it, so a trailing "\r" is text, not a line end, as in iterateRecords.
    return [this.emit(whole, 0, whole.length, true, false)];
  }

  /** Makes the record of buf[from, to), which ends at a "\n" (or at the end of the source when hadNewline is false). */
  private emit(buf: Buffer, from: number, to: number, checkUtf8: boolean, hadNewline = true): JsonlRecord {
    const lineLength = to - from; // bytes of the line, "\r" included
    let textEnd = to;
    if (hadNewline && textEnd > from && buf[textEnd - 1] === 0x0d) textEnd--;
    const start = this.lineStart;
    const end = start + (textEnd - from);
    const line = this.line;
    this.line++;
    this.lineStart = start + lineLength + (hadNewline ? 1 : 0);
    const text = buf.toString('utf8', from, textEnd);
    if (checkUtf8 && !isUtf8(buf.subarray(from, textEnd))) {
      const bad = firstInvalidUtf8(buf, from, textEnd);
      if (bad >= 0) {
        const column = buf.toString('utf8', from, from + bad).length + 1;
        return { line, start, end, text, blank: false, error: { message: t('invalid UTF-8 at byte {0} of the line', bad + 1), column, kind: 'invalid-utf8' } };
      }
    }
    return parseLine(text, line, start, end);
  }
}

/**
 * Index (relative to `from`) of the first byte of buf[from, to) that is not part of a well-formed UTF-8 sequence,
 * or -1 when the range is valid. Rejects overlongs, surrogates and code points above U+10FFFF, like the decoder.
 */
export function firstInvalidUtf8(buf: Uint8Array, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const b = buf[i];
    if (b < 0x80) { i++; continue; }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b === 0xe0) lo = 0xa0; else if (b === 0xed) hi = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b === 0xf0) lo = 0x90; else if (b === 0xf4) hi = 0x8f; }
    else return i - from;
    if (i + need >= to) return i - from; // truncated sequence
    const b1 = buf[i + 1];
    if (b1 < lo || b1 > hi) return i - from;
    for (let k = 2; k <= need; k++) {
      const bk = buf[i + k];
      if (bk < 0x80 || bk > 0xbf) return i - from;
    }
    i += need + 1;
  }
  return -1;
}

/** All records of a byte buffer (offsets in bytes), exactly as streamRecords would yield them. */
export function readRecordsFromBytes(bytes: Uint8Array): JsonlRecord[] {
  const s = new ByteLineSplitter();
  return s.push(bytes).concat(s.end());
}

/**
 * Streams the records of a file (given by path) or of a readable byte stream, in bounded memory: only the current
 * line is held. Offsets are bytes. I/O errors (a missing file, a read failure) reject the iteration; parse problems
 * never do, they are records with `error`.
 */
export async function* streamRecords(
  input: NodeJS.ReadableStream | string,
  opts: { highWaterMark?: number } = {},
): AsyncGenerator<JsonlRecord> {
  const stream = typeof input === 'string' ? fs.createReadStream(input, { highWaterMark: opts.highWaterMark ?? 1 << 20 }) : input;
  const splitter = new ByteLineSplitter();
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      const records = splitter.push(bytes);
      for (let i = 0; i < records.length; i++) yield records[i];
    }
    for (const r of splitter.end()) yield r;
  } finally {
    // A consumer that stops early (break, return) must not leave the file open.
    if (typeof input === 'string') (stream as fs.ReadStream).destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// File-level shape checks

/**
 * True when the first non-blank line of a file suggests a JSON array file (`[` on its own line, or the start of
 * `[{...},` spread over lines) rather than JSON Lines. A one-line array of objects counts too.
 */
export function looksLikeJsonArrayFile(firstNonBlankText: string): boolean {
  const t = firstNonBlankText.trim();
  if (t.charCodeAt(0) !== 0x5b) return false;
  if (t === '[') return true;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    // "[{...}," or "[ {": the first line of a pretty-printed or comma-separated array.
    return t.length === 1 || t.charCodeAt(1) === 0x7b || /^\[\s*\{/.test(t);
  }
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
}

/** True when the first non-blank line is a lone `{` (or a `{` with an unfinished property): pretty-printed JSON. */
export function looksLikePrettyJson(firstNonBlankText: string): boolean {
  const t = firstNonBlankText.trim();
  if (t === '{') return true;
  if (t.charCodeAt(0) !== 0x7b) return false;
  const e = parseLine(t, 1, 0, t.length).error;
  return e !== undefined && e.kind === 'incomplete' && /[,{]$/.test(t);
}

/** A file-level message for a file that is not JSON Lines at all, judged from its first non-blank line. */
export function fileShapeProblem(firstNonBlankText: string): string | undefined {
  if (looksLikeJsonArrayFile(firstNonBlankText)) return t('This file looks like a JSON array, not JSON Lines (one JSON object per line).');
  if (looksLikePrettyJson(firstNonBlankText)) return t('This file looks like pretty-printed JSON spread over many lines, not JSON Lines (one JSON object per line).');
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Parse errors a person understands

/**
 * Turns a JSON.parse failure into a message and a 1-based column (VS Code's numbering: the first character of the
 * line is column 1). Our own validator (locateJsonError) explains the problem and says where, so that the column
 * points at the text the message names (`unexpected word 'nul'` at the word's first letter, where V8 would point
 * at the letter that differs from `null`). V8's message and position are used only if our validator found nothing.
 */
function describeParseFailure(text: string, e: unknown): ParseError {
  const mine = locateJsonError(text);
  if (mine) return mine.kind === undefined ? { message: mine.message, column: Math.min(mine.position, text.length) + 1 } : { message: mine.message, column: Math.min(mine.position, text.length) + 1, kind: mine.kind };
  const v8 = e instanceof Error ? e.message : String(e);
  const m = /at position (\d+)/.exec(v8);
  const pos = m ? Number(m[1]) : 0;
  return { message: cleanV8Message(v8), column: Math.min(pos, text.length) + 1 };
}

/** V8's message without the position and the echoed source, e.g. `Unexpected token ']'`. */
function cleanV8Message(msg: string): string {
  let s = msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+.*$/, '');
  s = s.replace(/, ".*" is not valid JSON$/s, '').replace(/ is not valid JSON$/, '');
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export interface JsonErrorLocation {
  /** 0-based UTF-16 index where the problem is. */
  position: number;
  message: string;
  /** The errors a caller acts on (the quick fix, the pretty-printed-JSON check), named so no one parses `message`. */
  kind?: 'incomplete' | 'trailing-comma' | 'after-value';
}

function show(text: string, i: number): string {
  if (i >= text.length) return t('the end of the line');
  const c = text.charCodeAt(i);
  if (c < 0x20 || c === 0x7f) return t('control character {0}', `U+${c.toString(16).toUpperCase().padStart(4, '0')}`);
  const cp = text.codePointAt(i) ?? c;
  return `'${String.fromCodePoint(cp)}'`;
}

const OBJECT = 1;
const ARRAY = 2;

/**
 * A small iterative JSON validator that explains the first error in `text`, or returns undefined when `text` is
 * valid JSON. Iterative (an explicit stack), so deeply nested input cannot overflow the call stack.
 */
export function locateJsonError(text: string): JsonErrorLocation | undefined {
  const n = text.length;
  const stack: number[] = [];
  // States: 0 value expected, 1 after a value, 2 first key or '}', 3 key after ',', 4 first item or ']', 5 item after ','
  let state = 0;
  let i = 0;
  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const endMessage = (): JsonErrorLocation => {
    const top = stack[stack.length - 1];
    const message = top === OBJECT ? t("line ends before the JSON value is complete (missing '}'?)")
      : top === ARRAY ? t("line ends before the JSON value is complete (missing ']'?)")
      : t('line ends before the JSON value is complete');
    return { position: n, message, kind: 'incomplete' };
  };
  for (;;) {
    ws();
    if (state === 0 || state === 4 || state === 5) {
      if (i >= n) return endMessage();
      const c = text.charCodeAt(i);
      if (state === 4 && c === 0x5d) { stack.pop(); i++; state = 1; continue; }
      if (state === 5 && c === 0x5d) return { position: i, message: t("trailing comma before ']' (JSON allows no comma after the last item)"), kind: 'trailing-comma' };
      if (c === 0x7b) { stack.push(OBJECT); i++; state = 2; continue; }
      if (c === 0x5b) { stack.push(ARRAY); i++; state = 4; continue; }
      if (c === 0x22) {
        const r = scanString(text, i);
        if (typeof r !== 'number') return r;
        i = r; state = 1; continue;
      }
      if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        const r = scanNumber(text, i);
        if (typeof r !== 'number') return r;
        i = r; state = 1; continue;
      }
      const lit = c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : undefined;
      if (lit !== undefined) {
        for (let k = 1; k < lit.length; k++) {
          if (i + k >= n) return { position: n, message: t("line ends inside '{0}'", lit) };
          if (text.charCodeAt(i + k) !== lit.charCodeAt(k)) return bareWord(text, i);
        }
        i += lit.length; state = 1; continue;
      }
      if (c === 0x27) return { position: i, message: t("strings must use double quotes, found '''") };
      if ((c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)) return bareWord(text, i);
      if (c === 0x7d && state === 0 && stack[stack.length - 1] === OBJECT) return { position: i, message: t("trailing comma before '}' (JSON allows no comma after the last item)"), kind: 'trailing-comma' };
      return { position: i, message: t('unexpected {0} where a value was expected', show(text, i)) };
    }
    if (state === 2 || state === 3) {
      if (i >= n) return endMessage();
      const c = text.charCodeAt(i);
      if (c === 0x7d) {
        if (state === 3) return { position: i, message: t("trailing comma before '}' (JSON allows no comma after the last item)"), kind: 'trailing-comma' };
        stack.pop(); i++; state = 1; continue;
      }
      if (c !== 0x22) {
        const message = c === 0x27 ? t('expected a double-quoted property name, found {0} (property names need double quotes)', show(text, i))
          : t('expected a double-quoted property name, found {0}', show(text, i));
        return { position: i, message };
      }
      const r = scanString(text, i);
      if (typeof r !== 'number') return r;
      i = r;
      ws();
      if (i >= n) return endMessage();
      if (text.charCodeAt(i) !== 0x3a) return { position: i, message: t("expected ':' after the property name, found {0}", show(text, i)) };
      i++;
      state = 0;
      continue;
    }
    // state 1: after a value
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (i >= n) return undefined;
      const c = text.charCodeAt(i);
      const message = c === 0x7b || c === 0x5b ? t('unexpected {0} after the JSON value (only one JSON value is allowed per line)', show(text, i))
        : t('unexpected {0} after the JSON value', show(text, i));
      return { position: i, message, kind: 'after-value' };
    }
    if (i >= n) return endMessage();
    const c = text.charCodeAt(i);
    if (c === 0x2c) { i++; state = top === OBJECT ? 3 : 5; continue; }
    if (top === OBJECT && c === 0x7d) { stack.pop(); i++; continue; }
    if (top === ARRAY && c === 0x5d) { stack.pop(); i++; continue; }
    return top === OBJECT
      ? { position: i, message: t("expected ',' or '}' after a property value, found {0}", show(text, i)) }
      : { position: i, message: t("expected ',' or ']' after an array item, found {0}", show(text, i)) };
  }
}

/**
 * An unquoted word where a value belongs (`not json`, `nul`, `True`). The position is the word's first character,
 * the text the message names, even for a word that begins like a literal (V8 reports the first character that
 * differs from the literal instead: column 2 for `not json`).
 */
function bareWord(text: string, at: number): JsonErrorLocation {
  let j = at;
  while (j < text.length && j - at < 20 && /[A-Za-z0-9_]/.test(text.charAt(j))) j++;
  const word = text.slice(at, j);
  return { position: at, message: t("unexpected word '{0}' where a value was expected (text must be in double quotes; literals are true, false, null)", word) };
}

/** Scans a string starting at the opening quote; returns the index after the closing quote, or the error. */
function scanString(text: string, at: number): number | JsonErrorLocation {
  const n = text.length;
  let i = at + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) {
      const message = c === 0x09 ? t('unescaped {0} inside a string (a tab: write \\t)', show(text, i))
        : c === 0x0d ? t('unescaped {0} inside a string (a carriage return: write \\r)', show(text, i))
        : t('unescaped {0} inside a string', show(text, i));
      return { position: i, message };
    }
    if (c === 0x5c) {
      const e = text.charCodeAt(i + 1);
      if (i + 1 >= n) break;
      if (e === 0x75) {
        for (let k = 2; k < 6; k++) {
          const h = text.charCodeAt(i + k);
          const hex = (h >= 0x30 && h <= 0x39) || (h >= 0x41 && h <= 0x46) || (h >= 0x61 && h <= 0x66);
          if (!hex) return i + k >= n ? { position: n, message: t('line ends inside a string (missing closing \'"\'?)') } : { position: i + k, message: t('invalid \\u escape: expected four hex digits') };
        }
        i += 6;
        continue;
      }
      if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) { i += 2; continue; }
      return { position: i + 1, message: t("invalid escape '\\{0}' in a string", text.charAt(i + 1)) };
    }
    i++;
  }
  return { position: n, message: t('line ends inside a string (missing closing \'"\'?)') };
}

/** Scans a number; returns the index after it, or the error. */
function scanNumber(text: string, at: number): number | JsonErrorLocation {
  const n = text.length;
  let i = at;
  const digit = (k: number): boolean => { const c = text.charCodeAt(k); return c >= 0x30 && c <= 0x39; };
  const bad = (k: number): JsonErrorLocation => (k >= n ? { position: n, message: t('line ends inside a number') } : { position: k, message: t('invalid number: unexpected {0}', show(text, k)) });
  if (text.charCodeAt(i) === 0x2d) i++;
  if (!digit(i)) return bad(i);
  if (text.charCodeAt(i) === 0x30) {
    i++;
    if (digit(i)) return { position: i, message: t('invalid number: leading zeros are not allowed') };
  } else while (digit(i)) i++;
  if (text.charCodeAt(i) === 0x2e) {
    i++;
    if (!digit(i)) return bad(i);
    while (digit(i)) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 || e === 0x45) {
    i++;
    const s = text.charCodeAt(i);
    if (s === 0x2b || s === 0x2d) i++;
    if (!digit(i)) return bad(i);
    while (digit(i)) i++;
  }
  return i;
}

// ---------------------------------------------------------------------------------------------------------------
// Quick fix: trailing commas

/**
 * The commas to delete (0-based UTF-16 indices in `text`, ascending) to cure a line of its trailing commas, the
 * most common JSON Lines slip: a comma after the line's value (`{"a": 1},`, as when a JSON array was cut into
 * lines) and a comma before a closing bracket (`{"a": 1,}`, `[1, 2,]`). Empty when the line's first error is not a
 * trailing comma. Other errors that remain after the commas go are left alone (the line may still not parse).
 */
export function trailingCommaFixes(text: string): number[] {
  const out: number[] = [];
  // Each comma removed is replaced by a space in the working copy, so indices stay those of `text`.
  let work = text;
  for (let guard = 0; guard < 1000; guard++) {
    const e = locateJsonError(work);
    if (!e) break;
    const at = e.position;
    let commas: number[] = [];
    if (e.kind === 'trailing-comma') {
      let j = at - 1;
      while (j >= 0 && /\s/.test(work.charAt(j))) j--;
      if (work.charAt(j) === ',') commas = [j];
    } else if (work.charAt(at) === ',' && e.kind === 'after-value' && /^[\s,]*$/.test(work.slice(at))) {
      // Only commas (and spaces) follow the value: every one of them goes.
      for (let j = at; j < work.length; j++) if (work.charAt(j) === ',') commas.push(j);
    }
    if (commas.length === 0) break;
    for (const j of commas) {
      out.push(j);
      work = work.slice(0, j) + ' ' + work.slice(j + 1);
    }
  }
  return out.sort((a, b) => a - b);
}
