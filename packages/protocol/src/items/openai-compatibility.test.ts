// Type-level proof that the item types match the official `openai` package's input items, in
// both directions, member by member. `tsc` (the `typecheck` target, part of `npm test`) fails
// when either side drifts: a field added, removed, made required or given another type. The
// runtime tests below add what a type cannot show (the set of item types, narrowing in use).
import type * as Official from 'openai/resources/responses/responses';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  ApplyPatchCallItem,
  ApplyPatchCallOutputItem,
  CodeInterpreterCallItem,
  CompactionItem,
  CompactionTriggerItem,
  ComputerCallItem,
  ComputerCallOutputItem,
  ConfigurationUpdateItem,
  CustomToolCallItem,
  CustomToolCallOutputItem,
  EasyInputMessage,
  FileSearchCallItem,
  FunctionCallItem,
  FunctionCallOutputItem,
  ImageGenerationCallItem,
  InputMessage,
  ItemReference,
  ItemReferenceItem,
  LocalShellCallItem,
  LocalShellCallOutputItem,
  McpApprovalRequestItem,
  McpApprovalResponseItem,
  McpCallItem,
  McpListToolsItem,
  MessageItem,
  OutputMessageItem,
  ProgramItem,
  ProgramOutputItem,
  ReasoningItem,
  ResponseInput,
  ResponseInputItem,
  ResponseItem,
  ShellCallItem,
  ShellCallOutputItem,
  ToolSearchCallItem,
  WebSearchCallItem,
} from '../index.js';
import { RESPONSE_ITEM_TYPES, unknownItemOf, withItemType } from '../index.js';

/** `true` when each type is assignable to the other and ours declares every field the official one has. */
type Compatible<TheirItem, OurItem> = [TheirItem] extends [OurItem]
  ? [OurItem] extends [TheirItem]
    ? [Exclude<keyof TheirItem, keyof OurItem>] extends [never]
      ? true
      : false
    : false
  : false;

/** Each official input item, with the type that models it here. */
interface Pairs {
  easy_input_message: [Official.EasyInputMessage, EasyInputMessage];
  input_message: [Official.ResponseInputItem.Message, InputMessage];
  output_message: [Official.ResponseOutputMessage, OutputMessageItem];
  file_search_call: [Official.ResponseFileSearchToolCall, FileSearchCallItem];
  computer_call: [Official.ResponseComputerToolCall, ComputerCallItem];
  computer_call_output: [Official.ResponseInputItem.ComputerCallOutput, ComputerCallOutputItem];
  web_search_call: [Official.ResponseFunctionWebSearch, WebSearchCallItem];
  function_call: [Official.ResponseFunctionToolCall, FunctionCallItem];
  function_call_output: [Official.ResponseInputItem.FunctionCallOutput, FunctionCallOutputItem];
  tool_search_call: [Official.ResponseInputItem.ToolSearchCall, ToolSearchCallItem];
  configuration_update: [Official.ResponseConfigurationUpdateItemParam, ConfigurationUpdateItem];
  reasoning: [Official.ResponseReasoningItem, ReasoningItem];
  compaction: [Official.ResponseCompactionItemParam, CompactionItem];
  image_generation_call: [Official.ResponseInputItem.ImageGenerationCall, ImageGenerationCallItem];
  code_interpreter_call: [Official.ResponseCodeInterpreterToolCall, CodeInterpreterCallItem];
  local_shell_call: [Official.ResponseInputItem.LocalShellCall, LocalShellCallItem];
  local_shell_call_output: [Official.ResponseInputItem.LocalShellCallOutput, LocalShellCallOutputItem];
  shell_call: [Official.ResponseInputItem.ShellCall, ShellCallItem];
  shell_call_output: [Official.ResponseInputItem.ShellCallOutput, ShellCallOutputItem];
  apply_patch_call: [Official.ResponseInputItem.ApplyPatchCall, ApplyPatchCallItem];
  apply_patch_call_output: [Official.ResponseInputItem.ApplyPatchCallOutput, ApplyPatchCallOutputItem];
  mcp_list_tools: [Official.ResponseInputItem.McpListTools, McpListToolsItem];
  mcp_approval_request: [Official.ResponseInputItem.McpApprovalRequest, McpApprovalRequestItem];
  mcp_approval_response: [Official.ResponseInputItem.McpApprovalResponse, McpApprovalResponseItem];
  mcp_call: [Official.ResponseInputItem.McpCall, McpCallItem];
  custom_tool_call_output: [Official.ResponseCustomToolCallOutput, CustomToolCallOutputItem];
  custom_tool_call: [Official.ResponseCustomToolCall, CustomToolCallItem];
  compaction_trigger: [Official.ResponseInputItem.CompactionTrigger, CompactionTriggerItem];
  item_reference: [Official.ResponseInputItem.ItemReference, ItemReference];
  program: [Official.ResponseInputItem.Program, ProgramItem];
  program_output: [Official.ResponseInputItem.ProgramOutput, ProgramOutputItem];
}

/** The names of the pairs that are not compatible (must be none). */
type Drifted = { [Name in keyof Pairs]: Compatible<Pairs[Name][0], Pairs[Name][1]> extends true ? never : Name }[keyof Pairs];

/** Fails to compile, naming the drifted pairs, unless `Names` is `never`. */
type NoneDrifted<Names extends never> = Names;
export type CheckedPairs = NoneDrifted<Drifted>;

/** Official input item types not modelled here (they carry the full tool-definition union). */
type NotModelled = 'additional_tools' | 'tool_search_output';

describe('items against the official openai ResponseInputItem', () => {
  it('match member by member, in both directions, with every official field declared', () => {
    expectTypeOf<Drifted>().toEqualTypeOf<never>();
  });

  it('the comparison catches a drifted member', () => {
    // A status widened to any string, a required field made optional, a field left out:
    // each must make the pair incompatible.
    type WidenedStatus = Omit<FunctionCallItem, 'status'> & { readonly status?: string };
    type OptionalCallId = Omit<FunctionCallItem, 'call_id'> & { readonly call_id?: string };
    type MissingField = Omit<FunctionCallItem, 'namespace'>;
    expectTypeOf<Compatible<Official.ResponseFunctionToolCall, WidenedStatus>>().toEqualTypeOf<false>();
    expectTypeOf<Compatible<Official.ResponseFunctionToolCall, OptionalCallId>>().toEqualTypeOf<false>();
    expectTypeOf<Compatible<Official.ResponseFunctionToolCall, MissingField>>().toEqualTypeOf<false>();
    expectTypeOf<Compatible<Official.ResponseFunctionToolCall, FunctionCallItem>>().toEqualTypeOf<true>();
  });

  it('cover every official member but the two not modelled, and nothing else', () => {
    type OfficialTypes = NonNullable<Official.ResponseInputItem['type']>;
    expectTypeOf<Exclude<OfficialTypes, ResponseInputItem['type']>>().toEqualTypeOf<NotModelled>();
    expectTypeOf<Exclude<NonNullable<ResponseInputItem['type']>, OfficialTypes>>().toEqualTypeOf<never>();
    // Whole unions: every official member (but the two) is one of ours, and every one of ours is an official one.
    expectTypeOf<Exclude<Official.ResponseInputItem, ResponseInputItem>>().toEqualTypeOf<Official.ResponseInputItem.AdditionalTools | Official.ResponseToolSearchOutputItemParam>();
    expectTypeOf<ResponseInputItem>().toExtend<Official.ResponseInputItem>();
    expectTypeOf<ResponseItem>().toExtend<Official.ResponseInputItem>();
    expectTypeOf<ResponseInputItem[]>().toExtend<Official.ResponseInput>();
    type ModelledOfficialItem = Exclude<Official.ResponseInputItem, Official.ResponseInputItem.AdditionalTools | Official.ResponseToolSearchOutputItemParam>;
    expectTypeOf<string | ModelledOfficialItem[]>().toExtend<ResponseInput>();
    expectTypeOf<string>().toExtend<ResponseInput>();
  });

  it('official output items are ResponseItems, but for the two not modelled and the output form of computer_call_output', () => {
    // The output form of `computer_call_output` may have status `failed`, which the input form
    // (the one modelled, so that an item can be sent back) does not accept.
    expectTypeOf<Exclude<Official.ResponseOutputItem, ResponseItem>['type']>().toEqualTypeOf<NotModelled | 'computer_call_output'>();
    expectTypeOf<Exclude<Official.ResponseItem, ResponseItem>['type']>().toEqualTypeOf<NotModelled | 'computer_call_output'>();
  });

  it('the typed forms of the easy message and the item reference are official input items', () => {
    expectTypeOf<MessageItem>().toExtend<Official.EasyInputMessage>();
    expectTypeOf<ItemReferenceItem>().toExtend<Official.ResponseInputItem.ItemReference>();
    expectTypeOf<Official.ResponseInputMessageItem>().toExtend<MessageItem>();
  });

  it('RESPONSE_ITEM_TYPES lists every official input item type but the two not modelled', () => {
    const official: { readonly [Type in NonNullable<Official.ResponseInputItem['type']>]: true } = {
      message: true,
      file_search_call: true,
      computer_call: true,
      computer_call_output: true,
      web_search_call: true,
      function_call: true,
      function_call_output: true,
      tool_search_call: true,
      tool_search_output: true,
      additional_tools: true,
      configuration_update: true,
      reasoning: true,
      compaction: true,
      image_generation_call: true,
      code_interpreter_call: true,
      local_shell_call: true,
      local_shell_call_output: true,
      shell_call: true,
      shell_call_output: true,
      apply_patch_call: true,
      apply_patch_call_output: true,
      mcp_list_tools: true,
      mcp_approval_request: true,
      mcp_approval_response: true,
      mcp_call: true,
      custom_tool_call_output: true,
      custom_tool_call: true,
      compaction_trigger: true,
      item_reference: true,
      program: true,
      program_output: true,
    };
    const notModelled: readonly NotModelled[] = ['additional_tools', 'tool_search_output'];
    const expected = Object.keys(official).filter((type) => !(notModelled as readonly string[]).includes(type));
    expect([...RESPONSE_ITEM_TYPES].sort()).toEqual(expected.sort());
  });
});

describe('narrowing', () => {
  function describeItem(item: ResponseItem): string {
    switch (item.type) {
      case 'function_call':
        expectTypeOf(item).toEqualTypeOf<FunctionCallItem>();
        return `call ${item.name}(${item.arguments}) #${item.call_id}`;
      case 'message':
        expectTypeOf(item).toEqualTypeOf<MessageItem | OutputMessageItem>();
        return item.role === 'assistant' && typeof item.content !== 'string' ? `assistant, ${item.content.length} parts` : `message from ${item.role}`;
      case 'reasoning':
        return `reasoning, ${item.summary.length} summary parts`;
      default:
        return `other: ${unknownItemOf(item)?.type ?? item.type}`;
    }
  }

  it('item.type narrows a ResponseItem and an input item', () => {
    const input: ResponseInputItem = { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' } as ResponseInputItem;
    if (input.type === 'function_call') expectTypeOf(input).toEqualTypeOf<FunctionCallItem>();
    expect(describeItem({ type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"a":1}' })).toBe('call shell({"a":1}) #c1');
    expect(describeItem({ type: 'message', role: 'user', content: 'hi' })).toBe('message from user');
  });

  it('an item of a type not modelled reaches the default branch and reads as an UnknownResponseItem', () => {
    const fromNewerServer = JSON.parse('{"type":"hologram_call","id":"hg_1","depth":3}') as ResponseItem;
    expect(describeItem(fromNewerServer)).toBe('other: hologram_call');
    expect(unknownItemOf(fromNewerServer)?.['depth']).toBe(3);
    expect(unknownItemOf({ type: 'reasoning', id: 'rs_1', summary: [] })).toBeUndefined();
  });

  it('withItemType spells out the type of easy messages and item references only', () => {
    const easy: ResponseInputItem = { role: 'user', content: 'hi' };
    const reference: ResponseInputItem = { id: 'msg_1' };
    const call: ResponseInputItem = { type: 'function_call', call_id: 'c', name: 'n', arguments: '{}' };
    expect(withItemType(easy)).toEqual({ type: 'message', role: 'user', content: 'hi' });
    expect(withItemType(reference)).toEqual({ type: 'item_reference', id: 'msg_1' });
    expect(withItemType(call)).toBe(call);
  });
});
