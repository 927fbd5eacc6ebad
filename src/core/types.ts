// Shared plain types of SCAR Lens's core. No vscode import, no I/O, no global state.
// Every other layer (engine, extension, CLI, tests, training dump) speaks in these types.

/** One physical line of a JSONL source. Lines are never dropped: blank and broken lines are records too. */
export interface JsonlRecord {
  /** 1-based line number. */
  line: number;
  /**
   * Offsets of the line's text (without its line ending) in the source: UTF-16 code units for an in-memory
   * string, bytes for a stream from disk. `end` is exclusive.
   */
  start: number;
  end: number;
  /** The line's text without its line ending (and without a leading BOM on line 1). */
  text: string;
  /** True when the line is empty or only whitespace. Blank lines have no value and no error. */
  blank: boolean;
  /** The parsed JSON value, when the line parses. */
  value?: unknown;
  /** Why the line does not parse, when it does not. */
  error?: ParseError;
}

export interface ParseError {
  /** A message a person understands; it does not repeat the line number. */
  message: string;
  /** 1-based column (in UTF-16 code units of `text`) where the problem was found. */
  column: number;
  /** What went wrong, for the errors code acts on (messages are localised, so nothing matches their text). */
  kind?: 'invalid-utf8' | 'incomplete' | 'trailing-comma' | 'after-value';
}

/** Schemas the adapters understand. */
export type SchemaId =
  | 'alpaca'
  | 'sharegpt'
  | 'openai'
  | 'prompt-completion'
  | 'prompt-response'
  | 'question-answer'
  | 'query-response'
  | 'instruction-response'
  | 'custom';

/** How multi-turn conversations become pairs. */
export type TurnPolicy = 'first' | 'last' | 'all';

/** A user-configured mapping of dot paths, e.g. { instruction: 'data.q', response: 'data.a' }. */
export interface FieldMapping {
  instruction: string;
  response: string;
  /** Optional path of a system prompt. */
  system?: string;
}

/** The settings the core needs to turn records into pairs. The extension and the CLI build this once. */
export interface AdapterOptions {
  /** 'auto' detects the schema per line; anything else forces that schema. */
  schema: SchemaId | 'auto';
  /** Used when schema is 'custom' (and tried first by 'auto' when set). */
  mapping?: FieldMapping;
  turnPolicy: TurnPolicy;
}

/** The (instruction, response) pair to score, with where it came from. */
export interface Pair {
  instruction: string;
  response: string;
  /** The system prompt, kept apart from the instruction. */
  system?: string;
  /** For conversations: 0-based index of the exchange among the record's exchanges. */
  exchange: number;
  /** Paths of the fields the texts came from, e.g. 'conversations[0].value' or 'instruction+input'. */
  source: { instruction: string; response: string; system?: string };
}

export type AdaptResult =
  | { ok: true; schema: SchemaId; pairs: Pair[] }
  | { ok: false; schema?: SchemaId; reason: string };

/** The model's judgement of one pair. Higher is more style-consistent. */
export interface PairScore {
  score: number;
  /** The composition (instruction-response relation) contribution to `score`. */
  composition: number;
  /** The presentation (linguistic form of the response) contribution to `score`. */
  presentation: number;
}

/** A named tensor the model takes in. */
export interface FeedTensor {
  type: 'int64' | 'int32' | 'float32';
  dims: number[];
  data: BigInt64Array | Int32Array | Float32Array;
}
export type ModelFeeds = Record<string, FeedTensor>;

/** Text to model inputs, in exactly one implementation (src/core/featurise.ts). */
export interface Featuriser {
  /** Identifies the model + featuriser configuration; part of every cache key. */
  readonly modelId: string;
  featurise(pairs: ReadonlyArray<{ instruction: string; response: string }>): ModelFeeds;
}

/**
 * A group of duplicate or near-duplicate pairs (src/core/dedup.ts). The numbers are the ids the pairs were added
 * with: 1-based line numbers in the CLI and the editor.
 */
export interface DuplicateCluster {
  /** The member to keep: the highest ranker score, else the first in the file. */
  kept: number;
  /** Every member, the kept one included, in file order. */
  lines: number[];
  /** similarity[i]: exact Jaccard of lines[i]'s shingles to the kept member's (1 for the kept one; 1 for exact duplicates). */
  similarity: number[];
}

/** What a hygiene check found on a line (src/core/hygiene.ts). */
export type HygieneKind = 'duplicate' | 'near-duplicate' | 'not-english' | 'empty-response' | 'truncated';

export interface HygieneFinding {
  /** 1-based line of the pair the finding is about. */
  line: number;
  kind: HygieneKind;
  /** For duplicates and near-duplicates: the line of the kept copy. */
  otherLine?: number;
  /** For near-duplicates: exact Jaccard to the kept copy. */
  similarity?: number;
  /** For not-english: the detected language (ISO 639-1 code, or 'und' when only the ASCII heuristic failed). */
  language?: string;
  /** For truncated: how many response tokens the ranker reads. */
  tokens?: number;
  /** The message shown to a person, e.g. "Near-duplicate of line 88 (Jaccard 0.71)". */
  message: string;
}
