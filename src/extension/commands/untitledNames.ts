// The name of the untitled editor a selection opens: what it holds (source, cut, count), e.g.
// "sample · top 25% · 50 lines.jsonl", unique among the open documents ("… (2).jsonl" for a second one), and safe
// as a file name on every platform (the save dialog proposes it). Pure, so it is unit-tested.

import { t } from '../../core/l10n';

/** Characters no file name may hold on Windows, macOS or Linux (and control characters). */
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f]/g;

/** "sample · top 25% · 50 lines.jsonl" for source "sample.jsonl", cut "top 25%" and 50 lines. */
export function selectionName(sourceFileName: string, cut: string, lines: number): string {
  const stem = sourceFileName.replace(/\.jsonl$/i, '').replace(/\.[^.]*$/, '') || sourceFileName;
  const count = lines === 1 ? t('1 line') : t('{0} lines', lines.toLocaleString('en-US'));
  const safeCut = cut.replace(/>=/g, '≥').replace(/<=/g, '≤');
  return `${stem} · ${safeCut} · ${count}`.replace(UNSAFE, '-') + '.jsonl';
}

/** `name`, or "stem (2).jsonl", "stem (3).jsonl", … : the first that `taken` says is free. */
export function uniqueName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  const stem = name.replace(/\.jsonl$/, '');
  for (let k = 2; ; k++) {
    const candidate = `${stem} (${k}).jsonl`;
    if (!taken(candidate)) return candidate;
  }
}
