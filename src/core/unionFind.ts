// Disjoint sets over the integers 0..n-1 (union by size, path halving): near-duplicate clusters are the
// connected components of the "verified similar" graph. Near-constant time per operation, 8 bytes per element.

export class UnionFind {
  private readonly parent: Int32Array;
  private readonly sizes: Int32Array;

  constructor(readonly n: number) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`UnionFind size must be a non-negative integer, got ${n}`);
    this.parent = new Int32Array(n);
    this.sizes = new Int32Array(n).fill(1);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  /** The representative of x's set. */
  find(x: number): number {
    const p = this.parent;
    while (p[x] !== x) {
      p[x] = p[p[x]];
      x = p[x];
    }
    return x;
  }

  /** Merges the sets of a and b; returns false when they were already one set. */
  union(a: number, b: number): boolean {
    let ra = this.find(a);
    let rb = this.find(b);
    if (ra === rb) return false;
    if (this.sizes[ra] < this.sizes[rb]) [ra, rb] = [rb, ra];
    this.parent[rb] = ra;
    this.sizes[ra] += this.sizes[rb];
    return true;
  }

  connected(a: number, b: number): boolean {
    return this.find(a) === this.find(b);
  }

  /** The number of elements in x's set. */
  sizeOf(x: number): number {
    return this.sizes[this.find(x)];
  }

  /** Every set with at least `minSize` elements, each listed in increasing element order; sets ordered by their smallest element. */
  groups(minSize = 2): number[][] {
    const byRoot = new Map<number, number[]>();
    const out: number[][] = [];
    for (let i = 0; i < this.n; i++) {
      const r = this.find(i);
      if (this.sizes[r] < minSize) continue;
      let g = byRoot.get(r);
      if (!g) {
        g = [];
        byRoot.set(r, g);
        out.push(g);
      }
      g.push(i);
    }
    return out;
  }
}
