// Schema adapters: a parsed JSONL value in, the (instruction, response) pairs to score out, or a reason a person
// understands why there are none. Pure functions; the options (schema override, field mapping, turn policy) come in
// as plain values.
import { t } from './l10n';
import type { AdapterOptions, AdaptResult, FieldMapping, Pair, SchemaId, TurnPolicy } from './types';

export const DEFAULT_ADAPTER_OPTIONS: Readonly<AdapterOptions> = Object.freeze({ schema: 'auto', turnPolicy: 'first' });

/** Every schema id, in the order detection tries them and ties between equal counts are broken. */
export const SCHEMA_IDS: readonly SchemaId[] = [
  'alpaca',
  'sharegpt',
  'openai',
  'prompt-completion',
  'prompt-response',
  'question-answer',
  'query-response',
  'instruction-response',
  'custom',
];

export const TURN_POLICIES: readonly TurnPolicy[] = ['first', 'last', 'all'];

const LABELS: Record<SchemaId, string> = {
  alpaca: 'Alpaca',
  sharegpt: 'ShareGPT',
  openai: 'OpenAI chat',
  'prompt-completion': 'prompt/completion',
  'prompt-response': 'prompt/response',
  'question-answer': 'question/answer',
  'query-response': 'query/response',
  'instruction-response': 'instruction/response',
  custom: 'custom mapping',
};

/** The name a person reads: "Alpaca", "ShareGPT", "OpenAI chat", "prompt/completion", ... */
export function schemaLabel(id: SchemaId): string {
  return LABELS[id] ?? String(id);
}

/** True for a known schema id (e.g. to validate a setting or a CLI flag). */
export function isSchemaId(s: string): s is SchemaId {
  return Object.prototype.hasOwnProperty.call(LABELS, s);
}

/** The flat two-field schemas: one field is the instruction, one the response. */
const FLAT: ReadonlyArray<{ id: SchemaId; instruction: string; response: string }> = [
  { id: 'instruction-response', instruction: 'instruction', response: 'response' },
  { id: 'prompt-completion', instruction: 'prompt', response: 'completion' },
  { id: 'prompt-response', instruction: 'prompt', response: 'response' },
  { id: 'question-answer', instruction: 'question', response: 'answer' },
  { id: 'query-response', instruction: 'query', response: 'response' },
];

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The schema a value is in, judged by which fields are present (not by their types, so that a wrong type gets a
 * precise reason from the adapter rather than "unrecognised"). Undefined for non-objects and unknown shapes.
 */
export function detectSchema(value: unknown): SchemaId | undefined {
  if (!isObject(value)) return undefined;
  if (value.conversations !== undefined) return 'sharegpt';
  if (value.messages !== undefined) return 'openai';
  if (value.instruction !== undefined && value.output !== undefined) return 'alpaca';
  for (const f of FLAT) if (value[f.instruction] !== undefined && value[f.response] !== undefined) return f.id;
  return undefined;
}

/**
 * The schema with the most lines; ties go to the earlier id in SCHEMA_IDS so the answer is stable. Undefined when
 * every count is zero.
 */
export function majoritySchema(counts: Map<SchemaId, number>): SchemaId | undefined {
  let best: SchemaId | undefined;
  let bestCount = 0;
  for (const id of SCHEMA_IDS) {
    const c = counts.get(id) ?? 0;
    if (c > bestCount) { best = id; bestCount = c; }
  }
  return best;
}

// ---------------------------------------------------------------------------------------------------------------

class Failure {
  constructor(readonly reason: string) {}
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return t('an array');
  if (typeof v === 'object') return t('an object');
  if (typeof v === 'number') return t('a number');
  if (typeof v === 'boolean') return t('a boolean');
  if (typeof v === 'string') return t('a string');
  return typeof v;
}

/** True for "" and whitespace-only text. Checks the first character before paying for a trim. */
function isEmptyText(s: string): boolean {
  if (s.length === 0) return true;
  const c = s.charCodeAt(0);
  // Printable ASCII other than space: certainly not empty (the common case, no allocation).
  if (c > 0x20 && c < 0x7f) return false;
  return s.trim().length === 0;
}

/** A required non-empty string field. */
function textField(obj: Obj, key: string, path: string = key): string | Failure {
  const v = obj[key];
  if (v === undefined) return new Failure(t("field '{0}' is missing", path));
  if (typeof v !== 'string') return new Failure(t("field '{0}' is not a string (found {1})", path, kindOf(v)));
  if (isEmptyText(v)) return new Failure(t("field '{0}' is empty", path));
  return v;
}

/** An optional top-level system prompt field: a non-empty string or undefined. */
function systemField(obj: Obj): string | undefined {
  const s = obj.system;
  return typeof s === 'string' && !isEmptyText(s) ? s : undefined;
}

/** A single-exchange pair from top-level fields, with `system` only when there is one. */
function flatPair(instruction: string, response: string, system: string | undefined, iSource: string, rSource: string): Pair {
  if (system === undefined) return { instruction, response, exchange: 0, source: { instruction: iSource, response: rSource } };
  return { instruction, response, system, exchange: 0, source: { instruction: iSource, response: rSource, system: 'system' } };
}

function fail(reason: string, schema?: SchemaId): AdaptResult {
  return schema === undefined ? { ok: false, reason } : { ok: false, schema, reason };
}

function onePair(schema: SchemaId, pair: Pair): AdaptResult {
  return { ok: true, schema, pairs: [pair] };
}

/**
 * Alpaca {instruction, input?, output}. Alpaca's own prompt template puts the optional input after the instruction,
 * separated by a blank line, so the instruction we score is `instruction + "\n\n" + input` when input is a non-empty
 * string (source "instruction+input"), and the instruction alone otherwise.
 */
function adaptAlpaca(obj: Obj): AdaptResult {
  const output = textField(obj, 'output');
  if (output instanceof Failure) return fail(output.reason, 'alpaca');
  const instruction = obj.instruction;
  if (instruction === undefined) return fail(t("field 'instruction' is missing"), 'alpaca');
  if (typeof instruction !== 'string') return fail(t("field 'instruction' is not a string (found {0})", kindOf(instruction)), 'alpaca');
  const input = obj.input;
  if (input !== undefined && input !== null && typeof input !== 'string') {
    return fail(t("field 'input' is not a string (found {0})", kindOf(input)), 'alpaca');
  }
  const hasInput = typeof input === 'string' && !isEmptyText(input);
  if (isEmptyText(instruction) && !hasInput) return fail(t("field 'instruction' is empty"), 'alpaca');
  let text: string;
  let source: string;
  if (!hasInput) { text = instruction; source = 'instruction'; }
  else if (isEmptyText(instruction)) { text = input; source = 'input'; }
  else { text = instruction + '\n\n' + input; source = 'instruction+input'; }
  return onePair('alpaca', flatPair(text, output, systemField(obj), source, 'output'));
}

function adaptFlat(obj: Obj, f: { id: SchemaId; instruction: string; response: string }): AdaptResult {
  const instruction = textField(obj, f.instruction);
  if (instruction instanceof Failure) return fail(instruction.reason, f.id);
  const response = textField(obj, f.response);
  if (response instanceof Failure) return fail(response.reason, f.id);
  return onePair(f.id, flatPair(instruction, response, systemField(obj), f.instruction, f.response));
}

// --- conversations ---------------------------------------------------------------------------------------------

type Role = 'system' | 'user' | 'assistant' | 'other';

interface Turn {
  role: Role;
  text: string;
  /** Where the text is: list[index].key, e.g. conversations[1].value. The path string is built only when needed. */
  list: 'conversations' | 'messages';
  index: number;
  key: string;
}

const turnPath = (t: Turn): string => `${t.list}[${t.index}].${t.key}`;

const SHAREGPT_ROLES = new Map<string, Role>(Object.entries({
  human: 'user',
  user: 'user',
  gpt: 'assistant',
  assistant: 'assistant',
  chatgpt: 'assistant',
  bing: 'assistant',
  bard: 'assistant',
  system: 'system',
  // Tool traffic in agent-style ShareGPT data: neither side of an exchange.
  tool: 'other',
  function: 'other',
  function_call: 'other',
  observation: 'other',
}) as Array<[string, Role]>);
const SHAREGPT_SPEAKERS = 'human, user, gpt, assistant, chatgpt, bing, bard, system';

const OPENAI_ROLES = new Map<string, Role>(Object.entries({
  system: 'system',
  developer: 'system',
  user: 'user',
  assistant: 'assistant',
  tool: 'other',
  function: 'other',
}) as Array<[string, Role]>);

function sharegptTurns(list: unknown): Turn[] | Failure {
  if (list === undefined) return new Failure(t("field 'conversations' is missing"));
  if (!Array.isArray(list)) return new Failure(t("field 'conversations' is not a list (found {0})", kindOf(list)));
  const turns: Turn[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const turn = list[i];
    if (!isObject(turn)) return new Failure(t("'conversations[{0}]' is not an object (found {1})", i, kindOf(turn)));
    // Some exports use role/content inside "conversations"; accept them, and name the field actually used.
    const fromKey = turn.from !== undefined ? 'from' : turn.role !== undefined ? 'role' : 'from';
    const from = turn[fromKey];
    if (from === undefined) return new Failure(t("field 'conversations[{0}].from' is missing", i));
    if (typeof from !== 'string') return new Failure(t("field 'conversations[{0}].{1}' is not a string (found {2})", i, fromKey, kindOf(from)));
    const role = SHAREGPT_ROLES.get(from) ?? SHAREGPT_ROLES.get(from.toLowerCase());
    if (role === undefined) {
      return new Failure(t("'conversations[{0}].{1}' is '{2}', not a known speaker (expected {3})", i, fromKey, from, SHAREGPT_SPEAKERS));
    }
    const valueKey = turn.value !== undefined ? 'value' : turn.content !== undefined ? 'content' : 'value';
    const value = turn[valueKey];
    if (role === 'other') { turns[i] = { role, text: typeof value === 'string' ? value : '', list: 'conversations', index: i, key: valueKey }; continue; }
    if (value === undefined) return new Failure(t("field 'conversations[{0}].value' is missing", i));
    if (typeof value !== 'string') return new Failure(t("field 'conversations[{0}].{1}' is not a string (found {2})", i, valueKey, kindOf(value)));
    turns[i] = { role, text: value, list: 'conversations', index: i, key: valueKey };
  }
  return turns;
}

/** OpenAI content: a string, or a list of parts of which the {type: 'text', text} ones are joined by newlines. */
function openaiContent(content: unknown, index: number): string | Failure {
  if (typeof content === 'string') return content;
  const path = `messages[${index}].content`;
  if (Array.isArray(content)) {
    let text: string | undefined;
    for (const part of content) {
      if (isObject(part) && (part.type === 'text' || part.type === undefined) && typeof part.text === 'string') {
        text = text === undefined ? part.text : text + '\n' + part.text;
      }
    }
    if (text === undefined) return new Failure(t("field '{0}' has no text part", path));
    return text;
  }
  if (content === undefined) return new Failure(t("field '{0}' is missing", path));
  return new Failure(t("field '{0}' is not a string or a list of text parts (found {1})", path, kindOf(content)));
}

function openaiTurns(list: unknown): Turn[] | Failure {
  if (list === undefined) return new Failure(t("field 'messages' is missing"));
  if (!Array.isArray(list)) return new Failure(t("field 'messages' is not a list (found {0})", kindOf(list)));
  const turns: Turn[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (!isObject(m)) return new Failure(t("'messages[{0}]' is not an object (found {1})", i, kindOf(m)));
    const r = m.role;
    if (r === undefined) return new Failure(t("field 'messages[{0}].role' is missing", i));
    if (typeof r !== 'string') return new Failure(t("field 'messages[{0}].role' is not a string (found {1})", i, kindOf(r)));
    const role = OPENAI_ROLES.get(r);
    if (role === undefined) return new Failure(t("'messages[{0}].role' is '{1}', not a known role (expected system, developer, user, assistant, tool)", i, r));
    // An assistant message that only calls tools has no text: it is tool traffic, not a reply.
    if (role === 'other' || (role === 'assistant' && (m.content === null || m.content === undefined) && m.tool_calls !== undefined)) {
      turns[i] = { role: 'other', text: '', list: 'messages', index: i, key: 'content' };
      continue;
    }
    const text = openaiContent(m.content, i);
    if (text instanceof Failure) return text;
    turns[i] = { role, text, list: 'messages', index: i, key: 'content' };
  }
  return turns;
}

interface Exchange {
  users: Turn[];
  assistants: Turn[];
  system?: Turn;
}

/**
 * Groups turns into exchanges: a run of user turns followed by a run of assistant turns. Consecutive turns of the
 * same side are joined (blank line between) so no text is lost. Assistant turns before any user turn, and tool
 * turns, belong to no exchange. Each exchange keeps the latest system turn before it, apart from the instruction.
 */
function exchangesOf(turns: Turn[]): Exchange[] {
  const out: Exchange[] = [];
  let users: Turn[] = [];
  let assistants: Turn[] = [];
  let system: Turn | undefined;
  let exchangeSystem: Turn | undefined;
  const flush = (): void => {
    out.push(exchangeSystem === undefined ? { users, assistants } : { users, assistants, system: exchangeSystem });
    users = [];
    assistants = [];
  };
  for (const t of turns) {
    if (t.role === 'system') {
      if (assistants.length > 0) flush();
      system = t;
    } else if (t.role === 'user') {
      if (assistants.length > 0) flush();
      if (users.length === 0) exchangeSystem = system;
      users.push(t);
    } else if (t.role === 'assistant') {
      if (users.length > 0) assistants.push(t);
    }
  }
  if (assistants.length > 0) flush();
  return out;
}

function joinTurns(turns: Turn[]): { text: string; path: string } {
  if (turns.length === 1) return { text: turns[0].text, path: turnPath(turns[0]) };
  return { text: turns.map((turn) => turn.text).join('\n\n'), path: turns.map(turnPath).join('+') };
}

function pairOf(ex: Exchange, index: number): Pair | Failure {
  const u = joinTurns(ex.users);
  if (isEmptyText(u.text)) return new Failure(t("field '{0}' is empty", u.path));
  const a = joinTurns(ex.assistants);
  if (isEmptyText(a.text)) return new Failure(t("field '{0}' is empty", a.path));
  const sys = ex.system !== undefined && !isEmptyText(ex.system.text) ? ex.system : undefined;
  if (sys === undefined) return { instruction: u.text, response: a.text, exchange: index, source: { instruction: u.path, response: a.path } };
  return { instruction: u.text, response: a.text, system: sys.text, exchange: index, source: { instruction: u.path, response: a.path, system: turnPath(sys) } };
}

function adaptConversation(schema: SchemaId, turns: Turn[] | Failure, policy: TurnPolicy): AdaptResult {
  if (turns instanceof Failure) return fail(turns.reason, schema);
  if (turns.length === 0) return fail(t("field '{0}' is empty", schema === 'openai' ? 'messages' : 'conversations'), schema);
  const exchanges = exchangesOf(turns);
  if (exchanges.length === 0) {
    return fail(turns.some((turn) => turn.role === 'user') ? t('no assistant turn') : t('no user turn'), schema);
  }
  const from = policy === 'last' ? exchanges.length - 1 : 0;
  const to = policy === 'all' ? exchanges.length : from + 1;
  const pairs: Pair[] = [];
  for (let i = from; i < to; i++) {
    const p = pairOf(exchanges[i], i);
    if (p instanceof Failure) return fail(p.reason, schema);
    pairs.push(p);
  }
  return { ok: true, schema, pairs };
}

// --- custom mapping --------------------------------------------------------------------------------------------

/**
 * Parses a dot path such as `data.q`, `a.b[0].c` or `[0].text` into property names and array indexes.
 * Returns undefined for a malformed path.
 */
export function parsePath(path: string): Array<string | number> | undefined {
  const out: Array<string | number> = [];
  const n = path.length;
  if (n === 0) return undefined;
  let i = 0;
  let expectName = path.charCodeAt(0) !== 0x5b;
  while (i < n) {
    if (expectName) {
      let j = i;
      while (j < n && path.charCodeAt(j) !== 0x2e && path.charCodeAt(j) !== 0x5b) j++;
      if (j === i) return undefined;
      out.push(path.slice(i, j));
      i = j;
    }
    // After a name or an index: '.', '[n]', or the end.
    if (i >= n) break;
    const c = path.charCodeAt(i);
    if (c === 0x2e) { i++; expectName = true; if (i >= n) return undefined; continue; }
    if (c === 0x5b) {
      const close = path.indexOf(']', i);
      if (close < 0) return undefined;
      const digits = path.slice(i + 1, close);
      if (!/^\d+$/.test(digits)) return undefined;
      out.push(Number(digits));
      i = close + 1;
      expectName = false;
      continue;
    }
    return undefined;
  }
  return out;
}

const NOT_FOUND: unique symbol = Symbol('not found');

/** The value at a parsed path, or NOT_FOUND. Only own properties count (a path never reaches Object.prototype). */
function getPath(value: unknown, segments: Array<string | number>): unknown {
  let v: unknown = value;
  for (const s of segments) {
    if (typeof s === 'number') {
      if (!Array.isArray(v) || s >= v.length) return NOT_FOUND;
      v = v[s];
    } else {
      if (!isObject(v) || !Object.prototype.hasOwnProperty.call(v, s)) return NOT_FOUND;
      v = v[s];
    }
  }
  return v;
}

function mappedText(value: unknown, path: string): string | Failure {
  const segments = parsePath(path);
  if (segments === undefined) return new Failure(t("custom mapping: path '{0}' is not a valid path (use dots and [n], e.g. data.turns[0].text)", path));
  const v = getPath(value, segments);
  if (v === NOT_FOUND) return new Failure(t("custom mapping: path '{0}' not found", path));
  if (typeof v !== 'string') return new Failure(t("custom mapping: path '{0}' is not a string (found {1})", path, kindOf(v)));
  if (isEmptyText(v)) return new Failure(t("custom mapping: path '{0}' is empty", path));
  return v;
}

function adaptCustom(value: unknown, mapping: FieldMapping | undefined): AdaptResult {
  if (mapping === undefined || !mapping.instruction || !mapping.response) {
    return fail(t('custom mapping: no field mapping is set (set the instruction and response paths)'), 'custom');
  }
  const instruction = mappedText(value, mapping.instruction);
  if (instruction instanceof Failure) return fail(instruction.reason, 'custom');
  const response = mappedText(value, mapping.response);
  if (response instanceof Failure) return fail(response.reason, 'custom');
  if (mapping.system) {
    const segments = parsePath(mapping.system);
    const s = segments === undefined ? NOT_FOUND : getPath(value, segments);
    if (typeof s === 'string' && !isEmptyText(s)) {
      return onePair('custom', { instruction, response, system: s, exchange: 0, source: { instruction: mapping.instruction, response: mapping.response, system: mapping.system } });
    }
  }
  return onePair('custom', { instruction, response, exchange: 0, source: { instruction: mapping.instruction, response: mapping.response } });
}

// --- entry point -----------------------------------------------------------------------------------------------

function notAnObject(value: unknown): string {
  if (Array.isArray(value)) return t('line is a JSON array, not an object');
  if (value === null) return t('line is null, not an object');
  if (typeof value === 'number') return t('line is a JSON number, not an object');
  if (typeof value === 'boolean') return t('line is a JSON boolean, not an object');
  return t('line is a JSON string, not an object');
}

function unrecognised(obj: Obj): string {
  const keys = Object.keys(obj);
  const expected = t('expected one of Alpaca {0}, ShareGPT {1}, OpenAI chat {2}, prompt/completion, prompt/response, question/answer, query/response, instruction/response, or set a custom field mapping',
    '{instruction, output}', '{conversations}', '{messages}');
  if (keys.length === 0) return t('unrecognised schema: the object has no fields ({0})', expected);
  const shown = keys.slice(0, 8).join(', ') + (keys.length > 8 ? t(', … ({0} fields)', keys.length) : '');
  return t('unrecognised schema: fields {0} ({1})', shown, expected);
}

function adaptAs(schema: SchemaId, obj: Obj, options: AdapterOptions): AdaptResult {
  switch (schema) {
    case 'alpaca': return adaptAlpaca(obj);
    case 'sharegpt': return adaptConversation('sharegpt', sharegptTurns(obj.conversations), options.turnPolicy);
    case 'openai': return adaptConversation('openai', openaiTurns(obj.messages), options.turnPolicy);
    case 'custom': return adaptCustom(obj, options.mapping);
    default: {
      for (const f of FLAT) if (f.id === schema) return adaptFlat(obj, f);
      return fail(t("unknown schema '{0}'", String(schema)));
    }
  }
}

/**
 * Turns one parsed JSONL value into pairs. With options.schema 'auto' the schema is detected per value (a custom
 * mapping, when set, is tried first); otherwise the named schema is applied and a missing field is the reason.
 * Never throws.
 */
export function adaptRecord(value: unknown, options: AdapterOptions = DEFAULT_ADAPTER_OPTIONS): AdaptResult {
  if (options.schema === 'custom') return adaptCustom(value, options.mapping);
  if (!isObject(value)) {
    if (options.schema === 'auto' && options.mapping !== undefined) {
      const custom = adaptCustom(value, options.mapping);
      if (custom.ok) return custom;
    }
    return fail(notAnObject(value));
  }
  if (options.schema !== 'auto') return adaptAs(options.schema, value, options);
  let customFailure: AdaptResult | undefined;
  if (options.mapping !== undefined && options.mapping.instruction && options.mapping.response) {
    const custom = adaptCustom(value, options.mapping);
    if (custom.ok) return custom;
    customFailure = custom;
  }
  const detected = detectSchema(value);
  if (detected !== undefined) return adaptAs(detected, value, options);
  if (customFailure !== undefined) return customFailure;
  // Half an Alpaca record is still recognisably Alpaca: say which field is missing.
  if (value.instruction !== undefined && value.response === undefined) return adaptAlpaca(value);
  return fail(unrecognised(value));
}
