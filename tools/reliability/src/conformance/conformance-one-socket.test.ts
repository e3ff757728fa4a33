// Conformance tier, several recordings on one socket: every response of every recording under
// ../shared/conformance is served, one after another, on the session's socket by an
// independent `ws` server with random frame timing (bursts, next ticks, short pauses). Each
// request must receive exactly the events of its own recorded response, in order, and end as
// that response ends (completed with its items, or its typed error): zero mix-ups.
//
// Recordings with lines that are not JSON (edited on purpose) end the sequence: a text frame
// that is not JSON fails their request's first attempt with a `protocol_violation` and moves the
// session to HTTP (`invalid_frames`), and with nothing retried in between no other response is
// affected. Without the conformance folder the replay is skipped, saying so.
import type { AddressInfo } from 'node:net';
import { ModelClient, noopClientTelemetry, type FrameDroppedRecord, type RequestAttemptRecord, type ResponseItem, type TurnContext } from '@modelwire/client';
import { decodeEvent, errorFromClassification, mapStreamEvent, type ResponseEvent } from '@modelwire/protocol';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RecordedResponse } from '../harness/conformance-recordings.ts';
import { seededRandom, tierRecordings } from '../harness/conformance-tier.ts';

const recordings = tierRecordings();

/** What the client must report for one recorded response. */
type Expected =
  | { readonly kind: 'completed'; readonly events: readonly ResponseEvent[]; readonly responseId: string; readonly output: readonly ResponseItem[] }
  | { readonly kind: 'failed'; readonly events: readonly ResponseEvent[]; readonly code: string }
  | { readonly kind: 'undecodable' };

/** The recorded response as the protocol package maps it: the events up to its end, and how it ends. */
function expectedOf(response: RecordedResponse): Expected {
  const events: ResponseEvent[] = [];
  const output: { readonly index: number; readonly item: ResponseItem }[] = [];
  for (const line of response.lines) {
    const decoded = decodeEvent(line.event ?? line.text);
    if (!decoded.ok) return { kind: 'undecodable' };
    for (const event of mapStreamEvent(decoded.event)) {
      if (event.type === 'failed') return { kind: 'failed', events, code: errorFromClassification(event.error).code };
      events.push(event);
      if (event.type === 'output_item_done') output.push({ index: event.outputIndex, item: event.item });
      // The items in output order (some servers finish them out of order).
      if (event.type === 'completed') return { kind: 'completed', events, responseId: event.responseId, output: output.sort((a, b) => a.index - b.index).map((entry) => entry.item) };
    }
  }
  throw new Error(`${response.name} has no terminal event`);
}

const MARKER = 'replay:';

let server: WebSocketServer;
let url = '';
/** The response each marker replays, and the timing generator of the current run. */
let byMarker = new Map<string, RecordedResponse>();
let random: () => number = Math.random;

const TERMINAL_TYPES = new Set(['response.completed', 'response.failed', 'response.incomplete', 'error']);

/**
 * Sends a response's lines: mostly in bursts, some on the next tick, a few after 1–3 ms. Lines
 * after the response's first terminal (the `response.failed` that follows an `error`) come in
 * the same burst, on the next tick, 5 ms or 30 ms later: often after the next request went out.
 */
async function play(socket: WebSocket, response: RecordedResponse): Promise<void> {
  let ended = false;
  for (const line of response.lines) {
    if (socket.readyState !== socket.OPEN) return;
    const gap = random();
    if (ended) {
      if (gap >= 0.5) await new Promise((resolve) => setTimeout(resolve, gap < 0.75 ? 5 : 30));
      else if (gap >= 0.25) await new Promise((resolve) => setImmediate(resolve));
    } else if (gap < 0.02) {
      await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(random() * 3)));
    } else if (gap < 0.3) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (socket.readyState === socket.OPEN) socket.send(line.text);
    if (TERMINAL_TYPES.has(String(line.event?.['type']))) ended = true;
  }
}

function markerOf(body: unknown): string | undefined {
  const input = (body as { input?: unknown } | null)?.input;
  const last = Array.isArray(input) ? (input.at(-1) as { content?: { text?: unknown }[] } | undefined) : undefined;
  const text = last?.content?.[0]?.text;
  return typeof text === 'string' && text.startsWith(MARKER) ? text : undefined;
}

beforeAll(async () => {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  server.on('connection', (socket) => {
    socket.on('error', () => undefined);
    socket.on('message', (data: Buffer) => {
      let body: unknown;
      try {
        body = JSON.parse(data.toString('utf8'));
      } catch {
        return;
      }
      const response = byMarker.get(markerOf(body) ?? '');
      if (response !== undefined) void play(socket, response);
    });
  });
});

afterAll(async () => {
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe.skipIf(recordings === null)('conformance replay over one WebSocket', () => {
  const responses = (recordings ?? []).flatMap((recording) => recording.responses);

  it(`serves all ${responses.length} recorded responses one after another with random frame timing: zero mix-ups`, { timeout: 90_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        random = seededRandom(seed);
        // A random order, with the undecodable recordings last.
        const ordered = responses
          .map((response) => ({ response, expected: expectedOf(response), key: random() }))
          .sort((a, b) => Number(a.expected.kind === 'undecodable') - Number(b.expected.kind === 'undecodable') || a.key - b.key);
        byMarker = new Map(ordered.map(({ response }) => [`${MARKER}${response.name}`, response]));
        const attempts: RequestAttemptRecord[] = [];
        const drops: FrameDroppedRecord[] = [];
        const context: TurnContext = {
          model: { slug: 'gpt-replay', supportsReasoning: true, supportsVerbosity: false, contextWindow: 400_000 },
          reasoningEffort: null,
          reasoningSummary: 'auto',
          turnMetadata: { turn_id: 'replay' },
          telemetry: { ...noopClientTelemetry, onRequestAttempt: (record) => void attempts.push(record), onFrameDropped: (record) => void drops.push(record) },
        };
        const client = new ModelClient({
          provider: { baseUrl: url, supportsWebSockets: true, requestMaxRetries: 0, streamIdleTimeoutMs: 10_000 },
          auth: { getToken: () => 'k' },
          conversationId: `replay-${seed}`,
          sessionSource: { kind: 'cli' },
        });
        const failedIds: string[] = [];
        try {
          const turn = client.newTurn();
          for (const { response, expected } of ordered) {
            const input: ResponseItem[] = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `${MARKER}${response.name}` }] }];
            const stream = turn.stream({ input, instructions: 'replay', tools: [], parallelToolCalls: false }, context);
            const attemptsBefore = attempts.length;
            const events: ResponseEvent[] = [];
            const failure = await (async () => {
              for await (const event of stream) events.push(event);
            })().then(
              () => undefined,
              (error: unknown) => error as { code?: string },
            );
            if (expected.kind === 'undecodable') {
              expect(failure, response.name).toBeDefined();
              const firstFailure = attempts.slice(attemptsBefore).find((attempt) => attempt.error !== null);
              expect(firstFailure?.error, response.name).toMatchObject({ code: 'protocol_violation', violation: 'non_json_frame' });
              expect(client.fallbackReason, response.name).toBe('invalid_frames');
              continue;
            }
            expect(events.filter((event) => event.type === 'unknown'), response.name).toEqual([]);
            expect(events, response.name).toEqual(expected.events);
            if (expected.kind === 'failed') {
              expect(failure, response.name).toMatchObject({ code: expected.code });
              const created = expected.events.find((event) => event.type === 'created');
              if (created?.type === 'created') failedIds.push(created.responseId);
              continue;
            }
            expect(failure, response.name).toBeUndefined();
            const result = await stream.result;
            expect(result.responseId, response.name).toBe(expected.responseId);
            expect(result.output, response.name).toEqual(expected.output);
            expect(result.transport, response.name).toBe('websocket');
          }
        } finally {
          await client.close();
        }
        // The only frames delivered to no request are the trailing terminals of responses that
        // ended with an error frame (their socket drains them, then is retired).
        for (const drop of drops) expect(failedIds, JSON.stringify(drop)).toContain(drop.responseId);
      }),
      { numRuns: 4 },
    );
  });
});
