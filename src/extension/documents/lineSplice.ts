// How a document's edit reaches its per-line columns: each change of an edit event becomes one LineSplice (the
// 0-based lines first..last were replaced by `count` lines), computed once by the Dataset and applied to every
// column (the line model's analyses, the score table's entries) with the one slot-splicing rule here. Pure.

/** The 0-based lines first..last (inclusive) were replaced by `count` lines. */
export interface LineSplice {
  readonly first: number;
  readonly last: number;
  readonly count: number;
}

/** Number of lines a piece of inserted text spans (VS Code breaks lines at \r\n, \n and a lone \r). */
export function lineSpan(text: string): number {
  let lines = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) lines++;
    else if (c === 0x0d) {
      lines++;
      if (text.charCodeAt(i + 1) === 0x0a) i++;
    }
  }
  return lines;
}

/** The splices of an edit event's changes, in order: each range is relative to the text after the previous change. */
export function lineSplices(changes: ReadonlyArray<{ range: { start: { line: number }; end: { line: number } }; text: string }>): LineSplice[] {
  return changes.map((c) => ({ first: c.range.start.line, last: c.range.end.line, count: lineSpan(c.text) }));
}

/** Throws when the splice does not fit a column of `lineCount` lines (the column is out of step with its document). */
export function checkSplice(s: LineSplice, lineCount: number, what: string): void {
  if (s.first < 0 || s.last < s.first || s.last >= lineCount || s.count < 0) {
    throw new RangeError(`edit of lines ${s.first}..${s.last} does not fit ${what} of ${lineCount} lines`);
  }
}

/**
 * Applies a splice to a column of optional slots: slots first..last go, `count` empty slots take their place and the
 * slots below move. Returns the column (a new array for a big paste, which splice's argument list could not hold)
 * and the slots removed.
 */
export function spliceSlots<T>(slots: Array<T | undefined>, s: LineSplice): { slots: Array<T | undefined>; removed: Array<T | undefined> } {
  const removedCount = s.last - s.first + 1;
  if (s.count <= 4096) {
    const removed = slots.splice(s.first, removedCount, ...new Array<undefined>(s.count));
    return { slots, removed };
  }
  const removed = slots.slice(s.first, s.last + 1);
  const next = slots.slice(0, s.first).concat(new Array<T | undefined>(s.count).fill(undefined), slots.slice(s.last + 1));
  return { slots: next, removed };
}
