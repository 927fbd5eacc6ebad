// Writing to stdout/stderr from the CLI: backpressure-aware, and quiet when the reader goes away
// (`scar inspect big.jsonl | head` closes the pipe early: that is not an error, the command just stops).

export interface Writer {
  /** Writes text; a no-op once the other end has closed. */
  write(text: string): void;
  /** Resolves when the stream's buffer has drained (await it in loops that write a lot). */
  drain(): Promise<void>;
  /** True once the reader has gone away (EPIPE): long-running commands should stop producing output. */
  readonly closed: boolean;
}

/** Wraps a writable stream (process.stdout, process.stderr) so that EPIPE ends output quietly. */
export function createWriter(stream: NodeJS.WritableStream): Writer {
  let closed = false;
  let full = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw e;
  });
  return {
    write(text: string): void {
      if (closed || text.length === 0) return;
      if (!stream.write(text)) full = true;
    },
    drain(): Promise<void> {
      if (closed || !full) return Promise.resolve();
      return new Promise((resolve) => {
        const done = (): void => { full = false; stream.removeListener('drain', done); stream.removeListener('error', done); resolve(); };
        stream.once('drain', done);
        stream.once('error', done);
      });
    },
    get closed(): boolean {
      return closed;
    },
  };
}

/** A writer that collects text in memory (for tests of command functions). */
export function memoryWriter(): Writer & { text(): string } {
  const parts: string[] = [];
  return {
    write: (t: string) => { parts.push(t); },
    drain: () => Promise.resolve(),
    closed: false,
    text: () => parts.join(''),
  };
}
