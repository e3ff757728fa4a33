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
const HOT_DELTAS = [
  'response.output_text.delta',
  'response.reasoning_summary_text.delta',
  'response.function_call_arguments.delta',
  'response.reasoning_text.delta',
  'response.code_interpreter_call_code.delta',
] as const;
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

/** `value` with the keys of it and of every object inside it in an order picked by `seed`. */
function reordered(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((entry, index) => reordered(entry, seed + index));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  let state = seed;
  for (let index = entries.length - 1; index > 0; index -= 1) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const other = state % (index + 1);
    [entries[index], entries[other]] = [entries[other]!, entries[index]!];
  }
  return Object.fromEntries(entries.map(([key, entry]) => [key, reordered(entry, state + key.length)]));
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

  it('agree on events of every type whatever the key order of the event and of every object in it', () => {
    fc.assert(
      fc.property(mutation, fc.integer({ min: 0, max: 2 ** 31 - 1 }), (change, seed) => {
        const event = reordered(mutated(change), seed);
        expectSameOutcome(event);
        expectSameOutcome(JSON.stringify(event));
      }),
      { numRuns: 2000 },
    );
  });

  it('map a decoded delta from its own fields, whatever was decoded or mapped in between', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...HOT_DELTAS), { minLength: 2, maxLength: 6 }), fc.array(fc.nat(), { minLength: 2, maxLength: 6 }), (types, picks) => {
        // Decode several events, then map them in another order, some twice: each maps as zod's copy of it does.
        const decoded = types.map((type, index) => {
          const event = { ...KNOWN_EVENT_EXAMPLES[type], item_id: `item_${index}`, delta: `piece ${index}` };
          const result = decodeEvent(index % 2 === 0 ? event : JSON.stringify(event));
          if (!result.ok) throw new Error(result.error.message);
          return result.event;
        });
        for (const pick of picks) {
          const event = decoded[pick % decoded.length]!;
          const mapped = mapStreamEvent(event, MAP_OPTIONS);
          expect(mapped).toEqual(mapStreamEvent(structuredClone(event), MAP_OPTIONS));
          expect(mapped[0]).not.toBe(mapStreamEvent(event, MAP_OPTIONS)[0]);
        }
      }),
      { numRuns: 300 },
    );
    // The event decoded last, mapped twice: equal events, not the same objects.
    const result = decodeEvent(structuredClone(KNOWN_EVENT_EXAMPLES['response.output_text.delta']));
    if (!result.ok) throw new Error(result.error.message);
    const once = mapStreamEvent(result.event);
    const twice = mapStreamEvent(result.event);
    expect(twice).toEqual(once);
    expect(twice[0]).not.toBe(once[0]);
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
