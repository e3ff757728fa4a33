import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KNOWN_EVENT_EXAMPLES } from '../__fixtures__/stream-events.js';
import { STREAM_EVENT_SCHEMAS, UNKNOWN_EVENT_TYPE } from '../schemas/stream-events.js';
import { compileValidator } from './compile-validator.js';
import { decodeEvent, type DecodeResult } from './decode-event.js';

const KNOWN_TYPES = Object.keys(STREAM_EVENT_SCHEMAS);

function expectWellTyped(result: DecodeResult): void {
  if (result.ok) {
    expect(typeof result.event.type).toBe('string');
    if (result.event.type === UNKNOWN_EVENT_TYPE) {
      expect(typeof result.event.originalType).toBe('string');
      expect(typeof result.event.payload).toBe('object');
    } else {
      expect(KNOWN_TYPES).toContain(result.event.type);
    }
  } else {
    expect(['invalid_json', 'wrong_shape', 'too_large']).toContain(result.error.reason);
    expect(typeof result.error.message).toBe('string');
    expect(result.error.payload.length).toBeLessThanOrEqual(512 + 16);
    expect(result.error.payloadLength).toBeGreaterThanOrEqual(0);
  }
}

describe('decodeEvent', () => {
  it('has an example for every known event type', () => {
    expect(Object.keys(KNOWN_EVENT_EXAMPLES).sort()).toEqual([...KNOWN_TYPES].sort());
  });

  it.each(Object.entries(KNOWN_EVENT_EXAMPLES))('decodes %s from text and from a parsed value', (type, example) => {
    for (const input of [JSON.stringify(example), example]) {
      const result = decodeEvent(input);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.event.type).toBe(type);
      expect(result.event).toEqual(example);
    }
  });

  it('passes unknown event types through as a typed unknown event, unchanged', () => {
    const payload = { type: 'response.hologram_call.rendering', sequence_number: 4, item_id: 'hg_1', output_index: 0, extra: { nested: [1] } };
    const result = decodeEvent(JSON.stringify(payload));
    expect(result).toEqual({ ok: true, event: { type: 'unknown', originalType: 'response.hologram_call.rendering', payload } });
  });

  it('accepts a stray [DONE] as an unknown event', () => {
    const result = decodeEvent('[DONE]');
    expect(result.ok && result.event.type === 'unknown' && result.event.originalType).toBe('[DONE]');
  });

  it('keeps fields it does not model (loose objects)', () => {
    const result = decodeEvent({ ...KNOWN_EVENT_EXAMPLES['response.output_text.delta'], future: { a: 1 } });
    expect(result.ok && (result.event as unknown as { future: unknown }).future).toEqual({ a: 1 });
  });

  it('reports invalid JSON with a truncated copy of the payload', () => {
    const text = `{"type":"response.output_text.delta","delta":"${'x'.repeat(2000)}`;
    const result = decodeEvent(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.reason).toBe('invalid_json');
    expect(result.error.payload).toBe(text.slice(0, 512));
    expect(result.error.payloadLength).toBe(text.length);
  });

  it.each([
    ['a number', '42'],
    ['null', 'null'],
    ['an array', '[{"type":"error"}]'],
    ['no type', '{"delta":"x"}'],
    ['a non-string type', '{"type":7}'],
    ['a delta without its delta', '{"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0}'],
    ['a delta with a numeric delta', '{"type":"response.output_text.delta","item_id":"m","output_index":0,"content_index":0,"delta":5}'],
    ['a completed event without a response id', '{"type":"response.completed","response":{"status":"completed"}}'],
    ['an item of a known type missing call_id', '{"type":"response.output_item.done","output_index":0,"item":{"type":"function_call","name":"x","arguments":"{}"}}'],
  ])('reports a wrong shape: %s', (_name, text) => {
    const result = decodeEvent(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.reason).toBe('wrong_shape');
  });

  it('names the event type and the failing field of a known event with a wrong shape', () => {
    const result = decodeEvent('{"type":"response.function_call_arguments.delta","item_id":"fc","output_index":"zero","delta":"x"}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.eventType).toBe('response.function_call_arguments.delta');
    expect(result.error.message).toContain('output_index');
  });

  it('refuses an oversized text payload without parsing it', () => {
    const text = JSON.stringify({ type: 'response.output_text.delta', delta: 'y'.repeat(1000) });
    const result = decodeEvent(text, { maxPayloadChars: 100, previewChars: 20 });
    expect(result).toMatchObject({ ok: false, error: { reason: 'too_large', payloadLength: text.length, payload: text.slice(0, 20) } });
  });

  it('redacts secrets in the payload copy', () => {
    const result = decodeEvent('{"type": "error", "broken": "Bearer abc.def-123456"');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.payload).not.toContain('abc.def-123456');
  });

  it('never throws and always returns a well-typed result for arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        expectWellTyped(decodeEvent(text));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws for arbitrary JSON values, as text and as values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        expectWellTyped(decodeEvent(value));
        expectWellTyped(decodeEvent(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws for values JSON cannot express', () => {
    const circular: Record<string, unknown> = { type: 'x' };
    circular['self'] = circular;
    for (const value of [undefined, 10n, Symbol('s'), () => 1, Object.create(null), circular, { type: 'error', status: 10n }]) {
      expectWellTyped(decodeEvent(value));
    }
  });

  it('never throws for near-miss events of every known type (arbitrary field values)', () => {
    const arbitraryEvent = fc.record({
      type: fc.constantFrom(...KNOWN_TYPES),
      fields: fc.dictionary(
        fc.constantFrom(
          'item_id',
          'output_index',
          'content_index',
          'summary_index',
          'command_index',
          'annotation_index',
          'delta',
          'text',
          'response',
          'item',
          'part',
          'annotation',
          'output',
          'partial_image_b64',
          'error',
          'status',
          'headers',
          'rate_limits',
          'credits',
          'code',
          'message',
        ),
        fc.jsonValue({ maxDepth: 3 }),
      ),
    });
    fc.assert(
      fc.property(arbitraryEvent, ({ type, fields }) => {
        expectWellTyped(decodeEvent({ ...KNOWN_EVENT_EXAMPLES[type], ...fields, type }));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('compiled validators', () => {
  it.each(['response.output_text.delta', 'response.reasoning_summary_text.delta', 'response.function_call_arguments.delta', 'response.reasoning_text.delta', 'response.code_interpreter_call_code.delta'] as const)(
    'the hand-written check of %s accepts exactly what its schema accepts',
    (type) => {
      const schema = STREAM_EVENT_SCHEMAS[type];
      const fast = compileValidator(schema);
      const fieldValue = fc.oneof(
        fc.constant(undefined),
        fc.constantFrom(null, Number.NaN, Number.POSITIVE_INFINITY, -0, 3, 'x', '', true, [], {}, type),
        fc.jsonValue({ maxDepth: 1 }),
      );
      const fields = fc.dictionary(fc.constantFrom('type', 'sequence_number', 'item_id', 'output_index', 'content_index', 'summary_index', 'delta', 'obfuscation', 'logprobs'), fieldValue);
      fc.assert(
        fc.property(fields, (changes) => {
          const event = { ...KNOWN_EVENT_EXAMPLES[type], ...changes };
          expect(fast?.(event)).toBe(schema.safeParse(event).success);
        }),
        { numRuns: 1000 },
      );
      for (const value of [null, [], 'text', 7]) expect(fast?.(value)).toBe(false);
    },
  );

  it('quote every key in generated code (keys that are not identifiers, or name Object.prototype members)', () => {
    const schema = z.looseObject({ "it's \\ \"quoted\"\n": z.string(), constructor: z.number(), __proto__: z.string().optional(), '0': z.literal('zero') });
    const fast = compileValidator(schema);
    const values: unknown[] = [
      JSON.parse('{"it\'s \\\\ \\"quoted\\"\\n":"x","constructor":1,"0":"zero"}'),
      JSON.parse('{"it\'s \\\\ \\"quoted\\"\\n":"x","constructor":1,"0":"zero","__proto__":3}'),
      { constructor: 1, 0: 'zero' },
      {},
    ];
    for (const value of values) expect(fast?.(value)).toBe(schema.safeParse(value).success);
    expect(fast?.(values[0])).toBe(true);
  });

  it('compile for every known event schema (no event needs zod on the success path), as generated code and as loops', () => {
    for (const schema of Object.values(STREAM_EVENT_SCHEMAS)) {
      expect(compileValidator(schema)).toBeTypeOf('function');
      expect(compileValidator(schema, false)).toBeTypeOf('function');
    }
  });

  it.each([
    ['generated code', true],
    ['loops (where code generation is refused)', false],
  ])('accept exactly what zod accepts, for mutated examples of every event type, as %s', (_, generateCode) => {
    // Importing decode-event registered the refinement overrides.
    const mutation = fc.record({
      type: fc.constantFrom(...KNOWN_TYPES),
      path: fc.array(
        fc.constantFrom('response', 'item', 'output', '0', '1', 'usage', 'part', 'summary', 'error', 'headers', 'rate_limits', 'primary', 'credits', 'content', 'input_tokens_details', 'annotation', 'delta', 'outcome'),
        { maxLength: 3 },
      ),
      key: fc.constantFrom(
        'type',
        'id',
        'call_id',
        'delta',
        'text',
        'output_index',
        'used_percent',
        'has_credits',
        'code',
        'cached_tokens',
        'summary',
        'usage',
        'status',
        'item_id',
        'stdout',
        'stderr',
        'command_index',
        'content_index',
        'summary_index',
        'sequence_number',
        'obfuscation',
        'annotation',
        'partial_image_index',
        'size',
        'x',
      ),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, 'function_call', 'message', 'reasoning')),
    });
    fc.assert(
      fc.property(mutation, ({ type, path, key, value }) => {
        const example = structuredClone(KNOWN_EVENT_EXAMPLES[type]) as Record<string, unknown>;
        let target: unknown = example;
        for (const step of path) {
          const next = (target as Record<string, unknown>)[step];
          if (typeof next !== 'object' || next === null) break;
          target = next;
        }
        (target as Record<string, unknown>)[key] = value;
        const schema = STREAM_EVENT_SCHEMAS[type as keyof typeof STREAM_EVENT_SCHEMAS];
        const fast = compileValidator(schema, generateCode);
        expect(fast?.(example)).toBe(schema.safeParse(example).success);
      }),
      { numRuns: 2000 },
    );
  });
});
