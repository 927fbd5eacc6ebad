// What every feature of the extension is given: the extension context, the settings and the open documents' datasets.
// A feature is a function that registers its commands/listeners and returns what to dispose; main.ts lists them.
import type * as vscode from 'vscode';
import type { Datasets } from './documents/datasets';
import type { ConfigSource } from './config';
import type { RemovedLinesFiles } from './commands/removedLines';
import type { EngineHost, ScoringService } from './scoring/scoringService';

export interface ScarContext {
  readonly extension: vscode.ExtensionContext;
  /** The settings, read in one place; subscribe to `config.onDidChange` for changes. */
  readonly config: ConfigSource;
  /** One Dataset per open JSONL document: the one owner of its analysis, scores and hygiene (documents/). */
  readonly datasets: Datasets;
  /** Scores of open documents: ensureScored / scoresFor / onDidChangeScores (src/extension/scoring.ts). */
  readonly scoring: ScoringService;
  /** The extension's one engine process, for work on files that are not open documents (commands/onDisk.ts). */
  readonly engine: EngineHost;
  /** The side files of removed lines (`<name>.removed.jsonl`), written when the source is saved (removedLines.ts). */
  readonly removedLines: RemovedLinesFiles;
}

/** Registers one feature; everything it returns is disposed when the extension deactivates. */
export type Feature = (ctx: ScarContext) => vscode.Disposable | readonly vscode.Disposable[] | void;
