// The one module that reads SCAR Lens's settings from VS Code. Everything else gets a frozen ScarConfig passed
// down (ConfigSource.current) and subscribes to ConfigSource.onDidChange; no other module calls getConfiguration.
import * as vscode from 'vscode';
import { configFromSettings, type ScarConfig } from './configValues';
import { GENERAL_SETTINGS, HYGIENE_SETTINGS, readSection, SCORES_SETTINGS } from './settings';

export type { ScarConfig } from './configValues';

const SECTION = 'scar';

/** Reads the `scar.*` settings now, by settings.ts's table. In an untrusted workspace only the user value of scar.modelPath counts. */
export function readConfig(): ScarConfig {
  const c = vscode.workspace.getConfiguration(SECTION);
  const get = (key: string): unknown => c.get(key);
  const modelPath = c.inspect<string>(GENERAL_SETTINGS.modelPath.key);
  return configFromSettings({
    ...readSection(GENERAL_SETTINGS, get),
    modelPathUser: modelPath?.globalValue ?? modelPath?.defaultValue,
    hygiene: readSection(HYGIENE_SETTINGS, get),
    scores: readSection(SCORES_SETTINGS, get),
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
