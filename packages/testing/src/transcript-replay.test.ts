import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { RawSocket, userMessage } from './__fixtures__/test-clients.js';
import { startResponsesServer, type ResponsesServer } from './index.js';
import { sseBlockOf, typeOfLine } from './transcript-replay.js';

let server: ResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const created = '{"type":"response.created","sequence_number":0,"response":{"id":"resp_rec","status":"in_progress","output":[]}}';
const delta = '{"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"héllo → 日本"}';
const broken = '{"type":"response.output_text.delta","delta":"cut short"';
const item = { type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'héllo → 日本', annotations: [] }] };
const completed = JSON.stringify({ type: 'response.completed', sequence_number: 2, response: { id: 'resp_rec', status: 'completed', output: [item], usage: null } });
const transcript = [created, delta, broken, completed];

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
}

describe('recorded transcripts', () => {
  it('are served over SSE byte for byte, whatever the cuts and pauses, invalid lines included', async () => {
    server = await startResponsesServer();
    const target = server;
    const expected = transcript.map(sseBlockOf).join('');
    expect(expected).toContain('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":"cut short"\n\n');
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.integer({ min: 1, max: 40 }), async (seed, maxChunkBytes) => {
        target.script.next({ transcript, pacing: { random: seeded(seed), maxChunkBytes, pauseProbability: 0.3 } });
        const response = await fetch(`${target.url}/responses`, { method: 'POST', body: JSON.stringify({ model: 'gpt-test', stream: true, input: 'hi' }) });
        expect(response.status).toBe(200);
        expect(await response.text()).toBe(expected);
      }),
      { numRuns: 25 },
    );
    // Every line was recorded, the broken one as raw text.
    expect(target.recording.events.slice(0, 4).map((event) => event.event)).toEqual([JSON.parse(created), JSON.parse(delta), { raw: broken }, JSON.parse(completed)]);
  });

  it('are served over the WebSocket one frame per line, with nothing added, and the recorded response can be continued', async () => {
    server = await startResponsesServer();
    server.script.next({ transcript, pacing: { random: seeded(7), pauseProbability: 0.5 } });
    const socket = await RawSocket.open(server.wsUrl);
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('hi')] });
    await socket.until((frames) => frames.some((frame) => frame['type'] === 'response.completed'));
    expect(socket.raw.map((frame) => frame.data)).toEqual(transcript);
    const next = await socket.request({ type: 'response.create', model: 'gpt-test', previous_response_id: 'resp_rec', input: [userMessage('more')] });
    expect(next.at(-1)?.['type']).toBe('response.completed');
    socket.socket.close();
    await socket.closed;
  });

  it('name each SSE event after the line type, read from the text when the line is not JSON', () => {
    expect(typeOfLine(broken)).toBe('response.output_text.delta');
    expect(typeOfLine('not json at all')).toBeUndefined();
    expect(sseBlockOf('not json at all')).toBe('data: not json at all\n\n');
  });
});
