import type { ResponseItem } from '../types/prompt.js';

/**
 * The id prefixes the API issues, per item type, for the types whose `id` it treats as
 * optional on input (observed in recorded OpenAI, Azure, xAI and LM Studio streams; xAI issues
 * `ctc_` for custom tool calls). An item of one of these types whose `id` is empty or does
 * not start with one of its prefixes is sent without its `id`: the API refuses such ids
 * (`invalid_id_prefix`, "Expected an ID that begins with 'fc'"), and an item is valid without one.
 */
export const ITEM_ID_PREFIXES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  message: ['msg_'],
  reasoning: ['rs_'],
  function_call: ['fc_'],
  custom_tool_call: ['ct_', 'ctc_'],
  compaction: ['cmp_'],
  shell_call: ['sh_'],
  shell_call_output: ['sho_'],
  apply_patch_call: ['apc_'],
  tool_search_call: ['tsc_'],
  tool_search_output: ['tso_'],
});

/**
 * Item types whose `id` is optional on input but whose prefix is not known here: only an empty
 * (or `null`) `id` is stripped from them. Any other type (hosted tool calls, item references,
 * types this client does not know) is sent exactly as given: their `id` is required, or its
 * rules are unknown.
 */
const OPTIONAL_ID_TYPES: ReadonlySet<string> = new Set([
  'function_call_output',
  'custom_tool_call_output',
  'apply_patch_call_output',
  'computer_call_output',
  'mcp_approval_response',
  'additional_tools',
  'configuration_update',
  'compaction_trigger',
]);

/** Whether the wire form of `item` leaves its `id` out. */
function dropsId(item: Readonly<Record<string, unknown>>): boolean {
  if (!('id' in item)) return false;
  const id = item['id'];
  // An easy input message (`{role, content}`) is a message without `type`.
  const type = typeof item['type'] === 'string' ? item['type'] : 'role' in item ? 'message' : undefined;
  if (type === undefined) return false;
  const prefixes = ITEM_ID_PREFIXES[type];
  const empty = id === null || id === undefined || id === '';
  if (prefixes === undefined) return empty && OPTIONAL_ID_TYPES.has(type);
  return empty || typeof id !== 'string' || !prefixes.some((prefix) => id.startsWith(prefix));
}

/**
 * The input as it goes on the wire: `items` itself when every id may be sent, otherwise a
 * copy in which each item whose `id` the API would refuse (see {@link ITEM_ID_PREFIXES}) is
 * replaced by a shallow copy without it. Neither the caller's array nor its items are changed,
 * so the caller's history (and the continuation check, which ignores ids) stays as it was.
 * O(items), no allocation when nothing is stripped.
 */
export function wireInput(items: readonly ResponseItem[]): readonly ResponseItem[] {
  let copy: ResponseItem[] | undefined;
  for (let index = 0; index < items.length; index += 1) {
    const item = items[index] as ResponseItem;
    if (!dropsId(item as unknown as Readonly<Record<string, unknown>>)) continue;
    copy ??= items.slice();
    const { id: _dropped, ...rest } = item as unknown as Record<string, unknown>;
    copy[index] = rest as unknown as ResponseItem;
  }
  return copy ?? items;
}
