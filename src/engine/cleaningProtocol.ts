// The messages between a CleaningClient (cleaningClient.ts, in the extension host) and the cleaning service
// (cleaningService.ts, the child process dist/cleaning.js), over the Node IPC channel with advanced serialization.
// The service runs SCAR's cleaning (core/cleaningPass.ts) off the host for two requests:
//   check  the editor's hygiene check of an open document (core/documentHygiene.ts): its text comes in `text` parts;
//   clean  the cleaning of "Select top": an open document's lines (with pairs and scores) in `lines` parts, or a file
//          on disk that the service streams itself (the on-disk commands).
// One request runs at a time. The client queues the rest, so only the running request's parts are ever in flight.
import type { CleaningOptions, Removal } from '../core/cleaningPass';
import type { TextPair } from '../core/dedup';
import type { DocumentHygieneOptions } from '../core/documentHygiene';
import type { L10nBundle } from '../core/l10n';
import type { PackedHygiene } from '../core/packedHygiene';
import type { AdapterOptions } from '../core/types';

/** One line to clean: its 1-based number, its pairs and its score (NaN when it has none). */
export type CleaningLine = [line: number, pairs: TextPair[], score: number];

/** A file on disk to clean, with the scores of its scored lines (both columns in file order; lines increasing). */
export interface FileSource {
  path: string;
  adapter: AdapterOptions;
  /** 1-based line numbers of the scored lines, and their scores (NaN: none), at the same indices. */
  lines: Int32Array;
  scores: Float64Array;
}

/**
 * Host to service. `init` comes first (the translation bundle). A request is its opening message (`check` or
 * `clean`), its parts (`text` for a check, `lines` for a clean of an open document), then `end`; a clean of a file
 * has no parts and starts at once. `cancel` drops a request whose `end` was not sent yet (a computing one cannot
 * read it: the client ends the process instead).
 */
export type CleaningRequest =
  | { type: 'init'; l10n?: L10nBundle }
  | { type: 'check'; id: number; options: DocumentHygieneOptions }
  | { type: 'clean'; id: number; options: CleaningOptions; file?: FileSource }
  | { type: 'text'; id: number; text: string }
  | { type: 'lines'; id: number; lines: CleaningLine[] }
  | { type: 'end'; id: number }
  | { type: 'cancel'; id: number }
  /** Test hooks, honoured only with SCAR_CLEANING_TEST=1 in the service's environment. */
  | { type: 'test'; id: number; action: 'crash' | 'busy'; ms?: number };

/** What a clean request removed; a file's also says how many lines were read and how many yield no pair. */
export interface CleanResult {
  /** Lines given to the pass. */
  input: number;
  /** Why each removed line was removed, as [1-based line, removal] in line order. */
  removed: Array<[number, Removal]>;
  counts: { exact: number; language: number; nearDuplicate: number };
  linesRead?: number;
  withoutPair?: number;
}

/** Why a request failed: `input` (the file: unreadable, changed while read), `bad-request`, or `internal` (a bug). */
export type CleaningErrorCode = 'input' | 'bad-request' | 'internal';

/** Service to host: one answer per request (`checked`, `cleaned` or `error`), and `progress` of a file clean. */
export type CleaningReply =
  | { type: 'checked'; id: number; result: PackedHygiene }
  | { type: 'cleaned'; id: number; result: CleanResult }
  | { type: 'progress'; id: number; linesRead: number }
  | { type: 'error'; id: number; code: CleaningErrorCode; message: string };

/** The environment variable that turns on the service's test hooks. */
export const CLEANING_PROBE_ENV = 'SCAR_CLEANING_TEST';
