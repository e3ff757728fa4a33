// Property tests of the protocol decoder (decodeEvent + mapStreamEvent) against arbitrary text,
// arbitrary JSON, mutated real events, deep nesting and oversized payloads: it never throws and
// keeps what it copies bounded.
import { decodeEvent, mapStreamEvent, STREAM_EVENT_SCHEMAS, type DecodeResult } from '@modelwire/protocol';
import { ModelwireError } from '@modelwire/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const KNOWN_TYPES = Object.keys(STREAM_EVENT_SCHEMAS);
const PREVIEW = 64;

/** Decodes and, when valid, maps; returns the decode result. Anything thrown fails the test. */
function decodeAndMap(input: unknown, maxPayloadChars?: number): DecodeResult {
  const result = decodeEvent(input, { previewChars: PREVIEW, ...(maxPayloadChars === undefined ? {} : { maxPayloadChars }) });
  if (result.ok) {
    try {
      mapStreamEvent(result.event);
    } catch (error) {
      // A mapping failure may only be a typed Modelwire error.
      expect(ModelwireError.isInstance(error), String(error)).toBe(true);
    }
  } else {
    expect(['invalid_json', 'wrong_shape', 'too_large']).toContain(result.error.reason);
    // The copy kept for logs stays small whatever the payload (redaction may lengthen it a little).
    expect(result.error.payload.length).toBeLessThanOrEqual(PREVIEW + 32);
  }
  return result;
}

/** Realistic events to mutate. */
const TEMPLATES: Record<string, unknown>[] = [
  { type: 'response.created', sequence_number: 0, response: { id: 'resp_1', status: 'in_progress', output: [] } },
  { type: 'response.output_text.delta', sequence_number: 5, item_id: 'msg_1', output_index: 0, content_index: 0, delta: 'hi' },
  { type: 'response.output_item.done', sequence_number: 6, output_index: 0, item: { type: 'message', id: 'msg_1', role: 'assistant', content: [{ type: 'output_text', text: 'hi' }] } },
  { type: 'response.output_item.done', sequence_number: 6, output_index: 0, item: { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'shell', arguments: '{}' } },
  { type: 'response.completed', sequence_number: 9, response: { id: 'resp_1', status: 'completed', output: [], usage: { input_tokens: 1, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2 } } },
  { type: 'response.failed', sequence_number: 3, response: { id: 'resp_1', status: 'failed', error: { code: 'server_error', message: 'boom' } } },
  { type: 'response.incomplete', sequence_number: 3, response: { id: 'resp_1', status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } },
  { type: 'error', error: { type: 'invalid_request_error', code: 'context_length_exceeded', message: 'too long', param: null } },
  { type: 'error', code: 'rate_limit_exceeded', message: 'try again in 1.5s', param: null },
  { type: 'codex.rate_limits', primary: { used_percent: 10, window_minutes: 300 } },
  { type: 'response.metadata', headers: { 'x-codex-turn-state': 'abc' } },
];

/** Replaces the value at a random path of `template` with `value`. */
function mutate(template: unknown, path: readonly number[], value: unknown): unknown {
  if (path.length === 0 || typeof template !== 'object' || template === null) return value;
  const entries = Object.entries(template as Record<string, unknown>);
  if (entries.length === 0) return value;
  const [head, ...rest] = path;
  const index = (head ?? 0) % entries.length;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(template) ? [...template] : { ...(template as Record<string, unknown>) };
  const key = (entries[index] as [string, unknown])[0];
  (copy as Record<string, unknown>)[key] = mutate((template as Record<string, unknown>)[key], rest, value);
  return copy;
}

describe('fuzz: protocol decoder', () => {
  it('never throws for arbitrary text, including text decoded from invalid UTF-8', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString('utf8')), fc.string({ unit: 'grapheme', maxLength: 300 })), (text) => {
        decodeAndMap(text);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws for arbitrary JSON values, as text or already parsed', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        decodeAndMap(value);
        decodeAndMap(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });

  it('never throws for every known event type with arbitrary fields', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KNOWN_TYPES), fc.dictionary(fc.constantFrom('response', 'item', 'delta', 'item_id', 'output_index', 'content_index', 'error', 'code', 'message', 'headers', 'part', 'sequence_number', 'text', 'arguments', 'summary_index'), fc.anything({ maxDepth: 4 })), (type, fields) => {
        decodeAndMap({ ...fields, type });
        decodeAndMap(JSON.stringify({ ...fields, type }));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws for real events with one field replaced by anything', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATES), fc.array(fc.nat(), { maxLength: 5 }), fc.anything({ maxDepth: 3 }), (template, path, value) => {
        const mutated = mutate(template, path, value);
        decodeAndMap(mutated);
        let text: string | undefined;
        try {
          text = JSON.stringify(mutated);
        } catch {
          text = undefined;
        }
        if (text !== undefined) decodeAndMap(text);
      }),
      { numRuns: 500 },
    );
  });

  it('survives deeply nested payloads inside known events (no stack overflow escapes)', () => {
    for (const depth of [1_000, 10_000, 100_000]) {
      const nested = '['.repeat(depth) + ']'.repeat(depth);
      decodeAndMap(nested);
      decodeAndMap(`{"type":"response.output_item.done","output_index":0,"sequence_number":1,"item":{"type":"message","role":"assistant","content":${nested}}}`);
      decodeAndMap(`{"type":"response.completed","sequence_number":1,"response":{"id":"r","status":"completed","output":${nested}}}`);
      decodeAndMap(`{"type":"error","error":{"code":"server_error","message":"m","param":${nested}}}`);
    }
  });

  it('refuses an oversized payload as too_large without parsing it, keeping only a short preview', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4_096 }), fc.integer({ min: 1, max: 4_096 }), (limit, extra) => {
        const text = `{"type":"response.output_text.delta","delta":"${'x'.repeat(limit + extra)}"}`;
        const result = decodeAndMap(text, limit);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.reason).toBe('too_large');
          expect(result.error.payloadLength).toBe(text.length);
        }
      }),
      { numRuns: 200 },
    );
    // The default bound (16 Mi characters) holds for a huge single line as well.
    const huge = `{"type":"response.output_text.delta","delta":"${'y'.repeat(16 * 1024 * 1024)}"}`;
    const result = decodeAndMap(huge);
    expect(result.ok ? 'ok' : result.error.reason).toBe('too_large');
  });
});
