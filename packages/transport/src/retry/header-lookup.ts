import type { HeaderRecord } from '@modelwire/errors';

/** Response headers in any of the shapes Modelwire meets: a fetch `Headers`, or a plain record (undici, node:http). */
export type HeaderSource = Headers | HeaderRecord;

/** Reads one header case-insensitively; several values are joined with `, `. `undefined` when absent. */
export function getHeader(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function') {
    return (headers as Headers).get(name) ?? undefined;
  }
  const record = headers as HeaderRecord;
  const lower = name.toLowerCase();
  let value = record[lower];
  if (value === undefined) {
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === lower) {
        value = record[key];
        break;
      }
    }
  }
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.join(', ');
}

/** Flattens response headers (undici, node:http) to lower-case names with single string values; repeated values are joined with `, `. */
export function flattenHeaders(headers: HeaderRecord): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return result;
}
