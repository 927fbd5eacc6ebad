// Long work the user may stop: one notification with a Cancel button (VS Code gives a cancel button to nothing
// else), one way to say how far it got, and one way to tell the user that it was cancelled or why it failed.
// Used by live scoring's progress, "Score current file", "Select top…" and the commands on files on disk.
import * as vscode from 'vscode';
import { CancelledError } from '../engine/client';
import { t } from '../core/l10n';

/** What the work under a cancellable notification gets. */
export interface CancellableProgress {
  /** Aborted (with a CancelledError) when the user presses Cancel. */
  readonly signal: AbortSignal;
  /**
   * Shows `message`. With `percent` (0-100, of the whole work), the bar moves up to it, and a report that would not
   * move the bar forward (a percent at or below the one shown, 0 at first) is not shown at all.
   */
  report(message: string, percent?: number): void;
}

/** Runs `work` under a notification titled `title`, with a Cancel button that aborts `signal`. */
export function withCancellableProgress<T>(title: string, work: (progress: CancellableProgress) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const ac = new AbortController();
    const sub = token.onCancellationRequested(() => ac.abort(new CancelledError()));
    let shown = 0;
    try {
      return await work({
        signal: ac.signal,
        report: (message, percent) => {
          if (percent === undefined) { progress.report({ message }); return; }
          if (!(percent > shown)) return;
          progress.report({ increment: percent - shown, message });
          shown = percent;
        },
      });
    } finally {
      sub.dispose();
    }
  });
}

/** True for the ways cancelled work ends: the engine's CancelledError, or an AbortSignal's AbortError. */
export function isCancellation(e: unknown): boolean {
  return e instanceof CancelledError || (e as Error | undefined)?.name === 'AbortError';
}

/** Tells the user how work ended that did not finish: `cancelled` (a sentence) when they stopped it, the error otherwise. */
export function reportUnfinished(e: unknown, cancelled: string): void {
  if (isCancellation(e)) void vscode.window.showInformationMessage(cancelled);
  else void vscode.window.showErrorMessage(t('SCAR Lens: {0}', (e as Error).message));
}

/** withCancellableProgress for a command: a cancellation or a failure is reported (reportUnfinished) and gives undefined. */
export async function runCancellable<T>(title: string, cancelled: string, work: (progress: CancellableProgress) => Promise<T>): Promise<T | undefined> {
  try {
    return await withCancellableProgress(title, work);
  } catch (e) {
    reportUnfinished(e, cancelled);
    return undefined;
  }
}
