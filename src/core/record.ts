// What the record view (src/extension/views/recordView.ts) shows of one line: its conversation turns, with the
// turns that were scored marked, and its Markdown as plain blocks (paragraphs, headings, lists, quotes, code) that the
// webview turns into elements with textContent only, so no text of a dataset can ever become HTML or script.
// Pure (no vscode import, no DOM): unit-tested, and bundled into the webview script.
import type { Pair } from './types';

export type TurnRole = 'system' | 'user' | 'assistant' | 'other';

export interface RecordTurn {
  /** The role as the record names it ("human", "gpt", "user", ...). */
  label: string;
  role: TurnRole;
  text: string;
  /** The field path the text came from, e.g. "conversations[1].value". */
  path: string;
  /** 'response': this turn's text was scored as a response; 'instruction': as the instruction; undefined: not scored. */
  scored?: 'response' | 'instruction';
  /** For a scored turn: the exchanges (0-based) it belongs to. */
  exchanges?: number[];
}

const ROLE_OF: Record<string, TurnRole> = {
  system: 'system', human: 'user', user: 'user', prompt: 'user', question: 'user', query: 'user', instruction: 'user',
  gpt: 'assistant', assistant: 'assistant', model: 'assistant', bot: 'assistant', chatgpt: 'assistant', bard: 'assistant', response: 'assistant',
};

function roleOf(label: string): TurnRole {
  return ROLE_OF[label.toLowerCase()] ?? 'other';
}

/** A message's text: a string, the text parts of an OpenAI content array, or the JSON of anything else. */
function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) {
    const parts = v.map((p) => (typeof p === 'string' ? p : p && typeof p === 'object' && typeof (p as { text?: unknown }).text === 'string' ? (p as { text: string }).text : undefined));
    if (parts.every((p) => p !== undefined)) return parts.join('\n');
  }
  return v === undefined ? '' : JSON.stringify(v, null, 2);
}

const TURN_PATH = /^([A-Za-z_$][\w$]*)\[(\d+)\]\.([A-Za-z_$][\w$]*)$/;

/**
 * The turns of a record. A conversation (the pairs' texts come from one array of messages, ShareGPT or OpenAI
 * style) gives every message of that array, in order, with the ones that were scored marked; any other record gives
 * its system prompt (if any), instruction and response from the first pair.
 */
export function recordTurns(value: unknown, pairs: readonly Pair[]): RecordTurn[] {
  const first = pairs[0];
  if (!first) return [];
  const m = TURN_PATH.exec(first.source.response);
  const arr = m && value && typeof value === 'object' ? (value as Record<string, unknown>)[m[1]] : undefined;
  if (m && Array.isArray(arr)) {
    const field = m[1];
    const scored = new Map<string, { kind: 'response' | 'instruction'; exchanges: number[] }>();
    for (const p of pairs) {
      for (const [path, kind] of [[p.source.response, 'response'], [p.source.instruction, 'instruction']] as const) {
        const s = scored.get(path);
        if (s) { if (!s.exchanges.includes(p.exchange)) s.exchanges.push(p.exchange); } else scored.set(path, { kind, exchanges: [p.exchange] });
      }
    }
    const turns: RecordTurn[] = [];
    if (first.system !== undefined && first.source.system && !first.source.system.startsWith(`${field}[`)) {
      turns.push({ label: 'system', role: 'system', text: first.system, path: first.source.system });
    }
    arr.forEach((msg, i) => {
      const o = msg && typeof msg === 'object' ? (msg as Record<string, unknown>) : {};
      const labelField = typeof o.from === 'string' ? 'from' : typeof o.role === 'string' ? 'role' : undefined;
      const label = labelField ? String(o[labelField]) : 'message';
      const textField = 'value' in o ? 'value' : 'content' in o ? 'content' : 'text' in o ? 'text' : m[3];
      const path = `${field}[${i}].${textField}`;
      const s = scored.get(path);
      turns.push({ label, role: roleOf(label), text: textOf(o[textField]), path, ...(s ? { scored: s.kind, exchanges: s.exchanges } : {}) });
    });
    return turns;
  }
  const turns: RecordTurn[] = [];
  if (first.system !== undefined) turns.push({ label: 'system', role: 'system', text: first.system, path: first.source.system ?? 'system' });
  turns.push({ label: 'instruction', role: 'user', text: first.instruction, path: first.source.instruction, scored: 'instruction', exchanges: [0] });
  turns.push({ label: 'response', role: 'assistant', text: first.response, path: first.source.response, scored: 'response', exchanges: [0] });
  return turns;
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown as plain blocks: enough of CommonMark for answers (fenced and indented code, ATX headings, lists,
// quotes, paragraphs; inline code, bold, italics), never HTML.

export type Inline = { kind: 'text' | 'code' | 'strong' | 'em'; text: string };
export type Block =
  | { kind: 'code'; lang: string; text: string }
  | { kind: 'heading'; level: number; inline: Inline[] }
  | { kind: 'paragraph'; inline: Inline[] }
  | { kind: 'quote'; inline: Inline[] }
  | { kind: 'list'; ordered: boolean; items: Inline[][] }
  | { kind: 'rule' };

/** Inline spans: `code`, **strong**, *em* / _em_; everything else is text (HTML stays text). */
export function inlineSpans(text: string): Inline[] {
  const out: Inline[] = [];
  const re = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*([^*\n]+?)\*\*|__([^_\n]+?)__|\*([^*\s][^*\n]*?)\*|(?<![\w])_([^_\s][^_\n]*?)_(?![\w])/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > at) out.push({ kind: 'text', text: text.slice(at, m.index) });
    if (m[1] !== undefined) out.push({ kind: 'code', text: m[2].replace(/^ (.*) $/s, '$1') });
    else if (m[3] !== undefined || m[4] !== undefined) out.push({ kind: 'strong', text: m[3] ?? m[4] });
    else out.push({ kind: 'em', text: m[5] ?? m[6] });
    at = m.index + m[0].length;
  }
  if (at < text.length) out.push({ kind: 'text', text: text.slice(at) });
  return out;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/;
const ORDERED = /^ {0,3}\d{1,9}[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const RULE = /^ {0,3}([-*_])(\s*\1){2,}\s*$/;

/** A text's Markdown as blocks. Unclosed fences run to the end, as in CommonMark. */
export function markdownBlocks(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) blocks.push({ kind: 'paragraph', inline: inlineSpans(para.join('\n')) });
    para = [];
  };
  for (let i = 0; i < lines.length;) {
    const line = lines[i];
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const mark = fence[1];
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i].trimStart().startsWith(mark[0].repeat(mark.length)) && lines[i].trim().replace(new RegExp(`^\\${mark[0]}+`), '') === '')) body.push(lines[i++]);
      i++; // the closing fence
      blocks.push({ kind: 'code', lang: fence[2], text: body.join('\n') });
      continue;
    }
    if (line.trim() === '') { flush(); i++; continue; }
    if (para.length === 0 && /^( {4}|\t)/.test(line)) {
      const body: string[] = [];
      while (i < lines.length && (/^( {4}|\t)/.test(lines[i]) || lines[i].trim() === '')) body.push(lines[i++].replace(/^( {4}|\t)/, ''));
      while (body.length && body[body.length - 1].trim() === '') body.pop();
      blocks.push({ kind: 'code', lang: '', text: body.join('\n') });
      continue;
    }
    if (RULE.test(line)) { flush(); blocks.push({ kind: 'rule' }); i++; continue; }
    const h = HEADING.exec(line);
    if (h) { flush(); blocks.push({ kind: 'heading', level: h[1].length, inline: inlineSpans(h[2]) }); i++; continue; }
    const q = QUOTE.exec(line);
    if (q) {
      flush();
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i])) body.push(QUOTE.exec(lines[i++])![1]);
      blocks.push({ kind: 'quote', inline: inlineSpans(body.join('\n')) });
      continue;
    }
    const b = BULLET.exec(line) ?? ORDERED.exec(line);
    if (b) {
      flush();
      const ordered = !BULLET.test(line);
      const re = ordered ? ORDERED : BULLET;
      const items: string[] = [];
      while (i < lines.length) {
        const item = re.exec(lines[i]);
        if (item) { items.push(item[1]); i++; continue; }
        // a continuation line of the last item (indented, not blank)
        if (lines[i].trim() !== '' && /^\s+/.test(lines[i]) && items.length) { items[items.length - 1] += `\n${lines[i].trim()}`; i++; continue; }
        break;
      }
      blocks.push({ kind: 'list', ordered, items: items.map(inlineSpans) });
      continue;
    }
    para.push(line);
    i++;
  }
  flush();
  return blocks;
}
