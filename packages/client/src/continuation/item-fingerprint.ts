import { hash } from 'node:crypto';
import type { ResponseItem } from '../types/prompt.js';

/** A content fingerprint (base64 SHA-1 of the canonical JSON text). Not a security measure. */
export type Fingerprint = string;

const itemFingerprints = new WeakMap<object, Fingerprint>();

/** Fingerprint of a string (used for items, request fields and chain links alike). */
export function fingerprintText(text: string): Fingerprint {
  return hash('sha1', text, 'base64');
}

/**
 * The content fingerprint of one item, computed once per item object and cached by identity
 * (items are immutable values). Two equal items built separately get the same fingerprint as
 * long as their keys are in the same order; a differing order only costs a full request.
 */
export function fingerprintItem(item: ResponseItem): Fingerprint {
  let fingerprint = itemFingerprints.get(item);
  if (fingerprint === undefined) {
    fingerprint = fingerprintText(JSON.stringify(item));
    itemFingerprints.set(item, fingerprint);
  }
  return fingerprint;
}

/** The chain fingerprint of the empty sequence. */
export const EMPTY_CHAIN: Fingerprint = fingerprintText('modelwire.chain.v1');

/** Extends a chain fingerprint by one item: `H(previous ∥ H(item))`. */
export function extendChain(chain: Fingerprint, item: ResponseItem): Fingerprint {
  return fingerprintText(chain + fingerprintItem(item));
}
