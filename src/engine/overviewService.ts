// The overview service: a child process (dist/overview.js) per dataset overview of a file on disk. It streams the
// file (files/fileOverview.ts), keeps its per-line columns (about 60 bytes a line) and answers the panel's queries:
// the extension host keeps only the latest summary (bins and counts) and the page on screen, so its memory does not
// grow with the file. Scores come through the extension's engine: the service relays its start and score requests
// over the same channel (overviewProtocol.ts), so the model is loaded once. Translation: the host's bundle arrives in
// `init` (core/l10n.ts). It exits when the extension disconnects (the panel closed, the window reloaded).
import { rawForStyle, styleScore } from '../core/calibration';
import { bundleTranslator, setTranslator } from '../core/l10n';
import type { ScoreMap } from '../core/overviewModel';
import type { PairScore } from '../core/types';
import { FileOverview } from '../files/fileOverview';
import type { PairScorer } from '../files/scoreStream';
import { CancelledError } from './client';
import { checkServiceRequest, type OverviewInit, type OverviewQuery, type OverviewServiceMessage, type OverviewServiceRequest } from './overviewProtocol';
import type { PairText, ReadyInfo } from './protocol';

function send(message: OverviewServiceMessage): void {
  if (process.connected) process.send!(message);
}

/** Requests relayed to the extension's engine, by id. */
const relayed = new Map<number, { resolve: (v: { ready?: ReadyInfo; scores?: PairScore[] }) => void; reject: (e: Error) => void }>();
let nextRelay = 1;

function relay(op: 'start' | 'score', pairs: PairText[] | undefined, signal?: AbortSignal): Promise<{ ready?: ReadyInfo; scores?: PairScore[] }> {
  if (signal?.aborted) return Promise.reject(new CancelledError());
  const id = nextRelay++;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      relayed.delete(id);
      send({ type: 'engine', id, op: 'cancel' });
      reject(new CancelledError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    relayed.set(id, {
      resolve: (v) => { signal?.removeEventListener('abort', onAbort); resolve(v); },
      reject: (e) => { signal?.removeEventListener('abort', onAbort); reject(e); },
    });
    send(op === 'start' ? { type: 'engine', id, op } : { type: 'engine', id, op, pairs: pairs! });
  });
}

const scorer: PairScorer = {
  start: async () => (await relay('start', undefined)).ready!,
  score: async (pairs, options = {}) => (await relay('score', [...pairs], options.signal)).scores!,
};

function scaleOf(init: OverviewInit): ScoreMap {
  const cal = init.calibration;
  if (!cal) return { calibrated: false, shown: (raw) => raw, raw: (shown) => shown };
  return { calibrated: true, shown: (raw) => styleScore(raw, cal), raw: (shown) => rawForStyle(shown, cal) };
}

let overview: FileOverview | undefined;

function changed(): void {
  if (!overview) return;
  const summary = overview.summary();
  send({ type: 'changed', activity: overview.activity, ...(summary ? { summary } : {}) });
}

async function answer(q: OverviewQuery): Promise<unknown> {
  const o = overview;
  if (!o) throw new Error('the overview service has no file yet');
  switch (q.kind) {
    case 'cut': return o.cutStats(q.cut);
    case 'page': return o.page(q.query);
    case 'record': return o.record(q.row);
    case 'rowOfLine': return o.rowOfLine(q.index);
    case 'step': return o.step(q.row, q.direction, q.lowOnly);
  }
}

function onRequest(raw: unknown): void {
  const checked = checkServiceRequest(raw);
  if (!checked.ok) {
    const id = (raw as { id?: unknown })?.id;
    if (typeof id === 'number') send({ type: 'reply', id, ok: false, message: `bad request: ${checked.error}` });
    return;
  }
  const m: OverviewServiceRequest = checked.message;
  switch (m.type) {
    case 'init': {
      if (overview) return;
      if (m.init.l10n) setTranslator(bundleTranslator(m.init.l10n));
      overview = new FileOverview(m.init.file, { adapter: m.init.adapter, cleaning: m.init.cleaning, scale: scaleOf(m.init), cuts: m.init.cuts }, scorer, changed);
      void overview.run().catch(() => undefined); // the activity says why, in the 'changed' it sent
      return;
    }
    case 'query':
      answer(m.query).then(
        (answer) => send({ type: 'reply', id: m.id, ok: true, answer }),
        (e) => send({ type: 'reply', id: m.id, ok: false, message: (e as Error)?.message ?? String(e) }),
      );
      return;
    case 'cancelWork':
      overview?.cancelWork();
      return;
    case 'engineReply': {
      const p = relayed.get(m.id);
      if (!p) return;
      relayed.delete(m.id);
      if (m.ok) p.resolve({ ready: m.ready, scores: m.scores });
      else p.reject(m.cancelled ? new CancelledError() : new Error(m.message));
      return;
    }
  }
}

process.on('message', onRequest);
process.on('disconnect', () => {
  overview?.dispose();
  process.exit(0);
});
