import type { ResponseItem } from '../types/prompt.js';
import { EMPTY_CHAIN, extendChain, type Fingerprint } from './item-fingerprint.js';

/**
 * Running chain fingerprints of one input array: `chains[i]` covers `items[0..i)`.
 *
 * Kept per array object. When the caller extends the same array (append-only, the documented
 * contract for `Prompt.input`), only the new tail is fingerprinted; a new array is walked once,
 * reusing every item's cached fingerprint.
 */
interface ChainCache {
  readonly chains: Fingerprint[];
  /** `items[i]` is the object seen at index `i`; a cheap guard against truncate-and-refill. */
  readonly items: ResponseItem[];
}

const caches = new WeakMap<readonly ResponseItem[], ChainCache>();

function cacheFor(items: readonly ResponseItem[], hint: readonly ResponseItem[] | undefined): ChainCache {
  let cache = caches.get(items);
  const known = cache?.items.length ?? 0;
  if (cache !== undefined && known > 0 && (items.length < known || items[known - 1] !== cache.items[known - 1])) {
    // The array shrank or was rewritten; start over.
    cache = undefined;
  }
  if (cache === undefined) {
    cache = adoptPrefix(items, hint === undefined ? undefined : caches.get(hint));
    caches.set(items, cache);
  }
  return cache;
}

/**
 * A new array that starts with the same item objects as an array already fingerprinted (a
 * copy extended with new items, the common `[...history, item]` pattern) reuses that array's
 * chain for the shared prefix: pointer comparisons only, no hashing.
 */
function adoptPrefix(items: readonly ResponseItem[], known: ChainCache | undefined): ChainCache {
  if (known === undefined) return { chains: [EMPTY_CHAIN], items: [] };
  const limit = Math.min(items.length, known.items.length);
  let shared = 0;
  while (shared < limit && items[shared] === known.items[shared]) shared += 1;
  return { chains: known.chains.slice(0, shared + 1), items: known.items.slice(0, shared) };
}

/**
 * The chain fingerprint of `items[0..length)`. Cost: the items not yet fingerprinted for this
 * array (zero for a prefix already seen).
 */
export function chainFingerprint(items: readonly ResponseItem[], length = items.length, hint?: readonly ResponseItem[]): Fingerprint {
  if (length < 0 || length > items.length) throw new RangeError('length out of range');
  const cache = cacheFor(items, hint);
  let chain = cache.chains[cache.chains.length - 1] ?? EMPTY_CHAIN;
  for (let index = cache.items.length; index < length; index += 1) {
    const item = items[index] as ResponseItem;
    chain = extendChain(chain, item);
    cache.chains.push(chain);
    cache.items.push(item);
  }
  return cache.chains[length] ?? EMPTY_CHAIN;
}
