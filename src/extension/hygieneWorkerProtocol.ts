// The messages between the extension host (hygieneWorkerClient.ts) and the hygiene worker (hygieneWorker.ts).
import type { DocumentHygieneOptions } from '../core/documentHygiene';
import type { PackedHygiene } from '../core/packedHygiene';

/**
 * The host sends a document as one or more `text` parts (appended in order; the worker splits the whole into
 * lines as the editor does), then `run` with the options. A part with another id starts a new document.
 */
export type HygieneWorkerRequest =
  | { type: 'text'; id: number; text: string }
  | { type: 'run'; id: number; options: DocumentHygieneOptions };

export type HygieneWorkerReply =
  | { id: number; result: PackedHygiene; error?: undefined }
  | { id: number; error: string; result?: undefined };
