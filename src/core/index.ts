// The core's public surface, bundled as out/core.js for benchmarks and training scripts.
// Each module adds its line here.
export * from './types';
export * from './tokenise';
export * from './style';
export * from './code';
export * from './featurise';
export * from './jsonl';
export * from './schema';
export * from './inspect';
export * from './scores';
export * from './select';
export * from './export';
export * from './unionFind';
export * from './typedArrays';
export * from './minhash';
export * from './pairMemo';
export * from './dedup';
export * from './language';
export * from './hygiene';
export * from './cleaningPass';
export * from './documentHygiene';
export * from './packedHygiene';
export * from './selectionPipeline';
export * from './emptyResponse';
export * from './linePairs';
export * from './calibration';
export * from './overview';
