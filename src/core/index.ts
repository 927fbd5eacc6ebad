// The core's public surface, bundled as out/core.js for benchmarks and training scripts.
// Each module adds its line here.
export * from './types';
