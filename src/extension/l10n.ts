// The extension's own user-facing strings go through t(): VS Code's localisation (vscode.l10n.t; the manifest's
// strings are in package.nls.json). Pure modules (hover, badge and status text, prompts) use it without importing
// vscode: main.ts hands VS Code's translator in at activation; until then, and in unit tests, t() formats the
// English message itself, as vscode.l10n.t does without a bundle ({0}, {1}, ... replaced by the arguments).
// Messages that src/core writes (parse errors, hygiene findings) are shared with the `scar` CLI and stay English.
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** Formats an English message: {n} becomes the n-th argument. */
export function format(message: string, ...args: Array<string | number | boolean>): string {
  return message.replace(/\{(\d+)\}/g, (whole, n: string) => (Number(n) < args.length ? String(args[Number(n)]) : whole));
}

let translate: Translate = format;

/** Sets the translator (main.ts: vscode.l10n.t). */
export function setTranslator(next: Translate): void {
  translate = next;
}

/** A user-facing message, localised: `t('Kept {0} of {1}', kept, total)`. */
export function t(message: string, ...args: Array<string | number | boolean>): string {
  return translate(message, ...args);
}
