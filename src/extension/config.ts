// The one module that reads SCAR Lens's settings from VS Code. Everything else gets a frozen ScarConfig passed
// down (ConfigSource.current) and subscribes to ConfigSource.onDidChange; no other module calls getConfiguration.
import * as vscode from 'vscode';
import { configFromSettings, type ScarConfig } from './configValues';

export type { ScarConfig } from './configValues';

const SECTION = 'scar';

/** Reads the `scar.*` settings now. In an untrusted workspace only the user value of scar.modelPath counts. */
export function readConfig(): ScarConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const modelPath = c.inspect<string>('modelPath');
  return configFromSettings({
    schema: c.get('schema'),
    fieldMapping: c.get('fieldMapping'),
    turnPolicy: c.get('turnPolicy'),
    diagnosticsEnabled: c.get('diagnostics.enabled'),
    debounceMs: c.get('diagnostics.debounceMs'),
    modelPath: c.get('modelPath'),
    modelPathUser: modelPath?.globalValue ?? modelPath?.defaultValue,
    selectionOutput: c.get('selection.output'),
    selectionIncludeScore: c.get('selection.includeScore'),
    selectionDedup: c.get('selection.dedup'),
    selectionLanguageFilter: c.get('selection.languageFilter'),
    hygiene: {
      enabled: c.get('hygiene.enabled'),
      nearDuplicateThreshold: c.get('hygiene.nearDuplicateThreshold'),
      ngram: c.get('hygiene.ngram'),
      languageCheck: c.get('hygiene.languageCheck'),
      reportTruncation: c.get('hygiene.reportTruncation'),
      removedLinesFile: c.get('removedLinesFile'),
    },
    scores: {
      auto: c.get('scoring.auto'),
      autoScoreMaxLines: c.get('scoring.autoScoreMaxLines'),
      debounceMs: c.get('scoring.debounceMs'),
      badges: c.get('decorations.badges'),
      gutter: c.get('decorations.gutter'),
      overviewRuler: c.get('decorations.overviewRuler'),
      position: c.get('decorations.position'),
      format: c.get('decorations.format'),
      reviewMode: c.get('decorations.reviewMode'),
      reviewThreshold: c.get('decorations.reviewThreshold'),
      bandHigh: c.get('bands.high'),
      bandLow: c.get('bands.low'),
      threshold: c.get('selection.threshold'),
      rawScore: c.get('decorations.rawScore'),
    },
    workspaceTrusted: vscode.workspace.isTrusted,
  });
}

/** Holds the current config and fires when any scar.* setting (or the workspace's trust) changes it. */
export class ConfigSource implements vscode.Disposable {
  private config: ScarConfig;
  private readonly emitter = new vscode.EventEmitter<{ previous: ScarConfig; current: ScarConfig }>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** Fires with the previous and the new config after a scar.* setting changed. */
  readonly onDidChange = this.emitter.event;

  constructor(private readonly read: () => ScarConfig = readConfig) {
    this.config = read();
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(SECTION)) this.refresh();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()),
    );
  }

  get current(): ScarConfig {
    return this.config;
  }

  private refresh(): void {
    const previous = this.config;
    this.config = this.read();
    this.emitter.fire({ previous, current: this.config });
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}
