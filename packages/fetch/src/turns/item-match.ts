import type { ResponseInputItem } from '@modelwire/client';

/**
 * Whether an item an SDK sends back is an item the server produced (or was sent) earlier,
 * although the SDK rebuilt it: SDKs echo output items with keys in another order, without `id`
 * or `status`, as easy input messages (`{ role, content }`, string content), with an added
 * `status` on tool outputs, or as an `item_reference` by id.
 *
 * The comparison is structural and leaves out what the API may or may not echo and what does
 * not change what the model sees:
 *
 * - key order, `status`, and `id` unless both items carry one (then they must be equal);
 * - `type` of an easy input message (read as `message`), and string message content (read as
 *   one `output_text` part for the assistant, one `input_text` part otherwise);
 * - empty `annotations` and `logprobs` arrays of content parts, and fields whose value is `null`;
 * - a reasoning item's `encrypted_content` when both items carry the same id (the API
 *   re-encrypts reasoning between `response.output_item.done` and `response.completed`).
 *
 * An `item_reference` (`{ type: 'item_reference', id }`, or `{ id }` alone) matches the item
 * with that id. Cost: one walk of the two items, stopping at the first difference.
 */
export function itemsMatch(sent: ResponseInputItem, known: ResponseInputItem): boolean {
  if (sent === known) return true;
  const a = fieldsOf(sent);
  const b = fieldsOf(known);
  const sentType = typeOf(a);
  const sentId = idOf(a);
  const knownId = idOf(b);
  if (sentType === 'item_reference') return sentId !== undefined && sentId === knownId;
  if (sentType !== typeOf(b)) return false;
  const bothIdentified = sentId !== undefined && knownId !== undefined;
  if (bothIdentified && sentId !== knownId) return false;
  const skipEncrypted = bothIdentified && sentType === 'reasoning';
  if (sentType === 'message') {
    if (a['role'] !== b['role'] || !sameContent(a['content'], b['content'], a['role'] === 'assistant' ? 'output_text' : 'input_text')) return false;
    return sameFields(a, b, MESSAGE_SKIPPED);
  }
  return sameFields(a, b, skipEncrypted ? REASONING_SKIPPED : ITEM_SKIPPED);
}

/** Fields compared apart (or not at all), by item kind. */
const ITEM_SKIPPED: ReadonlySet<string> = new Set(['id', 'status', 'type']);
const MESSAGE_SKIPPED: ReadonlySet<string> = new Set(['id', 'status', 'type', 'role', 'content']);
const REASONING_SKIPPED: ReadonlySet<string> = new Set(['id', 'status', 'type', 'encrypted_content']);

/** An item's fields by name (items are JSON objects; the typed union has no index signature). */
export function fieldsOf(item: ResponseInputItem): Readonly<Record<string, unknown>> {
  return item as unknown as Readonly<Record<string, unknown>>;
}

function typeOf(fields: Readonly<Record<string, unknown>>): string {
  const type = fields['type'];
  if (typeof type === 'string') return type;
  return 'role' in fields ? 'message' : 'item_reference';
}

function idOf(fields: Readonly<Record<string, unknown>>): string | undefined {
  const id = fields['id'];
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

const isAbsent = (value: unknown): boolean => value === null || value === undefined;

/** The fields of two items outside `skipped` are equal, an absent field equal to a `null` one. */
function sameFields(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>, skipped: ReadonlySet<string>): boolean {
  for (const key in a) {
    if (!skipped.has(key) && !sameValue(a[key], b[key])) return false;
  }
  for (const key in b) {
    if (!skipped.has(key) && !(key in a) && !isAbsent(b[key])) return false;
  }
  return true;
}

/** Message content: a string is one text part of `partType`. */
function sameContent(a: unknown, b: unknown, partType: string): boolean {
  const left = typeof a === 'string' ? [{ type: partType, text: a }] : a;
  const right = typeof b === 'string' ? [{ type: partType, text: b }] : b;
  if (!Array.isArray(left) || !Array.isArray(right)) return sameValue(left, right);
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index += 1) {
    if (!samePart(left[index], right[index])) return false;
  }
  return true;
}

const isEmptyList = (value: unknown): boolean => Array.isArray(value) && value.length === 0;

/** Content parts: empty `annotations` / `logprobs` count as absent. */
function samePart(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return sameValue(a, b);
  const ignorable = (key: string, value: unknown): boolean => isAbsent(value) || ((key === 'annotations' || key === 'logprobs') && isEmptyList(value));
  for (const key in a) {
    const value = a[key];
    if (ignorable(key, value) ? !ignorable(key, b[key]) : !sameValue(value, b[key])) return false;
  }
  for (const key in b) {
    if (!(key in a) && !ignorable(key, b[key])) return false;
  }
  return true;
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values, whatever the key order; `null` equals an absent field. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isAbsent(a) || isAbsent(b)) return isAbsent(a) && isAbsent(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let index = 0; index < a.length; index += 1) if (!sameValue(a[index], b[index])) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) {
    for (const key in a) if (!sameValue(a[key], b[key])) return false;
    for (const key in b) if (!(key in a) && !isAbsent(b[key])) return false;
    return true;
  }
  return false;
}
