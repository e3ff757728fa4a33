import type { InputContent, ToolOutputContent } from './content-parts.js';
import type { ItemStatus } from './message-items.js';

/** The model called the tool itself. */
export interface DirectToolCaller {
  readonly type: 'direct';
}

/** A program the model wrote (`program` item) called the tool; `caller_id` names the program call. */
export interface ProgramToolCaller {
  readonly type: 'program';
  readonly caller_id: string;
}

/** Who made a tool call: the model, or a program it runs. */
export type ToolCaller = DirectToolCaller | ProgramToolCaller;

/**
 * A call of a function tool. `arguments` is a JSON **string** (parse it; it may be invalid
 * JSON). Answer it with a `function_call_output` carrying the same `call_id`.
 */
export interface FunctionCallItem {
  readonly type: 'function_call';
  readonly call_id: string;
  readonly name: string;
  readonly arguments: string;
  /** Server-assigned id (`fc_…`). */
  readonly id?: string;
  /** The namespace of the tool, for tools grouped in a namespace. */
  readonly namespace?: string;
  readonly async?: boolean;
  readonly caller?: ToolCaller | null;
  readonly status?: ItemStatus;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}

/** The result of a function call: text, or content parts (text, images, files). */
export interface FunctionCallOutputItem {
  readonly type: 'function_call_output';
  /** The `call_id` of the `function_call` this answers. */
  readonly call_id?: string | null;
  readonly output: string | ToolOutputContent[];
  readonly id?: string | null;
  readonly name?: string | null;
  readonly namespace?: string | null;
  readonly caller?: ToolCaller | null;
  readonly status?: ItemStatus | null;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}

/** A call of a custom (free-form or grammar) tool: `input` is the raw text the model wrote. */
export interface CustomToolCallItem {
  readonly type: 'custom_tool_call';
  readonly call_id: string;
  readonly name: string;
  readonly input: string;
  readonly id?: string;
  readonly namespace?: string;
  readonly async?: boolean;
  readonly caller?: ToolCaller | null;
  readonly status?: ItemStatus;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}

/** The result of a custom tool call: text, or content parts. */
export interface CustomToolCallOutputItem {
  readonly type: 'custom_tool_call_output';
  readonly call_id: string;
  readonly output: string | InputContent[];
  readonly id?: string;
  readonly caller?: ToolCaller | null;
  readonly status?: ItemStatus;
  /** Set on items the server lists back. */
  readonly created_by?: string;
}
