import type { ResponseItem } from '../types/prompt.js';
import { EMPTY_CHAIN, extendChain, type Fingerprint } from './item-fingerprint.js';

/**
 * Running chain fingerprints of one input array, from position `start` on: `chains[i]` covers
 * `items[0 .. start + i)`, and `tail[i]` is the object seen at `start + i`.
 *
 * Kept per array object. When the caller extends the same array (append-only, the documented
 * contract for `Prompt.input`), only the new tail is fingerprinted. A new array that shares
 * its leading item objects with an array seen before (the `[...history, item]` pattern)
 * starts at the end of the shared prefix, found by pointer comparison: no hashing and no
 * copying of the prefix.
 */
interface ChainCache {
  /** First position covered by `tail`; `chains[0]` is the chain of `items[0 .. start)`. */
  readonly start: number;
  /** The object at `start - 1` when the cache began (guards against a rewritten array). */
  readonly anchor: ResponseItem | undefined;
  readonly chains: Fingerprint[];
  readonly tail: ResponseItem[];
}

const caches = new WeakMap<readonly ResponseItem[], ChainCache>();

function fresh(): ChainCache {
  return { start: 0, anchor: undefined, chains: [EMPTY_CHAIN], tail: [] };
}

/** Whether `items` still holds, at the last known position, the object seen there. */
function stillValid(items: readonly ResponseItem[], cache: ChainCache): boolean {
  const known = cache.start + cache.tail.length;
  if (items.length < known) return false;
  if (cache.tail.length > 0) return items[known - 1] === cache.tail[cache.tail.length - 1];
  return cache.start === 0 || items[cache.start - 1] === cache.anchor;
}

/** The chain of `known`'s array at `index`, when `known` covers that position. */
function chainAt(known: ChainCache, index: number): Fingerprint | undefined {
  return index >= known.start ? known.chains[index - known.start] : undefined;
}

function itemAt(known: ChainCache, hint: readonly ResponseItem[], index: number): ResponseItem | undefined {
  return index >= known.start ? known.tail[index - known.start] : hint[index];
}

function adoptPrefix(items: readonly ResponseItem[], hint: readonly ResponseItem[] | undefined): ChainCache {
  const known = hint === undefined ? undefined : caches.get(hint);
  if (hint === undefined || known === undefined || !stillValid(hint, known)) return fresh();
  const limit = Math.min(items.length, known.start + known.tail.length);
  let shared = 0;
  while (shared < limit && items[shared] === itemAt(known, hint, shared)) shared += 1;
  // Only positions the hint's cache covers can be adopted; before that, start from scratch.
  while (shared > 0 && chainAt(known, shared) === undefined) shared = shared >= known.start ? known.start : 0;
  const chain = shared === 0 ? EMPTY_CHAIN : chainAt(known, shared);
  if (chain === undefined) return fresh();
  return { start: shared, anchor: shared === 0 ? undefined : items[shared - 1], chains: [chain], tail: [] };
}

function cacheFor(items: readonly ResponseItem[], hint: readonly ResponseItem[] | undefined, length: number): ChainCache {
  let cache = caches.get(items);
  if (cache !== undefined && (!stillValid(items, cache) || length < cache.start)) cache = undefined;
  if (cache === undefined) {
    cache = adoptPrefix(items, hint);
    if (length < cache.start) cache = fresh();
    caches.set(items, cache);
  }
  return cache;
}

/**
 * The chain fingerprint of `items[0 .. length)`. Cost: the items not yet fingerprinted for this
 * array (zero for a prefix already seen). `hint` is an array fingerprinted earlier (the
 * previous request's input) whose leading item objects a new array may share.
 */
export function chainFingerprint(items: readonly ResponseItem[], length = items.length, hint?: readonly ResponseItem[]): Fingerprint {
  if (length < 0 || length > items.length) throw new RangeError('length out of range');
  const cache = cacheFor(items, hint, length);
  let chain = cache.chains[cache.chains.length - 1] ?? EMPTY_CHAIN;
  for (let index = cache.start + cache.tail.length; index < length; index += 1) {
    const item = items[index] as ResponseItem;
    chain = extendChain(chain, item);
    cache.chains.push(chain);
    cache.tail.push(item);
  }
  return cache.chains[length - cache.start] ?? EMPTY_CHAIN;
}
