// The context keys that tick off the steps of the "Get started with SCAR Lens" walkthrough
// (contributes.walkthroughs in package.json) that no command marks: a dataset was scored, and a line's score hover
// was shown. The other steps complete on their commands (onCommand:scar.selectTop, ...).
//
// Each key is pulsed (set true, then false at once) rather than left true: VS Code's walkthrough service is created
// lazily, and a key that is already true when it registers the steps marks the event as seen for the session
// without ticking the step, so the step could never be ticked in that window. A pulse ticks the step when the service
// exists (it keeps the tick), and a later pulse does it otherwise, as with the commands, which it only counts once it
// exists either.
import * as vscode from 'vscode';
import type { Feature } from '../context';

/** Pulsed when a JSONL document's scores are complete: step "Open a dataset". */
export const SCORED_KEY = 'scar.walkthrough.datasetScored';
/** Pulsed when a hover is asked for on a JSONL line (SCAR's hover shows its score): step "Read a badge and its hover". */
export const HOVERED_KEY = 'scar.walkthrough.hoverShown';
/** At most one pulse of a key in this many milliseconds. */
const PULSE_EVERY_MS = 2000;

export const registerWalkthroughEvents: Feature = (ctx) => {
  const last = new Map<string, number>();
  const pulse = (key: string): void => {
    const now = Date.now();
    if (now - (last.get(key) ?? -Infinity) < PULSE_EVERY_MS) return;
    last.set(key, now);
    void Promise.resolve(vscode.commands.executeCommand('setContext', key, true))
      .then(() => vscode.commands.executeCommand('setContext', key, false))
      .then(undefined, () => undefined); // a window that is closing
  };
  return [
    ctx.scoring.onDidChangeScores((uri) => {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      if (doc && ctx.scoring.lineScoresFor(doc)) pulse(SCORED_KEY);
    }),
    // A provider that adds nothing to the hover (the score hover is scoreView.ts's): it only notes that one was shown.
    vscode.languages.registerHoverProvider({ language: 'jsonl' }, {
      provideHover() {
        pulse(HOVERED_KEY);
        return undefined;
      },
    }),
  ];
};
