import type { LocalShellCallItem } from '@modelwire/protocol';
import type { StandardSchema, StandardSchemaOutput } from './standard-schema.js';
import type { ToolResult } from './tool-output.js';

/** The `exec` action of a `local_shell_call`, as the model sent it (`timeout_ms` in milliseconds). */
export type LocalShellAction = LocalShellCallItem['action'];

/** A JSON Schema object, as sent in a function tool's `parameters`. */
export type JsonSchemaObject = Readonly<Record<string, unknown>>;

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

/** Fields every tool definition has. */
interface ToolDefinitionBase {
  /**
   * Longest run of one call, in milliseconds; past it the handler's signal aborts and the model
   * gets a timeout message. Default: the session's `toolTimeoutMs`.
   */
  readonly timeoutMs?: number;
}

/**
 * A function tool: the model sends JSON arguments (`function_call`).
 *
 * `parameters` is either a JSON Schema object (the handler then gets the parsed JSON, typed
 * `unknown`) or a Standard Schema such as a zod 4 schema: the arguments are validated with it
 * before the handler runs (a failure becomes an output the model sees, listing each problem),
 * the handler gets the schema's output, and the JSON Schema sent to the API is generated from
 * it. Use {@link functionTool} to have `Args` inferred from the schema.
 */
export interface FunctionToolDefinition<Args = unknown> extends ToolDefinitionBase {
  /** Discriminator: a function tool. */
  readonly kind: 'function';
  /** Tool name: letters, digits, `_` and `-`, 1 to 64 characters (`^[a-zA-Z0-9_-]+$`). */
  readonly name: string;
  /** What the tool does, for the model. Omitted from the definition when undefined. */
  readonly description?: string;
  /**
   * The arguments: a JSON Schema of `type: "object"`, or a Standard Schema of an object. A
   * Standard Schema's JSON Schema comes from its Standard JSON Schema converter
   * (`~standard.jsonSchema`, implemented by zod 4.2 and later) unless `jsonSchema` is given.
   */
  readonly parameters: JsonSchemaObject | StandardSchema<unknown, Args>;
  /**
   * The JSON Schema sent to the API when `parameters` is a Standard Schema: needed for schema
   * libraries without a JSON Schema converter (for zod before 4.2, `z.toJSONSchema(schema)`);
   * given, it replaces the generated one. Ignored when `parameters` is a JSON Schema.
   */
  readonly jsonSchema?: JsonSchemaObject;
  /**
   * Whether the API enforces the schema strictly (structured outputs). Default `false`. A strict
   * schema must close every object (`additionalProperties: false`, `z.strictObject`) and list
   * every property as required (use `.nullable()` instead of `.optional()`).
   */
  readonly strict?: boolean;
  /**
   * Runs a call. `args` is the parsed JSON arguments (an empty string counts as `{}`), after
   * validation by `parameters` when it is a Standard Schema. Calls with invalid JSON or
   * arguments the schema rejects never reach the handler (the model gets an error output).
   */
  handler(args: Args, context: ToolCallContext): ToolResult | Promise<ToolResult>;
}

/** A custom (free-form or grammar) tool: the model sends raw text (`custom_tool_call`). */
export interface CustomToolDefinition extends ToolDefinitionBase {
  /** Discriminator: a custom tool. */
  readonly kind: 'custom';
  /** Tool name: letters, digits, `_` and `-`, 1 to 64 characters. */
  readonly name: string;
  /** What the tool does, for the model. Omitted from the definition when undefined. */
  readonly description?: string;
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

/** The handler's argument type for `parameters`: the schema's output, or `unknown` for a JSON Schema. */
export type ToolArguments<Parameters> = Parameters extends StandardSchema ? StandardSchemaOutput<Parameters> : unknown;

/** What {@link functionTool} takes: a function tool definition without `kind`. */
export interface FunctionToolOptions<Parameters extends StandardSchema | JsonSchemaObject> extends ToolDefinitionBase {
  /** Tool name: letters, digits, `_` and `-`, 1 to 64 characters. */
  readonly name: string;
  /** What the tool does, for the model. */
  readonly description?: string;
  /** A Standard Schema (zod 4, ...) of the arguments object, or a JSON Schema of `type: "object"`. */
  readonly parameters: Parameters;
  /** See {@link FunctionToolDefinition.jsonSchema}. */
  readonly jsonSchema?: JsonSchemaObject;
  /** See {@link FunctionToolDefinition.strict}. Default `false`. */
  readonly strict?: boolean;
  /** Runs a call with the validated arguments (the schema's output type). */
  readonly handler: (args: ToolArguments<Parameters>, context: ToolCallContext) => ToolResult | Promise<ToolResult>;
}

/**
 * A function tool whose handler's argument type is inferred from `parameters`:
 *
 * ```ts
 * functionTool({
 *   name: 'read_file',
 *   parameters: z.object({ path: z.string() }),
 *   handler: ({ path }) => readFile(path, 'utf8'), // path: string
 * });
 * ```
 *
 * A handler declared with another argument type does not compile. Nothing is checked here: the
 * definition is validated where it is registered (`createSession`, `ToolRegistry`).
 */
export function functionTool<Parameters extends StandardSchema | JsonSchemaObject>(options: FunctionToolOptions<Parameters>): FunctionToolDefinition<ToolArguments<Parameters>> {
  return { ...options, kind: 'function' } as FunctionToolDefinition<ToolArguments<Parameters>>;
}
