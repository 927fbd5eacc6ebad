// Growing a typed array: the columns of the streaming file passes and the featuriser's token memo keep their values
// in typed arrays that double as they fill.

/** A typed array of the same kind as `a`, of length `n` (at least a's), holding a's values at the start. */
export function grownTo<T extends Int32Array | Uint32Array | Float64Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (length: number) => T)(Math.max(n, a.length));
  b.set(a);
  return b;
}
