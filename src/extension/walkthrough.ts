// The context keys that tick off the steps of the "Get started with SCAR Lens" walkthrough
// (contributes.walkthroughs in package.json) that no command marks: a dataset was opened and scored, and a
// line's score hover was shown. The other steps complete on their commands (onCommand:scar.selectTop, ...).
import * as vscode from 'vscode';
import type { Feature } from './context';

/** Set once a JSONL document has scores: step "Open a dataset". */
export const SCORED_KEY = 'scar.walkthrough.datasetScored';
/** Set once a score hover was asked for on a JSONL line: step "Read a badge and its hover". */
export const HOVERED_KEY = 'scar.walkthrough.hoverShown';

export const registerWalkthroughEvents: Feature = (ctx) => {
  const disposables: vscode.Disposable[] = [];
  let scoredListener: vscode.Disposable | undefined = ctx.scoring.onDidChangeScores((uri) => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!doc || !ctx.scoring.lineScoresFor(doc)) return;
    void vscode.commands.executeCommand('setContext', SCORED_KEY, true);
    scoredListener?.dispose();
    scoredListener = undefined;
  });
  // A provider that adds nothing to the hover (the score hover is scoreView.ts's): it only notes that one was shown.
  let hoverProvider: vscode.Disposable | undefined = vscode.languages.registerHoverProvider({ language: 'jsonl' }, {
    provideHover(document) {
      if (ctx.scoring.lineScoresFor(document)) {
        void vscode.commands.executeCommand('setContext', HOVERED_KEY, true);
        // after this hover returns: a provider cannot be disposed while VS Code is calling it
        setTimeout(() => {
          hoverProvider?.dispose();
          hoverProvider = undefined;
        }, 0);
      }
      return undefined;
    },
  });
  disposables.push({ dispose: () => { scoredListener?.dispose(); hoverProvider?.dispose(); } });
  return disposables;
};
