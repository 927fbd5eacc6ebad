// Starts the extension's worker threads (dist/<name>.js), handing each VS Code's translation bundle so the messages
// core writes there (hygiene findings, parse errors) read in the user's language (core/l10n.ts).
import * as path from 'path';
import * as vscode from 'vscode';
import { Worker } from 'worker_threads';
import type { L10nBundle } from '../core/l10n';

/** What every worker receives as workerData. */
export interface WorkerData {
  l10n?: L10nBundle;
}

export function startWorker(extensionPath: string, name: 'hygieneWorker' | 'cleaningWorker'): Worker {
  const workerData: WorkerData = { l10n: vscode.l10n.bundle };
  return new Worker(path.join(extensionPath, 'dist', `${name}.js`), { workerData });
}
