// The one place that decides how "Select top" cleans (open documents and files on disk alike) and when it may take
// the editor's hygiene findings instead of cleaning again. Pure (no vscode), so it is unit-tested.
//
// Near-duplicates are what the user configured for the warnings: scar.hygiene.nearDuplicateThreshold and
// scar.hygiene.ngram (SCAR's 0.5 and word bigrams by default). A line the editor marks "Near-duplicate of line N" is
// exactly a line that selection removes, whatever those settings are. The steps that run are the selection's own
// switches (scar.selection.dedup, scar.selection.languageFilter).
//
// A hygiene snapshot serves a selection when it ran the same steps with the same parameters: exact and near-duplicate
// removal on (the check always runs them), and the language check exactly when the selection filters languages.
import type { CleaningOptions, Removal } from '../../core/cleaningPass';
import type { HygieneFindings } from '../../core/packedHygiene';
import { pipelineCleaningOptions } from '../../core/selectionPipeline';
import type { CleaningOutcome } from '../../engine/cleaningClient';
import type { HygieneConfig } from '../hygieneConfig';

/** Which of SCAR's cleaning steps a selection runs (scar.selection.dedup, scar.selection.languageFilter). */
export interface SelectionSwitches {
  dedup: boolean;
  languageFilter: boolean;
}

/** The near-duplicate parameters of the editor, warnings and selections alike. */
export function nearDuplicateParams(hygiene: Pick<HygieneConfig, 'nearDuplicateThreshold' | 'ngram'>): { threshold: number; ngram: number } {
  return { threshold: hygiene.nearDuplicateThreshold, ngram: hygiene.ngram };
}

/** The cleaning a selection runs: its switches' steps, with the editor's near-duplicate parameters. */
export function selectionCleaningOptions(switches: SelectionSwitches, hygiene: Pick<HygieneConfig, 'nearDuplicateThreshold' | 'ngram'>): CleaningOptions {
  return pipelineCleaningOptions({ ...switches, nearDup: nearDuplicateParams(hygiene) });
}

/** True when a hygiene check run with `hygiene` removes exactly what a selection with `switches` removes. */
export function hygieneServesSelection(switches: SelectionSwitches, hygiene: Pick<HygieneConfig, 'languageCheck'>): boolean {
  return switches.dedup && switches.languageFilter === hygiene.languageCheck;
}

/**
 * What a selection's cleaning would have removed, read from a hygiene snapshot's findings (duplicates, not English and
 * near-duplicates are removals; empty and truncated responses are only notes).
 */
export function cleaningFromFindings(findings: HygieneFindings): CleaningOutcome {
  const removed = new Map<number, Removal>();
  for (let i = 0; i < findings.size; i++) {
    const kind = findings.kindAt(i);
    if (kind !== 'duplicate' && kind !== 'not-english' && kind !== 'near-duplicate') continue;
    const f = findings.at(i);
    // The fields in CleaningPass's order, so that a removal reads (and serialises) the same either way.
    const r = { step: kind } as Removal;
    if (f.otherLine !== undefined) r.otherLine = f.otherLine;
    if (f.similarity !== undefined) r.similarity = f.similarity;
    if (f.language !== undefined) r.language = f.language;
    r.message = f.message;
    removed.set(f.line, r);
  }
  const c = findings.counts;
  return { input: findings.checked, removed, counts: { exact: c.exact, language: c.language, nearDuplicate: c.nearDuplicate } };
}
