// The item unions. `ResponseItem` is closed on purpose: `item.type === 'function_call'` narrows
// to `FunctionCallItem`, and a switch over `item.type` is checked for exhaustiveness. The wire
// is open, though: a newer server may send item types this version does not model, and the
// client carries them through unchanged (they are never dropped or rejected). Such an item is
// still typed `ResponseItem` at compile time; `unknownItemOf(item)` returns it as an
// `UnknownResponseItem` (for a `default:` branch), and `asResponseItem(item)` is the explicit
// escape hatch for sending an item of a type not modelled here.
import { InvalidArgumentError } from '@modelwire/errors';
import type { CompactionItem, CompactionTriggerItem, ConfigurationUpdateItem, ItemReference, ItemReferenceItem, ProgramItem, ProgramOutputItem, ReasoningItem } from './context-items.js';
import type { CustomToolCallItem, CustomToolCallOutputItem, FunctionCallItem, FunctionCallOutputItem } from './function-items.js';
import type {
  CodeInterpreterCallItem,
  ComputerCallItem,
  ComputerCallOutputItem,
  FileSearchCallItem,
  ImageGenerationCallItem,
  ToolSearchCallItem,
  WebSearchCallItem,
} from './hosted-tool-items.js';
import type { McpApprovalRequestItem, McpApprovalResponseItem, McpCallItem, McpListToolsItem } from './mcp-items.js';
import type { EasyInputMessage, InputMessage, MessageItem, OutputMessageItem } from './message-items.js';
import type {
  ApplyPatchCallItem,
  ApplyPatchCallOutputItem,
  LocalShellCallItem,
  LocalShellCallOutputItem,
  ShellCallItem,
  ShellCallOutputItem,
} from './shell-items.js';

/**
 * One Responses item with its `type` spelled out: what the client sends as `input`, what a
 * response produces as `output` (`CompletedResponse.output`, the `output_item_done` event), and
 * what a conversation history holds. Discriminated by `type`.
 *
 * Items are immutable values: the client fingerprints each item object once (by identity) for
 * the continuation check, so mutating an item after it was sent is not supported.
 */
export type ResponseItem =
  | MessageItem
  | OutputMessageItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | CustomToolCallItem
  | CustomToolCallOutputItem
  | ReasoningItem
  | CompactionItem
  | CompactionTriggerItem
  | ItemReferenceItem
  | LocalShellCallItem
  | LocalShellCallOutputItem
  | ShellCallItem
  | ShellCallOutputItem
  | ApplyPatchCallItem
  | ApplyPatchCallOutputItem
  | WebSearchCallItem
  | FileSearchCallItem
  | ImageGenerationCallItem
  | CodeInterpreterCallItem
  | ToolSearchCallItem
  | ComputerCallItem
  | ComputerCallOutputItem
  | McpListToolsItem
  | McpApprovalRequestItem
  | McpApprovalResponseItem
  | McpCallItem
  | ProgramItem
  | ProgramOutputItem
  | ConfigurationUpdateItem;

/**
 * Anything the API accepts as an input item: every {@link ResponseItem}, plus the forms whose
 * `type` may be left out (the easy input message `{ role, content }`, an explicit input message,
 * an item reference `{ id }`). The client gives those a `type` before sending.
 */
export type ResponseInputItem = ResponseItem | EasyInputMessage | InputMessage | ItemReference;

/** The input of a request: one user message as a string, or a list of items. */
export type ResponseInput = string | readonly ResponseInputItem[];

/** The `type` of a {@link ResponseItem}. */
export type ResponseItemType = ResponseItem['type'];

// A record (not a list) so that the compiler checks it names every member of the union.
const ITEM_TYPES: { readonly [Type in ResponseItemType]: true } = {
  message: true,
  function_call: true,
  function_call_output: true,
  custom_tool_call: true,
  custom_tool_call_output: true,
  reasoning: true,
  compaction: true,
  compaction_trigger: true,
  item_reference: true,
  local_shell_call: true,
  local_shell_call_output: true,
  shell_call: true,
  shell_call_output: true,
  apply_patch_call: true,
  apply_patch_call_output: true,
  web_search_call: true,
  file_search_call: true,
  image_generation_call: true,
  code_interpreter_call: true,
  tool_search_call: true,
  computer_call: true,
  computer_call_output: true,
  mcp_list_tools: true,
  mcp_approval_request: true,
  mcp_approval_response: true,
  mcp_call: true,
  program: true,
  program_output: true,
  configuration_update: true,
};

/** Every item type {@link ResponseItem} models. */
export const RESPONSE_ITEM_TYPES: ReadonlySet<ResponseItemType> = new Set(Object.keys(ITEM_TYPES) as ResponseItemType[]);

/** Whether `type` is an item type {@link ResponseItem} models. */
export function isResponseItemType(type: unknown): type is ResponseItemType {
  return typeof type === 'string' && Object.hasOwn(ITEM_TYPES, type);
}

/**
 * An item of a type this version does not model (a newer API item, a provider extension),
 * with every field as it came over the wire. The client never drops or rewrites such items.
 */
export interface UnknownResponseItem {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * The item as an {@link UnknownResponseItem} when its type is not one {@link ResponseItem}
 * models, else `undefined`. Use it where a switch over `item.type` ends (`default:`), to read
 * or forward items from a newer server.
 */
export function unknownItemOf(item: ResponseItem | UnknownResponseItem): UnknownResponseItem | undefined {
  return isResponseItemType(item.type) ? undefined : (item as UnknownResponseItem);
}

/**
 * The typed escape hatch for sending an item of a type this version does not model: returns
 * the same object, typed as a {@link ResponseItem}, after checking it is an object with a
 * non-empty string `type`. Known types need no hatch: build them with their own interface.
 *
 * @throws InvalidArgumentError when `item` is not an object with a non-empty string `type`.
 */
export function asResponseItem(item: UnknownResponseItem): ResponseItem {
  if (typeof item !== 'object' || item === null || typeof item.type !== 'string' || item.type.length === 0) {
    throw new InvalidArgumentError({ path: 'item.type', message: 'must be a non-empty string' });
  }
  return item as unknown as ResponseItem;
}

/**
 * The item with its `type` spelled out: an easy or explicit input message without `type`
 * becomes `type: "message"`, an item reference without `type` becomes `type: "item_reference"`;
 * any other item is returned as is (same object). A new object is returned only when a `type`
 * was added.
 */
export function withItemType(item: ResponseInputItem): ResponseItem {
  if (typeof item.type === 'string') return item as ResponseItem;
  if ('role' in item) return { ...item, type: 'message' };
  return { ...item, type: 'item_reference' };
}
