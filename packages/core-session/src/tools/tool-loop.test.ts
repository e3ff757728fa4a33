import { afterEach, describe, expect, it } from 'vitest';
import { collect, scriptedResponse, startSession, type SessionSetup } from '../__fixtures__/session-fixtures.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('tool calls over the wire', () => {
  it('answers custom and local shell calls, and tells the model about an unknown tool', async () => {
    const seen: string[] = [];
    setup = await startSession({
      tools: [
        { kind: 'custom', name: 'apply_patch', description: 'Applies a patch', handler: (input) => { seen.push(`patch:${input}`); return 'patched'; } },
        { kind: 'local_shell', handler: (action) => { seen.push(`shell:${action.command.join(' ')}`); return 'hi\n'; } },
      ],
      parallelToolCalls: true,
    });
    // Parallel calls finish in any order; their outputs are committed in call order.
    const { session, server } = setup;
    server.script.next(
      scriptedResponse('resp_calls', [
        { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_patch', name: 'apply_patch', input: '*** Begin Patch', status: 'completed' },
        { type: 'local_shell_call', id: 'lsh_1', call_id: 'call_shell', status: 'completed', action: { type: 'exec', command: ['echo', 'hi'] } },
        { type: 'function_call', id: 'fc_1', call_id: 'call_missing', name: 'deploy', arguments: '{}', status: 'completed' },
      ]),
    );
    const handle = session.submit('do three things');
    const { events } = await collect(handle);
    const finished = events.filter((event) => event.type === 'tool_call_finished');
    expect(finished.map((event) => [event.callId, event.success]).sort()).toEqual([
      ['call_missing', false],
      ['call_patch', true],
      ['call_shell', true],
    ]);
    expect(seen.sort()).toEqual(['patch:*** Begin Patch', 'shell:echo hi']);
    await handle.result;
    const followUp = server.recording.requests[1]?.body as { input: Record<string, unknown>[]; previous_response_id?: string };
    expect(followUp.previous_response_id).toBe('resp_calls');
    expect(followUp.input).toEqual([
      { type: 'custom_tool_call_output', call_id: 'call_patch', output: 'patched' },
      { type: 'function_call_output', call_id: 'call_shell', output: 'hi\n' },
      { type: 'function_call_output', call_id: 'call_missing', output: expect.stringMatching(/^unknown tool "deploy" \(function\): no handler is registered/) },
    ]);
    expect(session.history.map((item) => item.type)).toEqual([
      'message',
      'custom_tool_call',
      'local_shell_call',
      'function_call',
      'custom_tool_call_output',
      'function_call_output',
      'function_call_output',
      'reasoning',
      'message',
    ]);
  });

  it('feeds a throwing handler back to the model as the tool output', async () => {
    setup = await startSession({
      webSocket: false,
      tools: [{ kind: 'function', name: 'shell', description: 'run', parameters: { type: 'object', properties: { command: { type: 'string' } } }, handler: () => { throw new Error('permission denied'); } }],
    });
    const result = await setup.session.submit('run: rm -rf /').result;
    expect(result.finalMessage).toBe('shell returned:\ntool "shell" failed: permission denied\nDone.');
  });
});
