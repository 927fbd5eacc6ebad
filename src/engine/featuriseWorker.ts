// A featurising worker thread of the engine (see featurisePool.ts): loads the model's featuriser once, then turns
// each batch of (instruction, response) texts into the model's input tensors and sends them back, transferring
// the typed arrays.
import { parentPort, workerData } from 'worker_threads';
import { loadFeaturiser, type LoadedFeaturiser } from '../core/featurise';
import type { FeaturiseAnswer, FeaturiseJob } from './featurisePool';

const port = parentPort;
if (!port) throw new Error('featuriseWorker.js runs as a worker thread of the engine');
let featuriser: LoadedFeaturiser | undefined;
try {
  featuriser = loadFeaturiser((workerData as { modelDir: string }).modelDir);
  port.postMessage({ ready: true } satisfies FeaturiseAnswer);
} catch (e) {
  port.postMessage({ initError: (e as Error).message } satisfies FeaturiseAnswer);
}
port.on('message', (job: FeaturiseJob) => {
  try {
    const pairs = job.instructions.map((instruction, i) => ({ instruction, response: job.responses[i] }));
    const feeds = featuriser!.featurise(pairs);
    const transfer = Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer);
    port.postMessage({ id: job.id, feeds } satisfies FeaturiseAnswer, transfer);
  } catch (e) {
    port.postMessage({ id: job.id, error: (e as Error).message } satisfies FeaturiseAnswer);
  }
});
