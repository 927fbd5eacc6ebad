// What a view posted to its webview, kept as the webview receives it (a JSON copy): the latest ones for tests and
// for restoring a view, and, while a request is handled, every message it caused (the replies a test reads back).
export class PostedMessages<T> {
  /** The latest messages, oldest first (at most `keep`). */
  readonly posted: T[] = [];
  private readonly collectors = new Set<T[]>();

  constructor(private readonly keep: number) {}

  /** Records a message about to be posted; returns its wire copy. */
  record(m: T): T {
    const wire = JSON.parse(JSON.stringify(m)) as T;
    this.posted.push(wire);
    if (this.posted.length > this.keep) this.posted.splice(0, this.posted.length - this.keep);
    for (const c of this.collectors) c.push(wire);
    return wire;
  }

  /** Runs `act` and returns every message recorded meanwhile. */
  async collect(act: () => Promise<void>): Promise<T[]> {
    const replies: T[] = [];
    this.collectors.add(replies);
    try {
      await act();
    } finally {
      this.collectors.delete(replies);
    }
    return replies;
  }
}
