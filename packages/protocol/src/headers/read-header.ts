/**
 * Response headers in any of the shapes a transport hands over: a WHATWG `Headers` (or anything
 * with `get(name)`), a plain object as Node and undici produce it (values may be arrays) or as a
 * WebSocket server forwards it in JSON (values may be numbers or booleans, read as their JSON
 * text: `15` → `"15"`), or an iterable of `[name, value]` pairs. Names are matched
 * case-insensitively.
 */
export type HeaderSource =
  | { get(name: string): string | null | undefined }
  | Readonly<Record<string, unknown>>
  | Iterable<readonly [string, string]>;

function valueToString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length > 0 && typeof value[0] === 'string' ? (value[0] as string) : undefined;
  return undefined;
}

/**
 * Reads one header value (the first one when repeated) from a {@link HeaderSource}. Returns
 * `undefined` when absent or neither a string nor (in a plain object) a finite number or a
 * boolean; `name` must be lower case.
 */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  const getter = (headers as { get?: unknown }).get;
  if (typeof getter === 'function') {
    const value: unknown = (getter as (key: string) => unknown).call(headers, name);
    return typeof value === 'string' ? value : undefined;
  }
  if (typeof (headers as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function') {
    for (const [key, value] of headers as Iterable<readonly [string, string]>) {
      if (key.toLowerCase() === name) return value;
    }
    return undefined;
  }
  const record = headers as Readonly<Record<string, unknown>>;
  if (Object.hasOwn(record, name)) return valueToString(record[name]);
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === name) return valueToString(record[key]);
  }
  return undefined;
}
