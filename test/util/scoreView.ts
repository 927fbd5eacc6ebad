// Helpers for the integration tests of live scoring, decorations and hovers: turn live scoring on for a test, wait
// until an editor's badges belong to its current text, and score a file independently with `scar score` (the CLI,
// in-process) to know what the editor should show.
import * as fs from 'fs';
import * as vscode from 'vscode';
import { createScoreCommand } from '../../src/cli/score';
import type { RenderedDecorations } from '../../src/extension/surfaces/decorations';
import type { ScarProbe } from '../../src/extension/probe';
import { scarApi, setScarSettings, waitUntil } from './scarExtension';
import { runCommand, scoringDeps, tempDir } from './scoringCli';

export type FullApi = ScarProbe;

export async function fullApi(): Promise<FullApi> {
  return (await scarApi()) as unknown as FullApi;
}

/** Live scoring on, small debounce, default decorations; returns the restore function. */
export function liveScoringOn(extra: Record<string, unknown> = {}): Promise<() => Promise<void>> {
  return setScarSettings({ 'scoring.auto': true, 'scoring.debounceMs': 50, ...extra });
}

/** Clears the scores of every open JSONL document, so that later tests see files as not scored. */
export async function clearAllScores(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.languageId === 'jsonl' && !doc.isClosed) await vscode.commands.executeCommand('scar.clearScores', doc.uri);
  }
}

/** Waits until the editor's badges were drawn for its current text with no line pending, and returns them. */
export async function settledBadges(api: FullApi, editor: vscode.TextEditor, timeoutMs = 20000): Promise<RenderedDecorations> {
  let seen: RenderedDecorations | undefined;
  await waitUntil(`settled badges of ${editor.document.uri.path}`, () => {
    seen = api.renderedDecorations(editor);
    const live = api.liveScoring(editor.document.uri);
    return !!seen && !!live?.complete && seen.version === editor.document.version && seen.badges.pending.length === 0
      && seen.at >= live.completedAt;
  }, timeoutMs);
  return seen!;
}

/** One line as `scar score` sees it. */
export interface CliLine { line: number; score: number | null; style: number | null; percentile: number | null; error: string | null; composition: number | null; presentation: number | null }

/** Scores a file with the CLI (in-process, private cache) and returns its lines by 1-based number. */
export async function cliScores(file: string, args: string[] = []): Promise<Map<number, CliLine>> {
  const cache = tempDir('scar-view-cache-');
  try {
    const r = await runCommand(createScoreCommand(scoringDeps(cache)), [file, ...args]);
    if (r.code !== 0) throw new Error(`scar score ${file} failed (${r.code}): ${r.err}`);
    const out = new Map<number, CliLine>();
    for (const row of r.out.trim().split('\n')) {
      const l = JSON.parse(row) as CliLine;
      out.set(l.line, l);
    }
    return out;
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
  }
}

/** The kind and text of the badge of a 1-based line, or undefined. */
export function badgeOf(r: RenderedDecorations, line: number): { kind: string; text: string } | undefined {
  for (const [kind, list] of Object.entries(r.badges)) {
    const hit = list.find((b) => b.line === line);
    if (hit) return { kind, text: hit.text };
  }
  return undefined;
}
