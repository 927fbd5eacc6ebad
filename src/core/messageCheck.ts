// A tiny checker for messages that cross a process or a webview boundary: each check returns an error text or
// undefined, and checker() turns a table of message shapes (by `type`) into one function that accepts or refuses a
// message with the reason. Pure (no imports): the webview scripts bundle it, and so do the extension and its
// processes, so both sides of each boundary check with the same rules.

export type Check = (v: unknown, path: string) => string | undefined;

export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const num = (opts: { int?: boolean; min?: number; max?: number; nan?: boolean } = {}): Check => (v, p) => {
  // NaN travels as null (messages are JSON): accepted where a value may be missing.
  if (v === null && opts.nan) return undefined;
  if (typeof v !== 'number') return `${p} must be a number`;
  if (Number.isNaN(v)) return opts.nan ? undefined : `${p} must be a number`;
  if (!Number.isFinite(v)) return `${p} must be finite`;
  if (opts.int && !Number.isInteger(v)) return `${p} must be a whole number`;
  if (opts.min !== undefined && v < opts.min) return `${p} must be >= ${opts.min}`;
  if (opts.max !== undefined && v > opts.max) return `${p} must be <= ${opts.max}`;
  return undefined;
};
export const str = (max = 100_000_000): Check => (v, p) => (typeof v !== 'string' ? `${p} must be a string` : v.length > max ? `${p} is too long` : undefined);
export const bool: Check = (v, p) => (typeof v === 'boolean' ? undefined : `${p} must be true or false`);
export const oneOf = <T extends string>(values: readonly T[]): Check => (v, p) => (values.includes(v as T) ? undefined : `${p} must be one of ${values.join(', ')}`);
export const arrayOf = (item: Check, max = 10_000_000): Check => (v, p) => {
  if (!Array.isArray(v)) return `${p} must be a list`;
  if (v.length > max) return `${p} has too many items`;
  for (let i = 0; i < v.length; i++) { const e = item(v[i], `${p}[${i}]`); if (e) return e; }
  return undefined;
};
export const optional = (c: Check): Check => (v, p) => (v === undefined ? undefined : c(v, p));
export const shape = (fields: Record<string, Check>): Check => (v, p) => {
  if (!isObj(v)) return `${p} must be an object`;
  for (const [k, c] of Object.entries(fields)) { const e = c(v[k], `${p}.${k}`); if (e) return e; }
  return undefined;
};
export const record = (value: Check): Check => (v, p) => {
  if (!isObj(v)) return `${p} must be an object`;
  for (const [k, x] of Object.entries(v)) { const e = value(x, `${p}.${k}`); if (e) return e; }
  return undefined;
};

export function checker<T extends { type: string }>(specs: { [K in T['type']]: Record<string, Check> }): (v: unknown) => { ok: true; message: T } | { ok: false; error: string } {
  return (v) => {
    if (!isObj(v) || typeof v.type !== 'string') return { ok: false, error: 'a message must be an object with a type' };
    const spec = (specs as Record<string, Record<string, Check> | undefined>)[v.type];
    if (!spec || !Object.prototype.hasOwnProperty.call(specs, v.type)) return { ok: false, error: `unknown message type "${v.type.slice(0, 40)}"` };
    const e = shape(spec)(v, v.type);
    return e ? { ok: false, error: e } : { ok: true, message: v as unknown as T };
  };
}
