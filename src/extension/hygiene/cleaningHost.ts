// The cleaning service (src/engine/cleaningService.ts, dist/cleaning.js) as the extension sees it: one CleaningClient
// for the whole session, shared by the hygiene checks (hygiene/hygieneService.ts) and "Select top" on open documents and files on
// disk (commands/selectTop.ts, commands/onDisk.ts). It starts on the first request, restarts after a crash (the user is told
// once), and stops on deactivate. The service gets VS Code's translation bundle, so its messages read in the
// user's language (core/l10n.ts).
import * as path from 'path';
import * as vscode from 'vscode';
import { CleaningClient } from '../../engine/cleaningClient';
import { threadCpuMs } from '../probe';
import { t } from '../../core/l10n';

/** What the probe (probe.ts) tells tests about the service: processes started and requests answered by kind. */
export interface CleaningServiceApi {
  cleaningService(): { started: number; served: { check: number; clean: number; cleanFile: number } };
}

export function cleaningServiceApi(client: CleaningClient): CleaningServiceApi {
  return { cleaningService: () => ({ started: client.started, served: { ...client.served } }) };
}

export function startCleaningClient(extension: vscode.ExtensionContext): CleaningClient {
  let told = false;
  return new CleaningClient({
    servicePath: path.join(extension.extensionPath, 'dist', 'cleaning.js'),
    l10n: vscode.l10n.bundle,
    // Normal priority, as the worker threads it replaces had: a lowered one starves the checks on a busy machine (a
    // 100,000-line check went from seconds to minutes with niceness 10 while other work ran).
    cpuMs: threadCpuMs,
    onRestart: (_attempt, reason) => {
      if (told) return;
      told = true; // once per session, not on every crash
      void vscode.window.showWarningMessage(t('SCAR Lens: the cleaning service (duplicate and language checks) stopped unexpectedly ({0}) and was restarted.', reason));
    },
  });
}
