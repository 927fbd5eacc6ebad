// A fixed-size memory of pairs (a, b) of non-negative 31-bit integers: a direct-mapped hash table that
// remembers recent pairs and forgets old ones when a newer pair lands in the same slot. Near-duplicate
// clustering (dedup.ts) uses it to skip candidate pairs it has already verified and rejected: a forgotten pair
// is only verified again, so the answer never depends on the capacity, while memory stays fixed however many
// candidates a file produces (an unbounded Set of pair keys passed V8's 2^24-entry limit on large files of
// near-identical lines). 8 bytes a slot.

import { fmix32 } from './minhash';

export const MAX_PAIR_MEMO_SLOTS = 1 << 22;

export class PairMemo {
  private readonly first: Int32Array;
  private readonly second: Int32Array;
  private readonly mask: number;

  /** `slots` is rounded up to a power of two, between 16 and MAX_PAIR_MEMO_SLOTS. */
  constructor(slots: number) {
    let size = 16;
    while (size < slots && size < MAX_PAIR_MEMO_SLOTS) size *= 2;
    this.first = new Int32Array(size).fill(-1);
    this.second = new Int32Array(size);
    this.mask = size - 1;
  }

  /** How many pairs it can hold at once. */
  get capacity(): number {
    return this.first.length;
  }

  private slot(a: number, b: number): number {
    return fmix32(Math.imul(a, 0x9e3779b1) ^ b) & this.mask;
  }

  /** True when (a, b) was added and has not been overwritten since. */
  has(a: number, b: number): boolean {
    const s = this.slot(a, b);
    return this.first[s] === a && this.second[s] === b;
  }

  /** Remembers (a, b), forgetting whatever pair held its slot. */
  add(a: number, b: number): void {
    if ((a | 0) !== a || (b | 0) !== b || a < 0 || b < 0) {
      throw new RangeError(`PairMemo holds pairs of integers in [0, 2^31), got (${a}, ${b})`);
    }
    const s = this.slot(a, b);
    this.first[s] = a;
    this.second[s] = b;
  }
}
