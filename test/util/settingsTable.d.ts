/** The README's settings table lines (header included), generated from package.json (and package.nls.json). */
export function settingsTable(root: string): string[];
/** The README's lines, the index of the start marker and the table lines after it. */
export function readmeTable(readme: string): { lines: string[]; from: number; table: string[] };
export const START: string;
export const END: string;
