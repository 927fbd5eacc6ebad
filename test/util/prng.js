// mulberry32: a tiny seeded 32-bit PRNG, so that tests and benchmarks see the same "random" data on every run and a
// failing case can be replayed from its seed. Plain CommonJS so that bench/*.bench.js (plain Node) and the bundled
// TypeScript tests share this one copy.
'use strict';

/** @param {number} seed @returns {() => number} uniform in [0, 1) */
function mulberry32(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { mulberry32 };
