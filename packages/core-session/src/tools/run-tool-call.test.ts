import type { ResponseItem } from '@modelwire/client';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runToolCall } from './run-tool-call.js';
import { toolCallsOf, toolOutputItem, type ToolCall } from './tool-call.js';
import { functionTool, type FunctionToolDefinition, type ToolDefinition } from './tool-definition.js';
import type { StandardSchema } from './standard-schema.js';
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
      // As some servers send them: a local shell call without call_id or env, a hosted call without status.
      { type: 'local_shell_call', id: 'ls_1', status: 'completed', action: { type: 'exec', command: ['echo', 'hi'] } } as unknown as ResponseItem,
      { type: 'web_search_call', id: 'ws_1' } as unknown as ResponseItem,
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

describe('runToolCall with a Standard Schema', () => {
  const seen: unknown[] = [];
  const search = functionTool({
    name: 'search',
    parameters: z.object({ query: z.string().min(1), limit: z.number().int().max(50).default(10), tags: z.array(z.string()).optional() }),
    handler: (args) => {
      seen.push(args);
      return `${args.query}:${args.limit}`;
    },
  });

  it('passes the schema output (defaults applied) to the handler', async () => {
    seen.length = 0;
    const registry = new ToolRegistry([search]);
    expect(await runToolCall(functionCall('search', '{"query":"cats"}'), registry, options())).toEqual({ output: 'cats:10', success: true });
    expect(seen).toEqual([{ query: 'cats', limit: 10 }]);
  });

  it('turns arguments the schema rejects into a failure output listing each problem, without running the handler', async () => {
    seen.length = 0;
    const registry = new ToolRegistry([search]);
    const outcome = await runToolCall(functionCall('search', '{"query":"","limit":500,"tags":["a",3]}'), registry, options());
    expect(outcome.success).toBe(false);
    expect(outcome.output).toMatch(/^invalid input for tool "search": the arguments do not match the tool's schema: /);
    for (const path of ['query: ', 'limit: ', 'tags[1]: ']) expect(outcome.output).toContain(path);
    expect(outcome.output).toMatch(/Call the tool again with valid arguments\.$/);
    expect(await runToolCall(functionCall('search', '[1]'), registry, options())).toMatchObject({ success: false, output: expect.stringMatching(/^invalid input for tool "search": the arguments do not match/) });
    expect(seen).toEqual([]);
  });

  it('awaits an asynchronous schema and reports one that throws', async () => {
    const asyncSchema: StandardSchema<unknown, { n: number }> = {
      '~standard': {
        version: 1,
        vendor: 'handmade',
        validate: async (value) => {
          await Promise.resolve();
          if (value === null || typeof value !== 'object' || typeof (value as { n?: unknown }).n !== 'number') throw new Error('schema blew up');
          return { value: { n: (value as { n: number }).n * 2 } };
        },
      },
    };
    const registry = new ToolRegistry([functionTool({ name: 'double', parameters: asyncSchema, jsonSchema: { type: 'object' }, handler: ({ n }) => String(n) })]);
    expect(await runToolCall(functionCall('double', '{"n":21}'), registry, options())).toEqual({ output: '42', success: true });
    expect(await runToolCall(functionCall('double', '{}'), registry, options())).toEqual({
      output: 'invalid input for tool "double": the arguments could not be validated (schema blew up)',
      success: false,
    });
  });
});

describe('tool results', () => {
  const returning = (result: unknown): ToolRegistry => new ToolRegistry([{ kind: 'function', name: 'f', parameters: { type: 'object' }, handler: () => result as string }]);
  const run = (result: unknown) => runToolCall(functionCall('f', '{}'), returning(result), options());

  it('passes content parts through and reads the other shapes', async () => {
    const parts = [
      { type: 'input_text', text: 'the chart:' },
      { type: 'input_image', image_url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' },
      { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'report.pdf' },
    ];
    expect(await run(parts)).toEqual({ output: parts, success: true });
    expect(await run({ output: parts, success: false })).toEqual({ output: parts, success: false });
    expect(await run([])).toEqual({ output: '', success: true });
    expect(await run({ files: 2 })).toEqual({ output: '{"files":2}', success: true });
    expect(await run(['a', 'b'])).toEqual({ output: '["a","b"]', success: true });
    expect(await run(undefined)).toEqual({ output: 'undefined', success: true });
  });

  it('reports invalid content parts to the model as a failure', async () => {
    expect(await run([{ type: 'input_text', text: 'ok' }, { type: 'input_image' }])).toEqual({
      output: 'tool "f" returned an invalid output: output[1]: an input_image part needs image_url or file_id',
      success: false,
    });
    expect(await run([{ type: 'input_audio', data: '' }])).toMatchObject({ success: false, output: expect.stringContaining('output[0]: must be a content part of type input_text, input_image or input_file') });
    expect(await run({ output: [{ type: 'input_file', filename: 'x.txt' }] })).toMatchObject({ success: false, output: expect.stringContaining('output[0]: an input_file part needs file_data, file_id or file_url') });
    expect(await run([{ type: 'input_image', image_url: 'https://example.com/a.png', detail: 'huge' }])).toMatchObject({ success: false });
  });

  it('builds function and custom output items with text or content', () => {
    const [fn, custom] = toolCallsOf([
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
      { type: 'custom_tool_call', call_id: 'c2', name: 'g', input: 'x' },
    ]) as [ToolCall, ToolCall];
    const image = [{ type: 'input_image', image_url: 'https://example.com/a.png' }] as const;
    expect(toolOutputItem(fn, image)).toEqual({ type: 'function_call_output', call_id: 'c1', output: image });
    expect(toolOutputItem(custom, image)).toEqual({ type: 'custom_tool_call_output', call_id: 'c2', output: image });
    expect(toolOutputItem(fn, [])).toEqual({ type: 'function_call_output', call_id: 'c1', output: '' });
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
