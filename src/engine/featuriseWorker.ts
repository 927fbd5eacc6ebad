// A featurising worker thread of the engine (see featurisePool.ts): loads the model's featuriser once, then turns
// each batch of (instruction, response) texts into the model's input tensors and sends them back, transferring
// the typed arrays. A batch with a claim is featurised only if this worker claims it first (see BatchClaim).
import { parentPort, workerData } from 'worker_threads';
import { loadFeaturiser, type LoadedFeaturiser } from '../core/featurise';
import { CLAIM_FREE, CLAIM_WORKER, type FeaturiseAnswer, type FeaturiseJob, type FeaturiseWorkerData } from './featurisePool';

const port = parentPort;
if (!port) throw new Error('featuriseWorker.js runs as a worker thread of the engine');
let featuriser: LoadedFeaturiser | undefined;
try {
  const data = workerData as FeaturiseWorkerData;
  featuriser = loadFeaturiser(data.modelDir, data.modelId);
  port.postMessage({ ready: true } satisfies FeaturiseAnswer);
} catch (e) {
  port.postMessage({ initError: (e as Error).message } satisfies FeaturiseAnswer);
}
port.on('message', (job: FeaturiseJob) => {
  // A batch the engine's thread (or another worker) took first is not featurised twice.
  if (job.claim && Atomics.compareExchange(job.claim.claims, job.claim.index, CLAIM_FREE, CLAIM_WORKER) !== CLAIM_FREE) {
    port.postMessage({ id: job.id, skipped: true } satisfies FeaturiseAnswer);
    return;
  }
  try {
    const pairs = job.instructions.map((instruction, i) => ({ instruction, response: job.responses[i] }));
    const feeds = featuriser!.featurise(pairs);
    const transfer = Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer);
    port.postMessage({ id: job.id, feeds } satisfies FeaturiseAnswer, transfer);
  } catch (e) {
    port.postMessage({ id: job.id, error: (e as Error).message } satisfies FeaturiseAnswer);
  }
});
