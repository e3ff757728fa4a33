import { redactText, toAbortError } from '@modelwire/transport';
import type { LocalShellAction, ToolCallContext, ToolDefinition, ToolResult } from './tool-definition.js';
import type { ToolCall } from './tool-call.js';
import type { ToolRegistry } from './tool-registry.js';

/** Default limit of one tool call, in milliseconds (10 minutes). */
export const DEFAULT_TOOL_TIMEOUT_MS = 600_000;

/** What one tool call produced for the model. */
export interface ToolCallOutcome {
  /** The text the model sees. */
  readonly output: string;
  /** `false` for handler errors, timeouts, invalid input and unknown tools. */
  readonly success: boolean;
}

/** Options of {@link runToolCall}. */
export interface RunToolCallOptions {
  /** The turn running the call. */
  readonly turnId: string;
  /** The turn's signal: when it aborts, the call is abandoned and this function rejects. */
  readonly signal: AbortSignal;
  /** Limit for tools without their own `timeoutMs`, in milliseconds. */
  readonly defaultTimeoutMs: number;
}

/**
 * Runs one tool call through its registered handler and turns every outcome into text for the
 * model: handler errors, timeouts, invalid JSON arguments and unknown tools become failure
 * outputs, never exceptions. Only an abort of the turn itself rejects (with the abort error);
 * the turn does not wait for a handler that ignores its signal.
 */
export async function runToolCall(call: ToolCall, registry: ToolRegistry, options: RunToolCallOptions): Promise<ToolCallOutcome> {
  if (options.signal.aborted) throw toAbortError(options.signal.reason);
  const tool = registry.lookup(call.kind, call.name);
  if (tool === undefined) {
    const available = registry.names.length === 0 ? 'none' : registry.names.join(', ');
    return { output: `unknown tool ${JSON.stringify(call.name)} (${call.kind}): no handler is registered for it. Available tools: ${available}.`, success: false };
  }
  let invoke: (context: ToolCallContext) => ToolResult | Promise<ToolResult>;
  try {
    invoke = bindHandler(tool, call);
  } catch (error) {
    return { output: `invalid input for tool ${JSON.stringify(call.name)}: ${describe(error)}`, success: false };
  }
  const timeoutMs = tool.timeoutMs ?? options.defaultTimeoutMs;
  const controller = new AbortController();
  const context: ToolCallContext = { callId: call.callId, name: call.name, turnId: options.turnId, signal: controller.signal };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<ToolCallOutcome>((resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      resolve({ output: `tool ${JSON.stringify(call.name)} timed out after ${timeoutMs} ms`, success: false });
    }, timeoutMs);
    onAbort = (): void => {
      controller.abort(options.signal.reason);
      reject(toAbortError(options.signal.reason));
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
  });
  const ran = (async (): Promise<ToolCallOutcome> => {
    try {
      return normalise(await invoke(context));
    } catch (error) {
      return { output: `tool ${JSON.stringify(call.name)} failed: ${describe(error)}`, success: false };
    }
  })();
  try {
    return await Promise.race([ran, stopped]);
  } finally {
    clearTimeout(timer);
    if (onAbort !== undefined) options.signal.removeEventListener('abort', onAbort);
    // A handler still running after a timeout or abort is told to stop; its result is ignored.
    if (!controller.signal.aborted) controller.abort(new Error('the tool call is over'));
    stopped.catch(() => undefined);
  }
}

function bindHandler(tool: ToolDefinition, call: ToolCall): (context: ToolCallContext) => ToolResult | Promise<ToolResult> {
  switch (tool.kind) {
    case 'function': {
      const args: unknown = call.input.trim() === '' ? {} : JSON.parse(call.input);
      return (context) => tool.handler(args, context);
    }
    case 'custom':
      return (context) => tool.handler(call.input, context);
    case 'local_shell': {
      const action = JSON.parse(call.input) as LocalShellAction | null;
      if (action === null || typeof action !== 'object' || !Array.isArray(action.command)) throw new TypeError('the call has no exec action with a command array');
      return (context) => tool.handler(action, context);
    }
  }
}

function normalise(result: ToolResult): ToolCallOutcome {
  if (typeof result === 'string') return { output: result, success: true };
  if (result !== null && typeof result === 'object' && typeof result.output === 'string') return { output: result.output, success: result.success ?? true };
  return { output: JSON.stringify(result) ?? String(result), success: true };
}

function describe(error: unknown): string {
  return redactText(error instanceof Error ? error.message : String(error));
}
