/** mulberry32: a seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number;
