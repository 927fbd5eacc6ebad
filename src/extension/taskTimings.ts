// The longest synchronous pieces of work of the score view (a batch read, results stored, badges or ruler drawn),
// in wall time and in the host thread's CPU time, so the benchmark can tell SCAR's own stalls from a busy machine's.
// Pure (no vscode import).
import { performance } from 'perf_hooks';
import { hostCpuMs } from './cpuTime';

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
