// The probe: everything tests and benchmarks read of the running extension, as one typed object, and the
// instrumentation behind it. activate() returns the probe (ScarProbe); integration tests reach it through
// test/util/scarExtension.ts scarApi(), and `npm run bench -- editor-scoring` reads its timings. Production code
// records into the instrumentation here (TaskTimings, the host thread's CPU time) and never reads the probe back.
import { performance } from 'perf_hooks';
import type { ScarLensApi } from './testApi';
import type { ScoringApi } from './scoring/scoringService';
import type { ScoreViewApi } from './surfaces/scoreView';
import type { ViewsApi } from './views/registerViews';
import type { CleaningServiceApi } from './hygiene/cleaningHost';

/**
 * The extension's probe: the analysis and status bar (testApi.ts), scoring (scoring/scoringService.ts), the score view
 * (surfaces/scoreView.ts), the record view and overview panels (views/registerViews.ts) and the cleaning service's
 * counters (cleaningHost.ts).
 */
export interface ScarProbe extends ScarLensApi, ScoringApi, ScoreViewApi, CleaningServiceApi {
  readonly views: ViewsApi;
}

/** Puts the features' parts of the probe together. */
export function scarProbe(analysis: ScarLensApi, scoring: ScoringApi, view: ScoreViewApi, views: ViewsApi, cleaning: CleaningServiceApi): ScarProbe {
  return { ...analysis, ...scoring, ...view, views, ...cleaning };
}

// --- CPU time of the extension host's own thread, for telling SCAR's stalls from a busy machine's.
// process.cpuUsage() counts the whole process, including V8's helper threads, so a slice measured with it can look long while the host thread did little; process.threadCpuUsage()
// (Node 23.9 and later, as in current VS Code) counts only the calling thread.

type Usage = () => { user: number; system: number };
const threadUsage = (process as { threadCpuUsage?: Usage }).threadCpuUsage;

/** CPU milliseconds of this thread so far, or undefined where Node cannot tell (before 23.9). */
export function threadCpuMs(): number | undefined {
  if (typeof threadUsage !== 'function') return undefined;
  const u = threadUsage.call(process);
  return (u.user + u.system) / 1000;
}

/** CPU milliseconds of this thread where Node can tell, else of the whole process (an over-estimate). */
export function hostCpuMs(): number {
  const t = threadCpuMs();
  if (t !== undefined) return t;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// --- The longest synchronous pieces of work of the score view (a batch read, results stored, badges or ruler
// drawn), in wall time and in the host thread's CPU time.

export interface LongestTask {
  name: string;
  wallMs: number;
  cpuMs: number;
}

export class TaskTimings {
  private longestWall: LongestTask = { name: '', wallMs: 0, cpuMs: 0 };
  private longestCpu: LongestTask = { name: '', wallMs: 0, cpuMs: 0 };
  tasks = 0;

  /** Runs `fn`, keeping its timing if it is the longest so far. */
  run<T>(name: string, fn: () => T): T {
    const cpu0 = hostCpuMs();
    const t0 = performance.now();
    try {
      return fn();
    } finally {
      const wallMs = performance.now() - t0;
      const cpuMs = hostCpuMs() - cpu0;
      this.tasks++;
      if (wallMs > this.longestWall.wallMs) this.longestWall = { name, wallMs, cpuMs };
      if (cpuMs > this.longestCpu.cpuMs) this.longestCpu = { name, wallMs, cpuMs };
    }
  }

  /** The longest task by wall time and by CPU time since the last reset. */
  snapshot(): { byWall: LongestTask; byCpu: LongestTask; tasks: number } {
    return { byWall: { ...this.longestWall }, byCpu: { ...this.longestCpu }, tasks: this.tasks };
  }

  reset(): void {
    this.longestWall = { name: '', wallMs: 0, cpuMs: 0 };
    this.longestCpu = { name: '', wallMs: 0, cpuMs: 0 };
    this.tasks = 0;
  }
}
