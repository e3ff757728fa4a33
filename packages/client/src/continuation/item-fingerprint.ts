import { hash } from 'node:crypto';
import type { ResponseItem } from '../types/prompt.js';

/** A content fingerprint, compared for equality (for items: the base64 SHA-1 of their canonical JSON text). Not a security measure. */
export type Fingerprint = string;

/**
 * What the continuation check ignores when it compares the caller's items with the ones it
 * expects (the previous input and the streamed output), because the API may or may not echo
 * it and it does not change what the model sees. The one list; everything else is compared.
 *
 * - `itemFields`, on every item except `item_reference` (whose `id` is what it refers to):
 *   `id` (assigned by the API; sent back or not, and stripped from the wire when it is not
 *   one the API issues), `status` (`completed`/`in_progress` on output items, optional on
 *   input), `metadata` (per-item metadata some backends attach and do not always echo).
 * - `contentFields`, on the parts of a message's `content`: `logprobs` (echoed as `[]` when
 *   not requested, dropped by callers that convert output text to input).
 * - Everywhere: a field whose value is `null` counts as absent (the API reads `null` as
 *   unset), and the order of an object's keys does not matter.
 */
export const CONTINUATION_IGNORED_FIELDS: {
  readonly itemFields: readonly string[];
  readonly contentFields: readonly string[];
} = Object.freeze({
  itemFields: Object.freeze(['id', 'status', 'metadata']),
  contentFields: Object.freeze(['logprobs']),
});

const IGNORED_ITEM_FIELDS: ReadonlySet<string> = new Set(CONTINUATION_IGNORED_FIELDS.itemFields);
const IGNORED_CONTENT_FIELDS: ReadonlySet<string> = new Set(CONTINUATION_IGNORED_FIELDS.contentFields);
const NOTHING_IGNORED: ReadonlySet<string> = new Set();

const itemFingerprints = new WeakMap<object, Fingerprint>();

/** Fingerprint of a string (used for items, request fields and chain links alike). */
export function fingerprintText(text: string): Fingerprint {
  return hash('sha1', text, 'base64');
}

/** `value` with sorted keys and without `null` fields, at every depth. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return canonicalObject(value as Record<string, unknown>, NOTHING_IGNORED);
}

/** `record` as {@link canonical} makes it, without the `ignored` fields (at its own level only). */
function canonicalObject(record: Readonly<Record<string, unknown>>, ignored: ReadonlySet<string>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const field = record[key];
    if (field !== null && field !== undefined && !ignored.has(key)) result[key] = canonical(field);
  }
  return result;
}

/** Whether `item` is a reference to another item (its `id` is its content), typed or not. */
function isReference(item: Readonly<Record<string, unknown>>): boolean {
  return item['type'] === 'item_reference' || (item['type'] === undefined && !('role' in item));
}

/**
 * The text the continuation check compares an item by: its JSON with the fields of
 * {@link CONTINUATION_IGNORED_FIELDS} left out, `null` fields dropped and keys sorted.
 */
export function canonicalItemText(item: ResponseItem): string {
  const record = item as unknown as Readonly<Record<string, unknown>>;
  const form = canonicalObject(record, isReference(record) ? NOTHING_IGNORED : IGNORED_ITEM_FIELDS);
  const content = record['content'];
  if (Array.isArray(content)) {
    form['content'] = content.map((part: unknown) => (typeof part === 'object' && part !== null && !Array.isArray(part) ? canonicalObject(part as Record<string, unknown>, IGNORED_CONTENT_FIELDS) : canonical(part)));
  }
  return JSON.stringify(form);
}

/**
 * The content fingerprint of one item ({@link canonicalItemText}), computed once per item
 * object and cached by identity (items are immutable values): two items that differ only in
 * what the API may or may not echo, or in key order, get the same fingerprint.
 */
export function fingerprintItem(item: ResponseItem): Fingerprint {
  let fingerprint = itemFingerprints.get(item);
  if (fingerprint === undefined) {
    fingerprint = fingerprintText(canonicalItemText(item));
    itemFingerprints.set(item, fingerprint);
  }
  return fingerprint;
}

/** The chain fingerprint of the empty sequence. */
export const EMPTY_CHAIN: Fingerprint = fingerprintText('modelwire.chain.v2');

/** Extends a chain fingerprint by one item: `H(previous ∥ H(item))`. */
export function extendChain(chain: Fingerprint, item: ResponseItem): Fingerprint {
  return fingerprintText(chain + fingerprintItem(item));
}
