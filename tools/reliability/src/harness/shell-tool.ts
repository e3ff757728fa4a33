import type { ToolDefinition } from '@modelwire/core-session';

/**
 * A `shell` function tool (the loopback model calls it for `run: <cmd>`) that records every
 * call. `run` replaces the default answer `ran: <command>`.
 */
export function shellTool(calls: string[], run?: (command: string, signal: AbortSignal) => Promise<string>): ToolDefinition {
  return {
    kind: 'function',
    name: 'shell',
    description: 'Runs a shell command',
    parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
    handler: async (args, context) => {
      const command = String((args as { command?: unknown }).command);
      calls.push(command);
      return run === undefined ? `ran: ${command}` : run(command, context.signal);
    },
  };
}
