// The extension's side of the overview service (overviewService.ts, dist/overview.js): one process per overview of a
// file on disk. It starts the service, relays the service's engine requests to the caller's engine, checks every
// message that comes back (overviewProtocol.ts), and keeps the latest activity and summary, so a panel can draw them
// at once. A service that dies fails its pending queries and reports the reason as its activity; the panel shows it.
// No vscode import: unit tests drive it against the real service.
import { fork, type ChildProcess } from 'child_process';
import type { OverviewSummary } from '../core/overviewTypes';
import type { FileOverviewActivity } from '../files/fileOverview';
import type { PairScorer } from '../files/scoreStream';
import { CancelledError, childEnvironment } from './client';
import { checkServiceMessage, type OverviewAnswers, type OverviewInit, type OverviewQuery, type OverviewServiceMessage, type OverviewServiceRequest } from './overviewProtocol';

export interface OverviewClientOptions {
  /** Path of dist/overview.js. */
  servicePath: string;
  init: OverviewInit;
  /** The engine the service scores through (the extension's). */
  engine: PairScorer;
  /** Called when the activity or the summary changed. */
  onChange: () => void;
  env?: NodeJS.ProcessEnv;
}

export class OverviewClient {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly relays = new Map<number, AbortController>();
  private nextId = 1;
  private stderr: string[] = [];
  private closed = false;
  activity: FileOverviewActivity = { kind: 'reading', lines: 0 };
  summary: OverviewSummary | undefined;

  constructor(private readonly options: OverviewClientOptions) {
    this.child = fork(options.servicePath, [], {
      execArgv: [],
      // A fixed mmap threshold (glibc), unless the caller set one: the large column arrays of a pass go back to the
      // system when freed, so the service's resident memory follows what it holds rather than its peak.
      env: childEnvironment({ ...process.env, ...options.env }, { MALLOC_MMAP_THRESHOLD_: '131072' }),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (text: string) => { this.stderr.push(text); if (this.stderr.length > 20) this.stderr.shift(); });
    this.child.on('message', (m: unknown) => this.onMessage(m));
    this.child.on('error', (e) => this.lost(`cannot start '${options.servicePath}': ${e.message}`));
    this.child.on('close', (code, signal) => this.lost(signal ? `killed by ${signal}` : `exit code ${code}`));
    this.send({ type: 'init', init: options.init });
  }

  /** The service's process id (tests measure its memory). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  private send(m: OverviewServiceRequest): void {
    if (!this.closed && this.child.connected) this.child.send(m, (e) => { if (e) this.lost(e.message); });
  }

  query<K extends OverviewQuery['kind']>(query: Extract<OverviewQuery, { kind: K }>): Promise<OverviewAnswers[K]> {
    if (this.closed) return Promise.reject(new Error(this.activity.kind === 'failed' ? this.activity.message : 'the overview service has stopped'));
    const id = this.nextId++;
    return new Promise<OverviewAnswers[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ type: 'query', id, query });
    });
  }

  /** Cancels the service's running search or full-text sort. */
  cancelWork(): void {
    this.send({ type: 'cancelWork' });
  }

  private onMessage(raw: unknown): void {
    const checked = checkServiceMessage(raw);
    if (!checked.ok) {
      this.lost(`it sent a message it should not (${checked.error})`);
      return;
    }
    const m: OverviewServiceMessage = checked.message;
    switch (m.type) {
      case 'changed':
        this.activity = m.activity;
        if (m.summary) this.summary = m.summary;
        this.options.onChange();
        return;
      case 'reply': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.answer);
        else p.reject(new Error(m.message));
        return;
      }
      case 'engine':
        if (m.op === 'cancel') { this.relays.get(m.id)?.abort(); this.relays.delete(m.id); return; }
        void this.relay(m);
        return;
    }
  }

  private async relay(m: Extract<OverviewServiceMessage, { type: 'engine' }>): Promise<void> {
    const abort = new AbortController();
    this.relays.set(m.id, abort);
    try {
      if (m.op === 'start') this.send({ type: 'engineReply', id: m.id, ok: true, ready: await this.options.engine.start() });
      else if (m.op === 'score') this.send({ type: 'engineReply', id: m.id, ok: true, scores: await this.options.engine.score(m.pairs, { signal: abort.signal, persistentCache: true }) });
    } catch (e) {
      this.send({ type: 'engineReply', id: m.id, ok: false, message: (e as Error)?.message ?? String(e), cancelled: e instanceof CancelledError });
    } finally {
      this.relays.delete(m.id);
    }
  }

  private lost(why: string): void {
    if (this.closed) return;
    this.closed = true;
    const lines = this.stderr.join('').split('\n').map((l) => l.trim()).filter(Boolean);
    const said = lines.filter((l) => /^[\w.$]*(Error|Exception)\b[^:]*:/.test(l)).pop() ?? lines.slice(-2).join(' | ');
    const message = `the overview service stopped unexpectedly (${why}${said ? `: ${said}` : ''})`;
    this.activity = { kind: 'failed', message };
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
    for (const a of this.relays.values()) a.abort();
    this.relays.clear();
    this.options.onChange();
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new CancelledError());
    this.pending.clear();
    for (const a of this.relays.values()) a.abort();
    this.child.removeAllListeners('close');
    this.child.on('error', () => undefined);
    if (this.child.connected) this.child.disconnect();
    this.child.kill('SIGKILL');
  }
}
