// Which removed lines belong in a document's side file (`<name>.removed.jsonl`), so that the source and its side
// file never hold the same line twice. Pure (no vscode import), so it is unit-tested; removedLines.ts does the I/O.
//
// The side file is written when the user saves the source, from the removals still in effect then: "Filter out
// lines below…" and "Remove duplicates and near-duplicates" record what they took out (record), and each save asks
// for a plan (planFor) against the text being saved. A removal counts as in effect while the document holds fewer
// copies of the line than it did before the removal: an Undo (or a Revert) brings the copies back and takes the
// line out of the effect; a Redo puts it back in. The plan appends what came into effect since the last save and
// takes back out of the side file what this session wrote there and is no longer in effect, so a filter that was
// saved, undone and saved again leaves no stale copy behind.
// Lines are compared by their exact text. Copies added by hand after a removal count against it (the side file then
// holds fewer copies), never for it: the side file never gets a line the saved source still has as often as before.

interface Entry {
  /** Copies of the line in the document before its first recorded removal. */
  base: number;
  /** Copies removed by the recorded removals, in all. */
  removed: number;
  /** Copies of it this session has written to the side file (as of the last committed plan). */
  written: number;
}

/** What to do to the side file at a save: lines to append (in order) and lines to take out (one copy each). */
export interface SideFilePlan {
  append: string[];
  remove: string[];
  /** Call once the side file holds the plan: the ledger then counts those lines as written. */
  commit(): void;
}

export class RemovalLedger {
  private readonly entries = new Map<string, Entry>();

  /**
   * Records lines removed from the document (in document order). `countBefore(text)` is how many copies of a line
   * the document held just before this removal.
   */
  record(removed: readonly string[], countBefore: (text: string) => number): void {
    const taken = new Map<string, number>();
    for (const t of removed) taken.set(t, (taken.get(t) ?? 0) + 1);
    for (const [text, n] of taken) {
      const e = this.entries.get(text);
      if (e) e.removed += n;
      else this.entries.set(text, { base: countBefore(text), removed: n, written: 0 });
    }
  }

  /** True when nothing was recorded. */
  get empty(): boolean {
    return this.entries.size === 0;
  }

  /** The line texts whose copies a plan must count in the document. */
  texts(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** Copies of `text` whose removal is in effect when the document holds `now` copies. */
  private inEffect(e: Entry, now: number): number {
    return Math.max(0, Math.min(e.removed, e.base - now));
  }

  /** The plan for a save of a document that holds `countNow(text)` copies of each recorded line. */
  planFor(countNow: (text: string) => number): SideFilePlan {
    const append: string[] = [];
    const remove: string[] = [];
    const target = new Map<string, number>();
    for (const [text, e] of this.entries) {
      const want = this.inEffect(e, countNow(text));
      target.set(text, want);
      for (let k = e.written; k < want; k++) append.push(text);
      for (let k = want; k < e.written; k++) remove.push(text);
    }
    return {
      append,
      remove,
      commit: () => {
        for (const [text, want] of target) {
          const e = this.entries.get(text);
          if (e) e.written = want;
        }
      },
    };
  }
}

/**
 * The side file's new text: `old` without one copy (the last) of each line in `remove`, then the `append` lines,
 * each ended by `eol`. Lines of `old` keep their own endings (a last line without one gets `eol`).
 */
export function applySideFilePlan(old: string, remove: readonly string[], append: readonly string[], eol: string): string {
  const lines: Array<{ text: string; ending: string }> = [];
  for (let pos = 0; pos < old.length;) {
    const nl = old.indexOf('\n', pos);
    const end = nl < 0 ? old.length : nl;
    const cr = end > pos && old.charCodeAt(end - 1) === 0x0d && nl >= 0;
    lines.push({ text: old.slice(pos, cr ? end - 1 : end), ending: nl < 0 ? eol : cr ? '\r\n' : '\n' });
    pos = nl < 0 ? old.length : nl + 1;
  }
  const toRemove = new Map<string, number>();
  for (const t of remove) toRemove.set(t, (toRemove.get(t) ?? 0) + 1);
  const keep = lines.map(() => true);
  for (let i = lines.length - 1; i >= 0 && toRemove.size > 0; i--) {
    const n = toRemove.get(lines[i].text);
    if (n === undefined) continue;
    keep[i] = false;
    if (n === 1) toRemove.delete(lines[i].text);
    else toRemove.set(lines[i].text, n - 1);
  }
  let out = '';
  lines.forEach((l, i) => { if (keep[i]) out += l.text + l.ending; });
  for (const t of append) out += t + eol;
  return out;
}
