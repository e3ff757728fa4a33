import type { ResponseInputItem } from '@modelwire/client';

/**
 * Deciding whether an item an SDK sends back is an item the server produced (or was sent)
 * earlier, although the SDK rebuilt it: SDKs echo output items with keys in another order,
 * without `id` or `status`, as easy input messages (`{ role, content }`, string content), with
 * an added `status` on tool outputs, or as an `item_reference` by id.
 *
 * Two items match when their {@link itemMatchKey}s are equal and their ids do not disagree
 * (both present and different). What the key leaves out is what the API may or may not echo
 * and what does not change what the model sees:
 *
 * - key order, `status`, `id` (compared separately, only when both items carry one);
 * - `type` of an easy input message (spelled `message`), and string message content (read as
 *   one `output_text` part for the assistant, one `input_text` part otherwise);
 * - empty `annotations` and `logprobs` of content parts, and fields whose value is `null`;
 * - a reasoning item's `encrypted_content` when both items carry the same id (the API
 *   re-encrypts reasoning between `response.output_item.done` and `response.completed`).
 *
 * An `item_reference` (`{ type: 'item_reference', id }`, or `{ id }` alone) matches the item
 * with that id.
 */
export function itemsMatch(sent: ResponseInputItem, known: ResponseInputItem, knownKey: string = itemMatchKey(known)): boolean {
  const sentId = idOf(sent);
  const knownId = idOf(known);
  if (isReference(sent)) return sentId !== undefined && sentId === knownId;
  if (sentId !== undefined && knownId !== undefined && sentId !== knownId) return false;
  const bothIdentified = sentId !== undefined && knownId !== undefined;
  if (bothIdentified && typeOf(sent) === 'reasoning' && typeOf(known) === 'reasoning') return itemMatchKey(sent, true) === itemMatchKey(known, true);
  return itemMatchKey(sent) === knownKey;
}

/**
 * The comparison key of an item (see {@link itemsMatch}): canonical JSON of the item without
 * the fields the API may or may not echo. `withoutEncryptedContent` also drops a reasoning
 * item's `encrypted_content` (for two items known to share an id).
 */
export function itemMatchKey(item: ResponseInputItem, withoutEncryptedContent = false): string {
  const record = fieldsOf(item);
  const type = typeOf(item);
  const normalised: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null || value === undefined || key === 'id' || key === 'status') continue;
    if (withoutEncryptedContent && key === 'encrypted_content') continue;
    normalised[key] = value;
  }
  normalised['type'] = type;
  if (type === 'message') {
    const content = record['content'];
    const partType = record['role'] === 'assistant' ? 'output_text' : 'input_text';
    const parts = typeof content === 'string' ? [{ type: partType, text: content }] : Array.isArray(content) ? content : content;
    normalised['content'] = Array.isArray(parts) ? parts.map(normalisePart) : parts;
  }
  return canonicalJson(normalised);
}

function normalisePart(part: unknown): unknown {
  if (typeof part !== 'object' || part === null || Array.isArray(part)) return part;
  const normalised: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(part)) {
    if (value === null || value === undefined) continue;
    if ((key === 'annotations' || key === 'logprobs') && Array.isArray(value) && value.length === 0) continue;
    normalised[key] = value;
  }
  return normalised;
}

function typeOf(item: ResponseInputItem): string {
  const record = fieldsOf(item);
  const type = record['type'];
  if (typeof type === 'string') return type;
  return 'role' in record ? 'message' : 'item_reference';
}

function idOf(item: ResponseInputItem): string | undefined {
  const id = fieldsOf(item)['id'];
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

function isReference(item: ResponseInputItem): boolean {
  return typeOf(item) === 'item_reference';
}

/** An item's fields by name (items are JSON objects; the typed union has no index signature). */
export function fieldsOf(item: ResponseInputItem): Readonly<Record<string, unknown>> {
  return item as unknown as Readonly<Record<string, unknown>>;
}

/** JSON with object keys sorted at every depth (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
