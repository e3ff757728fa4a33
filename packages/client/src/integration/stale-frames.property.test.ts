// Property, over real sockets: whatever stale frames a server interleaves with its responses
// (tails of earlier responses on the same socket, duplicated terminals, frames of responses
// nobody started, frames while the socket is idle), every request's result is exactly the
// response the server created for it.
//
// The package runs a few dozen cases; tools/reliability runs this same file with thousands
// (MODELWIRE_STALE_FRAME_RUNS, set in its vitest config).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain, RecordingTelemetry } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { ModelClient } from '../client/model-client.js';
import { startResponsesServer, type InjectedFrame, type JsonObject, type LateTiming, type ResponsesServer } from '@modelwire/testing';
import type { ResponseItem } from '../types/prompt.js';

const RUNS = Number(process.env['MODELWIRE_STALE_FRAME_RUNS'] ?? 40);

/** One response as the server streams it (its id, its one item, its events). */
interface Served {
  readonly id: string;
  readonly item: JsonObject;
  readonly events: readonly JsonObject[];
}

function serve(id: string, deltas: number): Served {
  const itemId = `msg_${id}`;
  const item = { id: itemId, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'x'.repeat(deltas), annotations: [] }] };
  const events: JsonObject[] = [
    { type: 'response.created', response: { id, status: 'in_progress', output: [] } },
    { type: 'response.in_progress', response: { id, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } },
  ];
  for (let index = 0; index < deltas; index += 1) events.push({ type: 'response.output_text.delta', item_id: itemId, output_index: 0, content_index: 0, delta: 'x' });
  events.push({ type: 'response.output_item.done', output_index: 0, item });
  events.push({ type: 'response.completed', response: { id, status: 'completed', output: [item], usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } });
  return { id, item, events: events.map((event, sequence) => ({ ...event, sequence_number: sequence })) };
}

/**
 * A stale frame, resolved against the responses that already ended on the socket the request
 * goes out on (a tail never crosses sockets). Frames of other responses carry their own
 * numbering, which never continues the request's (that would make them indistinguishable from
 * its own frames: no router can tell a perfect forgery). An id-less `error` and a foreign
 * `response.created` are such forgeries and are not generated.
 */
type Stale = { readonly kind: 'terminal' | 'created' | 'item' | 'delta' | 'stranger'; readonly pick: number };

function staleFrame(stale: Stale, earlier: readonly Served[]): JsonObject {
  const served = earlier[stale.pick % Math.max(1, earlier.length)];
  if (served === undefined || stale.kind === 'stranger') {
    const type = stale.pick % 2 === 0 ? 'response.in_progress' : 'response.completed';
    return { type, sequence_number: 10_000 + stale.pick, response: { id: `resp_stranger_${stale.pick}`, status: 'in_progress', output: [] } };
  }
  const events = served.events;
  if (stale.kind === 'terminal') return events.at(-1) as JsonObject;
  if (stale.kind === 'created') return events[0] as JsonObject;
  if (stale.kind === 'item') return events.at(-2) as JsonObject;
  return events.find((event) => event['type'] === 'response.output_text.delta') ?? (events.at(-2) as JsonObject);
}

const staleArbitrary: fc.Arbitrary<Stale> = fc.record({ kind: fc.constantFrom('terminal', 'created', 'item', 'delta', 'stranger'), pick: fc.nat(30) });
const timingArbitrary: fc.Arbitrary<LateTiming> = fc.oneof(fc.constant<LateTiming>('burst'), fc.constant<LateTiming>('after-next-created'), fc.integer({ min: 0, max: 3 }));

const requestArbitrary = fc.record({
  deltas: fc.integer({ min: 0, max: 3 }),
  /** Inside the response: before event `at` (0: before its response.created). */
  inside: fc.array(fc.record({ at: fc.nat(8), stale: staleArbitrary }), { maxLength: 3 }),
  /** After its end: while the socket is idle, or once the next request is out. */
  after: fc.array(fc.record({ at: timingArbitrary, stale: staleArbitrary }), { maxLength: 2 }),
});

let server: ResponsesServer;
let runId = 0;

beforeAll(async () => {
  server = await startResponsesServer();
});

afterAll(async () => {
  await server.close();
});

describe('stale frames on a shared socket (property)', () => {
  // About 10 ms a run on a quiet machine; generous room for a loaded one.
  it(`every request's result is the response the server created for it (${RUNS} runs)`, { timeout: 20_000 + RUNS * 50 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(requestArbitrary, { minLength: 1, maxLength: 4 }), async (requests) => {
        runId += 1;
        server.faults.clear();
        server.script.clear();
        const responses = requests.map((request, index) => serve(`resp_${runId}_${index}`, request.deltas));
        /** Responses served so far, by connection. */
        const servedOn = new Map<number, Served[]>();
        let next = 0;
        server.faults.use((target) => {
          if (target.phase !== 'request') return undefined;
          const index = next;
          next += 1;
          const request = requests[index];
          const response = responses[index];
          if (request === undefined || response === undefined) return undefined;
          const earlier = servedOn.get(target.connectionId) ?? [];
          servedOn.set(target.connectionId, [...earlier, response]);
          const frames: InjectedFrame[] = [
            ...request.inside.map((inject) => ({ afterEvents: Math.min(inject.at, response.events.length - 1), event: staleFrame(inject.stale, earlier) })),
            ...request.after.map((inject) => ({ afterEvents: response.events.length, event: staleFrame(inject.stale, [...earlier, response]), at: inject.at })),
          ];
          return { kind: 'inject', frames };
        });
        for (const response of responses) server.script.next({ events: response.events });
        const client = new ModelClient({
          provider: { baseUrl: server.url, supportsWebSockets: true, streamIdleTimeoutMs: 10_000 },
          auth: { getToken: () => 'test-token' },
          conversationId: `stale-frames-${runId}`,
          sessionSource: { kind: 'cli' },
          random: () => 0.5,
        });
        const telemetry = new RecordingTelemetry();
        try {
          const turn = client.newTurn();
          const history: ResponseItem[] = [];
          for (const [index, response] of responses.entries()) {
            history.push(userMessage(`question ${index}`));
            const stream = turn.stream(prompt(history), turnContext({}, telemetry));
            const events = await drain(stream);
            const result = await stream.result;
            expect(result.responseId).toBe(response.id);
            expect(result.output).toEqual([response.item]);
            expect(events.filter((event) => event.type === 'output_item_done').map((event) => (event.type === 'output_item_done' ? event.item : null))).toEqual([response.item]);
            expect(events.filter((event) => event.type === 'created')).toEqual([{ type: 'created', responseId: response.id }]);
            history.push(...result.output);
          }
          // One create per request: nothing was retried, nothing fell back to HTTP.
          expect(next).toBe(responses.length);
          expect(telemetry.fallbacks).toEqual([]);
        } finally {
          await client.close();
        }
      }),
      { numRuns: RUNS },
    );
  });
});
