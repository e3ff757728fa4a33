// Typed tools and content outputs over real sockets: the loopback server records what goes on
// the wire (tool definitions, follow-up inputs) and answers tool outputs like the API.
import type { ResponseFunctionCallOutputItem } from 'openai/resources/responses/responses';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { collect, scriptedResponse, startSession, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import type { SessionEvent } from '../events/session-event.js';
import { functionTool } from './tool-definition.js';
import type { ToolOutputContent } from './tool-output.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

type Body = { input: Record<string, unknown>[]; tools?: Record<string, unknown>[]; previous_response_id?: string };
const bodyOf = (index: number): Body => setup?.server.recording.requests[index]?.body as Body;
const finishedOf = (events: readonly SessionEvent[]) => events.filter((event): event is Extract<SessionEvent, { type: 'tool_call_finished' }> => event.type === 'tool_call_finished');

const readFileArguments = z.object({ path: z.string().describe('Path relative to the repository root'), maxLines: z.number().int().positive().default(200) });

function readFileTool(seen: { path: string; maxLines: number }[]) {
  return functionTool({
    name: 'read_file',
    description: 'Reads a text file',
    parameters: readFileArguments,
    handler: (args) => {
      seen.push(args);
      return `${args.path}: ${args.maxLines} lines`;
    },
  });
}

function functionCall(callId: string, name: string, args: string): Record<string, unknown> {
  return { type: 'function_call', id: `fc_${callId}`, call_id: callId, name, arguments: args, status: 'completed' };
}

describe('typed tools over the wire', () => {
  it('sends the generated JSON Schema and runs the handler with the validated, typed arguments (WebSocket)', async () => {
    const seen: { path: string; maxLines: number }[] = [];
    setup = await startSession({ tools: [readFileTool(seen)] });
    setup.server.script.next(scriptedResponse('resp_read', [functionCall('call_read', 'read_file', '{"path":"README.md"}')]));
    const handle = setup.session.submit('read the readme');
    const { events } = await collect(handle);
    const result = await handle.result;

    expect(seen).toEqual([{ path: 'README.md', maxLines: 200 }]);
    expect(bodyOf(0).tools).toEqual([
      {
        type: 'function',
        name: 'read_file',
        description: 'Reads a text file',
        parameters: {
          type: 'object',
          properties: {
            path: { type: 'string', description: 'Path relative to the repository root' },
            maxLines: { type: 'integer', exclusiveMinimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 200 },
          },
          required: ['path'],
        },
        strict: false,
      },
    ]);
    expect(bodyOf(1).previous_response_id).toBe('resp_read');
    expect(bodyOf(1).input).toEqual([{ type: 'function_call_output', call_id: 'call_read', output: 'README.md: 200 lines' }]);
    expect(finishedOf(events).map((event) => [event.output, event.success, event.content])).toEqual([['README.md: 200 lines', true, undefined]]);
    expect(result.finalMessage).toBe('read_file returned:\nREADME.md: 200 lines\nDone.');
  });

  it('answers arguments the schema rejects with a failure output the model sees, without running the handler', async () => {
    const seen: { path: string; maxLines: number }[] = [];
    setup = await startSession({ tools: [readFileTool(seen)] });
    setup.server.script.next(scriptedResponse('resp_bad', [functionCall('call_bad', 'read_file', '{"path":7,"maxLines":-1}')]));
    const handle = setup.session.submit('read something');
    const { events } = await collect(handle);
    const result = await handle.result;

    expect(seen).toEqual([]);
    const [finished] = finishedOf(events);
    expect(finished?.success).toBe(false);
    const output = bodyOf(1).input[0]?.['output'];
    expect(output).toBe(finished?.output);
    expect(output).toMatch(/^invalid input for tool "read_file": the arguments do not match the tool's schema: path: .+; maxLines: .+\. Call the tool again with valid arguments\.$/);
    expect(bodyOf(1).input).toEqual([{ type: 'function_call_output', call_id: 'call_bad', output }]);
    // The turn went on: the model got the failure and answered.
    expect(result.finalMessage).toBe(`read_file returned:\n${String(output)}\nDone.`);
    expect(setup.session.history.map((item) => item.type)).toEqual(['message', 'function_call', 'function_call_output', 'reasoning', 'message']);
  });

  it('sends image and file content outputs as the API expects, for function and custom tools (HTTP)', async () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const chart: ToolOutputContent[] = [
      { type: 'input_text', text: 'Revenue by month:' },
      { type: 'input_image', image_url: png, detail: 'low' },
    ];
    const report: ToolOutputContent[] = [{ type: 'input_file', filename: 'notes.txt', file_data: 'data:text/plain;base64,aGVsbG8=' }];
    setup = await startSession({
      webSocket: false,
      parallelToolCalls: true,
      tools: [
        functionTool({ name: 'plot', parameters: z.object({ metric: z.enum(['revenue', 'cost']) }), handler: () => chart }),
        { kind: 'custom', name: 'attach', description: 'Attaches a file', handler: () => ({ output: report, success: true }) },
      ],
    });
    setup.server.script.next(
      scriptedResponse('resp_media', [
        functionCall('call_plot', 'plot', '{"metric":"revenue"}'),
        { type: 'custom_tool_call', id: 'ctc_1', call_id: 'call_attach', name: 'attach', input: 'notes', status: 'completed' },
      ]),
    );
    const handle = setup.session.submit('plot revenue and attach the notes');
    const { events } = await collect(handle);
    const result = await handle.result;

    expect(setup.server.recording.requests.map((request) => request.transport)).toEqual(['http', 'http']);
    expect(bodyOf(1).input.slice(-2)).toEqual([
      { type: 'function_call_output', call_id: 'call_plot', output: chart },
      { type: 'custom_tool_call_output', call_id: 'call_attach', output: report },
    ]);
    const finished = finishedOf(events).sort((a, b) => a.callId.localeCompare(b.callId));
    expect(finished.map((event) => [event.callId, event.output, event.content, event.success])).toEqual([
      ['call_attach', '[file notes.txt]', report, true],
      ['call_plot', 'Revenue by month:\n[image]', chart, true],
    ]);
    expect(result.finalMessage).toBe('attach returned:\n\nDone.');
    expect(setup.session.history.flatMap((item) => (item.type === 'function_call_output' || item.type === 'custom_tool_call_output' ? [item.output] : []))).toEqual([chart, report]);
  });

  it('builds content parts the official types accept for function_call_output', () => {
    expectTypeOf<ToolOutputContent>().toExtend<ResponseFunctionCallOutputItem>();
  });
});
