// One piece of background work at a time, for a view that reads a whole file on demand (the overview's search and
// its full-text sort): asking for other work cancels the running one, asking for the same work joins it, and
// cancel() stops it. A job gets an AbortSignal and stops by throwing when it is aborted. Pure.

/** True for the error a cancelled job ends with (an aborted signal's reason, or a CancelledError of the engine). */
export function isCancellation(e: unknown): boolean {
  const name = (e as { name?: unknown } | undefined)?.name;
  return name === 'AbortError' || name === 'CancelledError';
}

export class SingleJob {
  private running: { key: string; abort: AbortController; done: Promise<unknown> } | undefined;

  /** Called when a job starts, ends or is cancelled. */
  constructor(private readonly onChange: (running: string | undefined) => void = () => undefined) {}

  /** The key of the running job, if any. */
  get key(): string | undefined {
    return this.running?.key;
  }

  run<T>(key: string, job: (signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.running?.key === key) return this.running.done as Promise<T>;
    this.cancel();
    const abort = new AbortController();
    const done = (async () => job(abort.signal))().finally(() => {
      if (this.running?.abort !== abort) return;
      this.running = undefined;
      this.onChange(undefined);
    });
    this.running = { key, abort, done };
    this.onChange(key);
    return done;
  }

  cancel(): void {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    r.abort.abort();
    this.onChange(undefined);
  }
}
