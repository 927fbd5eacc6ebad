// The new text of a document after "Sort lines by style consistency" or "Filter out lines below…", computed as
// pure functions of its lines (docLines.documentLines) so that the command makes ONE whole-text edit
// (one undo step) and the rules are unit-tested:
// - Lines are joined with the document's own line ending (CRLF stays CRLF); a final line ending stays if there
//   was one, and a byte-order mark stays first.
// - Sort: scored lines by score, best first; equal scores keep document order (stable). Lines without a score
//   (no pair, bad JSON, not scored) follow in document order, and blank lines come last, so nothing is lost.
// - Filter: lines scoring below the threshold are removed; lines without a score are kept. The removed lines
//   are returned in document order for the sibling `<name>.removed.jsonl`.
import { rankIndices } from '../../core/select';
import type { DocLine, DocLines } from './docLines';

function join(doc: DocLines, lines: ReadonlyArray<DocLine>): string {
  if (lines.length === 0) return doc.bom;
  return doc.bom + lines.map((l) => l.text).join(doc.eol) + (doc.finalEol ? doc.eol : '');
}

/** The lines in sorted order (see the header). */
export function sortedLines(lines: ReadonlyArray<DocLine>): DocLine[] {
  const scores = new Float64Array(lines.length);
  for (let i = 0; i < lines.length; i++) scores[i] = lines[i].score ?? NaN;
  // core/select's ranking: score descending, ties by position (so equal scores keep document order).
  const out: DocLine[] = Array.from(rankIndices(scores), (i) => lines[i]);
  for (const l of lines) if (l.score === undefined && !l.blank) out.push(l);
  for (const l of lines) if (l.blank) out.push(l);
  return out;
}

/** The document's text with its lines sorted by score. */
export function sortedText(doc: DocLines): string {
  return join(doc, sortedLines(doc.lines));
}

/** True when sorting would change nothing. */
export function alreadySorted(doc: DocLines): boolean {
  const s = sortedLines(doc.lines);
  return s.every((l, i) => l === doc.lines[i]);
}

/** The document's text without the lines scoring below `threshold`, and those lines. */
export function filteredText(doc: DocLines, threshold: number): { text: string; removed: DocLine[] } {
  const kept: DocLine[] = [];
  const removed: DocLine[] = [];
  for (const l of doc.lines) (l.score !== undefined && l.score < threshold ? removed : kept).push(l);
  return { text: join(doc, kept), removed };
}

/** Lines as JSONL text, each followed by `eol` (for appending to a sibling file). */
export function linesAsJsonl(lines: ReadonlyArray<DocLine>, eol: string): string {
  return lines.map((l) => l.text + eol).join('');
}
