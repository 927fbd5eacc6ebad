// Files too large to open: VS Code never syncs a document over 50 MB to extensions (microsoft/vscode#111849), so
// the Explorer's "SCAR: Score file on disk…" (scar.scoreFileOnDisk) and "SCAR: Select top from file on disk…"
// (scar.selectTopOnDisk) stream the file from disk through the extension's engine, as `scar score` and
// `scar select` do (the same code: files/scoreStream.ts and files/scoredFile.ts), with cancellable progress, and
// write the results beside it, atomically. The cleaning (with its clustering, seconds on 100k lines) streams the
// file in the cleaning service (src/engine/cleaningService.ts), never on the extension host:
//   <name>.scores.jsonl  one {"line", "score", "percentile", "error", "composition", "presentation"} per line
//   <name>.top.jsonl     the selected lines byte for byte (SCAR's cleaning first; scar.selection.* settings, and
//                        near-duplicates as scar.hygiene.* defines them: selectionCleaning.ts)
// Memory grows with the number of lines (numbers and offsets), never with their text. Works on any size.
// Arguments skip the dialogs: executeCommand('scar.selectTopOnDisk', { uri, criterion: 'top-k', value: 100 }).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { writeFileAtomically } from '../../core/export';
import { summarizeScores } from '../../core/scores';
import { formatPipelineReport, pipelineReport, selectSurvivors, type PipelineReport } from '../../core/selectionPipeline';
import { writeScoreRows, writeSelectedLines } from '../../files/scoredFile';
import { scoreFileStream, type FileScores } from '../../files/scoreStream';
import { CancelledError } from '../../engine/client';
import type { ScarContext } from '../context';
import { runCancellable, type CancellableProgress } from '../progress';
import type { ScoreScale } from '../scoring/scoreScale';
import type { CleaningOutcome } from '../../engine/cleaningClient';
import { selectionCleaningOptions, type SelectionSwitches } from '../hygiene/selectionCleaning';
import { givenCriterion, pickCriterion, type SelectArgs } from './selectTop';
import { commandArgs, fmt, mayWrite, siblingPath } from './common';
import { rankScores } from './selectionPrep';
import { t } from '../../core/l10n';

export interface OnDiskOutcome {
  message: string;
  /** The file written. */
  file: string;
  /** Non-blank lines read, pairs scored, lines without a pair. */
  lines: number;
  pairs: number;
  withoutPair: number;
  report?: PipelineReport;
  /** Selected 1-based lines in output order (selectTopOnDisk). */
  selected?: number[];
}

/** What the user reads when they cancel a command on a file on disk. */
const NOTHING_WRITTEN = (): string => t('SCAR Lens: cancelled; nothing was written.');

const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(bytes < 10 * 1048576 ? 1 : 0)} MB`;

/** The file a command is about: the menu's Uri, an argument, or one picked in an open dialog. */
async function pickFile(uri: vscode.Uri | undefined, title: string): Promise<string | undefined> {
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({ title, canSelectMany: false, filters: { 'JSON Lines': ['jsonl'] } });
    uri = picked?.[0];
    if (!uri) return undefined;
  }
  if (uri.scheme !== 'file') {
    void vscode.window.showWarningMessage(t('SCAR Lens: {0} is not a file on this machine\'s disk.', uri.toString()));
    return undefined;
  }
  try {
    const stat = await fs.promises.stat(uri.fsPath);
    if (stat.isDirectory()) throw new Error(t('it is a folder'));
  } catch (e) {
    void vscode.window.showErrorMessage(t('SCAR Lens: cannot read {0}: {1}', uri.fsPath, (e as Error).message));
    return undefined;
  }
  return uri.fsPath;
}

/** Pass 1 with notification progress; the token cancels it. */
async function scoreOnDisk(ctx: ScarContext, file: string, progress: CancellableProgress): Promise<FileScores> {
  const size = (await fs.promises.stat(file)).size;
  const client = ctx.engine.get();
  await client.start();
  let last = 0;
  return scoreFileStream(file, client, {
    adapter: ctx.config.current.adapter,
    persistentCache: true,
    signal: progress.signal,
    onProgress: (lines, pairs) => {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      progress.report(t('{0} lines read, {1} pairs scored ({2})', fmt(lines), fmt(pairs), mb(size)));
    },
  });
}

/**
 * Pass 2: SCAR's cleaning of the file, streamed and clustered in the cleaning service, keeping the best-scored copy of
 * each duplicate group (what files/scoredFile cleanScoredFile does in `scar select`). Both steps off: nothing is read.
 */
async function cleanOnDisk(
  ctx: ScarContext, file: string, scores: FileScores, switches: SelectionSwitches, signal: AbortSignal, onProgress: (linesRead: number) => void,
): Promise<{ removedLines: Set<number>; cleaning: Pick<CleaningOutcome, 'input' | 'counts'> }> {
  const removedLines = new Set<number>();
  if (!switches.dedup && !switches.languageFilter) {
    return { removedLines, cleaning: { input: scores.count - scores.errors.size, counts: { exact: 0, language: 0, nearDuplicate: 0 } } };
  }
  const source = { path: file, adapter: ctx.config.current.adapter, lines: scores.line.slice(0, scores.count), scores: scores.score.slice(0, scores.count) };
  const cleaned = await ctx.cleaning.cleanFile(source, selectionCleaningOptions(switches, ctx.config.current.hygiene), { signal, onProgress });
  for (const line of cleaned.removed.keys()) removedLines.add(line);
  return { removedLines, cleaning: cleaned };
}

function scoreSummary(scores: FileScores, seconds: number, scale: ScoreScale): string {
  const summary = summarizeScores(scores.score);
  const without = scores.errors.size;
  return t('Scored {0} pairs on {1} lines in {2} s', fmt(scores.pairsScored), fmt(scores.count - without), seconds.toFixed(1))
    + (summary ? t(' — median {0} {1}', scale.noun, scale.text(summary.median)) : '')
    + (without === 0 ? '' : without === 1 ? t(', 1 line without a pair') : t(', {0} lines without a pair', fmt(without)));
}

async function scoreFileOnDisk(ctx: ScarContext, arg: unknown): Promise<OnDiskOutcome | undefined> {
  const { uri, options } = commandArgs<{ uri?: string; replace?: boolean }>(arg);
  const file = await pickFile(uri, t('SCAR: Score file on disk'));
  if (!file) return undefined;
  const target = siblingPath(file, 'scores');
  if (!(await mayWrite(target, options.replace))) return undefined;
  const t0 = Date.now();
  const outcome = await runCancellable(t('SCAR: scoring {0}', path.basename(file)), NOTHING_WRITTEN(), async (progress) => {
    const scores = await scoreOnDisk(ctx, file, progress);
    progress.report(t('writing {0}', path.basename(target)));
    await writeFileAtomically(target, (w) => writeScoreRows(scores, w, ctx.engine.calibration()));
    const message = t('{0} → {1}', scoreSummary(scores, (Date.now() - t0) / 1000, ctx.engine.scale()), path.basename(target));
    return { message, file: target, lines: scores.count, pairs: scores.pairsScored, withoutPair: scores.errors.size };
  });
  if (outcome) void showDone(outcome.message, target);
  return outcome;
}

async function selectTopOnDisk(ctx: ScarContext, arg: unknown): Promise<OnDiskOutcome | undefined> {
  const { uri, options } = commandArgs<SelectArgs>(arg);
  const given = givenCriterion(options, ctx.engine.scale());
  if (given === false) return undefined;
  const file = await pickFile(uri, t('SCAR: Select top from file on disk'));
  if (!file) return undefined;
  const target = siblingPath(file, 'top');
  if (path.resolve(target) === path.resolve(file)) {
    void vscode.window.showErrorMessage(t('SCAR Lens: the selection would overwrite its source; nothing was written.'));
    return undefined;
  }
  if (!(await mayWrite(target, options.replace))) return undefined;
  const settings = ctx.config.current.selection;
  const pipeline = { dedup: settings.dedup, languageFilter: settings.languageFilter };

  // Passes 1 and 2 (score, clean) under one notification; then the criterion; then pass 3 (write).
  const scored = await runCancellable(t('SCAR: reading {0}', path.basename(file)), NOTHING_WRITTEN(), async (progress) => {
    const scores = await scoreOnDisk(ctx, file, progress);
    const cleaned = await cleanOnDisk(ctx, file, scores, pipeline, progress.signal, (lines) => progress.report(t('cleaning: {0} lines read', fmt(lines))));
    if (progress.signal.aborted) throw new CancelledError();
    return { scores, ...cleaned };
  });
  if (!scored) return undefined;
  const { scores, removedLines, cleaning } = scored;
  const isRemoved = (i: number): boolean => removedLines.has(scores.line[i]);
  const ranked = rankScores(scores.score, isRemoved, removedLines.size);
  if (ranked.rankedScores.length === 0) {
    void vscode.window.showWarningMessage(t('SCAR Lens: {0} has no scored line to select from.', path.basename(file)));
    return undefined;
  }
  const criterion = given ?? (await pickCriterion(ranked, t('SCAR: Select top from {0}', path.basename(file)), pipeline, ctx.engine.scale()));
  if (!criterion) return undefined;
  const { indices: kept, ranked: rankedCount } = selectSurvivors(scores.score, isRemoved, criterion, options.keepOrder === true);
  const report = pipelineReport(cleaning, rankedCount, kept.length, { criterion, ...pipeline });
  const withScore = options.includeScore ?? settings.includeScore;
  const outcome = await runCancellable(t('SCAR: writing {0}', path.basename(target)), NOTHING_WRITTEN(), async (progress) => {
    await writeFileAtomically(target, (w) => writeSelectedLines(file, scores, kept, w, {
      format: 'jsonl', withScore, adapter: ctx.config.current.adapter, signal: progress.signal,
      onProgress: (k) => progress.report(t('{0} of {1} lines', fmt(k), fmt(kept.length))),
    }));
    const without = scores.errors.size;
    const message = t('{0} → {1}', formatPipelineReport(report), path.basename(target))
      + (without === 0 ? '' : without === 1 ? t('; 1 line without a pair not considered') : t('; {0} lines without a pair not considered', fmt(without)));
    return {
      message, file: target, lines: scores.count, pairs: scores.pairsScored, withoutPair: without, report,
      selected: Array.from(kept, (i) => scores.line[i]),
    };
  });
  if (outcome) void showDone(outcome.message, target);
  return outcome;
}

/** The summary, with a button that reveals the written file (opening it could hit the same 50 MB limit). */
async function showDone(message: string, target: string): Promise<void> {
  const reveal = t('Reveal in Explorer');
  const choice = await vscode.window.showInformationMessage(t('SCAR Lens: {0}', message), reveal);
  if (choice === reveal) await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(target));
}

/** Registers scar.scoreFileOnDisk and scar.selectTopOnDisk. */
export function registerLargeFileCommands(ctx: ScarContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('scar.scoreFileOnDisk', (arg?: unknown) => scoreFileOnDisk(ctx, arg)),
    vscode.commands.registerCommand('scar.selectTopOnDisk', (arg?: unknown) => selectTopOnDisk(ctx, arg)),
  ];
}
