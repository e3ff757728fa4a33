// Chart data: bytes uploaded by each request of one long tool loop, run twice through
// `@modelwire/core-session` against the loopback server: over the WebSocket (incremental
// continuation) and over HTTP (every request resends the whole input). The server records the
// bytes of every request it received.
import { startResponsesServer, type JsonObject, type ModelRequest, type ScriptedResponse } from '@modelwire/testing';
import { createSession } from '@modelwire/core-session';

/** Options of {@link runBytesSeries}. */
export interface BytesSeriesOptions {
  /** Requests in the tool loop. Default 60. */
  readonly requests?: number;
  /** Characters of each tool output. Default 600. */
  readonly toolOutputChars?: number;
}

/** Request bytes, in order, for both transports. */
export interface BytesSeries {
  readonly continuation: number[];
  readonly fullResend: number[];
}

function loopModel(requests: number): (request: ModelRequest) => ScriptedResponse {
  let counter = 0;
  return (request) => {
    counter += 1;
    const id = `resp_series_${counter}`;
    const done = request.input.filter((item) => (item as JsonObject)['type'] === 'function_call_output').length;
    const item: JsonObject =
      done + 1 < requests
        ? { id: `fc_${counter}`, type: 'function_call', status: 'completed', call_id: `call_${counter}`, name: 'read_chunk', arguments: JSON.stringify({ part: done + 1 }) }
        : { id: `msg_${counter}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Read every part.', annotations: [] }] };
    const snapshot = { id, object: 'response', status: 'in_progress', output: [], usage: null };
    return {
      events: [
        { type: 'response.created', response: snapshot },
        { type: 'response.output_item.done', output_index: 0, item },
        { type: 'response.completed', response: { ...snapshot, status: 'completed', output: [item], usage: null } },
      ],
    };
  };
}

async function loop(webSocket: boolean, requests: number, toolOutputChars: number): Promise<number[]> {
  const server = await startResponsesServer({ model: loopModel(requests) });
  const filler = 'The quick loopback fox reads one more part of a long file and reports it. ';
  const session = createSession({
    provider: { name: 'loopback', baseUrl: server.url, supportsWebSockets: webSocket },
    auth: 'none',
    model: { slug: 'gpt-loopback', supportsReasoning: false, supportsVerbosity: false, contextWindow: 1_000_000 },
    instructions: 'You are a coding agent. Read the file part by part with read_chunk.',
    autoCompaction: { enabled: false },
    tools: [
      {
        kind: 'function',
        name: 'read_chunk',
        description: 'Reads one part of a long file.',
        parameters: { type: 'object', properties: { part: { type: 'integer' } }, required: ['part'] },
        handler: (args) => `part ${String((args as { part?: unknown } | null)?.part)}: ${filler.repeat(Math.ceil(toolOutputChars / filler.length)).slice(0, toolOutputChars)}`,
      },
    ],
  });
  try {
    const result = await session.submit('Read the whole file.').result;
    if (result.requests !== requests) throw new Error(`the tool loop made ${result.requests} requests instead of ${requests}`);
    return server.recording.requests.filter((request) => request.endpoint === 'responses').map((request) => request.decodedBytes);
  } finally {
    await session.close();
    await server.close();
  }
}

/** Runs the tool loop on both transports. */
export async function runBytesSeries(options: BytesSeriesOptions = {}): Promise<BytesSeries> {
  const requests = options.requests ?? 60;
  const toolOutputChars = options.toolOutputChars ?? 600;
  return { continuation: await loop(true, requests, toolOutputChars), fullResend: await loop(false, requests, toolOutputChars) };
}
