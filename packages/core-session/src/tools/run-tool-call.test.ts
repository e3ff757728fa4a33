import { describe, expect, it } from 'vitest';
import { runToolCall } from './run-tool-call.js';
import { toolCallsOf, toolOutputItem, type ToolCall } from './tool-call.js';
import type { FunctionToolDefinition, ToolDefinition } from './tool-definition.js';
import { ToolRegistry } from './tool-registry.js';

const options = (signal: AbortSignal = new AbortController().signal) => ({ turnId: 'turn-1', signal, defaultTimeoutMs: 1_000 });

function functionCall(name: string, args: string): ToolCall {
  const [call] = toolCallsOf([{ type: 'function_call', call_id: 'call_1', name, arguments: args }]);
  return call as ToolCall;
}

const echo: FunctionToolDefinition = {
  kind: 'function',
  name: 'echo',
  description: 'echoes',
  parameters: { type: 'object', properties: {} },
  handler: (args, context) => `${context.callId}:${JSON.stringify(args)}`,
};

describe('runToolCall', () => {
  it('passes parsed arguments (an empty string as {}) and the call context', async () => {
    const registry = new ToolRegistry([echo]);
    expect(await runToolCall(functionCall('echo', '{"a":1}'), registry, options())).toEqual({ output: 'call_1:{"a":1}', success: true });
    expect(await runToolCall(functionCall('echo', ''), registry, options())).toEqual({ output: 'call_1:{}', success: true });
  });

  it('turns invalid arguments, unknown tools and handler errors into failure outputs', async () => {
    const failing: ToolDefinition = { ...echo, name: 'boom', handler: () => { throw new Error('disk full (Bearer sk-secret-token-123456789)'); } };
    const registry = new ToolRegistry([echo, failing]);
    const invalid = await runToolCall(functionCall('echo', '{"a":'), registry, options());
    expect(invalid.success).toBe(false);
    expect(invalid.output).toMatch(/^invalid input for tool "echo"/);
    const unknown = await runToolCall(functionCall('nope', '{}'), registry, options());
    expect(unknown).toEqual({ output: 'unknown tool "nope" (function): no handler is registered for it. Available tools: echo, boom.', success: false });
    const thrown = await runToolCall(functionCall('boom', '{}'), registry, options());
    expect(thrown.success).toBe(false);
    expect(thrown.output).toMatch(/^tool "boom" failed: disk full/);
    expect(thrown.output).not.toContain('sk-secret-token');
  });

  it('times out a slow handler and aborts its signal', async () => {
    let aborted = false;
    const slow: FunctionToolDefinition = {
      ...echo,
      name: 'slow',
      timeoutMs: 20,
      handler: (_args, context) =>
        new Promise<string>((resolve) => {
          context.signal.addEventListener('abort', () => {
            aborted = true;
            resolve('late');
          });
        }),
    };
    expect(await runToolCall(functionCall('slow', '{}'), new ToolRegistry([slow]), options())).toEqual({ output: 'tool "slow" timed out after 20 ms', success: false });
    expect(aborted).toBe(true);
  });

  it('rejects with the abort error when the turn is aborted', async () => {
    const controller = new AbortController();
    const hanging: ToolDefinition = { ...echo, name: 'hang', handler: () => new Promise<string>(() => undefined) };
    const running = runToolCall(functionCall('hang', '{}'), new ToolRegistry([hanging]), options(controller.signal));
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
  });

  it('runs custom and local shell tools and honours a reported failure', async () => {
    const registry = new ToolRegistry([
      { kind: 'custom', name: 'apply_patch', description: 'patches', handler: (input) => ({ output: `patched ${input.length}`, success: false }) },
      { kind: 'local_shell', handler: (action) => action.command.join(' ') },
    ]);
    const calls = toolCallsOf([
      { type: 'custom_tool_call', call_id: 'c1', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'local_shell_call', id: 'ls_1', status: 'completed', action: { type: 'exec', command: ['echo', 'hi'] } },
      { type: 'web_search_call', id: 'ws_1' },
    ]);
    expect(calls.map((call) => [call.kind, call.callId, call.name])).toEqual([
      ['custom', 'c1', 'apply_patch'],
      ['local_shell', 'ls_1', 'local_shell'],
    ]);
    const [custom, shell] = calls as [ToolCall, ToolCall];
    expect(await runToolCall(custom, registry, options())).toEqual({ output: 'patched 15', success: false });
    expect(await runToolCall(shell, registry, options())).toEqual({ output: 'echo hi', success: true });
    expect(toolOutputItem(custom, 'x')).toEqual({ type: 'custom_tool_call_output', call_id: 'c1', output: 'x' });
    expect(toolOutputItem(shell, 'y')).toEqual({ type: 'function_call_output', call_id: 'ls_1', output: 'y' });
  });
});

describe('ToolRegistry', () => {
  it('builds wire definitions and rejects duplicate or invalid names', () => {
    const registry = new ToolRegistry([echo, { kind: 'local_shell', handler: () => '' }]).addHostedTool({ type: 'web_search' });
    expect(registry.specs()).toEqual([
      { type: 'function', name: 'echo', description: 'echoes', parameters: { type: 'object', properties: {} }, strict: false },
      { type: 'local_shell' },
      { type: 'web_search' },
    ]);
    expect(registry.specs()).toBe(registry.specs());
    expect(() => registry.register(echo)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => registry.register({ ...echo, name: 'has space' })).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(registry.lookup('custom', 'echo')).toBeUndefined();
  });
});
