// The worker thread that runs SCAR's cleaning (core/cleaningPass.ts: exact duplicates, language, near-duplicates)
// for "Select top style-consistent examples", so that its clustering (a synchronous burst of seconds on 100k lines)
// never runs on the extension host. Bundled by esbuild.js as dist/cleaningWorker.js; cleaningWorkerClient.ts
// starts one per cleaning and terminates it when done or cancelled. Messages: cleaningWorkerProtocol.ts.
import { parentPort, workerData } from 'worker_threads';
import { bundleTranslator, setTranslator } from '../core/l10n';
import { CleaningPass } from '../core/cleaningPass';
import type { WorkerData } from './workerThreads';
import type { TextPair } from '../core/dedup';
import type { CleaningWorkerReply, CleaningWorkerRequest } from './cleaningWorkerProtocol';

const port = parentPort;
if (!port) throw new Error('cleaningWorker.js must run in a worker thread');
setTranslator(bundleTranslator((workerData as WorkerData | null)?.l10n));

let pass: CleaningPass | undefined;
const pairsOf = new Map<number, TextPair[]>();
const scoreOf = new Map<number, number>();

function reply(message: CleaningWorkerReply): void {
  port!.postMessage(message);
}

port.on('message', (request: CleaningWorkerRequest) => {
  try {
    if (request.type === 'start') {
      pass = new CleaningPass(request.options);
      pairsOf.clear();
      scoreOf.clear();
      return;
    }
    if (!pass) throw new Error(`'${request.type}' before 'start'`);
    if (request.type === 'lines') {
      // Lines are added as they arrive, so that the worker works while the host is still posting.
      for (const [line, pairs, score] of request.lines) {
        pass.add(line, pairs);
        pairsOf.set(line, pairs);
        if (!Number.isNaN(score)) scoreOf.set(line, score);
      }
      return;
    }
    const result = pass.finish((line) => pairsOf.get(line)!, (line) => scoreOf.get(line));
    pass = undefined;
    reply({ result: { input: result.input, removed: [...result.removed], counts: result.counts } });
  } catch (e) {
    pass = undefined;
    reply({ error: (e as Error).stack ?? String(e) });
  }
});
