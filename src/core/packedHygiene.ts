// A compact form of a document's hygiene result (documentHygiene.ts) for the trip from the cleaning service to the
// extension host: typed-array columns and two joined strings instead of one object per finding. Copying 100,000
// finding objects between threads took the host ~320 ms of structured-clone work; the columns cross the IPC channel as
// a few contiguous buffers, and the host builds a finding object only when it asks for a line (findingsAt) or walks them.

import type { DocumentHygiene } from './documentHygiene';
import type { DuplicateCluster, HygieneFinding, HygieneKind } from './types';

const KINDS: readonly HygieneKind[] = ['duplicate', 'not-english', 'near-duplicate', 'empty-response', 'truncated'];

export interface PackedClusters {
  kept: Int32Array;
  /** Cluster c's members are lines[starts[c] .. starts[c + 1]), with their similarities at the same indices. */
  starts: Int32Array;
  lines: Int32Array;
  similarity: Float64Array;
}

export interface PackedHygiene {
  /** Finding i: its 1-based line (sorted), kind (index into KINDS), other line (0: none), similarity (NaN: none), tokens (0: none). */
  line: Int32Array;
  kind: Uint8Array;
  other: Int32Array;
  similarity: Float64Array;
  tokens: Int32Array;
  /** Every finding's message, then every finding's language ('' for none), each joined by '\n'. */
  messages: string;
  languages: string;
  exact: PackedClusters;
  near: PackedClusters;
  counts: DocumentHygiene['counts'];
  checked: number;
}

function packClusters(clusters: readonly DuplicateCluster[]): PackedClusters {
  const total = clusters.reduce((n, c) => n + c.lines.length, 0);
  const out: PackedClusters = { kept: new Int32Array(clusters.length), starts: new Int32Array(clusters.length + 1), lines: new Int32Array(total), similarity: new Float64Array(total) };
  let at = 0;
  clusters.forEach((c, i) => {
    out.kept[i] = c.kept;
    out.starts[i] = at;
    out.lines.set(c.lines, at);
    out.similarity.set(c.similarity, at);
    at += c.lines.length;
  });
  out.starts[clusters.length] = at;
  return out;
}

function unpackClusters(p: PackedClusters): DuplicateCluster[] {
  const out: DuplicateCluster[] = [];
  for (let i = 0; i < p.kept.length; i++) {
    const a = p.starts[i];
    const b = p.starts[i + 1];
    out.push({ kept: p.kept[i], lines: Array.from(p.lines.subarray(a, b)), similarity: Array.from(p.similarity.subarray(a, b)) });
  }
  return out;
}

/** Packs a result; findings must be sorted by line (documentHygiene's are). Messages must not contain '\n'. */
export function packHygiene(r: DocumentHygiene): PackedHygiene {
  const n = r.findings.length;
  const p: PackedHygiene = {
    line: new Int32Array(n), kind: new Uint8Array(n), other: new Int32Array(n), similarity: new Float64Array(n).fill(NaN), tokens: new Int32Array(n),
    messages: r.findings.map((f) => f.message).join('\n'),
    languages: r.findings.map((f) => f.language ?? '').join('\n'),
    exact: packClusters(r.exactGroups), near: packClusters(r.nearClusters), counts: r.counts, checked: r.checked,
  };
  r.findings.forEach((f, i) => {
    p.line[i] = f.line;
    p.kind[i] = KINDS.indexOf(f.kind);
    p.other[i] = f.otherLine ?? 0;
    if (f.similarity !== undefined) p.similarity[i] = f.similarity;
    p.tokens[i] = f.tokens ?? 0;
  });
  return p;
}

/**
 * Reads a packed result back, lazily: constructing it costs nothing, a finding is built when asked for (the
 * messages are split only as far as the findings asked for), and the clusters are unpacked on first use.
 */
export class HygieneFindings {
  private readonly messages: JoinedParts;
  private readonly languages: JoinedParts;
  private exact?: DuplicateCluster[];
  private near?: DuplicateCluster[];

  constructor(private readonly p: PackedHygiene) {
    this.messages = new JoinedParts(p.messages, p.line.length);
    this.languages = new JoinedParts(p.languages, p.line.length);
  }

  get exactGroups(): DuplicateCluster[] {
    return (this.exact ??= unpackClusters(this.p.exact));
  }

  get nearClusters(): DuplicateCluster[] {
    return (this.near ??= unpackClusters(this.p.near));
  }

  get size(): number {
    return this.p.line.length;
  }

  get counts(): DocumentHygiene['counts'] {
    return this.p.counts;
  }

  /** Lines with a pair that the checks looked at. */
  get checked(): number {
    return this.p.checked;
  }

  /** The kind of finding i, without building the finding. */
  kindAt(i: number): HygieneKind {
    return KINDS[this.p.kind[i]];
  }

  /** The 1-based line of finding i. */
  lineAt(i: number): number {
    return this.p.line[i];
  }

  /** Finding i (0 <= i < size), in line order. */
  at(i: number): HygieneFinding {
    const p = this.p;
    if (!(Number.isInteger(i) && i >= 0 && i < p.line.length)) throw new RangeError(`no finding ${i}: there are ${p.line.length}`);
    const f: HygieneFinding = { line: p.line[i], kind: KINDS[p.kind[i]], message: this.messages.part(i) };
    if (p.other[i] !== 0) f.otherLine = p.other[i];
    if (!Number.isNaN(p.similarity[i])) f.similarity = p.similarity[i];
    if (p.tokens[i] !== 0) f.tokens = p.tokens[i];
    const language = this.languages.part(i);
    if (language) f.language = language;
    return f;
  }

  /** The findings of a 1-based line. */
  onLine(line: number): HygieneFinding[] {
    const l = this.p.line;
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (l[mid] < line) lo = mid + 1;
      else hi = mid;
    }
    const out: HygieneFinding[] = [];
    for (let i = lo; i < l.length && l[i] === line; i++) out.push(this.at(i));
    return out;
  }

  /** The 1-based lines of the findings of the given kinds, in order (a line once per finding). */
  linesOf(kinds: readonly HygieneKind[]): number[] {
    const want = new Set(kinds.map((k) => KINDS.indexOf(k)));
    const out: number[] = [];
    for (let i = 0; i < this.p.line.length; i++) if (want.has(this.p.kind[i])) out.push(this.p.line[i]);
    return out;
  }
}

/** `count` strings joined by '\n', split only as far as parts are asked for. */
class JoinedParts {
  /** starts[i]: where part i begins, known for i <= known. */
  private readonly starts: Int32Array;
  private known = 0;

  constructor(private readonly joined: string, private readonly count: number) {
    this.starts = new Int32Array(count + 1);
  }

  part(i: number): string {
    if (!(i >= 0 && i < this.count)) throw new RangeError(`no part ${i} of ${this.count}`);
    while (this.known <= i) {
      const nl = this.joined.indexOf('\n', this.starts[this.known]);
      this.starts[++this.known] = nl < 0 ? this.joined.length + 1 : nl + 1;
    }
    return this.joined.slice(this.starts[i], this.starts[i + 1] - 1);
  }
}
