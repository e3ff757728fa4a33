import type { ResponseItem } from '../types/prompt.js';

/** An item streamed as `response.output_item.done`, with its output index. */
export interface StreamedItem {
  readonly outputIndex: number;
  readonly item: ResponseItem;
}

/** The output of a completed response and what `response.completed.output` added to it. */
export interface ReconciledOutput {
  /** The items to commit, in response order. */
  readonly output: readonly ResponseItem[];
  /** Items only `response.completed.output` listed (never streamed), in its order. */
  readonly added: readonly ResponseItem[];
}

function idOf(item: ResponseItem): string | undefined {
  const id = (item as { id?: unknown }).id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/**
 * Merges the streamed items of a completed response with `response.completed.output`, so that
 * nothing the server produced is lost and nothing is counted twice.
 *
 * Streamed items are first put in output order (`output_index`, stable): some servers finish
 * items out of order, and the output the server continues from is in index order. An item
 * streamed again under the same id counts once (the first time).
 *
 * Each item of the final list is matched to a streamed item by id, else by position (its index
 * equals the streamed item's `output_index`) and type, which also covers servers that give an
 * item a new id on every event. A matched item keeps its streamed form: that is the baseline
 * the server continues from (reasoning may be re-encrypted in the final list). Unmatched final
 * items were never streamed and are added. When every streamed item was matched the final
 * list's order is kept; otherwise the streamed items keep their order and the added ones
 * follow. An empty or missing final list leaves the streamed items as they are.
 */
export function reconcileOutput(arrived: readonly StreamedItem[], final: readonly ResponseItem[] | undefined): ReconciledOutput {
  return finalRepeatsStreamed(arrived, final) ? { output: arrived.map((entry) => entry.item), added: [] } : reconcileInFull(arrived, final);
}

/** Longest output the {@link finalRepeatsStreamed} shortcut compares pairwise (no set needed). */
const SHORTCUT_MAX_ITEMS = 16;

/**
 * The usual case, decided without building any table: the final list names exactly the
 * streamed items, in their order (each streamed once, in increasing `output_index`, under
 * distinct ids, and the final list has the same ids at the same positions). Every final item
 * then matches its streamed item by id, so {@link reconcileInFull} would return the streamed
 * items as they are, with nothing added.
 */
function finalRepeatsStreamed(arrived: readonly StreamedItem[], final: readonly ResponseItem[] | undefined): boolean {
  const count = arrived.length;
  if (final === undefined || final.length !== count || count === 0 || count > SHORTCUT_MAX_ITEMS) return false;
  for (let index = 0; index < count; index += 1) {
    const entry = arrived[index] as StreamedItem;
    const id = idOf(entry.item);
    if (id === undefined || idOf(final[index] as ResponseItem) !== id) return false;
    if (index > 0 && (arrived[index - 1] as StreamedItem).outputIndex >= entry.outputIndex) return false;
    for (let earlier = 0; earlier < index; earlier += 1) if (idOf((arrived[earlier] as StreamedItem).item) === id) return false;
  }
  return true;
}

/** {@link reconcileOutput} without its shortcut (exported for the property test that compares both). */
export function reconcileInFull(arrived: readonly StreamedItem[], final: readonly ResponseItem[] | undefined): ReconciledOutput {
  const streamed = withoutRepeats(arrived).sort((a, b) => a.outputIndex - b.outputIndex);
  const streamedItems = streamed.map((entry) => entry.item);
  if (final === undefined || final.length === 0) return { output: streamedItems, added: [] };
  const byId = new Map<string, number>();
  streamed.forEach((entry, index) => {
    const id = idOf(entry.item);
    if (id !== undefined && !byId.has(id)) byId.set(id, index);
  });
  const used = new Set<number>();
  const ordered: ResponseItem[] = [];
  const added: ResponseItem[] = [];
  final.forEach((item, position) => {
    const id = idOf(item);
    let match = id === undefined ? undefined : byId.get(id);
    if (match !== undefined && used.has(match)) match = undefined;
    if (match === undefined) {
      const index = streamed.findIndex((entry, candidate) => !used.has(candidate) && entry.outputIndex === position && entry.item.type === item.type);
      if (index >= 0) match = index;
    }
    if (match === undefined) {
      ordered.push(item);
      added.push(item);
      return;
    }
    used.add(match);
    ordered.push(streamedItems[match] as ResponseItem);
  });
  if (used.size === streamed.length) return { output: ordered, added };
  return { output: [...streamedItems, ...added], added };
}

/** The streamed items, each id once (the first time it was streamed). */
function withoutRepeats(arrived: readonly StreamedItem[]): StreamedItem[] {
  const seen = new Set<string>();
  const kept: StreamedItem[] = [];
  for (const entry of arrived) {
    const id = idOf(entry.item);
    if (id !== undefined) {
      if (seen.has(id)) continue;
      seen.add(id);
    }
    kept.push(entry);
  }
  return kept;
}
