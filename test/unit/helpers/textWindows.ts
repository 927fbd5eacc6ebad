// A WindowReader (core/textOrder) over texts held in memory, counting how many rows it was asked to read.
import { sortText, writeWindow, type WindowReader } from '../../../src/core/textOrder';

export function windowsOf(texts: ReadonlyArray<string | undefined>, counter?: { rowsRead: number; reads: number }): WindowReader {
  return async (rows, from, to, units, present) => {
    if (counter) { counter.rowsRead += rows.length; counter.reads++; }
    for (let k = 0; k < rows.length; k++) {
      const text = texts[rows[k]];
      present[k] = text === undefined ? -1 : writeWindow(sortText(text, to), from, to, units, k * (to - from));
    }
  };
}
