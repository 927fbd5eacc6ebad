// The cleaning service (src/engine/cleaningService.ts, dist/cleaning.js) as the extension sees it: one CleaningClient
// for the whole session, shared by the hygiene checks (hygiene.ts) and "Select top" on open documents and files on
// disk (selectCommand.ts, largeFile.ts). It starts on the first request, restarts after a crash (the user is told
// once), and stops on deactivate. The service gets VS Code's translation bundle, so its messages read in the
// user's language (core/l10n.ts).
import * as path from 'path';
import * as vscode from 'vscode';
import { CleaningClient } from '../engine/cleaningClient';
import { threadCpuMs } from './cpuTime';
import { t } from '../core/l10n';

/**
 * The service's scheduling priority: below the editor's, as the engine's (engineHost.ts), so that a check running in
 * the background never takes a core from the extension host, the renderer or the user's typing on a small machine.
 */
const CLEANING_NICENESS = 10;

export function startCleaningClient(extension: vscode.ExtensionContext): CleaningClient {
  let told = false;
  return new CleaningClient({
    servicePath: path.join(extension.extensionPath, 'dist', 'cleaning.js'),
    l10n: vscode.l10n.bundle,
    niceness: CLEANING_NICENESS,
    cpuMs: threadCpuMs,
    onRestart: (_attempt, reason) => {
      if (told) return;
      told = true; // once per session, not on every crash
      void vscode.window.showWarningMessage(t('SCAR Lens: the cleaning service (duplicate and language checks) stopped unexpectedly ({0}) and was restarted.', reason));
    },
  });
}
