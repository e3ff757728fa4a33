import type { ToolSpec } from '@modelwire/client';
import { ErrorCode, ModelwireError } from '@modelwire/transport';
import type { ToolCallKind } from '../events/session-event.js';
import type { ToolDefinition } from './tool-definition.js';

/** The name under which the local shell tool is registered and reported. */
export const LOCAL_SHELL_TOOL_NAME = 'local_shell';

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The tools of a session (session lifetime): their wire definitions (`tools` of every request)
 * and their handlers. Server-side tools without a local handler (for example `web_search`)
 * are added with {@link ToolRegistry.addHostedTool}.
 *
 * Register tools before the first turn: the list is part of every request, and changing it
 * between requests forces a full (non-incremental) request.
 */
export class ToolRegistry {
  readonly #tools = new Map<string, ToolDefinition>();
  readonly #hosted: ToolSpec[] = [];
  #specs: readonly ToolSpec[] | null = null;

  /** @param tools tools to register at once. */
  constructor(tools: readonly ToolDefinition[] = []) {
    for (const tool of tools) this.register(tool);
  }

  /**
   * Adds a tool with a local handler.
   * @throws ModelwireError `invalid_argument` for an invalid or duplicate name.
   */
  register(tool: ToolDefinition): this {
    const name = tool.kind === 'local_shell' ? LOCAL_SHELL_TOOL_NAME : tool.name;
    if (!TOOL_NAME.test(name)) throw new ModelwireError(ErrorCode.InvalidArgument, `invalid tool name ${JSON.stringify(name)}`);
    if (this.#tools.has(name)) throw new ModelwireError(ErrorCode.InvalidArgument, `a tool named ${JSON.stringify(name)} is already registered`);
    this.#tools.set(name, tool);
    this.#specs = null;
    return this;
  }

  /** Adds a tool the server runs itself (no local handler), sent as given in `tools`. */
  addHostedTool(spec: ToolSpec): this {
    this.#hosted.push(spec);
    this.#specs = null;
    return this;
  }

  /** The handler for a call of `kind` named `name`; `undefined` when none is registered. */
  lookup(kind: ToolCallKind, name: string): ToolDefinition | undefined {
    const tool = this.#tools.get(kind === 'local_shell' ? LOCAL_SHELL_TOOL_NAME : name);
    return tool?.kind === kind ? tool : undefined;
  }

  /** Names of the tools with a local handler, in registration order. */
  get names(): readonly string[] {
    return [...this.#tools.keys()];
  }

  /** The wire definitions (`tools` of each request). Same array until the registry changes. */
  specs(): readonly ToolSpec[] {
    this.#specs ??= [...[...this.#tools.values()].map(toSpec), ...this.#hosted];
    return this.#specs;
  }
}

function toSpec(tool: ToolDefinition): ToolSpec {
  switch (tool.kind) {
    case 'function':
      return { type: 'function', name: tool.name, description: tool.description, parameters: tool.parameters, strict: tool.strict ?? false };
    case 'custom':
      return { type: 'custom', name: tool.name, description: tool.description, ...(tool.format === undefined ? {} : { format: tool.format }) };
    case 'local_shell':
      return { type: 'local_shell' };
  }
}
