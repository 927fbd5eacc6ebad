// Localisation of every message a person reads, in one place for the three runtimes that write them.
// Messages are English templates with {0}, {1}, ... placeholders, looked up by their English text, as
// vscode.l10n.t does: `t('Duplicate of line {0}', 12)`. The translator starts as plain English formatting (the `scar`
// CLI and unit tests keep it). The extension host installs VS Code's (vscode.l10n.t) at activation; the worker
// threads and the engine process, which VS Code's API does not reach, install one over the bundle the host hands
// them (vscode.l10n.bundle), so a parse error or a hygiene finding reads in the user's language wherever it is made.
import * as fs from 'fs';

export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** A translation bundle as VS Code loads it (l10n/bundle.l10n.<locale>.json): English message → translated message. */
export type L10nBundle = Record<string, string | { message: string; comment?: string[] }>;

/** Formats a message: {n} becomes the n-th argument; other braces are left alone. */
export function format(message: string, ...args: Array<string | number | boolean>): string {
  return message.replace(/\{(\d+)\}/g, (whole, n: string) => (Number(n) < args.length ? String(args[Number(n)]) : whole));
}

let translate: Translate = format;

/** Sets this runtime's translator (the host: vscode.l10n.t; a worker or the engine: bundleTranslator). */
export function setTranslator(next: Translate): void {
  translate = next;
}

/** A user-facing message, localised: `t('Kept {0} of {1}', kept, total)`. The template must be a literal string. */
export function t(message: string, ...args: Array<string | number | boolean>): string {
  return translate(message, ...args);
}

/** A translator over a bundle: the bundle's message where it has one, the English otherwise. */
export function bundleTranslator(bundle: L10nBundle | undefined): Translate {
  if (bundle === undefined) return format;
  return (message, ...args) => {
    const entry = bundle[message];
    const text = typeof entry === 'string' ? entry : entry !== undefined && typeof entry.message === 'string' ? entry.message : message;
    return format(text, ...args);
  };
}

/** The environment variable that hands the engine process the path of the bundle in use. */
export const L10N_BUNDLE_ENV = 'SCAR_L10N_BUNDLE';

/**
 * Installs the bundle at `file` (from L10N_BUNDLE_ENV) as this process's translator. A missing or unreadable bundle
 * leaves English: a message in the wrong language beats no message.
 */
export function useBundleFile(file: string | undefined): void {
  if (!file) return;
  try {
    const bundle = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (bundle !== null && typeof bundle === 'object' && !Array.isArray(bundle)) setTranslator(bundleTranslator(bundle as L10nBundle));
  } catch {
    // English it is.
  }
}
