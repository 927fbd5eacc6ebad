// The record view's page (bundled into dist/recordView.js): one line in full, drawn from the checked 'record'
// message. Markdown becomes elements through core/record's blocks and textContent only; a toggle shows the raw
// text, or the JSON line as written.
import { markdownBlocks, type Block, type Inline, type RecordTurn } from '../../../core/record';
import { checkRecordUpdate, type RecordPayload, type RecordUpdate } from '../protocol';
import { fmt, format, h, vscodeApi } from './dom';

const vscode = vscodeApi();
const app = document.getElementById('app')!;
let S: Record<string, string> = {};
const say = (key: string, ...args: Array<string | number>): string => format(S[key] ?? key, ...args);
type Mode = 'rendered' | 'raw' | 'json';
const saved = (vscode.getState() ?? {}) as { uri?: string; line?: number; mode?: Mode; lowOnly?: boolean };
let mode: Mode = saved.mode === 'raw' || saved.mode === 'json' ? saved.mode : 'rendered';
let lowOnly = saved.lowOnly === true;
let current: RecordPayload | undefined;

const post = (m: unknown): void => vscode.postMessage(m);

function inline(spans: Inline[]): Node[] {
  return spans.map((s) => (s.kind === 'text' ? document.createTextNode(s.text) : h(s.kind === 'code' ? 'code' : s.kind === 'strong' ? 'strong' : 'em', {}, s.text)));
}

function blockEl(b: Block): HTMLElement {
  switch (b.kind) {
    case 'code': return h('pre', { class: 'code', 'data-lang': b.lang || undefined }, h('code', {}, b.text));
    case 'heading': return h(`h${Math.min(6, b.level + 2)}` as 'h3', { class: 'md-heading' }, ...inline(b.inline));
    case 'paragraph': return h('p', {}, ...inline(b.inline));
    case 'quote': return h('blockquote', {}, ...inline(b.inline));
    case 'list': return h(b.ordered ? 'ol' : 'ul', {}, ...b.items.map((it) => h('li', {}, ...inline(it))));
    case 'rule': return h('hr', {});
  }
}

function turnEl(turn: RecordTurn): HTMLElement {
  const body = h('div', { class: 'body' });
  if (mode === 'rendered') for (const b of markdownBlocks(turn.text)) body.append(blockEl(b));
  else body.append(h('pre', { class: 'raw' }, turn.text));
  const label = turn.role === 'system' ? say('system') : turn.label;
  const mark = turn.scored === 'response' ? say('scoredResponse') : turn.scored === 'instruction' ? say('scoredInstruction') : undefined;
  const ex = turn.exchanges && turn.exchanges.length ? turn.exchanges.map((e) => say('exchange', e + 1)).join(', ') : '';
  return h('article', { class: `turn role-${turn.role}${turn.scored ? ` scored-${turn.scored}` : ''}`, 'aria-label': label },
    h('header', {}, h('span', { class: 'who' }, label), mark ? h('span', { class: 'mark' }, `★ ${mark}${ex ? ` · ${ex}` : ''}`) : undefined,
      h('span', { class: 'path muted' }, turn.path), h('span', { class: 'len muted' }, say('chars', fmt(turn.text.length)))),
    body);
}

function lineLink(line: number, text: string): HTMLElement {
  const a = h('button', { class: 'link', title: say('goLine', line) }, text);
  a.addEventListener('click', () => post({ type: 'reveal', line }));
  return a;
}

function scoreEl(r: RecordPayload): HTMLElement {
  if (!r.score) return h('section', { class: 'score none' }, h('p', {}, r.scoring === 'pending' ? say('pending') : r.problem ? say('noPair', r.problem) : r.blank ? say('blank') : say('unscored')));
  const s = r.score;
  const big = h('div', { class: `big band-${s.band}` }, h('span', { class: 'value' }, s.text), s.calibrated ? h('span', { class: 'outof' }, '/ 100') : undefined);
  const facts = h('p', { class: 'facts' }, `${s.noun} · ${say('band', say(s.band))} · ${say('rank', fmt(s.rank), fmt(s.of))} · ${say('percentile', Math.round(s.percentile))}${s.calibrated ? ` · ${say('rawScore', s.raw.toFixed(2))}` : ''}`);
  const parts = s.composition !== null && s.presentation !== null && Number.isFinite(s.composition) && Number.isFinite(s.presentation);
  let table: HTMLElement;
  if (parts) {
    const row = (name: string, v: number, med: number | null): HTMLElement => {
      const d = med === null || !Number.isFinite(med) ? NaN : v - med;
      return h('tr', {}, h('th', { scope: 'row' }, name), h('td', {}, v.toFixed(2)), h('td', {}, med === null || !Number.isFinite(med) ? '—' : med.toFixed(2)),
        h('td', { class: Number.isNaN(d) ? '' : d >= 0 ? 'up' : 'down' }, Number.isNaN(d) ? '—' : `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(2)}`));
    };
    table = h('table', { class: 'components' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, say('component')), h('th', { scope: 'col' }, say('thisLine')), h('th', { scope: 'col' }, say('fileMedian')), h('th', { scope: 'col' }, say('difference')))),
      h('tbody', {}, row(say('composition'), s.composition, s.medians.composition), row(say('presentation'), s.presentation, s.medians.presentation)));
  } else table = h('p', { class: 'muted' }, say('noComponents'));
  return h('section', { class: 'score' }, big, facts, table);
}

function problemsEl(r: RecordPayload): HTMLElement {
  const sec = h('section', { class: 'problems' }, h('h2', {}, say('problems')));
  if (r.findings.length === 0 && r.clusters.length === 0 && !r.problem) { sec.append(h('p', { class: 'muted' }, say('noProblems'))); return sec; }
  const list = h('ul', {});
  if (r.problem) list.append(h('li', {}, say('noPair', r.problem)));
  for (const f of r.findings) list.append(h('li', { class: `finding kind-${f.kind}` }, f.message, f.otherLine ? ' ' : undefined, f.otherLine ? lineLink(f.otherLine, say('goLine', f.otherLine)) : undefined));
  sec.append(list);
  for (const c of r.clusters) {
    const items = c.lines.map((l, i) => {
      const text = l === c.kept ? say('kept', l) : c.kind === 'near' ? say('similar', l, (c.similarity[i] ?? 0).toFixed(2)) : String(l);
      return l === r.line ? h('strong', {}, text) : lineLink(l, text);
    });
    const p = h('p', { class: 'cluster' }, `${c.kind === 'exact' ? say('exactGroup', c.size) : say('nearCluster', c.size)}: `);
    items.forEach((it, i) => { if (i) p.append(', '); p.append(it); });
    if (c.size > c.lines.length) p.append(' …');
    sec.append(p);
  }
  return sec;
}

function navEl(): HTMLElement {
  const prev = h('button', { id: 'prev', title: 'k' }, `↑ ${say('previous')}`);
  const next = h('button', { id: 'next', title: 'j' }, `↓ ${say('next')}`);
  const low = h('input', { type: 'checkbox', id: 'low-only' }) as HTMLInputElement;
  low.checked = lowOnly;
  low.addEventListener('change', () => { lowOnly = low.checked; save(); });
  prev.addEventListener('click', () => post({ type: 'navigate', direction: -1, lowOnly }));
  next.addEventListener('click', () => post({ type: 'navigate', direction: 1, lowOnly }));
  const modes = h('div', { role: 'radiogroup', 'aria-label': say('viewMode'), class: 'modes' });
  for (const m of ['rendered', 'raw', 'json'] as const) {
    const b = h('button', { role: 'radio', 'aria-checked': String(m === mode), tabindex: m === mode ? '0' : '-1', 'data-mode': m }, say(m));
    b.addEventListener('click', () => { mode = m; save(); draw(); document.querySelector<HTMLElement>(`[data-mode="${m}"]`)?.focus(); });
    modes.append(b);
  }
  return h('nav', { 'aria-label': say('navigation') }, prev, next, h('label', {}, low, ` ${say('lowOnly')}`), modes);
}

function save(): void {
  vscode.setState({ uri: current?.uri, line: current?.line, mode, lowOnly });
}

function draw(): void {
  app.textContent = '';
  app.removeAttribute('aria-busy');
  const r = current;
  if (!r) return;
  const turns = h('section', { class: 'turns', id: 'turns' });
  if (mode === 'json') turns.append(h('pre', { class: 'raw json' }, r.raw));
  else for (const t of r.turns) turns.append(turnEl(t));
  app.append(
    h('header', {}, h('h1', {}, `${r.file} · ${say('line', fmt(r.line), fmt(r.lineCount))}`), navEl()),
    scoreEl(r),
    turns,
    problemsEl(r),
  );
  document.body.dataset.line = String(r.line);
  document.body.dataset.version = String(r.version);
}

function onMessage(m: RecordUpdate): void {
  switch (m.type) {
    case 'init': S = m.strings; return;
    case 'record': current = m.record; save(); draw(); return;
    case 'stale':
      // Never show a record for text the line no longer has.
      current = undefined;
      app.textContent = '';
      app.setAttribute('aria-busy', 'true');
      app.append(h('p', { class: 'muted', role: 'status' }, say('stale')));
      delete document.body.dataset.line;
      return;
    case 'empty':
      current = undefined;
      app.textContent = '';
      app.removeAttribute('aria-busy');
      app.append(h('p', { class: 'muted', role: 'status' }, m.text));
      delete document.body.dataset.line;
      return;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const checked = checkRecordUpdate(e.data);
  if (!checked.ok) { console.error(`SCAR record view: ignored a message: ${checked.error}`); return; }
  onMessage(checked.message);
});

document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA')) return;
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  if (e.key === 'j' || e.key === 'k') post({ type: 'navigate', direction: e.key === 'j' ? 1 : -1, lowOnly });
  else if (e.key === 'J' || e.key === 'K') post({ type: 'navigate', direction: e.key === 'J' ? 1 : -1, lowOnly: true });
});

post({ type: 'ready' });
