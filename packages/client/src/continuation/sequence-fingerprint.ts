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

function cacheFor(items: readonly ResponseItem[]): ChainCache {
  let cache = caches.get(items);
  const known = cache?.items.length ?? 0;
  if (cache !== undefined && known > 0 && (items.length < known || items[known - 1] !== cache.items[known - 1])) {
    // The array shrank or was rewritten; start over.
    cache = undefined;
  }
  if (cache === undefined) {
    cache = { chains: [EMPTY_CHAIN], items: [] };
    caches.set(items, cache);
  }
  return cache;
}

/**
 * The chain fingerprint of `items[0..length)`. Cost: the items not yet fingerprinted for this
 * array (zero for a prefix already seen).
 */
export function chainFingerprint(items: readonly ResponseItem[], length = items.length): Fingerprint {
  if (length < 0 || length > items.length) throw new RangeError('length out of range');
  const cache = cacheFor(items);
  let chain = cache.chains[cache.chains.length - 1] ?? EMPTY_CHAIN;
  for (let index = cache.items.length; index < length; index += 1) {
    const item = items[index] as ResponseItem;
    chain = extendChain(chain, item);
    cache.chains.push(chain);
    cache.items.push(item);
  }
  return cache.chains[length] ?? EMPTY_CHAIN;
}
