// Is a line's only problem an empty response? The adapters refuse a pair whose response is empty ("field 'output'
// is empty", "field 'conversations[1].value' is empty"), so the line yields no pair and no hygiene check sees it.
// To tell an empty response from an empty instruction without knowing each schema's field names, the empty field
// is filled with a probe and the record adapted again: when the probe then comes out as a pair's response, the
// empty field was the response.
import { adaptRecord, parsePath } from './schema';
import type { AdapterOptions } from './types';

const EMPTY_FIELD = /^(?:field|custom mapping: path) '([^']+)' is empty$/;
const PROBE = '\u0000scar-empty-response-probe';

/** The path of the empty response field when `reason` (an adapter's) is about an empty response, else undefined. */
export function emptyResponseField(value: unknown, reason: string, options: AdapterOptions): string | undefined {
  const m = EMPTY_FIELD.exec(reason);
  if (!m) return undefined;
  const path = parsePath(m[1]);
  if (!path || typeof value !== 'object' || value === null) return undefined;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  for (let i = 0; i < path.length - 1; i++) {
    const next = node[path[i]];
    if (typeof next !== 'object' || next === null) return undefined;
    node = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1];
  if (typeof node[last] !== 'string') return undefined;
  node[last] = PROBE;
  const r = adaptRecord(copy, options);
  return r.ok && r.pairs.some((p) => p.response.includes(PROBE)) ? m[1] : undefined;
}
