// The cleaning service: a child process (dist/cleaning.js) beside the engine that runs SCAR's cleaning off the
// extension host, for every open document and command, over one protocol (cleaningProtocol.ts):
//   check  the editor's hygiene check of a document's text (core/documentHygiene.ts), answered packed;
//   clean  the cleaning of "Select top" (core/cleaningPass.ts) over an open document's lines, added as they arrive,
//          or over a file on disk, streamed here (files/cleanFile.ts) and never read by the host.
// Its computations are synchronous bursts (the clustering of 100k lines takes seconds), so it reads a `cancel` only
// between parts; the client (cleaningClient.ts) ends the process to stop a running computation and starts another
// for the next request. Translation: the host's bundle arrives in `init` (core/l10n.ts).
import { CleaningPass, type CleaningOptions } from '../core/cleaningPass';
import { documentHygiene, splitLines } from '../core/documentHygiene';
import { bundleTranslator, setTranslator } from '../core/l10n';
import { packHygiene } from '../core/packedHygiene';
import { cleanFile } from '../files/cleanFile';
import { FileError } from '../files/errors';
import { CLEANING_PROBE_ENV, type CleaningLine, type CleaningReply, type CleaningRequest, type CleanResult, type FileSource } from './cleaningProtocol';

function send(message: CleaningReply): void {
  if (process.connected) process.send!(message);
}

/** The request whose parts are arriving: a check's text, or a clean's pass (lines are added as they come). */
type Current =
  | { id: number; kind: 'check'; options: Parameters<typeof documentHygiene>[1]; parts: string[] }
  | { id: number; kind: 'clean'; pass: CleaningPass; pairs: Map<number, CleaningLine[1]>; scores: Map<number, number> };

let current: Current | undefined;
const testHooks = process.env[CLEANING_PROBE_ENV] === '1';

function fail(id: number, e: unknown): void {
  const input = e instanceof FileError;
  send({ type: 'error', id, code: input ? 'input' : 'internal', message: input ? (e as Error).message : (e as Error)?.stack ?? String(e) });
}

function finishCheck(c: Extract<Current, { kind: 'check' }>): void {
  const result = packHygiene(documentHygiene(splitLines(c.parts.join('')), c.options)!);
  send({ type: 'checked', id: c.id, result });
}

function finishClean(c: Extract<Current, { kind: 'clean' }>): void {
  const r = c.pass.finish((line) => c.pairs.get(line)!, (line) => c.scores.get(line));
  send({ type: 'cleaned', id: c.id, result: { input: r.input, removed: [...r.removed], counts: r.counts } });
}

/** Index of `line` in the sorted `lines`, or -1. */
function indexOf(lines: Int32Array, line: number): number {
  let lo = 0, hi = lines.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid] === line) return mid;
    if (lines[mid] < line) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/** Streams the file through the cleaning; one request at a time, so nothing else arrives meanwhile but a cancel. */
async function cleanOnDisk(id: number, file: FileSource, options: CleaningOptions): Promise<void> {
  const cleaned = await cleanFile(file.path, {
    adapter: file.adapter,
    cleaning: options,
    scoreOf: (line) => {
      const s = file.scores[indexOf(file.lines, line)];
      return Number.isFinite(s) ? s : undefined;
    },
    onProgress: (linesRead) => send({ type: 'progress', id, linesRead }),
  });
  const r = cleaned.result;
  const result: CleanResult = { input: r.input, removed: [...r.removed], counts: r.counts, linesRead: cleaned.linesRead, withoutPair: cleaned.withoutPair };
  send({ type: 'cleaned', id, result });
}

function handle(m: CleaningRequest): void {
  switch (m.type) {
    case 'init':
      setTranslator(bundleTranslator(m.l10n));
      return;
    case 'check':
      current = { id: m.id, kind: 'check', options: m.options, parts: [] };
      return;
    case 'clean':
      if (m.file) {
        current = undefined;
        cleanOnDisk(m.id, m.file, m.options).catch((e: unknown) => fail(m.id, e));
        return;
      }
      current = { id: m.id, kind: 'clean', pass: new CleaningPass(m.options), pairs: new Map(), scores: new Map() };
      return;
    case 'text':
      if (current?.id === m.id && current.kind === 'check') current.parts.push(m.text);
      return;
    case 'lines':
      if (current?.id !== m.id || current.kind !== 'clean') return;
      for (const [line, pairs, score] of m.lines) {
        current.pass.add(line, pairs);
        current.pairs.set(line, pairs);
        if (!Number.isNaN(score)) current.scores.set(line, score);
      }
      return;
    case 'end': {
      const c = current;
      current = undefined;
      if (c?.id !== m.id) {
        send({ type: 'error', id: m.id, code: 'bad-request', message: `request ${m.id} ended before it began` });
        return;
      }
      if (c.kind === 'check') finishCheck(c);
      else finishClean(c);
      return;
    }
    case 'cancel':
      if (current?.id === m.id) current = undefined;
      return;
    case 'test':
      if (!testHooks) {
        send({ type: 'error', id: m.id, code: 'bad-request', message: `test hooks need ${CLEANING_PROBE_ENV}=1` });
        return;
      }
      if (m.action === 'crash') process.kill(process.pid, 'SIGKILL');
      else {
        // A synchronous burst, as a real clustering is: nothing is read meanwhile.
        const until = Date.now() + (m.ms ?? 0);
        while (Date.now() < until) { /* busy */ }
        send({ type: 'cleaned', id: m.id, result: { input: 0, removed: [], counts: { exact: 0, language: 0, nearDuplicate: 0 } } });
      }
      return;
    default:
      send({ type: 'error', id: (m as { id?: number }).id ?? -1, code: 'bad-request', message: `unknown request type '${String((m as { type?: unknown }).type)}'` });
  }
}

if (!process.send) {
  console.error('the SCAR cleaning service runs as a child process of the extension');
  process.exit(2);
}
process.on('message', (m: CleaningRequest) => {
  try {
    handle(m);
  } catch (e) {
    const id = (m as { id?: number }).id ?? -1;
    if (current?.id === id) current = undefined;
    fail(id, e);
  }
});
// The host went away: nothing left to serve.
process.on('disconnect', () => process.exit(0));
