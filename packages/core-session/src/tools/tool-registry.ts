import type { ToolSpec } from '@modelwire/client';
import { InvalidArgumentError, type InvalidArgumentIssue } from '@modelwire/transport';
import type { ToolCallKind } from '../events/session-event.js';
import type { ToolDefinition } from './tool-definition.js';
import { checkToolDefinition, LOCAL_SHELL_TOOL_NAME, type CheckedToolDefinition } from './validate-tool-definition.js';

export { LOCAL_SHELL_TOOL_NAME };

/** A registered tool: its definition and its wire definition (built once, at registration). */
interface RegisteredTool {
  readonly definition: ToolDefinition;
  readonly spec: ToolSpec;
}

/**
 * The tools of a session (session lifetime): their wire definitions (`tools` of every request)
 * and their handlers. Server-side tools without a local handler (for example `web_search`)
 * are added with {@link ToolRegistry.addHostedTool}.
 *
 * Definitions are validated when they are added, before any I/O: names (`^[a-zA-Z0-9_-]+$`, at
 * most 64 characters, no duplicates), handlers, timeouts and parameters (a JSON Schema of an
 * object, or a Standard Schema whose JSON Schema is generated here).
 *
 * Register tools before the first turn: the list is part of every request, and changing it
 * between requests forces a full (non-incremental) request.
 */
export class ToolRegistry {
  readonly #tools = new Map<string, RegisteredTool>();
  readonly #hosted: ToolSpec[] = [];
  #specs: readonly ToolSpec[] | null = null;

  /**
   * @param tools tools to register at once.
   * @throws InvalidArgumentError for any invalid or duplicate definition (paths `tools[i]...`);
   *   nothing is registered then.
   */
  constructor(tools: readonly ToolDefinition[] = []) {
    if (!Array.isArray(tools)) throw new InvalidArgumentError({ path: 'tools', message: 'must be an array of tool definitions or a ToolRegistry' });
    this.#add(tools, (index) => `tools[${index}]`);
  }

  /**
   * Adds a tool with a local handler.
   * @throws InvalidArgumentError for an invalid definition (paths `tool...`) or a name already registered.
   */
  register(tool: ToolDefinition): this {
    this.#add([tool], () => 'tool');
    return this;
  }

  /**
   * Adds a tool the server runs itself (no local handler), sent as given in `tools`.
   * @throws InvalidArgumentError when `spec` is not an object with a non-empty string `type`.
   */
  addHostedTool(spec: ToolSpec): this {
    if (typeof spec !== 'object' || spec === null || typeof spec.type !== 'string' || spec.type === '') {
      throw new InvalidArgumentError({ path: 'spec.type', message: 'must be a non-empty string (the hosted tool type, such as "web_search")' });
    }
    this.#hosted.push(spec);
    this.#specs = null;
    return this;
  }

  /** The handler for a call of `kind` named `name`; `undefined` when none is registered. */
  lookup(kind: ToolCallKind, name: string): ToolDefinition | undefined {
    const tool = this.#tools.get(kind === 'local_shell' ? LOCAL_SHELL_TOOL_NAME : name)?.definition;
    return tool?.kind === kind ? tool : undefined;
  }

  /** Names of the tools with a local handler, in registration order. */
  get names(): readonly string[] {
    return [...this.#tools.keys()];
  }

  /** The wire definitions (`tools` of each request). Same array until the registry changes. */
  specs(): readonly ToolSpec[] {
    this.#specs ??= [...[...this.#tools.values()].map((tool) => tool.spec), ...this.#hosted];
    return this.#specs;
  }

  /** Validates every definition, then registers them all (or none). */
  #add(tools: readonly unknown[], pathOf: (index: number) => string): void {
    const issues: InvalidArgumentIssue[] = [];
    const checked: { definition: ToolDefinition; tool: CheckedToolDefinition }[] = [];
    const seen = new Map<string, string>();
    tools.forEach((definition, index) => {
      const path = pathOf(index);
      const tool = checkToolDefinition(definition, path);
      if (Array.isArray(tool)) {
        issues.push(...tool);
        return;
      }
      const namePath = (definition as ToolDefinition).kind === 'local_shell' ? `${path}.kind` : `${path}.name`;
      const earlier = seen.get(tool.name);
      if (this.#tools.has(tool.name)) issues.push({ path: namePath, message: `a tool named ${JSON.stringify(tool.name)} is already registered` });
      else if (earlier !== undefined) issues.push({ path: namePath, message: `duplicates the name of ${earlier}` });
      else seen.set(tool.name, path);
      checked.push({ definition: definition as ToolDefinition, tool });
    });
    if (issues.length > 0) throw new InvalidArgumentError(issues);
    for (const { definition, tool } of checked) this.#tools.set(tool.name, { definition, spec: tool.spec });
    if (checked.length > 0) this.#specs = null;
  }
}
