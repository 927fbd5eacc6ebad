// Score caches of the engine, keyed by sha1(model id, instruction, response):
//  - MemoryLru: the most recently used scores, in memory;
//  - DiskCache: a persistent, bounded file of fixed-size records, loaded at start.
//
// Disk format (little-endian): a 16-byte header "SCARSC01" + u32 record size (32) + u32 zero, then records of
// 32 bytes: the 20-byte sha1 key, then score, composition, presentation as float32. New entries are appended;
// a torn record at the end (a crash mid-write) is cut off at load. When the file holds more than `maxEntries`
// records it is compacted to the newest half (by insertion), written to a temporary file and renamed over
// the old one. A file with a wrong header is replaced. Several processes may append to the same file: an
// append of whole records is one write(2) call; a compaction may drop another process's very latest
// entries, which costs only a recomputation.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { PairScore } from '../core/types';

export const KEY_BYTES = 20;
export const RECORD_BYTES = 32;
const HEADER = Buffer.from('SCARSC01\x20\x00\x00\x00\x00\x00\x00\x00', 'latin1');
export const CACHE_FILE = 'scores-v1.bin';
/** Default bound: 500k records = 16 MB on disk (and about as much in memory while loaded). */
export const DEFAULT_MAX_ENTRIES = 500_000;

/**
 * The cache key of a pair under a model, as a 20-byte Buffer. Each text is prefixed with its length, so no
 * choice of texts can make two different pairs hash the same input (a plain separator could: "a\0b" + "c").
 */
export function cacheKey(modelId: string, instruction: string, response: string): Buffer {
  return createHash('sha1')
    .update(`${modelId.length}:`).update(modelId)
    .update(`${instruction.length}:`).update(instruction)
    .update(`${response.length}:`).update(response)
    .digest();
}

/**
 * A least-recently-used map from key (latin1 string of the digest) to scores. The scores live in one Float32Array
 * (the model's outputs are float32, so nothing is lost), three per slot, and the map holds only slot numbers: 100k
 * entries hold 8.5 MB instead of the 16.5 MB of an object per entry (measured with --expose-gc).
 */
export class MemoryLru {
  private readonly map = new Map<string, number>();
  private readonly values: Float32Array;
  private used = 0;
  constructor(readonly capacity: number) {
    this.values = new Float32Array(3 * Math.max(1, capacity));
  }

  get size(): number { return this.map.size; }

  get(key: Buffer): PairScore | undefined {
    const k = key.toString('latin1');
    const slot = this.map.get(k);
    if (slot === undefined) return undefined;
    this.map.delete(k);
    this.map.set(k, slot);
    const v = this.values;
    return { score: v[3 * slot], composition: v[3 * slot + 1], presentation: v[3 * slot + 2] };
  }

  set(key: Buffer, value: PairScore): void {
    const k = key.toString('latin1');
    let slot = this.map.get(k);
    if (slot !== undefined) {
      this.map.delete(k);
    } else if (this.used < this.capacity) {
      slot = this.used++;
    } else {
      const oldest = this.map.keys().next().value as string; // the least recently used gives up its slot
      slot = this.map.get(oldest)!;
      this.map.delete(oldest);
    }
    this.map.set(k, slot);
    this.values[3 * slot] = value.score;
    this.values[3 * slot + 1] = value.composition;
    this.values[3 * slot + 2] = value.presentation;
  }
}

/** The persistent cache: records in one Buffer, found through an open-addressing index. */
export class DiskCache {
  private data: Buffer;
  private count = 0;
  private index: Int32Array;
  private pending: Buffer[] = [];

  private constructor(readonly file: string, readonly maxEntries: number) {
    this.data = Buffer.alloc(RECORD_BYTES * 1024);
    this.index = new Int32Array(2048);
  }

  get size(): number { return this.count; }

  /** Opens (creating the folder if needed) and loads the cache file in `dir`. */
  static open(dir: string, maxEntries = DEFAULT_MAX_ENTRIES): DiskCache {
    fs.mkdirSync(dir, { recursive: true });
    const cache = new DiskCache(path.join(dir, CACHE_FILE), Math.max(2, maxEntries));
    cache.load();
    return cache;
  }

  private load(): void {
    let buf: Buffer;
    try {
      buf = fs.readFileSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.rewrite(Buffer.alloc(0));
      return;
    }
    if (buf.length < HEADER.length || !buf.subarray(0, HEADER.length).equals(HEADER)) {
      this.rewrite(Buffer.alloc(0)); // not ours, or an older format: start afresh
      return;
    }
    const whole = Math.floor((buf.length - HEADER.length) / RECORD_BYTES);
    let records = buf.subarray(HEADER.length, HEADER.length + whole * RECORD_BYTES);
    if (whole > this.maxEntries) records = records.subarray((whole - Math.floor(this.maxEntries / 2)) * RECORD_BYTES);
    if (records.length !== buf.length - HEADER.length) this.rewrite(records); // torn tail or over the bound
    this.adopt(records);
  }

  /** Replaces the file's content with these records, atomically. */
  private rewrite(records: Buffer): void {
    const temp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, Buffer.concat([HEADER, records]));
    fs.renameSync(temp, this.file);
  }

  /** Takes these records as the whole in-memory content and rebuilds the index. */
  private adopt(records: Buffer): void {
    const n = records.length / RECORD_BYTES;
    const cap = Math.max(1024, Math.ceil(n * 1.25));
    this.data = Buffer.alloc(cap * RECORD_BYTES);
    records.copy(this.data);
    this.count = 0;
    this.index = new Int32Array(nextPow2(cap * 2));
    for (let i = 0; i < n; i++) {
      const slot = this.findSlot(this.data, i * RECORD_BYTES);
      if (this.index[slot] === 0) { this.index[slot] = i + 1; }
      this.count = i + 1;
    }
  }

  /** The index slot holding the key at data[off..off+20), or the empty slot where it would go. */
  private findSlot(keySrc: Buffer, off: number): number {
    const mask = this.index.length - 1;
    let slot = keySrc.readUInt32LE(off) & mask;
    for (;;) {
      const v = this.index[slot];
      if (v === 0) return slot;
      if (this.data.compare(keySrc, off, off + KEY_BYTES, (v - 1) * RECORD_BYTES, (v - 1) * RECORD_BYTES + KEY_BYTES) === 0) return slot;
      slot = (slot + 1) & mask;
    }
  }

  get(key: Buffer): PairScore | undefined {
    const v = this.index[this.findSlot(key, 0)];
    if (v === 0) return undefined;
    const o = (v - 1) * RECORD_BYTES + KEY_BYTES;
    return { score: this.data.readFloatLE(o), composition: this.data.readFloatLE(o + 4), presentation: this.data.readFloatLE(o + 8) };
  }

  /** Adds an entry (in memory now; on disk at the next flush()). An existing key is left as it is. */
  set(key: Buffer, value: PairScore): void {
    const slot = this.findSlot(key, 0);
    if (this.index[slot] !== 0) return;
    const rec = Buffer.allocUnsafe(RECORD_BYTES);
    key.copy(rec, 0, 0, KEY_BYTES);
    rec.writeFloatLE(value.score, KEY_BYTES);
    rec.writeFloatLE(value.composition, KEY_BYTES + 4);
    rec.writeFloatLE(value.presentation, KEY_BYTES + 8);
    this.pending.push(rec);
    this.appendInMemory(rec, slot);
  }

  private appendInMemory(rec: Buffer, slot: number): void {
    if ((this.count + 1) * RECORD_BYTES > this.data.length) {
      const grown = Buffer.alloc(this.data.length * 2);
      this.data.copy(grown);
      this.data = grown;
    }
    rec.copy(this.data, this.count * RECORD_BYTES);
    this.count++;
    this.index[slot] = this.count;
    if (this.count * 2 > this.index.length) this.adopt(Buffer.from(this.data.subarray(0, this.count * RECORD_BYTES)));
  }

  /** Appends the new entries to the file; compacts it when it holds more than maxEntries records. */
  flush(): void {
    if (this.pending.length === 0) return;
    const data = Buffer.concat(this.pending);
    this.pending = [];
    if (this.count > this.maxEntries) {
      const keep = Math.floor(this.maxEntries / 2);
      const records = Buffer.from(this.data.subarray((this.count - keep) * RECORD_BYTES, this.count * RECORD_BYTES));
      this.rewrite(records);
      this.adopt(records);
      return;
    }
    fs.appendFileSync(this.file, data);
  }
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}
