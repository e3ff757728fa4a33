import { redactText, toAbortError } from '@modelwire/transport';
import { describeThrown } from './describe-thrown.js';
import { isStandardSchema, issuePathText, type StandardSchema } from './standard-schema.js';
import type { LocalShellAction, ToolCallContext, ToolDefinition } from './tool-definition.js';
import type { ToolCall } from './tool-call.js';
import { toolOutcomeOf, type ToolCallOutcome } from './tool-output.js';
import type { ToolRegistry } from './tool-registry.js';

/** Default limit of one tool call, in milliseconds (10 minutes). */
export const DEFAULT_TOOL_TIMEOUT_MS = 600_000;

/** Most schema issues listed in an "invalid input" output. */
const MAX_LISTED_ISSUES = 10;

/** Options of {@link runToolCall}. */
export interface RunToolCallOptions {
  /** The turn running the call. */
  readonly turnId: string;
  /** The turn's signal: when it aborts, the call is abandoned and this function rejects. */
  readonly signal: AbortSignal;
  /** Limit for tools without their own `timeoutMs`, in milliseconds. */
  readonly defaultTimeoutMs: number;
}

/** The input of a call could not be handed to its handler; the message is for the model. */
class InvalidToolInput extends Error {}

/**
 * Runs one tool call through its registered handler and turns every outcome into an output for
 * the model: handler errors (whatever value was thrown, see `describeThrown`), timeouts, invalid JSON arguments, arguments the tool's schema
 * rejects, invalid results and unknown tools become failure outputs, never exceptions. Only an
 * abort of the turn itself rejects (with the abort error); the turn does not wait for a handler
 * that ignores its signal.
 */
export async function runToolCall(call: ToolCall, registry: ToolRegistry, options: RunToolCallOptions): Promise<ToolCallOutcome> {
  if (options.signal.aborted) throw toAbortError(options.signal.reason);
  const tool = registry.lookup(call.kind, call.name);
  if (tool === undefined) {
    const available = registry.names.length === 0 ? 'none' : registry.names.join(', ');
    return { output: `unknown tool ${JSON.stringify(call.name)} (${call.kind}): no handler is registered for it. Available tools: ${available}.`, success: false };
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
      return toolOutcomeOf(await invoke(tool, call, context), call.name);
    } catch (error) {
      // `instanceof` itself can throw (a Proxy whose prototype trap throws): check it safely.
      if (isInvalidToolInput(error)) return { output: `invalid input for tool ${JSON.stringify(call.name)}: ${redactText(error.message)}`, success: false };
      return { output: `tool ${JSON.stringify(call.name)} failed: ${describeThrown(error)}`, success: false };
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

/** Reads the call's input for `tool` (parsing and validating it) and runs the handler. */
async function invoke(tool: ToolDefinition, call: ToolCall, context: ToolCallContext): Promise<unknown> {
  switch (tool.kind) {
    case 'function': {
      let args: unknown;
      try {
        args = call.input.trim() === '' ? {} : JSON.parse(call.input);
      } catch (error) {
        throw new InvalidToolInput(`the arguments are not valid JSON (${describeThrown(error)})`);
      }
      if (isStandardSchema(tool.parameters)) args = await validateArguments(tool.parameters, args);
      return tool.handler(args, context);
    }
    case 'custom':
      return tool.handler(call.input, context);
    case 'local_shell': {
      let action: LocalShellAction | null;
      try {
        action = JSON.parse(call.input) as LocalShellAction | null;
      } catch {
        action = null;
      }
      if (action === null || typeof action !== 'object' || !Array.isArray(action.command)) throw new InvalidToolInput('the call has no exec action with a command array');
      return tool.handler(action, context);
    }
  }
}

/** The schema's output for `args`; a rejection lists the problems for the model. */
async function validateArguments(schema: StandardSchema, args: unknown): Promise<unknown> {
  let result;
  try {
    result = await schema['~standard'].validate(args);
  } catch (error) {
    throw new InvalidToolInput(`the arguments could not be validated (${describeThrown(error)})`);
  }
  if (result.issues === undefined) return result.value;
  const listed = result.issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issuePathText(issue.path);
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
  if (result.issues.length > MAX_LISTED_ISSUES) listed.push(`and ${result.issues.length - MAX_LISTED_ISSUES} more`);
  throw new InvalidToolInput(`the arguments do not match the tool's schema: ${listed.join('; ')}. Call the tool again with valid arguments.`);
}

function isInvalidToolInput(error: unknown): error is InvalidToolInput {
  try {
    return error instanceof InvalidToolInput;
  } catch {
    return false;
  }
}
