import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KNOWN_EVENT_EXAMPLES } from '../__fixtures__/stream-events.js';
import { decodeWithZod } from '../__fixtures__/zod-reference-decoder.js';
import { mapStreamEvent } from '../events/map-stream-event.js';
import { STREAM_EVENT_SCHEMAS } from '../schemas/stream-events.js';
import { decodeEvent } from './decode-event.js';

// The fast path (hand-written checks of the hot deltas, compiled checks of every other schema,
// table dispatch without hashing) against zod alone: for every input, both accept or both
// reject; an accepted event is the same value and maps to the same client events; a rejection
// names the same field with the same message.

const KNOWN_TYPES = Object.keys(STREAM_EVENT_SCHEMAS);
const HOT_DELTAS = ['response.output_text.delta', 'response.reasoning_summary_text.delta', 'response.function_call_arguments.delta'] as const;
const MAP_OPTIONS = { requestId: 'req_1', nowMs: 1_763_000_000_000, headers: { 'x-request-id': 'req_1' } };

function expectSameOutcome(input: unknown): void {
  const fast = decodeEvent(input);
  const reference = decodeWithZod(input);
  expect(fast.ok, `accepted by one path only: ${JSON.stringify(input)?.slice(0, 300)}`).toBe(reference.ok);
  if (fast.ok && reference.ok) {
    expect(fast.event).toEqual(reference.event);
    expect(mapStreamEvent(fast.event, MAP_OPTIONS)).toEqual(mapStreamEvent(reference.event, MAP_OPTIONS));
  } else if (!fast.ok && !reference.ok && fast.error.reason === 'wrong_shape' && fast.error.eventType !== undefined) {
    expect(fast.error.message).toBe(reference.message);
  }
}

/** A value for a field: valid ones of every kind, the usual wrong ones, and arbitrary JSON. */
const fieldValue = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(null, Number.NaN, Number.POSITIVE_INFINITY, -0, 0, 3, 2.5, 'x', '', true, false, [], {}, [{}], 'function_call', 'message', 'reasoning', 'output_text', 'response.output_text.delta'),
  fc.jsonValue({ maxDepth: 2 }),
);

const FIELD_NAMES = [
  'type',
  'sequence_number',
  'item_id',
  'output_index',
  'content_index',
  'summary_index',
  'annotation_index',
  'delta',
  'text',
  'arguments',
  'obfuscation',
  'logprobs',
  'part',
  'item',
  'response',
  'annotation',
  'error',
  'id',
  'call_id',
  'name',
  'role',
  'content',
  'summary',
  'output',
  'usage',
  'status',
  'encrypted_content',
  'input_tokens',
  'cached_tokens',
  'headers',
  'x',
] as const;

/** A change somewhere in an example event: set `key` (at the end of `path`) to `value`, or delete it. */
const mutation = fc.record({
  type: fc.constantFrom(...KNOWN_TYPES, ...HOT_DELTAS, ...HOT_DELTAS),
  path: fc.array(fc.constantFrom('response', 'item', 'output', 'part', 'usage', 'content', 'summary', 'error', 'annotation', 'input_tokens_details', '0', '1'), { maxLength: 3 }),
  key: fc.constantFrom(...FIELD_NAMES),
  change: fc.oneof(fc.record({ set: fieldValue }), fc.constant({ remove: true as const })),
});

function mutated({ type, path, key, change }: { type: string; path: string[]; key: string; change: { set: unknown } | { remove: true } }): Record<string, unknown> {
  const example = structuredClone(KNOWN_EVENT_EXAMPLES[type]) as Record<string, unknown>;
  let target: Record<string, unknown> = example;
  for (const step of path) {
    const next = target[step];
    if (typeof next !== 'object' || next === null) break;
    target = next as Record<string, unknown>;
  }
  // A named key on an array cannot come from JSON: change the array's first object instead.
  if (Array.isArray(target)) {
    const first: unknown = target[0];
    if (typeof first !== 'object' || first === null || Array.isArray(first)) return example;
    target = first as Record<string, unknown>;
  }
  if ('remove' in change) Reflect.deleteProperty(target, key);
  else target[key] = change.set;
  return example;
}

describe('the fast path and the zod path', () => {
  it('agree on the example of every known event type, as text and as a value', () => {
    for (const example of Object.values(KNOWN_EVENT_EXAMPLES)) {
      expectSameOutcome(example);
      expectSameOutcome(JSON.stringify(example));
    }
  });

  it('agree on mutated events of every type (wrong, missing and extra fields, nested too), as values and as text', () => {
    fc.assert(
      fc.property(mutation, (change) => {
        const event = mutated(change);
        expectSameOutcome(event);
        expectSameOutcome(JSON.stringify(event));
      }),
      { numRuns: 3000 },
    );
  });

  it('agree on events of one type carrying the fields of another (the hot deltas included)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KNOWN_TYPES, ...HOT_DELTAS), fc.constantFrom(...KNOWN_TYPES, ...HOT_DELTAS), (type, fieldsOf) => {
        expectSameOutcome({ ...KNOWN_EVENT_EXAMPLES[fieldsOf], type });
      }),
      { numRuns: 1000 },
    );
  });

  it('agree on the hot deltas whatever their field order and extra fields', () => {
    fc.assert(
      fc.property(fc.constantFrom(...HOT_DELTAS), fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldValue, { maxKeys: 4 }), fc.boolean(), (type, changes, reversed) => {
        const entries = Object.entries({ ...KNOWN_EVENT_EXAMPLES[type], ...changes });
        const event = Object.fromEntries(reversed ? entries.reverse() : entries);
        expectSameOutcome(event);
        expectSameOutcome(JSON.stringify(event));
      }),
      { numRuns: 2000 },
    );
  });

  it('agree on arbitrary JSON values and objects with a known or unknown type', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.record({ type: fc.oneof(fc.constantFrom(...KNOWN_TYPES), fc.string({ maxLength: 40 })) }, { noNullPrototype: true })), (value) => {
        expectSameOutcome(value);
        expectSameOutcome(JSON.stringify(value));
      }),
      { numRuns: 1000 },
    );
  });

  it('report a rejected hot delta with the field zod names', () => {
    const result = decodeEvent({ ...KNOWN_EVENT_EXAMPLES['response.output_text.delta'], content_index: '0' });
    expect(result).toMatchObject({ ok: false, error: { reason: 'wrong_shape', eventType: 'response.output_text.delta', message: 'response.output_text.delta: content_index: Invalid input: expected number, received string' } });
  });
});
