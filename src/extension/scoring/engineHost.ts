// The engine process as the extension sees it: one EngineClient, created lazily for the current model folder
// (scar.modelPath, else the bundled models/), restarted after a crash (the user is told once), replaced when the
// model folder changes, stopped on deactivate.
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { loadCalibration, rawForStyle, type Calibration } from '../../core/calibration';
import { EngineClient } from '../../engine/client';
import type { EngineStats, ReadyInfo } from '../../engine/protocol';
import { scoreScale, type ScoreScale } from './scoreScale';
import { L10N_BUNDLE_ENV, t } from '../../core/l10n';

/**
 * The engine's scheduling priority: below the editor's, so that background scoring yields the CPU to the extension
 * host, the renderer and the user's typing on a small machine (scores still arrive at full speed when the CPU is free).
 */
const ENGINE_NICENESS = 10;

/**
 * Featurising workers of the editor's engine: only on cores VS Code does not need. On a machine with 2 cores the
 * extension host, the window and the engine's own thread already share them; with a worker there, scoring a 100k-line
 * document in full took 27.8-31.9 s (median 28.3 s) against 25.8-29.7 s (median 26.0 s) without, with ranker 2.0
 * (bench/editor-scoring.bench.js, 3 runs each, alternating).
 * `scar`, with the machine to itself, uses the engine's default (one worker on 2 cores).
 */
export function editorFeaturiseWorkers(cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length): number {
  return Math.max(0, Math.min(3, cores - 2));
}

/** Owns the engine client for the extension: created lazily for the current model folder. */
export class EngineHost implements vscode.Disposable {
  private client: EngineClient | undefined;
  private clientModelDir = '';
  private toldRestart = false;
  private loaded: ReadyInfo | undefined;
  private readonly modelEmitter = new vscode.EventEmitter<ReadyInfo>();
  /** Fires when an engine has loaded its model (at the first request after start-up or a change of model). */
  readonly onDidLoadModel = this.modelEmitter.event;
  private scaleOf: { dir: string; raw: boolean; calibration: Calibration | undefined; scale: ScoreScale } | undefined;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private modelPath: () => string,
    /** scar.decorations.rawScore: show the raw score even when the model has a calibration. */
    private rawScore: () => boolean = () => false,
  ) {}

  /** The model folder: the scar.modelPath setting, else the bundled models/. */
  get modelDir(): string {
    return this.modelPath() || path.join(this.extension.extensionPath, 'models');
  }

  get(): EngineClient {
    const dir = this.modelDir;
    if (this.client && this.clientModelDir === dir) return this.client;
    this.client?.dispose();
    this.clientModelDir = dir;
    this.client = new EngineClient({
      enginePath: path.join(this.extension.extensionPath, 'dist', 'engine.js'),
      modelDir: dir,
      cacheDir: this.extension.globalStorageUri.fsPath,
      niceness: ENGINE_NICENESS,
      featuriseWorkers: editorFeaturiseWorkers(),
      // The engine's messages (a line's parse error or missing field) in the user's language: core/l10n.ts.
      env: vscode.l10n.uri ? { [L10N_BUNDLE_ENV]: vscode.l10n.uri.fsPath } : undefined,
      onRestart: (_attempt, reason) => {
        if (this.toldRestart) return;
        this.toldRestart = true; // say it once per session, not on every crash
        void vscode.window.showWarningMessage(t('SCAR Lens: the scoring engine stopped unexpectedly ({0}) and was restarted.', reason));
      },
    });
    const client = this.client;
    client.start().then((info) => {
      if (this.client !== client) return;
      this.loaded = info;
      this.modelEmitter.fire(info);
    }, () => undefined); // a model that fails to load is reported by the requests that need it
    return this.client;
  }

  /** The model the current engine loaded (name, id, kind), once it has; undefined before or after a change. */
  get model(): ReadyInfo | undefined {
    return this.loaded;
  }

  /**
   * The scale scores are shown on: the 0-100 style score of the model folder's calibration.json, or the raw score
   * when the folder has none (or an unreadable one, which is reported once) or scar.decorations.rawScore is on.
   */
  scale(): ScoreScale {
    const dir = this.modelDir;
    const raw = this.rawScore();
    if (this.scaleOf?.dir === dir && this.scaleOf.raw === raw) return this.scaleOf.scale;
    let calibration: Calibration | undefined;
    if (this.scaleOf?.dir === dir) calibration = this.scaleOf.calibration;
    else {
      try {
        calibration = loadCalibration(dir);
      } catch (e) {
        void vscode.window.showWarningMessage(t('SCAR Lens: {0}. Scores are shown raw.', (e as Error).message));
      }
    }
    const scale = scoreScale(raw ? undefined : calibration);
    this.scaleOf = { dir, raw, calibration, scale };
    return scale;
  }

  /**
   * A threshold from scar.selection.threshold (always the 0-100 style score when the model has a calibration) as a
   * raw score, whatever scale is shown.
   */
  settingThresholdRaw(threshold: number): number {
    const cal = this.calibration();
    return cal ? rawForStyle(threshold, cal) : threshold;
  }

  /** The model folder's calibration (whatever scale is shown), undefined when it has none. */
  calibration(): Calibration | undefined {
    this.scale();
    return this.scaleOf?.calibration;
  }

  /** Drops the engine (a new one starts on the next request), e.g. when the model folder setting changes. */
  reset(): void {
    this.client?.dispose();
    this.client = undefined;
    this.loaded = undefined;
  }

  async stats(): Promise<EngineStats | undefined> {
    return this.client?.stats();
  }

  dispose(): void {
    this.reset();
    this.modelEmitter.dispose();
  }
}

