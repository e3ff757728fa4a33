// Property test of the whole stack against hostile but well-framed event streams: the loopback
// server answers the first request of a turn with a mutated response (events dropped,
// duplicated, reordered, fields replaced by anything, unknown and junk events inserted). The
// turn must complete or fail with a typed Modelwire error, never throw anything else, never
// commit a partial or cut message, never lose a user input, and leave nothing open.
import { startResponsesServer, type JsonObject } from '@modelwire/testing';
import { createSession } from '@modelwire/core-session';
import { ModelwireError } from '@modelwire/transport';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATRIX_MODEL } from './harness/loopback-session.ts';
import { historyProblems, messageText } from './harness/history-check.ts';
import { activeResources, leakedResources, type ResourceCounts } from './harness/open-handles.ts';
import { runTurn } from './harness/turn-outcome.ts';

/** A complete, valid response: a reasoning item and a message, then `response.completed`. */
function validResponse(id: string): JsonObject[] {
  const reasoning = { id: `rs_${id}`, type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking' }] };
  const message = { id: `msg_${id}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello there.', annotations: [] }] };
  return [
    { type: 'response.created', response: { id, status: 'in_progress', output: [] } },
    { type: 'response.in_progress', response: { id, status: 'in_progress', output: [] } },
    { type: 'response.output_item.added', output_index: 0, item: { ...reasoning, summary: [] } },
    { type: 'response.output_item.done', output_index: 0, item: reasoning },
    { type: 'response.output_item.added', output_index: 1, item: { ...message, status: 'in_progress', content: [] } },
    { type: 'response.content_part.added', item_id: message.id, output_index: 1, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } },
    { type: 'response.output_text.delta', item_id: message.id, output_index: 1, content_index: 0, delta: 'Hello ' },
    { type: 'response.output_text.delta', item_id: message.id, output_index: 1, content_index: 0, delta: 'there.' },
    { type: 'response.output_text.done', item_id: message.id, output_index: 1, content_index: 0, text: 'Hello there.' },
    { type: 'response.output_item.done', output_index: 1, item: message },
    {
      type: 'response.completed',
      response: { id, status: 'completed', output: [reasoning, message], usage: { input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 8 } },
    },
  ];
}

type Mutation =
  | { readonly kind: 'drop'; readonly at: number }
  | { readonly kind: 'duplicate'; readonly at: number }
  | { readonly kind: 'swap'; readonly at: number }
  | { readonly kind: 'replace-field'; readonly at: number; readonly field: string; readonly value: unknown }
  | { readonly kind: 'insert'; readonly at: number; readonly event: unknown };

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace-field' as const), at: fc.nat(), field: fc.constantFrom('type', 'item', 'response', 'delta', 'output_index', 'item_id', 'text'), value: fc.anything({ maxDepth: 2 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    event: fc.oneof(
      fc.record({ type: fc.constantFrom('response.unknown_future_event', 'codex.something', 'response.output_text.annotation.added') }),
      fc.record({ type: fc.constantFrom('response.output_item.done', 'response.output_text.delta', 'response.completed', 'error'), extra: fc.jsonValue({ maxDepth: 2 }) }),
      fc.jsonValue({ maxDepth: 2 }).filter((value) => typeof value === 'object' && value !== null && !Array.isArray(value)),
    ),
  }),
);

function mutate(events: readonly JsonObject[], mutations: readonly Mutation[]): JsonObject[] {
  const result: unknown[] = [...events];
  for (const mutation of mutations) {
    if (result.length === 0) break;
    const at = mutation.at % result.length;
    if (mutation.kind === 'drop') result.splice(at, 1);
    else if (mutation.kind === 'duplicate') result.splice(at, 0, result[at]);
    else if (mutation.kind === 'swap' && at + 1 < result.length) [result[at], result[at + 1]] = [result[at + 1], result[at]];
    else if (mutation.kind === 'replace-field') result[at] = { ...(result[at] as JsonObject), [mutation.field]: mutation.value };
    else if (mutation.kind === 'insert') result.splice(at, 0, mutation.event);
  }
  return result as JsonObject[];
}

let baseline: ResourceCounts;
beforeAll(() => {
  baseline = activeResources();
});
afterAll(async () => {
  expect(await leakedResources(baseline)).toEqual([]);
});

describe('fuzz: hostile event streams through a whole session', () => {
  for (const transport of ['websocket', 'http'] as const) {
    it(`${transport}: a turn completes or fails with a typed error and commits nothing broken`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }), async (mutations) => {
          const server = await startResponsesServer({ tokenDelayMs: 0 });
          const session = createSession({
            provider: { baseUrl: server.url, supportsWebSockets: transport === 'websocket', streamIdleTimeoutMs: 800, websocketConnectTimeoutMs: 800, streamMaxRetries: 1, requestMaxRetries: 1 },
            auth: { getToken: () => 'fuzz-token' },
            model: MATRIX_MODEL,
            instructions: 'You are a test agent.',
            preconnect: false,
            retryBackoff: { baseMs: 1, maxMs: 2 },
            client: { random: () => 0.5 },
          });
          try {
            server.script.next({ events: mutate(validResponse('resp_fuzz'), mutations) });
            const outcome = await runTurn(session.submit('hello'));
            if (outcome.status === 'failed') expect(ModelwireError.isInstance(outcome.error), String(outcome.error)).toBe(true);
            const history = session.history;
            // The user input exactly once, first.
            expect(history.filter((item) => item.type === 'message' && item['role'] === 'user').map(messageText)).toEqual(['hello']);
            // Whatever a completed turn committed is whole: no assistant message without text.
            for (const item of history) if (item.type === 'message' && item['role'] === 'assistant') expect(messageText(item).length).toBeGreaterThan(0);
            if (outcome.status === 'failed') expect(history).toHaveLength(1);
            // Every mutation leaves a sound history (a repeated `output_item.done` counts once).
            expect(historyProblems(history, ['hello'])).toEqual([]);
            // The session still works.
            const after = await runTurn(session.submit('again'));
            expect(after.error).toBeUndefined();
          } finally {
            await session.close();
            await server.close();
          }
        }),
        { numRuns: 60 },
      );
    }, 120_000);
  }
});
