import type { LocalShellCallItem } from '@modelwire/protocol';

/** The `exec` action of a `local_shell_call`, as the model sent it (`timeout_ms` in milliseconds). */
export type LocalShellAction = LocalShellCallItem['action'];

/** What a tool handler gets besides the call's input. */
export interface ToolCallContext {
  /** The call id the output is paired with (`call_id`). */
  readonly callId: string;
  /** The tool name (`local_shell` for local shell calls). */
  readonly name: string;
  /** The turn that runs the call. */
  readonly turnId: string;
  /**
   * Aborted when the call times out, the turn is interrupted or the session closes. A handler
   * should stop its work when it fires; the turn does not wait for a handler that ignores it.
   */
  readonly signal: AbortSignal;
}

/**
 * What a handler returns: the text the model sees, optionally marked as a failure (`success:
 * false`, reported in `tool_call_finished`; the model sees the text either way).
 */
export type ToolResult = string | { readonly output: string; readonly success?: boolean };

/** Fields every tool definition has. */
interface ToolDefinitionBase {
  /**
   * Longest run of one call, in milliseconds; past it the handler's signal aborts and the model
   * gets a timeout message. Default: the session's `toolTimeoutMs`.
   */
  readonly timeoutMs?: number;
}

/** A function tool: the model sends JSON arguments (`function_call`). */
export interface FunctionToolDefinition extends ToolDefinitionBase {
  /** Discriminator: a function tool. */
  readonly kind: 'function';
  /** Tool name (`^[A-Za-z0-9_-]{1,64}$`). */
  readonly name: string;
  /** What the tool does, for the model. */
  readonly description: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Whether the server enforces the schema strictly. Default `false`. */
  readonly strict?: boolean;
  /**
   * Runs a call. `args` is the parsed JSON arguments (an empty string counts as `{}`); calls
   * with invalid JSON never reach the handler (the model gets an error output instead).
   */
  handler(args: unknown, context: ToolCallContext): ToolResult | Promise<ToolResult>;
}

/** A custom (free-form or grammar) tool: the model sends raw text (`custom_tool_call`). */
export interface CustomToolDefinition extends ToolDefinitionBase {
  /** Discriminator: a custom tool. */
  readonly kind: 'custom';
  /** Tool name. */
  readonly name: string;
  /** What the tool does, for the model. */
  readonly description: string;
  /** The input format (`{type:"text"}` or a grammar), sent as `format`. Omitted when undefined. */
  readonly format?: Readonly<Record<string, unknown>>;
  /** Runs a call with the model's raw input text. */
  handler(input: string, context: ToolCallContext): ToolResult | Promise<ToolResult>;
}

/** The built-in local shell tool (`local_shell_call`): the model sends an exec action. */
export interface LocalShellToolDefinition extends ToolDefinitionBase {
  /** Discriminator: the local shell tool (registered as `local_shell`). */
  readonly kind: 'local_shell';
  /** Runs the action (for example in a sandbox) and returns its output. */
  handler(action: LocalShellAction, context: ToolCallContext): ToolResult | Promise<ToolResult>;
}

/** A tool the session can run locally. */
export type ToolDefinition = FunctionToolDefinition | CustomToolDefinition | LocalShellToolDefinition;
