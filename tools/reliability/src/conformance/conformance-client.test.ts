// Conformance tier, parts (b) and (c): every recorded response served verbatim by the loopback
// server (its transcript mode) to one ModelClient, over HTTP/SSE with the body cut at random
// bytes and over the WebSocket with random frame timing. Each request must yield exactly the
// typed events of its recording (never `unknown`), in order, with deltas that add up, and end
// as the recording ends: completed with the recorded items (encrypted content included), usage
// and ids; the error transcript with its typed error; the transcript with invalid JSON lines
// with `decode_failed` at its first invalid line (over the WebSocket, with a protocol violation
// that moves the session to HTTP, where it fails with `decode_failed`).
import { ModelClient, noopClientTelemetry, type FrameDroppedRecord, type RequestAttemptRecord, type ResponseEvent, type TurnContext } from '@modelwire/client';
import { decodeEvent, mapStreamEvent, ResponseError } from '@modelwire/protocol';
import { startResponsesServer } from '@modelwire/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ERROR_RECORDINGS,
  HEADER_EVENT_TYPES,
  INVALID_JSON_LINES,
  expectedEvents,
  piecesOfEvents,
  pieceProblems,
  recordedOutcome,
} from '../harness/conformance-expectations.ts';
import type { ConformanceRecording, RecordedResponse } from '../harness/conformance-recordings.ts';
import { reportTierCounts, seededRandom, tierRecordings } from '../harness/conformance-tier.ts';

const recordings = tierRecordings();

function mappedLine(line: RecordedResponse['lines'][number]): readonly ResponseEvent[] | undefined {
  const decoded = decodeEvent(line.event ?? line.text);
  return decoded.ok ? mapStreamEvent(decoded.event) : undefined;
}

/**
 * The recordings in a seeded random order (a file's responses stay in their order), those with
 * invalid lines last: on the WebSocket their failure moves the session to HTTP.
 */
function shuffled(all: readonly ConformanceRecording[], random: () => number): ConformanceRecording[] {
  const undecodable = (recording: ConformanceRecording): number => Number(recording.responses.some((response) => INVALID_JSON_LINES.has(response.name)));
  return all
    .map((recording) => ({ recording, key: random() }))
    .sort((a, b) => undecodable(a.recording) - undecodable(b.recording) || a.key - b.key)
    .map((entry) => entry.recording);
}

const context: Omit<TurnContext, 'telemetry'> = {
  model: { slug: 'gpt-replay', supportsReasoning: true, supportsVerbosity: false, contextWindow: 400_000 },
  reasoningEffort: null,
  reasoningSummary: 'auto',
  turnMetadata: { turn_id: 'conformance' },
};

describe.skipIf(recordings === null).each([
  ['HTTP/SSE', 'http', { maxChunkBytes: 4096, pauseProbability: 0.1 }],
  ['WebSocket', 'websocket', { pauseProbability: 0.2 }],
] as const)('conformance: ModelClient over %s', (_name, transport, pacing) => {
  const all = recordings ?? [];
  const responses = all.flatMap((recording) => recording.responses);

  it(`replays all ${all.length} recordings (${responses.length} responses) on one client: every event typed and as recorded`, { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const random = seededRandom(seed);
        const drops: FrameDroppedRecord[] = [];
        const attempts: RequestAttemptRecord[] = [];
        await using server = await startResponsesServer();
        const client = new ModelClient({
          provider: { baseUrl: server.url, supportsWebSockets: transport === 'websocket', requestMaxRetries: 0, streamMaxRetries: 0, streamIdleTimeoutMs: 30_000 },
          auth: { getToken: () => 'conformance-key' },
          conversationId: `conformance-${seed}`,
          sessionSource: { kind: 'cli' },
        });
        let replayed = 0;
        let events = 0;
        const failedIds: string[] = [];
        try {
          for (const recording of shuffled(all, random)) {
            const turn = client.newTurn();
            for (const response of recording.responses) {
              const outcome = recordedOutcome(response);
              const expected = expectedEvents(response, mappedLine);
              const served = {
                transcript: response.lines.map((line) => line.text),
                pacing: { random, pauseProbability: pacing.pauseProbability, ...('maxChunkBytes' in pacing ? { maxChunkBytes: 1 + Math.floor(random() * pacing.maxChunkBytes) } : {}) },
              };
              server.script.next(served);
              // A WebSocket attempt that fails on an invalid line has exhausted the (zero) request
              // retries: the session falls back to HTTP and sends the request again there.
              if (outcome.kind === 'undecodable' && transport === 'websocket') server.script.next(served);
              const attemptsBefore = attempts.length;
              const stream = turn.stream(
                { input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `replay ${response.name}` }] }], instructions: 'replay', tools: [], parallelToolCalls: false },
                { ...context, telemetry: { ...noopClientTelemetry, onFrameDropped: (record) => void drops.push(record), onRequestAttempt: (record) => void attempts.push(record) } },
              );
              const seen: ResponseEvent[] = [];
              const failure = await (async () => {
                for await (const event of stream) if (!HEADER_EVENT_TYPES.has(event.type)) seen.push(event);
              })().then(
                () => undefined,
                (error: unknown) => error,
              );
              replayed += 1;
              events += seen.length;
              const name = `${response.name} (seed ${seed})`;
              expect(seen.filter((event) => event.type === 'unknown'), name).toEqual([]);
              if (outcome.kind === 'undecodable') {
                // The first line is not JSON: each attempt fails there before any event. Over the
                // WebSocket a text frame that is not a JSON object is a protocol violation (the
                // mode sends nothing else): the session goes on over HTTP (`invalid_frames`),
                // where the same line fails the request with `decode_failed`.
                expect(INVALID_JSON_LINES.get(response.name)?.[0], name).toBe(0);
                expect(failure, name).toMatchObject({ code: 'decode_failed', retryable: true });
                expect(seen, name).toEqual([]);
                const failedAttempts = attempts.slice(attemptsBefore).filter((attempt) => attempt.error !== null);
                expect(failedAttempts.map((attempt) => [attempt.transport, (attempt.error as { code?: string }).code]), name).toEqual(
                  transport === 'websocket' ? [['websocket', 'protocol_violation'], ['http', 'decode_failed']] : [['http', 'decode_failed']],
                );
                expect(client.usesWebSocket, name).toBe(false);
                continue;
              }
              expect(seen, name).toEqual(expected);
              expect(pieceProblems(outcome, piecesOfEvents(seen)), name).toEqual([]);
              if (outcome.kind === 'failed') {
                const typed = ERROR_RECORDINGS.get(response.name);
                expect(ResponseError.isInstance(failure), name).toBe(true);
                expect(failure, name).toMatchObject({ code: typed?.code, serverCode: typed?.serverCode });
                if (outcome.createdId !== undefined) failedIds.push(outcome.createdId);
                continue;
              }
              expect(failure, name).toBeUndefined();
              const result = await stream.result;
              expect(result.transport, name).toBe(transport);
              expect(result.responseId, name).toBe(outcome.completedId);
              expect(result.usage, name).toEqual(outcome.usage);
              // The streamed items, in output order, byte for byte (the final list agrees on
              // count and types; where it re-encrypted reasoning, the streamed form is kept).
              expect(result.output, name).toEqual(outcome.items);
              expect(outcome.completedOutput?.map((item) => item['type']), name).toEqual(outcome.items.map((item) => item['type']));
              const created = seen.find((event) => event.type === 'created');
              expect(created?.type === 'created' ? created.responseId : undefined, name).toBe(outcome.createdId);
            }
            await turn.close();
          }
        } finally {
          await client.close();
        }
        // Frames delivered to no request: only the trailing response.failed of the error transcript.
        for (const drop of drops) expect(failedIds, JSON.stringify(drop)).toContain(drop.responseId);
        const undecodable = responses.filter((response) => INVALID_JSON_LINES.has(response.name)).length;
        expect(server.recording.requests.filter((request) => request.endpoint === 'responses')).toHaveLength(responses.length + (transport === 'websocket' ? undecodable : 0));
        reportTierCounts(transport, { recordings: all.length, responses: replayed, 'events checked': events, sockets: server.recording.connections.filter((c) => c.transport === 'websocket').length });
      }),
      { numRuns: 1 },
    );
  });
});
