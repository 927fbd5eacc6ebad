// The dataset overview's page (bundled into dist/overviewView.js). It draws what the extension sends (bins,
// counts, cut statistics, one page of rows) and asks for more as the user drags the cut, sorts, filters or scrolls;
// it never holds the file. Every message is checked (protocol.ts) before it is drawn.
import { CUT_MODES, PROBLEM_KINDS, ROW_BANDS, SORT_COLUMNS, type CutMode, type CutStats, type Histogram, type ProblemKind, type RowBand, type SortColumn } from '../../../core/overviewTypes';
import { checkOverviewUpdate, type OverviewSummary, type OverviewUpdate, type OverviewViewState, type RowView, type TableQueryMessage } from '../protocol';
import { fmt, format, h, vscodeApi } from './dom';

const vscode = vscodeApi();
const ROW_H = 28;
const PAGE_EXTRA = 30;
const app = document.getElementById('app')!;

let S: Record<string, string> = {};
const say = (key: string, ...args: Array<string | number>): string => format(S[key] ?? key, ...args);

let file = { name: '', uri: '', large: false };
let scale = { calibrated: true, noun: 'style score', min: 0, max: 100 };
let summary: OverviewSummary | undefined;
let stats: CutStats | undefined;
let state: OverviewViewState = { uri: '', mode: 'top-percent', value: 25, sort: 'line', descending: false, bands: [], kinds: [], text: '', scrollRow: 0 };
const saved = vscode.getState() as OverviewViewState | undefined;

let cutSeq = 0, cutAnswered = 0, cutInFlight = false, cutDirty = false, cutSentAt = 0;
let pageSeq = 0;
let page: { offset: number; total: number; rows: RowView[]; seq: number } | undefined;
let focusedRow = 0;
const latencies: number[] = [];

const post = (m: unknown): void => vscode.postMessage(m);

// ---------------------------------------------------------------------------------------------------------------
// Layout (built once on init)

let els: {
  title: HTMLElement; status: HTMLElement; rowsSummary: HTMLElement; counts: HTMLElement; scoreCaption: HTMLElement;
  scoreBars: HTMLElement; cutMarker: HTMLElement; lengthBars: HTMLElement; medAll: HTMLElement; medKept: HTMLElement; lengthAxis: HTMLElement; scoreAxis: HTMLElement;
  modes: HTMLElement; track: HTMLElement; fill: HTMLElement; thumb: HTMLElement; value: HTMLInputElement; keeps: HTMLElement; share: HTMLElement; medians: HTMLElement;
  exportBtn: HTMLButtonElement; exportResult: HTMLElement; bands: HTMLElement; search: HTMLInputElement; rowsShown: HTMLElement; grid: HTMLElement;
  head: HTMLElement; viewport: HTMLElement; spacer: HTMLElement; clear: HTMLButtonElement; cancelWork: HTMLButtonElement; cleaningNote: HTMLElement;
} | undefined;

function build(): void {
  app.textContent = '';
  const title = h('h1', { id: 'title' }, file.name);
  const status = h('p', { id: 'status', role: 'status', 'aria-live': 'polite' });
  const cancelWork = h('button', { id: 'cancel-work', hidden: '' }, say('cancel')) as HTMLButtonElement;
  const rowsSummary = h('p', { id: 'rows-summary', class: 'muted' });
  const counts = h('div', { id: 'counts', role: 'group', 'aria-label': say('counts') });
  const scoreCaption = h('figcaption', {});
  const scoreBars = h('div', { class: 'bars', id: 'score-bars' });
  const cutMarker = h('div', { class: 'cut-marker', 'aria-hidden': 'true' });
  const scoreAxis = h('div', { class: 'axis' });
  const lengthBars = h('div', { class: 'bars', id: 'length-bars' });
  const medAll = h('div', { class: 'median-marker all', 'aria-hidden': 'true' });
  const medKept = h('div', { class: 'median-marker kept', 'aria-hidden': 'true' });
  const lengthAxis = h('div', { class: 'axis' });
  const modes = h('div', { role: 'radiogroup', 'aria-label': say('cut'), class: 'modes' });
  for (const m of CUT_MODES) {
    const b = h('button', { role: 'radio', 'data-mode': m, 'aria-checked': 'false', tabindex: '-1' }, say(m === 'threshold' ? 'modeThreshold' : m === 'top-k' ? 'modeTopK' : 'modeTopPercent'));
    b.addEventListener('click', () => setMode(m));
    b.addEventListener('keydown', (e) => {
      const i = CUT_MODES.indexOf(state.mode);
      if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { e.preventDefault(); setMode(CUT_MODES[(i + 1) % 3]); focusMode(); }
      if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { e.preventDefault(); setMode(CUT_MODES[(i + 2) % 3]); focusMode(); }
    });
    modes.append(b);
  }
  const fill = h('div', { class: 'fill' });
  const thumb = h('div', { class: 'thumb', role: 'slider', tabindex: '0', id: 'cut-slider', 'aria-label': say('cut'), 'aria-orientation': 'horizontal' });
  const track = h('div', { class: 'track', id: 'cut-track' }, fill, thumb);
  const value = h('input', { type: 'number', id: 'cut-value', 'aria-label': say('cut') }) as HTMLInputElement;
  const keeps = h('p', { id: 'keeps', class: 'keeps', 'aria-live': 'polite' });
  const share = h('p', { id: 'share' });
  const medians = h('p', { id: 'medians' });
  const cleaningNote = h('p', { id: 'cleaning-note', class: 'note muted' });
  const exportBtn = h('button', { id: 'export', class: 'primary' }, say('export')) as HTMLButtonElement;
  const exportResult = h('p', { id: 'export-result', role: 'status' });
  const bands = h('div', { role: 'group', 'aria-label': say('bands'), id: 'bands' });
  for (const b of ROW_BANDS) {
    const btn = h('button', { class: `chip band-${b}`, 'data-band': b, 'aria-pressed': 'false' }, say(b));
    btn.addEventListener('click', () => { toggle(state.bands, b); filtersChanged(); });
    bands.append(btn);
  }
  const search = h('input', { type: 'search', id: 'search', placeholder: say('search'), 'aria-label': say('search') }) as HTMLInputElement;
  const clear = h('button', { id: 'clear-filters' }, say('clearFilters')) as HTMLButtonElement;
  const rowsShown = h('p', { id: 'rows-shown', 'aria-live': 'polite', class: 'muted' });
  const head = h('div', { role: 'row', class: 'row head', 'aria-rowindex': '1' });
  for (const c of SORT_COLUMNS) {
    const label = say(`col${c[0].toUpperCase()}${c.slice(1)}`);
    const btn = h('button', { 'data-sort': c }, label);
    btn.addEventListener('click', () => {
      if (state.sort === c) state.descending = !state.descending; else { state.sort = c; state.descending = c === 'score' || c === 'tokens' || c === 'problems'; }
      filtersChanged();
    });
    head.append(h('div', { role: 'columnheader', class: `cell col-${c}`, 'data-col': c, 'aria-sort': 'none' }, btn));
  }
  const spacer = h('div', { class: 'spacer', role: 'rowgroup' });
  const viewport = h('div', { class: 'viewport', id: 'viewport' }, spacer);
  const grid = h('div', { role: 'grid', id: 'grid', 'aria-label': say('table', file.name), 'aria-colcount': String(SORT_COLUMNS.length) }, h('div', { role: 'rowgroup' }, head), viewport);

  app.append(
    h('header', {}, title, rowsSummary, h('div', { class: 'status-line' }, status, cancelWork)),
    h('section', { class: 'counts' }, h('h2', {}, say('counts')), counts),
    h('section', { class: 'charts' },
      h('figure', { class: 'chart' }, scoreCaption, h('div', { class: 'plot' }, scoreBars, cutMarker), scoreAxis),
      h('figure', { class: 'chart' }, h('figcaption', {}, say('lengthHistogram')), h('div', { class: 'plot' }, lengthBars, medAll, medKept), lengthAxis)),
    h('section', { class: 'cut' },
      h('div', { class: 'cut-controls' }, modes, value),
      track,
      h('div', { class: 'cut-result' }, keeps, share, medians),
      cleaningNote,
      h('div', { class: 'export' }, exportBtn, exportResult)),
    h('section', { class: 'table' }, h('div', { class: 'filters' }, bands, search, clear), rowsShown, grid),
  );
  els = { title, status, rowsSummary, counts, scoreCaption, scoreBars, cutMarker, lengthBars, medAll, medKept, lengthAxis, scoreAxis, modes, track, fill, thumb, value, keeps, share, medians, exportBtn, exportResult, bands, search, rowsShown, grid, head, viewport, spacer, clear, cancelWork, cleaningNote };

  // The slider: drag on the track, or keys on the thumb.
  const fromX = (clientX: number): number => {
    const r = track.getBoundingClientRect();
    const f = Math.max(0, Math.min(1, (clientX - r.left) / Math.max(1, r.width)));
    const [lo, hi] = range();
    return snap(lo + f * (hi - lo));
  };
  track.addEventListener('pointerdown', (e) => {
    track.setPointerCapture(e.pointerId);
    thumb.focus();
    setValue(fromX(e.clientX));
    const move = (ev: PointerEvent): void => setValue(fromX(ev.clientX));
    const up = (): void => { track.removeEventListener('pointermove', move); track.removeEventListener('pointerup', up); track.removeEventListener('pointercancel', up); };
    track.addEventListener('pointermove', move);
    track.addEventListener('pointerup', up);
    track.addEventListener('pointercancel', up);
  });
  thumb.addEventListener('keydown', (e) => {
    const [lo, hi] = range();
    const step = stepOf();
    const big = Math.max(step, (hi - lo) / 10);
    const moves: Record<string, number> = { ArrowRight: step, ArrowUp: step, ArrowLeft: -step, ArrowDown: -step, PageUp: big, PageDown: -big };
    if (e.key in moves) { e.preventDefault(); setValue(snap(state.value + moves[e.key])); }
    else if (e.key === 'Home') { e.preventDefault(); setValue(lo); }
    else if (e.key === 'End') { e.preventDefault(); setValue(hi); }
  });
  value.addEventListener('change', () => { const v = Number(value.value); if (Number.isFinite(v)) setValue(snap(v)); });
  exportBtn.addEventListener('click', () => {
    exportBtn.disabled = true;
    exportResult.textContent = say('exporting');
    post({ type: 'export', mode: state.mode, value: state.value });
  });
  let searchTimer: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(searchTimer);
    searchTimer = window.setTimeout(() => { state.text = search.value; filtersChanged(); }, 250);
  });
  // Cancel a search or a sort that is reading the file: the table goes back to what it showed before.
  cancelWork.addEventListener('click', () => {
    post({ type: 'cancel' });
    cancelWork.hidden = true;
    const back = drawnQuery;
    if (back) { state.sort = back.sort; state.descending = back.descending; state.text = back.text; search.value = back.text; filtersChanged(); }
  });
  clear.addEventListener('click', () => { state.bands = []; state.kinds = []; state.text = ''; search.value = ''; filtersChanged(); });
  viewport.addEventListener('scroll', () => { state.scrollRow = Math.floor(viewport.scrollTop / ROW_H); ensurePage(); saveState(); });
  viewport.addEventListener('keydown', onGridKey);
  search.value = state.text;
}

function focusMode(): void {
  els?.modes.querySelector<HTMLElement>(`[data-mode="${state.mode}"]`)?.focus();
}

function toggle<T>(list: T[], v: T): void {
  const i = list.indexOf(v);
  if (i >= 0) list.splice(i, 1); else list.push(v);
}

// ---------------------------------------------------------------------------------------------------------------
// The cut

function range(): [number, number] {
  if (state.mode === 'threshold') return [scale.min, scale.max];
  if (state.mode === 'top-k') return [0, Math.max(1, summary?.scored ?? 1)];
  return [0, 100];
}

function stepOf(): number {
  if (state.mode === 'threshold') return scale.calibrated ? 1 : Math.max(1e-3, (scale.max - scale.min) / 200);
  return 1;
}

function snap(v: number): number {
  const [lo, hi] = range();
  const step = stepOf();
  const s = Math.round(v / step) * step;
  return Math.max(lo, Math.min(hi, Number(s.toFixed(4))));
}

function setMode(m: CutMode): void {
  if (state.mode === m) return;
  // Keep the same lines where possible: the new mode starts at what the old one kept.
  const kept = stats?.kept ?? 0;
  const scored = summary?.scored ?? 0;
  state.mode = m;
  if (m === 'top-k') state.value = kept;
  else if (m === 'top-percent') state.value = scored ? snap((100 * kept) / scored) : 25;
  else state.value = stats && Number.isFinite(stats.boundary ?? NaN) ? snap(stats.boundary) : snap((scale.min + scale.max) / 2);
  drawCutControls();
  requestCut();
  saveState();
}

function setValue(v: number): void {
  if (v === state.value) return;
  state.value = v;
  drawCutControls();
  requestCut();
  saveState();
}

function valueText(): string {
  if (state.mode === 'threshold') return say('valueThreshold', scale.noun, fmt(state.value));
  if (state.mode === 'top-k') return say('valueTopK', fmt(state.value));
  return say('valueTopPercent', fmt(state.value));
}

function drawCutControls(): void {
  if (!els) return;
  const [lo, hi] = range();
  const f = hi > lo ? (state.value - lo) / (hi - lo) : 0;
  // threshold keeps what is right of the thumb; top-k and top-% keep more as the thumb moves right
  els.thumb.style.left = `${100 * f}%`;
  if (state.mode === 'threshold') { els.fill.style.left = `${100 * f}%`; els.fill.style.width = `${100 * (1 - f)}%`; }
  else { els.fill.style.left = '0'; els.fill.style.width = `${100 * f}%`; }
  els.thumb.setAttribute('aria-valuemin', String(lo));
  els.thumb.setAttribute('aria-valuemax', String(hi));
  els.thumb.setAttribute('aria-valuenow', String(state.value));
  els.thumb.setAttribute('aria-valuetext', valueText());
  if (document.activeElement !== els.value) els.value.value = String(state.value);
  els.value.min = String(lo); els.value.max = String(hi); els.value.step = String(stepOf());
  for (const b of els.modes.querySelectorAll<HTMLElement>('[data-mode]')) {
    const on = b.dataset.mode === state.mode;
    b.setAttribute('aria-checked', String(on));
    b.tabIndex = on ? 0 : -1;
  }
}

function requestCut(): void {
  if (!summary) return;
  if (cutInFlight) { cutDirty = true; return; }
  cutInFlight = true;
  cutDirty = false;
  cutSentAt = performance.now();
  post({ type: 'cut', seq: ++cutSeq, mode: state.mode, value: state.value });
}

function drawStats(): void {
  if (!els || !stats) return;
  const s = stats;
  els.keeps.textContent = say('keeps', fmt(s.kept));
  els.share.textContent = say(s.cleaning === 'applied' ? 'shareCleaned' : 'share', fmt(Math.round(1000 * s.share) / 10), fmt(s.scored));
  const med = (v: number | null): string => (v === null || !Number.isFinite(v) ? say('unknown') : fmt(Math.round(v)));
  els.medians.textContent = say('medians', med(s.medianTokensKept), med(s.medianTokensAll));
  // Whether "keeps N" is what the export will keep: after its cleaning, or counted before it (and why).
  els.cleaningNote.textContent = s.cleaning === 'applied' ? say('cleaningApplied', fmt(s.removed))
    : say(s.cleaning === 'pending' ? 'cleaningPending' : s.cleaning === 'separate' ? 'cleaningSeparate' : 'cleaningNone');
  if (summary) {
    const sh = summary.scores;
    const b = s.boundary;
    if (b === null || !Number.isFinite(b)) els.cutMarker.hidden = true;
    else { els.cutMarker.hidden = false; els.cutMarker.style.left = `${(100 * (b - sh.lo)) / (sh.hi - sh.lo || 1)}%`; }
    const bars = els.scoreBars.children;
    const width = (sh.hi - sh.lo) / sh.counts.length;
    for (let i = 0; i < bars.length; i++) (bars[i] as HTMLElement).classList.toggle('kept', b !== null && Number.isFinite(b) && sh.lo + (i + 1) * width > b);
    const lh = summary.lengths;
    const place = (el: HTMLElement, v: number | null): void => {
      if (v === null || !Number.isFinite(v) || !summary!.lengthsReady) { el.hidden = true; return; }
      el.hidden = false;
      el.style.left = `${Math.min(100, (100 * v) / (lh.hi || 1))}%`;
    };
    place(els.medAll, s.medianTokensAll);
    place(els.medKept, s.medianTokensKept);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Summary: counts and histograms

function drawHistogram(box: HTMLElement, axis: HTMLElement, hist: Histogram, label: (lo: number, hi: number) => string): void {
  box.textContent = '';
  const max = Math.max(1, ...hist.counts);
  const width = (hist.hi - hist.lo) / hist.counts.length;
  hist.counts.forEach((c, i) => {
    const bar = h('div', { class: 'bar', title: say('histogramBar', label(hist.lo + i * width, hist.lo + (i + 1) * width), fmt(c)) });
    bar.style.height = `${(100 * c) / max}%`;
    box.append(bar);
  });
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', hist.counts.map((c, i) => say('histogramBar', label(hist.lo + i * width, hist.lo + (i + 1) * width), fmt(c))).join('; '));
  axis.textContent = '';
  axis.append(h('span', {}, label(hist.lo, hist.lo)), h('span', {}, label(hist.hi, hist.hi) + (hist.clipped ? '+' : '')));
}

function drawSummary(): void {
  if (!els || !summary) return;
  const s = summary;
  els.rowsSummary.textContent = say('rowsSummary', fmt(s.rows), fmt(s.scored), fmt(s.blank));
  els.counts.textContent = '';
  for (const k of PROBLEM_KINDS) {
    const on = state.kinds.includes(k);
    const b = h('button', { class: `chip kind-${k}`, 'data-kind': k, 'aria-pressed': String(on) }, `${say(k)} `, h('span', { class: 'count' }, fmt(s.counts[k])));
    b.addEventListener('click', () => { toggle(state.kinds, k); filtersChanged(); });
    els.counts.append(b);
  }
  els.scoreCaption.textContent = say('scoreHistogram', scale.noun);
  const r = (v: number): string => (scale.calibrated ? String(Math.round(v)) : v.toFixed(2));
  drawHistogram(els.scoreBars, els.scoreAxis, s.scores, (a, b) => (a === b ? r(a) : `${r(a)}–${r(b)}`));
  drawHistogram(els.lengthBars, els.lengthAxis, s.lengths, (a, b) => (a === b ? fmt(Math.round(a)) : `${fmt(Math.round(a))}–${fmt(Math.round(b))}`));
  els.lengthBars.classList.toggle('pending', !s.lengthsReady);
  for (const b of els.bands.querySelectorAll<HTMLElement>('[data-band]')) {
    const band = b.dataset.band as RowBand;
    b.setAttribute('aria-pressed', String(state.bands.includes(band)));
    b.textContent = `${say(band)} `;
    b.append(h('span', { class: 'count' }, fmt(s.bands[band])));
  }
  const notes: string[] = [];
  if (!s.scoring.complete) notes.push(say('scoring', s.scoring.percent));
  if (!s.lengthsReady) notes.push(say('lengths'));
  if (notes.length) els.status.textContent = notes.join(' ');
  drawCutControls();
}

// ---------------------------------------------------------------------------------------------------------------
// The table: virtualised (only the rows in view, and a margin, exist; pages come from the extension)

function filtersChanged(): void {
  if (!els) return;
  for (const th of els.head.querySelectorAll<HTMLElement>('[data-col]')) {
    th.setAttribute('aria-sort', th.dataset.col === state.sort ? (state.descending ? 'descending' : 'ascending') : 'none');
  }
  for (const b of els.counts.querySelectorAll<HTMLElement>('[data-kind]')) b.setAttribute('aria-pressed', String(state.kinds.includes(b.dataset.kind as ProblemKind)));
  for (const b of els.bands.querySelectorAll<HTMLElement>('[data-band]')) b.setAttribute('aria-pressed', String(state.bands.includes(b.dataset.band as RowBand)));
  page = undefined;
  state.scrollRow = 0;
  els.viewport.scrollTop = 0;
  focusedRow = 0;
  requestPage(0);
  saveState();
}

function visibleRows(): number {
  return Math.max(10, Math.ceil((els?.viewport.clientHeight || 400) / ROW_H));
}

/** The query of the latest page asked for, and of the page drawn now (a cancelled search or sort goes back to it). */
let sentQuery: TableQueryMessage | undefined;
let drawnQuery: TableQueryMessage | undefined;

function requestPage(offset: number): void {
  const limit = visibleRows() + 2 * PAGE_EXTRA;
  sentQuery = { sort: state.sort, descending: state.descending, bands: [...state.bands], kinds: [...state.kinds], text: state.text, offset: Math.max(0, offset), limit };
  post({ type: 'page', seq: ++pageSeq, query: sentQuery });
}

function ensurePage(): void {
  const first = Math.floor((els?.viewport.scrollTop ?? 0) / ROW_H);
  const need = visibleRows();
  if (page && first >= page.offset && first + need <= page.offset + page.rows.length) { drawRows(); return; }
  if (page && page.offset + page.rows.length >= page.total && first >= page.offset) { drawRows(); return; }
  requestPage(first - PAGE_EXTRA);
}

function drawRows(): void {
  if (!els || !page) return;
  const { spacer } = els;
  spacer.style.height = `${page.total * ROW_H}px`;
  els.grid.setAttribute('aria-rowcount', String(page.total + 1));
  els.rowsShown.textContent = page.total === 0 ? say('noRows') : say('rowsShown', fmt(page.total), fmt(summary?.rows ?? page.total));
  spacer.textContent = '';
  page.rows.forEach((r, k) => {
    const at = page!.offset + k;
    const row = h('div', { role: 'row', class: `row band-${r.band}`, 'aria-rowindex': String(at + 2), tabindex: at === focusedRow ? '0' : '-1', 'data-line': String(r.line), 'data-at': String(at) },
      h('div', { role: 'gridcell', class: 'cell col-line' }, String(r.line)),
      h('div', { role: 'gridcell', class: 'cell col-score' }, r.score || say('unknown')),
      h('div', { role: 'gridcell', class: 'cell col-tokens' }, r.tokens >= 0 ? fmt(r.tokens) : say('unknown')),
      h('div', { role: 'gridcell', class: 'cell col-instruction', title: r.instruction }, r.instruction),
      h('div', { role: 'gridcell', class: 'cell col-response', title: r.response }, r.response),
      h('div', { role: 'gridcell', class: 'cell col-problems' }, r.problems.map((p) => say(p)).join(', ')));
    row.style.top = `${at * ROW_H}px`;
    row.addEventListener('click', () => { focusedRow = at; post({ type: 'reveal', line: r.line }); });
    spacer.append(row);
  });
}

function onGridKey(e: KeyboardEvent): void {
  if (!page || !els) return;
  const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: visibleRows(), PageUp: -visibleRows() };
  let next = focusedRow;
  if (e.key in moves) next = focusedRow + moves[e.key];
  else if (e.key === 'Home') next = 0;
  else if (e.key === 'End') next = page.total - 1;
  else if (e.key === 'Enter' || e.key === ' ') {
    const row = els.spacer.querySelector<HTMLElement>(`[data-at="${focusedRow}"]`);
    if (row) { e.preventDefault(); post({ type: 'reveal', line: Number(row.dataset.line) }); }
    return;
  } else return;
  e.preventDefault();
  focusedRow = Math.max(0, Math.min(page.total - 1, next));
  const top = focusedRow * ROW_H;
  const vp = els.viewport;
  if (top < vp.scrollTop) vp.scrollTop = top;
  else if (top + ROW_H > vp.scrollTop + vp.clientHeight) vp.scrollTop = top + ROW_H - vp.clientHeight;
  ensurePage();
  els.spacer.querySelector<HTMLElement>(`[data-at="${focusedRow}"]`)?.focus();
}

// ---------------------------------------------------------------------------------------------------------------
// State and messages

let saveTimer: number | undefined;
function saveState(): void {
  vscode.setState(state);
  window.clearTimeout(saveTimer);
  saveTimer = window.setTimeout(() => post({ type: 'state', state }), 150);
}

function onMessage(m: OverviewUpdate): void {
  switch (m.type) {
    case 'init': {
      const first = !els;
      S = m.strings;
      file = m.file;
      scale = m.scale;
      if (first) {
        const restored = (m.state && m.state.uri === file.uri ? m.state : undefined) ?? (saved && saved.uri === file.uri ? saved : undefined);
        if (restored) state = { ...restored, bands: [...restored.bands], kinds: [...restored.kinds] };
        state.uri = file.uri;
        build();
        app.removeAttribute('aria-busy');
        saveState();
      }
      drawCutControls();
      return;
    }
    case 'summary': {
      const first = !summary;
      summary = m.summary;
      if (state.mode === 'top-k' && state.value > summary.scored && summary.scoring.complete) state.value = summary.scored;
      drawSummary();
      requestCut();
      if (first && els) {
        filtersChanged();
        els.viewport.scrollTop = 0;
      } else if (page) requestPage(page.offset);
      return;
    }
    case 'cutStats':
      cutInFlight = false;
      if (m.seq >= cutAnswered) {
        cutAnswered = m.seq;
        latencies.push(performance.now() - cutSentAt);
        document.body.dataset.cutLatencyMs = latencies.slice(-20).map((x) => x.toFixed(1)).join(',');
        stats = m.stats;
        drawStats();
      }
      if (cutDirty) requestCut();
      return;
    case 'page':
      if (m.seq !== pageSeq) return; // an older answer
      drawnQuery = sentQuery;
      page = { offset: m.offset, total: m.total, rows: m.rows, seq: m.seq };
      drawRows();
      return;
    case 'status':
      if (els) { els.status.textContent = m.text; els.cancelWork.hidden = !m.cancellable; }
      document.body.classList.toggle('busy', m.busy);
      return;
    case 'exported':
      if (els) { els.exportBtn.disabled = false; els.exportResult.textContent = m.message; els.exportResult.classList.toggle('error', !m.ok); }
      return;
  }
}

window.addEventListener('message', (e: MessageEvent) => {
  const checked = checkOverviewUpdate(e.data);
  if (!checked.ok) {
    console.error(`SCAR overview: ignored a message: ${checked.error}`);
    return;
  }
  onMessage(checked.message);
});

post({ type: 'ready' });
