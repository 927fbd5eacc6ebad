// "SCAR: Select top style-consistent examples" (scar.selectTop) and "SCAR: Export top examples…" (scar.exportTop).
// Both score the document if needed, clean it in SCAR's order (exact dedup, language, near-dedup: settings
// scar.selection.dedup / languageFilter, near-duplicates as scar.hygiene.* defines them: selectionCleaning.ts) off the
// extension host, ask for a criterion in a quick pick whose items say how many lines each
// keeps, and write the selected lines:
//   selectTop  the original lines byte for byte (a "score" field only with scar.selection.includeScore) to a new
//              untitled JSONL editor, or to `<name>.top.jsonl` beside the source (scar.selection.output);
//   exportTop  JSONL, SCAR's JSON list with scores, or ShareGPT/Vicuna, to a file picked in a save dialog.
// Files are written atomically (core/export AtomicFileWriter) and never over the source.
// Arguments skip the UI (tests, keybindings): executeCommand('scar.selectTop', { criterion: 'ratio', value: 0.25,
// output: 'untitled' }); a Uri argument (from a menu) names the file.
import * as path from 'path';
import * as vscode from 'vscode';
import { EXPORT_FORMATS, ExportFormatter, writeFileAtomically, type ExportFormat } from '../../core/export';
import { criterionProblem, describeCriterion, type SelectCriterion } from '../../core/select';
import { formatPipelineReport, type PipelineReport } from '../../core/selectionPipeline';
import { selectionCleaningOptions } from '../hygiene/selectionCleaning';
import type { ScarContext } from '../context';
import { reportUnfinished, withCancellableProgress } from '../progress';
import type { SelectionOutput } from '../configValues';
import { baseName, commandArgs, fmt, mayWrite, scoredLines, siblingPath, targetDocument } from './common';
import type { ScoreScale } from '../scoring/scoreScale';
import { selectionName, uniqueName } from './untitledNames';
import { applyCriterion, prepareSelection, type PrepareOptions, type PreparedSelection, type RankedScores, type SelectionSwitches } from './selectionPrep';
import { criterionChoices, parseCriterionInput, thresholdCriterion } from './criterionInput';
import type { DocLines, ScoredDocLine as ScoredLine } from './docLines';
import { t } from '../../core/l10n';

/** Options that skip the quick pick and input boxes. */
export interface SelectArgs {
  uri?: vscode.Uri | string;
  criterion: SelectCriterion['kind'];
  /** k for top-k, a ratio in (0, 1] for ratio, a score for threshold (on the scale scores are shown on: the 0-100 style score). */
  value: number;
  output?: SelectionOutput;
  includeScore?: boolean;
  /** Document order instead of best first. */
  keepOrder?: boolean;
  /** When `<name>.top.jsonl` exists: true replaces it, false leaves it (default: ask). */
  replace?: boolean;
}

export interface ExportArgs extends SelectArgs {
  format: ExportFormat;
  /** The file to write (skips the save dialog). */
  target?: string;
}

/** What the commands return (for tests): the report, the message shown and where the lines went. */
export interface SelectionOutcome {
  report: PipelineReport;
  message: string;
  /** The selected lines' 1-based numbers, in output order. */
  lines: number[];
  /** The untitled document's uri, or the file written. */
  untitled?: string;
  file?: string;
}

/** The criterion given as command arguments, a message when they are wrong, or undefined when none is given. */
/** The criterion of a command's arguments (undefined: none given, ask), or false after telling the user they are wrong. */
export function givenCriterion(a: Partial<Pick<SelectArgs, 'criterion' | 'value'>>, scale: ScoreScale): SelectCriterion | undefined | false {
  const given = criterionFromArgs(a, scale);
  if (typeof given !== 'string') return given;
  void vscode.window.showErrorMessage(t('SCAR Lens: {0}.', given));
  return false;
}

export function criterionFromArgs(a: Partial<Pick<SelectArgs, 'criterion' | 'value'>>, scale: ScoreScale): SelectCriterion | string | undefined {
  if (a.criterion === undefined) return undefined;
  const v = Number(a.value);
  if (a.criterion === 'threshold' && !scale.valid(v)) return scale.calibrated ? t('threshold must be a {0} from 0 to 100, not {1}', scale.noun, String(a.value)) : t('threshold must be a {0}, not {1}', scale.noun, String(a.value));
  const c: SelectCriterion = a.criterion === 'top-k' ? { kind: 'top-k', k: v }
    : a.criterion === 'ratio' ? { kind: 'ratio', ratio: v }
    : a.criterion === 'threshold' ? thresholdCriterion(v, scale)
    : ({ kind: a.criterion } as unknown as SelectCriterion);
  if (!['top-k', 'ratio', 'threshold'].includes(a.criterion)) return t('unknown criterion "{0}" (top-k, ratio or threshold)', String(a.criterion));
  return criterionProblem(c)?.replace(/^--/, '') ?? c;
}

/** The criterion quick pick, then an input box for the choices that ask a number. */
export async function pickCriterion(prep: RankedScores, title: string, switches: SelectionSwitches, scale: ScoreScale): Promise<SelectCriterion | undefined> {
  const choices = criterionChoices(prep, scale);
  const steps = switches.dedup && switches.languageFilter ? t('duplicates and non-English lines')
    : switches.dedup ? t('duplicates') : switches.languageFilter ? t('non-English lines') : '';
  const picked = await vscode.window.showQuickPick(
    choices.map((c) => ({ label: c.label, description: c.description, detail: c.detail, choice: c })),
    { title, placeHolder: steps ? t('Which lines to keep (counted after removing {0})?', steps) : t('Which lines to keep?') },
  );
  if (!picked) return undefined;
  if (picked.choice.criterion) return picked.choice.criterion;
  const kind = picked.choice.ask as SelectCriterion['kind'];
  const median = prep.rankedScores.length ? prep.rankedScores[Math.floor((prep.rankedScores.length - 1) / 2)] : undefined;
  const prompt = kind === 'top-k' ? t('How many lines to keep') : kind === 'ratio' ? t('Which top percentage to keep')
    : scale.calibrated ? t('Keep lines whose {0} is at least (0–100)', scale.noun) : t('Keep lines whose {0} is at least', scale.noun);
  const text = await vscode.window.showInputBox({
    title,
    prompt,
    placeHolder: kind === 'top-k' ? '1000' : kind === 'ratio' ? '25%' : scale.example(median),
    validateInput: (v) => {
      const r = parseCriterionInput(kind, v, prep, scale);
      return 'error' in r ? r.error : { message: r.message, severity: vscode.InputBoxValidationSeverity.Info };
    },
  });
  if (text === undefined) return undefined;
  const r = parseCriterionInput(kind, text, prep, scale);
  return 'error' in r ? undefined : r.criterion;
}

const QUIET_CLEANING_LINES = 5000;

/**
 * SCAR's cleaning of the document off the extension host (its clustering takes seconds on 100k lines): taken from the
 * document's hygiene snapshot when the settings agree (computed now if needed, once for the warnings and the
 * selection), else run by the cleaning service; with a cancellable notification when it takes more than a moment.
 */
async function cleanWithProgress(ctx: ScarContext, doc: vscode.TextDocument, lines: DocLines, switches: SelectionSwitches): Promise<PreparedSelection | undefined> {
  const name = baseName(doc.uri);
  const cleaning = selectionCleaningOptions(switches, ctx.config.current.hygiene);
  const clean: PrepareOptions['clean'] = async (candidates, options, run) => {
    const fromHygiene = await ctx.hygiene.selectionCleaning(doc, switches, run.signal);
    // The same lines took part (a guard: the check reads the text the editor holds, the selection its parsed lines).
    if (fromHygiene && fromHygiene.input === candidates.length) return fromHygiene;
    return ctx.cleaning.clean(candidates, options, run);
  };
  try {
    // A small document is cleaned in well under a second: no notification flashing by.
    if ((!switches.dedup && !switches.languageFilter) || lines.lines.length < QUIET_CLEANING_LINES) return await prepareSelection(lines.lines, switches, { cleaning, clean });
    return await withCancellableProgress(t('SCAR: removing duplicates and non-English lines from {0}', name), (progress) => prepareSelection(lines.lines, switches, {
      cleaning,
      clean,
      signal: progress.signal,
      onProgress: (done, total) => progress.report(t('{0} of {1} lines', fmt(done), fmt(total)), (100 * done) / total),
    }));
  } catch (e) {
    reportUnfinished(e, t('SCAR Lens: cancelled; nothing was selected.'));
    return undefined;
  }
}

/** Scores, prepares and selects; undefined when the user or a problem stopped it (already said). */
async function runSelection(
  ctx: ScarContext,
  arg: unknown,
  title: string,
): Promise<{ doc: vscode.TextDocument; lines: DocLines; selected: ScoredLine[]; report: PipelineReport; options: Partial<ExportArgs> } | undefined> {
  const { uri, options } = commandArgs<ExportArgs>(arg);
  const given = givenCriterion(options, ctx.engine.scale());
  if (given === false) return undefined;
  const doc = await targetDocument(uri, t('select from it'));
  if (!doc) return undefined;
  const lines = await scoredLines(ctx, doc);
  if (!lines) return undefined;
  const { dedup, languageFilter } = ctx.config.current.selection;
  const prep = await cleanWithProgress(ctx, doc, lines, { dedup, languageFilter });
  if (!prep) return undefined;
  if (prep.rankedScores.length === 0) {
    void vscode.window.showWarningMessage(t('SCAR Lens: {0} has no scored line to select from.', baseName(doc.uri)));
    return undefined;
  }
  const criterion = given ?? (await pickCriterion(prep, title, prep.switches, ctx.engine.scale()));
  if (!criterion) return undefined;
  const { selected, report } = applyCriterion(prep, criterion, options.keepOrder === true);
  return { doc, lines, selected, report, options };
}

/** The selected lines in a format, as chunks (the formatter's bytes). */
function formatLines(selected: ReadonlyArray<ScoredLine>, format: ExportFormat, withScore: boolean, eol: string): Array<Buffer | string> {
  const formatter = new ExportFormatter({ format, withScore, eol });
  const out: Array<Buffer | string> = [formatter.header()];
  for (const l of selected) {
    out.push(formatter.item({ line: l.index + 1, raw: Buffer.from(l.text, 'utf8'), value: l.value, pairs: l.pairs, score: l.score }));
  }
  out.push(formatter.footer());
  return out;
}

/** Writes the chunks to `target` atomically (core/export's writer). */
async function writeChunks(target: string, chunks: ReadonlyArray<Buffer | string>): Promise<void> {
  await writeFileAtomically(target, async (w) => { for (const c of chunks) await w.write(c); });
}

const sameFile = (a: string, b: string): boolean => path.resolve(a) === path.resolve(b);

function withoutPairNote(lines: DocLines): string {
  const n = lines.lines.filter((l) => !l.blank && l.pairs === undefined).length;
  return n === 0 ? '' : n === 1 ? t('; 1 line without a pair not considered') : t('; {0} lines without a pair not considered', fmt(n));
}

/**
 * A new untitled JSONL document named `name` (made unique among the open documents) holding `content`: its tab and
 * the save dialog say what it holds. An `untitled:` URI with a bare name (no folder) is an untitled document with
 * that title; the content goes in with one edit.
 */
async function openNamedUntitled(name: string, content: string, eol: string, beforeFill: (uri: vscode.Uri) => void): Promise<vscode.TextDocument> {
  const open = new Set(vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'untitled').map((d) => d.uri.path));
  const uri = vscode.Uri.from({ scheme: 'untitled', path: uniqueName(name, (n) => open.has(n)) });
  beforeFill(uri);
  let doc = await vscode.workspace.openTextDocument(uri);
  if (doc.languageId !== 'jsonl') doc = await vscode.languages.setTextDocumentLanguage(doc, 'jsonl');
  const editor = await vscode.window.showTextDocument(doc, { preview: false });
  // The source's line ending first: inserted text takes the document's (a new untitled one has the default).
  const ok = await editor.edit((b) => {
    b.setEndOfLine(eol === '\r\n' ? vscode.EndOfLine.CRLF : vscode.EndOfLine.LF);
    b.insert(new vscode.Position(0, 0), content);
  });
  if (!ok) throw new Error(t('the edit that fills it was not applied'));
  return doc;
}

async function selectTop(ctx: ScarContext, arg: unknown): Promise<SelectionOutcome | undefined> {
  const run = await runSelection(ctx, arg, t('SCAR: Select top style-consistent examples'));
  if (!run) return undefined;
  const { doc, lines, selected, report, options } = run;
  const settings = ctx.config.current.selection;
  const includeScore = options.includeScore ?? settings.includeScore;
  let output = options.output ?? settings.output;
  if (output === 'file' && doc.uri.scheme !== 'file') output = 'untitled'; // an untitled source has no folder
  let chunks: Array<Buffer | string>;
  try {
    chunks = formatLines(selected, 'jsonl', includeScore, lines.eol);
  } catch (e) {
    void vscode.window.showErrorMessage(t('SCAR Lens: {0}', (e as Error).message));
    return undefined;
  }
  const result: SelectionOutcome = { report, message: '', lines: selected.map((l) => l.index + 1) };
  let where: string;
  if (output === 'file') {
    const target = siblingPath(doc.uri.fsPath, 'top');
    if (sameFile(target, doc.uri.fsPath)) {
      void vscode.window.showErrorMessage(t('SCAR Lens: the selection would overwrite its source; nothing was written.'));
      return undefined;
    }
    if (!(await mayWrite(target, options.replace))) return undefined;
    try {
      await writeChunks(target, chunks);
    } catch (e) {
      void vscode.window.showErrorMessage(t('SCAR Lens: {0}', (e as Error).message));
      return undefined;
    }
    result.file = target;
    where = path.basename(target);
  } else {
    const content = chunks.map((c) => (typeof c === 'string' ? c : c.toString('utf8'))).join('');
    let untitled: vscode.TextDocument;
    try {
      // Its lines read the percentile and rank they have in the source, not within the selection (set before it
      // is filled, so its first scores already read them).
      const derived = (uri: vscode.Uri): void => ctx.scoring.markDerived(uri, baseName(doc.uri), Float64Array.from(lines.lines, (l) => l.score ?? NaN));
      untitled = await openNamedUntitled(selectionName(baseName(doc.uri), describeCriterion(report.criterion), selected.length), content, lines.eol, derived);
    } catch (e) {
      void vscode.window.showErrorMessage(t('SCAR Lens: could not open an editor for the selection ({0}).', (e as Error).message));
      return undefined;
    }
    result.untitled = untitled.uri.toString();
    where = t('a new editor ({0})', untitled.uri.path);
  }
  result.message = t('{0} → {1}{2}', formatPipelineReport(report), where, withoutPairNote(lines));
  void vscode.window.showInformationMessage(t('SCAR Lens: {0}', result.message));
  return result;
}

const FORMAT_ITEMS: ReadonlyArray<{ label: string; description: string; format: ExportFormat }> = [
  { label: t('JSONL'), description: t('the original lines, byte for byte'), format: 'jsonl' },
  { label: t('JSON array with scores'), description: t('SCAR\'s [{"instruction", "output", "score"}]'), format: 'json' },
  { label: t('ShareGPT / Vicuna'), description: t('[{"id", "conversations": [{"from", "value"}]}]'), format: 'sharegpt' },
];

async function exportTop(ctx: ScarContext, arg: unknown): Promise<SelectionOutcome | undefined> {
  const { options: pre } = commandArgs<ExportArgs>(arg);
  if (pre.format !== undefined && !EXPORT_FORMATS.includes(pre.format)) {
    void vscode.window.showErrorMessage(t('SCAR Lens: unknown export format "{0}" ({1}).', String(pre.format), EXPORT_FORMATS.join(', ')));
    return undefined;
  }
  const run = await runSelection(ctx, arg, t('SCAR: Export top examples'));
  if (!run) return undefined;
  const { doc, lines, selected, report, options } = run;
  let format = options.format;
  if (!format) {
    const picked = await vscode.window.showQuickPick(FORMAT_ITEMS.map((f) => ({ ...f })), { title: t('SCAR: Export top examples'), placeHolder: t('Format of the {0} selected lines', fmt(selected.length)) });
    if (!picked) return undefined;
    format = picked.format;
  }
  const ext = format === 'jsonl' ? '.jsonl' : '.json';
  let target = options.target;
  if (!target) {
    const base = doc.uri.scheme === 'file' ? siblingPath(doc.uri.fsPath, format === 'sharegpt' ? 'top.sharegpt' : 'top', ext) : undefined;
    const picked = await vscode.window.showSaveDialog({
      title: t('SCAR: Export top examples'),
      defaultUri: base ? vscode.Uri.file(base) : undefined,
      filters: format === 'jsonl' ? { 'JSON Lines': ['jsonl'] } : { JSON: ['json'] },
    });
    if (!picked) return undefined;
    if (picked.scheme !== 'file') {
      // a virtual workspace's save dialog offers its own scheme; the export is written to this machine's disk
      void vscode.window.showErrorMessage(t('SCAR Lens: the export is written to this machine\'s disk; {0} is not a local file.', picked.toString()));
      return undefined;
    }
    target = picked.fsPath;
  }
  if (doc.uri.scheme === 'file' && sameFile(target, doc.uri.fsPath)) {
    void vscode.window.showErrorMessage(t('SCAR Lens: the export would overwrite its source; pick another file.'));
    return undefined;
  }
  try {
    await writeChunks(target, formatLines(selected, format, format === 'json' || (options.includeScore ?? ctx.config.current.selection.includeScore), lines.eol));
  } catch (e) {
    void vscode.window.showErrorMessage(t('SCAR Lens: {0}', (e as Error).message));
    return undefined;
  }
  const message = t('{0} → {1} ({2}){3}', formatPipelineReport(report), path.basename(target), FORMAT_ITEMS.find((f) => f.format === format)?.label ?? format, withoutPairNote(lines));
  void vscode.window.showInformationMessage(t('SCAR Lens: {0}', message));
  return { report, message, lines: selected.map((l) => l.index + 1), file: target };
}

/** Registers scar.selectTop and scar.exportTop. */
export function registerSelectCommands(ctx: ScarContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('scar.selectTop', (arg?: unknown) => selectTop(ctx, arg)),
    vscode.commands.registerCommand('scar.exportTop', (arg?: unknown) => exportTop(ctx, arg)),
  ];
}
