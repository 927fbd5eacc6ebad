// A long scoring pass shows its progress with a Cancel button. VS Code gives a cancel button only to a progress
// notification, so a file of PROGRESS_LINES lines or more gets one while its background pass runs (smaller files are
// scored in a second or two; the status bar's count is enough). Cancel stops the file's scoring (its scores so far
// stay, the status bar says it stopped); "SCAR: Score current file" resumes. The status bar item also stops it
// when clicked while it counts up ("SCAR: Stop scoring current file").
import * as path from 'path';
import * as vscode from 'vscode';
import type { LiveScorer } from './liveScorer';
import type { Datasets } from '../documents/datasets';
import { withCancellableProgress } from '../progress';
import { t } from '../../core/l10n';

/** Files with at least this many lines get a cancellable progress notification while they are scored. */
export const PROGRESS_LINES = 5000;

/** Why a file's scoring stopped, when the user stopped it. */
export const stoppedReason = (): string => t('stopped by you; "SCAR: Score current file" scores the rest');

export function registerScoringProgress(scorer: LiveScorer, datasets: Datasets): vscode.Disposable[] {
  const showing = new Set<string>();

  const follow = (doc: vscode.TextDocument): void => {
    const key = doc.uri.toString();
    const st = scorer.state(doc);
    if (!st || showing.has(key) || st.complete || st.mode === 'off' || st.error !== undefined || doc.lineCount < PROGRESS_LINES) return;
    showing.add(key);
    void withCancellableProgress(t('SCAR: scoring {0}', path.basename(doc.uri.path)), (progress) => new Promise<void>((resolve) => {
      const report = (): boolean => {
        const now = scorer.state(doc);
        if (!now || doc.isClosed || now.complete || now.mode === 'off' || now.error !== undefined) return false;
        progress.report(t('{0}% of {1} lines', now.percentDone, doc.lineCount.toLocaleString('en-US')), now.percentDone);
        return true;
      };
      const finish = (): void => { sub.dispose(); progress.signal.removeEventListener('abort', cancel); showing.delete(key); resolve(); };
      const cancel = (): void => { scorer.stop(doc, stoppedReason()); finish(); };
      const sub = datasets.onDidChange((e) => { if ((e.kind === 'scores' || e.kind === 'closed') && e.dataset.document === doc && !report()) finish(); });
      progress.signal.addEventListener('abort', cancel);
      if (!report()) finish();
    }));
  };

  return [
    datasets.onDidChange((e) => { if (e.kind === 'scores') follow(e.dataset.document); }),
    vscode.commands.registerCommand('scar.stopScoring', () => {
      const doc = vscode.window.activeTextEditor?.document;
      const st = doc && scorer.state(doc);
      if (!doc || !st || st.complete || st.mode === 'off') {
        void vscode.window.showInformationMessage(t('SCAR Lens: no file is being scored in the active editor.'));
        return false;
      }
      scorer.stop(doc, stoppedReason());
      return true;
    }),
  ];
}
