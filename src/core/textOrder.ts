// The order of texts as the overview's table sorts its instruction and response columns: the whole text, case-folded,
// with each run of white space read as one space and leading white space ignored, compared code unit by code unit
// (so "apple" < "Banana" < "banana split"), ties in line order. A million responses cannot be held as strings (a
// gigabyte of text), so texts are compared a window at a time: every row's first WIDTH code units are read into a
// typed array and radix-sorted; only rows that still tie over a whole window are read again, for the next window.
// The caller supplies the windows (an open document parses its lines; a file on disk reads them by offset), so this
// stays pure and holds at most one window per row. The result is a rank per row, a key for core/overview orderBy.

/** Code units compared per row in the first window at least (wider when fewer rows: ROUND_UNITS per round). */
export const FIRST_WINDOW = 24;
const MAX_WINDOW = 512;
/** Code units read per round at most (48 MB): many rows still tied get a narrower window. */
const ROUND_UNITS = 24 << 20;
/** Below this many rows a window is sorted by comparison (a radix pass costs 65,536 counters). */
const SMALL = 2048;

/** The text a row sorts by: case-folded, white space runs as one space, trimmed at the start. */
export function sortText(text: string, upTo = Infinity): string {
  // Only the start of a long text is folded when only its start is compared (margin for collapsed white space).
  const cut = upTo === Infinity ? text : text.slice(0, upTo * 4 + 64);
  const folded = cut.replace(/\s+/g, ' ').replace(/^ /, '').toLowerCase();
  if (cut.length < text.length && folded.length < upTo) return sortText(text);
  return folded;
}

/**
 * Writes the code units [from, to) of `text` (a row's sort text) into `out` at `at`: each unit plus one (0 marks
 * "past the end", so a text that ends sorts before any that goes on), and returns how many units were present.
 */
export function writeWindow(text: string, from: number, to: number, out: Uint16Array, at: number): number {
  const n = Math.max(0, Math.min(text.length, to) - from);
  for (let k = 0; k < n; k++) out[at + k] = Math.min(text.charCodeAt(from + k), 0xfffe) + 1;
  out.fill(0, at + n, at + (to - from));
  return n;
}

/**
 * Reads a window of some rows' sort texts: for rows[k] (ascending), writeWindow(sortText(text), from, to, units,
 * k * (to - from)), and present[k] = the units present, or -1 when the row has no text (no pair). `round` counts the
 * reads from 1 (for progress: the first reads every row; later ones the rows still tied).
 */
export type WindowReader = (rows: Int32Array, from: number, to: number, units: Uint16Array, present: Int32Array, round: number) => Promise<void>;

/**
 * Sorts order[s, e) (rows, ascending) by their window: row r's units are at units[at[r] * width]. Stable, so rows
 * with equal windows stay in row order. `counts` is scratch for the radix passes.
 */
function sortRange(order: Int32Array, s: number, e: number, units: Uint16Array, at: Int32Array, width: number, counts: Int32Array): void {
  const m = e - s;
  if (m < 2) return;
  if (m < SMALL) {
    const part = Array.from(order.subarray(s, e));
    part.sort((a, b) => {
      const pa = at[a] * width, pb = at[b] * width;
      for (let d = 0; d < width; d++) { const x = units[pa + d] - units[pb + d]; if (x !== 0) return x; }
      return a - b;
    });
    order.set(part, s);
    return;
  }
  let src = order.slice(s, e), dst = new Int32Array(m);
  for (let d = width - 1; d >= 0; d--) {
    counts.fill(0);
    for (let k = 0; k < m; k++) counts[units[at[src[k]] * width + d] + 1]++;
    for (let v = 1; v < counts.length; v++) counts[v] += counts[v - 1];
    for (let k = 0; k < m; k++) { const r = src[k]; dst[counts[units[at[r] * width + d]]++] = r; }
    const t = src; src = dst; dst = t;
  }
  order.set(src, s);
}

/**
 * Each row's rank in full-text order (0 first; rows with equal texts share a rank; NaN: no text), for `count` rows.
 * The order is one array of rows cut into groups; each round reads one window of every row of the groups still tied
 * (all of them in one read, in file order), sorts each group by it and cuts it where the window differs. A group is
 * done when it has one row or its texts ended within the window (equal texts). Windows widen as fewer rows stay
 * tied, within ROUND_UNITS per round. Memory: a few arrays of `count` numbers, plus one window per row read. `onYield` runs between rounds, so a caller on the editor's thread can yield
 * and cancel (by throwing).
 */
export async function textRanks(count: number, read: WindowReader, onYield?: () => Promise<void>): Promise<Float64Array> {
  const ranks = new Float64Array(count).fill(NaN);
  let order: Int32Array = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  let m = count;
  // At a group's first place: where it ends, and whether it is still tied (open).
  const end = new Int32Array(count + 1);
  const open = new Uint8Array(count + 1);
  end[0] = count; open[0] = count > 1 ? 1 : 0;
  const at = new Int32Array(count); // a row's place in this round's read
  const counts = new Int32Array(65538);
  let round = 0;
  let from = 0, width = Math.min(MAX_WINDOW, Math.max(FIRST_WINDOW, Math.floor(ROUND_UNITS / Math.max(1, count)))), first = true;
  while (m > 0) {
    let total = 0, groups = 0;
    for (let s = 0; s < m; s = end[s]) if (open[s] || first) { total += end[s] - s; groups++; }
    if (total === 0) break;
    if (!first) width = Math.min(width, Math.max(FIRST_WINDOW, Math.floor(ROUND_UNITS / total)));
    const rows = new Int32Array(total);
    { let k = 0; for (let s = 0; s < m; s = end[s]) if (open[s] || first) { rows.set(order.subarray(s, end[s]), k); k += end[s] - s; } }
    if (groups > 1) rows.sort();
    const units = new Uint16Array(total * width);
    const present = new Int32Array(total);
    await read(rows, from, from + width, units, present, ++round);
    await onYield?.();
    for (let k = 0; k < total; k++) at[rows[k]] = k;
    if (first) {
      // Rows without text take no rank: drop them from the order (its one group).
      let j = 0;
      for (let k = 0; k < m; k++) if (present[at[order[k]]] >= 0) order[j++] = order[k];
      m = j;
      order = order.subarray(0, m);
      end[0] = m; open[0] = m > 0 ? 1 : 0;
    }
    for (let s = 0; s < m;) {
      const e = end[s];
      if (!open[s]) { s = e; continue; }
      sortRange(order, s, e, units, at, width, counts);
      // Cut where the window differs; a part stays open while tied over a whole window with more text to come.
      for (let a = s; a < e;) {
        const pa = at[order[a]] * width;
        let b = a + 1;
        for (; b < e; b++) {
          const pb = at[order[b]] * width;
          let same = true;
          for (let d = 0; d < width; d++) if (units[pa + d] !== units[pb + d]) { same = false; break; }
          if (!same) break;
        }
        end[a] = b;
        open[a] = b - a > 1 && present[at[order[a]]] === width ? 1 : 0;
        a = b;
      }
      s = e;
    }
    first = false;
    from += width;
    width = Math.min(MAX_WINDOW, width * 4);
  }
  let rank = 0;
  for (let s = 0; s < m; s = end[s], rank++) for (let k = s; k < end[s]; k++) ranks[order[k]] = rank;
  return ranks;
}
