/** Writes `shards` JSONL shards (shard-000.jsonl, ...) holding `lines` lines in all into `dir`; returns their paths. */
export function writeShardedCorpus(dir: string, options: { lines: number; shards: number; seed?: number }): string[];
