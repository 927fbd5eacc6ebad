// The worker thread that runs the editor's hygiene checks (core/documentHygiene.ts) off the extension host, so
// that a document of any size is checked without stalling the editor. Bundled by esbuild.js as
// dist/hygieneWorker.js; hygieneWorkerClient.ts starts it and talks to it. One request at a time: the host
// cancels a request by terminating the worker. The text comes in parts (hygieneWorkerProtocol.ts).
import { parentPort, workerData } from 'worker_threads';
import { bundleTranslator, setTranslator } from '../core/l10n';
import { documentHygiene, splitLines } from '../core/documentHygiene';
import { packedBuffers, packHygiene } from '../core/packedHygiene';
import type { WorkerData } from './workerThreads';
import type { HygieneWorkerReply, HygieneWorkerRequest } from './hygieneWorkerProtocol';

const port = parentPort;
if (!port) throw new Error('hygieneWorker.js must run in a worker thread');
setTranslator(bundleTranslator((workerData as WorkerData | null)?.l10n));

let current = { id: -1, parts: [] as string[] };

port.on('message', (request: HygieneWorkerRequest) => {
  if (request.id !== current.id) current = { id: request.id, parts: [] };
  if (request.type === 'text') {
    current.parts.push(request.text);
    return;
  }
  const text = current.parts.join('');
  current = { id: -1, parts: [] };
  let reply: HygieneWorkerReply;
  try {
    const result = packHygiene(documentHygiene(splitLines(text), request.options)!);
    reply = { id: request.id, result };
    port.postMessage(reply, packedBuffers(result));
  } catch (e) {
    reply = { id: request.id, error: (e as Error).stack ?? String(e) };
    port.postMessage(reply);
  }
});
