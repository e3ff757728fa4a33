// Conformance tier, part (d): each recording replayed through a core-session turn (a fresh
// session per recording; WebSocket and HTTP/SSE). The recorded responses answer the session's
// requests in order, verbatim, with random timing (a follow-up the recording does not cover gets
// an empty response). The session must forward what the streams carry (text, reasoning, tool
// input, built-in tool progress, image previews, annotations) exactly, commit every recorded
// item (encrypted content included) in order, count the recorded usage, and end the turn with
// the right typed error for the error and invalid-JSON transcripts, committing nothing of them.
import { addUsage, createSession, ZERO_USAGE, type SessionEvent } from '@modelwire/core-session';
import { startResponsesServer, type ScriptedResponse } from '@modelwire/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_RECORDINGS, INVALID_JSON_LINES, forwardedExpectation, recordedOutcome, type ForwardedExpectation } from '../harness/conformance-expectations.ts';
import { reportTierCounts, seededRandom, tierRecordings } from '../harness/conformance-tier.ts';

const recordings = tierRecordings();

let emptyResponses = 0;
/** The answer to a request no recorded response is left for: completed, no output, no usage. */
function emptyResponse(): ScriptedResponse {
  emptyResponses += 1;
  const id = `resp_conformance_empty_${emptyResponses}`;
  return {
    events: [
      { type: 'response.created', response: { id, status: 'in_progress', output: [] } },
      { type: 'response.completed', response: { id, status: 'completed', output: [], usage: null } },
    ],
  };
}

function forwardedOf(events: readonly SessionEvent[]): ForwardedExpectation {
  const seen: ForwardedExpectation = { text: '', summary: '', reasoning: '', refusal: '', toolInput: '', hostedProgress: 0, partialImages: 0, annotations: 0 };
  for (const event of events) {
    if (event.type === 'text_delta') seen.text += event.delta;
    else if (event.type === 'reasoning_delta' && event.kind === 'summary') seen.summary += event.delta;
    else if (event.type === 'reasoning_delta') seen.reasoning += event.delta;
    else if (event.type === 'refusal_delta') seen.refusal += event.delta;
    else if (event.type === 'tool_input_delta') seen.toolInput += event.delta;
    else if (event.type === 'hosted_tool_progress') seen.hostedProgress += 1;
    else if (event.type === 'image_partial') seen.partialImages += 1;
    else if (event.type === 'text_annotation') seen.annotations += 1;
  }
  return seen;
}

describe.skipIf(recordings === null).each([
  ['WebSocket', true],
  ['HTTP/SSE', false],
])('conformance: a core-session turn over %s', (name, webSocket) => {
  const all = recordings ?? [];

  it(`replays each of the ${all.length} recordings as a session's turns: forwarded events, committed items, usage and errors as recorded`, { timeout: 120_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer(), async (seed) => {
        const random = seededRandom(seed);
        await using server = await startResponsesServer({ model: emptyResponse });
        let turns = 0;
        let replayed = 0;
        for (const recording of all) {
          const label = `${recording.name} over ${name} (seed ${seed})`;
          const session = createSession({
            provider: { baseUrl: server.url, supportsWebSockets: webSocket, requestMaxRetries: 0, streamMaxRetries: 0, streamIdleTimeoutMs: 30_000 },
            auth: { getToken: () => 'conformance-key' },
            conversationId: `conformance-${recording.name}`,
            model: { slug: 'gpt-replay', supportsReasoning: true, supportsVerbosity: false, contextWindow: null },
            reasoningEffort: null,
            instructions: 'replay',
            autoCompaction: { enabled: false },
            retryBackoff: { baseMs: 1, maxMs: 1 },
          });
          try {
            const outcomes = recording.responses.map(recordedOutcome);
            for (const response of recording.responses) {
              const served: ScriptedResponse = { transcript: response.lines.map((line) => line.text), pacing: { random, maxChunkBytes: 1 + Math.floor(random() * 2048), pauseProbability: webSocket ? 0.1 : 0.02 } };
              server.script.next(served);
              // The WebSocket's failure on an invalid line moves the session to HTTP, where the request goes again.
              if (INVALID_JSON_LINES.has(response.name) && webSocket) server.script.next(served);
            }
            const events: SessionEvent[] = [];
            let usage = ZERO_USAGE;
            let failure: unknown;
            // A turn ends when a response holds no client tool call; the recording's next response answers the next turn.
            while (server.script.pending > 0 && failure === undefined) {
              const handle = session.submit(`replay ${recording.name}`);
              for await (const event of handle) events.push(event);
              turns += 1;
              await handle.result.then(
                (result) => void (usage = addUsage(usage, result.usage)),
                (error: unknown) => void (failure = error),
              );
            }
            replayed += recording.responses.length;
            expect(forwardedOf(events), label).toEqual(forwardedExpectation(recording.responses));
            const history = session.history;
            const failed = outcomes.find((outcome) => outcome.kind !== 'completed');
            if (failed !== undefined) {
              const code = failed.kind === 'undecodable' ? 'decode_failed' : ERROR_RECORDINGS.get(failed.name)?.code;
              expect(failure, label).toMatchObject({ code });
              expect(events.at(-1), label).toMatchObject({ type: 'turn_failed', error: { code } });
              // Nothing of the failed response is committed: the history is the user input alone.
              expect(history, label).toEqual([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: `replay ${recording.name}` }] }]);
              continue;
            }
            expect(failure, label).toBeUndefined();
            // Every recorded item is committed, byte for byte and in order, between the user
            // messages and the outputs of the tools the session ran.
            const recordedItems: readonly unknown[] = outcomes.flatMap((outcome) => outcome.items);
            const committed = history.filter((item) => recordedItems.some((recorded) => recorded === item || JSON.stringify(recorded) === JSON.stringify(item)));
            expect(committed, label).toEqual(recordedItems);
            expect(usage, label).toEqual(outcomes.reduce((total, outcome) => addUsage(total, outcome.usage), ZERO_USAGE));
          } finally {
            server.script.clear();
            await session.close();
          }
        }
        reportTierCounts(`session-${webSocket ? 'websocket' : 'http'}`, { recordings: all.length, responses: replayed, turns, requests: server.recording.requests.length });
      }),
      { numRuns: 1 },
    );
  });
});
