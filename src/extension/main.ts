// Activation: builds the settings source and the datasets registry, then registers each feature. Everything is
// owned by the ExtensionContext's subscriptions; there is no module-level state.
import * as path from 'path';
import * as vscode from 'vscode';
import { Datasets } from './documents/datasets';
import { ConfigSource } from './config';
import { cleaningServiceApi, startCleaningClient } from './hygiene/cleaningHost';
import { HygieneService } from './hygiene/hygieneService';
import { hygieneFeature } from './hygiene/hygieneActions';
import { StoreDatasetSource } from './views/datasetSource';
import { registerViews } from './views/registerViews';
import { registerJsonFixes } from './commands/jsonFixes';
import type { Feature, ScarContext } from './context';
import { ScarDiagnostics } from './surfaces/diagnostics';
import { registerScoreView } from './surfaces/scoreView';
import { registerScoring } from './scoring/scoringService';
import { registerLargeFileCommands } from './commands/onDisk';
import { RemovedLinesFiles } from './commands/removedLines';
import { registerChooseModel } from './commands/chooseModel';
import { registerSelectCommands } from './commands/selectTop';
import { registerSortFilterCommands } from './commands/sortFilter';
import { ScarStatusBar } from './surfaces/statusBar';
import { testApi } from './testApi';
import { scarProbe, type ScarProbe } from './probe';
import { registerWalkthroughEvents } from './surfaces/walkthrough';
import { setTranslator, t } from '../core/l10n';

/**
 * Features beyond the foundation (diagnostics and status bar, which the test API needs by name). To add one,
 * write `export const registerX: Feature = (ctx) => ...` in its own module and list it here.
 */
const FEATURES: readonly Feature[] = [registerSelectCommands, registerSortFilterCommands, registerLargeFileCommands, registerJsonFixes, registerChooseModel,
  registerWalkthroughEvents];

export function activate(context: vscode.ExtensionContext): ScarProbe {
  setTranslator(vscode.l10n.t);
  const config = new ConfigSource();
  const datasets = new Datasets(config);
  const diagnostics = new ScarDiagnostics(datasets, config);
  const statusBar = new ScarStatusBar(datasets);
  context.subscriptions.push(config, datasets, diagnostics, statusBar);

  // Scoring first: every feature gets its service (ctx.scoring).
  const scoring = registerScoring({ extension: context, config, datasets });
  context.subscriptions.push(...scoring.disposables);
  const view = registerScoreView(context, config, scoring.scorer, statusBar, scoring.engine, datasets);
  context.subscriptions.push(...view.disposables);
  const removedLines = new RemovedLinesFiles();
  context.subscriptions.push(removedLines);
  // One cleaning service for the hygiene checks and "Select top"; the hygiene snapshots it computes serve both.
  const cleaning = startCleaningClient(context);
  const hygiene = new HygieneService(datasets, config, (c) => c.modelPath || path.join(context.extensionPath, 'models'), cleaning, scoring.service);
  context.subscriptions.push(hygiene, { dispose: () => cleaning.dispose() });
  const ctx: ScarContext = { extension: context, config, datasets, scoring: scoring.service, engine: scoring.engine, cleaning, hygiene, removedLines };
  for (const feature of FEATURES) {
    const registered = feature(ctx);
    if (Array.isArray(registered)) context.subscriptions.push(...registered);
    else if (registered) context.subscriptions.push(registered as vscode.Disposable);
  }
  // Hygiene, then the views, which read the documents' state through one adapter (views/datasetSource.ts).
  const source = new StoreDatasetSource(datasets, scoring.scorer, () => hygiene, config);
  context.subscriptions.push(source);
  context.subscriptions.push(...hygieneFeature(ctx).disposables);
  const views = registerViews(ctx, source);
  context.subscriptions.push(...views.disposables);

  if (config.current.invalid.length > 0) {
    void vscode.window.showWarningMessage(t('SCAR Lens: {0}', config.current.invalid.join(' ')));
  }
  context.subscriptions.push(
    config.onDidChange(({ previous, current }) => {
      // Say it once per new mistake, not on every later settings change.
      const fresh = current.invalid.filter((m) => !previous.invalid.includes(m));
      if (fresh.length > 0) void vscode.window.showWarningMessage(t('SCAR Lens: {0}', fresh.join(' ')));
    }),
  );
  return scarProbe(testApi(datasets, statusBar), scoring.api, view.api, views.api, cleaningServiceApi(cleaning));
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
