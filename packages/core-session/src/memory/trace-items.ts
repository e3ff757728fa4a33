import type { ResponseItem } from '@modelwire/client';

/** Message roles kept in a memory trace. */
export const TRACE_MESSAGE_ROLES: ReadonlySet<string> = new Set(['user', 'assistant', 'system', 'developer']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The response item carried by one trace record, or `null` when the record carries none:
 * - `{type: "response_item", payload: {...}}` (a session log line) → its payload;
 * - any other record with a `payload` (session metadata, turn context, UI events) → `null`;
 * - a bare item (an object with a string `type`) → itself.
 * Message items are kept only for the roles user, assistant, system and developer; items of
 * every other type are kept as they are.
 */
export function traceItemOf(record: unknown): ResponseItem | null {
  if (!isRecord(record)) return null;
  let item: unknown = record;
  if ('payload' in record) {
    if (record['type'] !== 'response_item') return null;
    item = record['payload'];
  }
  if (!isRecord(item) || typeof item['type'] !== 'string') return null;
  if (item['type'] === 'message' && !TRACE_MESSAGE_ROLES.has(String(item['role']))) return null;
  // Whatever the trace holds goes to the summariser unchanged, item types this version does not
  // model included (see `unknownItemOf`).
  return item as unknown as ResponseItem;
}

/** The items of a list of trace records, in order (see {@link traceItemOf}). */
export function traceItemsOf(records: readonly unknown[]): ResponseItem[] {
  const items: ResponseItem[] = [];
  for (const record of records) {
    const item = traceItemOf(record);
    if (item !== null) items.push(item);
  }
  return items;
}
