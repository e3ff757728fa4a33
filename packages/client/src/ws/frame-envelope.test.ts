import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameEnvelopeSlot, readEnvelope, TypeFlags, type FrameEnvelope } from './frame-envelope.js';

/** Every key of an envelope, as a plain object (the slot is overwritten by the next read). */
function keysOf(frame: FrameEnvelope): Record<string, unknown> {
  const { text, value, type, flags, lane, responseId, itemId, sequenceNumber } = frame;
  return { text, value, type, flags, lane, responseId, itemId, sequenceNumber };
}

/** Frames with and without each routing key, plus text that is not a JSON object. */
const frameText = fc.oneof(
  fc
    .record(
      {
        type: fc.constantFrom('response.created', 'response.output_text.delta', 'response.output_item.done', 'response.completed', 'error', 'invented.type', 7),
        stream_id: fc.constantFrom('a', 'b', 3),
        response: fc.oneof(fc.record({ id: fc.constantFrom('resp_1', 'resp_2', 9) }, { requiredKeys: [] }), fc.constant(null)),
        response_id: fc.constantFrom('resp_3', false),
        item_id: fc.constantFrom('item_1', 1),
        item: fc.oneof(fc.record({ id: fc.constantFrom('item_2', null) }, { requiredKeys: [] }), fc.constant('item')),
        sequence_number: fc.oneof(fc.nat(), fc.constant('4')),
      },
      { requiredKeys: [] },
    )
    .map((value) => JSON.stringify(value)),
  fc.constantFrom('not json', '[1,2]', 'null', '"text"', '42', '{'),
);

describe('readEnvelope', () => {
  it('reads any sequence of frames into one reused slot exactly as into a fresh envelope each (nothing of an earlier frame carries over)', () => {
    fc.assert(
      fc.property(fc.array(frameText, { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), (texts, clears) => {
        const slot = new FrameEnvelopeSlot();
        texts.forEach((text, index) => {
          const reused = readEnvelope(text, slot);
          expect(reused).toBe(slot);
          expect(keysOf(reused)).toEqual(keysOf(readEnvelope(text)));
          if (clears[index] === true) slot.clear();
        });
      }),
    );
  });

  it('reads the routing keys of a frame, and clear() drops the references to it', () => {
    const slot = new FrameEnvelopeSlot();
    const text = JSON.stringify({ type: 'response.output_item.added', stream_id: 'a', sequence_number: 3, response_id: 'resp_1', item: { id: 'item_1' } });
    const frame = readEnvelope(text, slot);
    expect(keysOf(frame)).toMatchObject({ text, type: 'response.output_item.added', lane: 'a', responseId: 'resp_1', itemId: 'item_1', sequenceNumber: 3 });
    expect(frame.flags & TypeFlags.OutputItem).toBe(TypeFlags.OutputItem);
    slot.clear();
    expect(keysOf(slot)).toMatchObject({ text: '', value: undefined, type: undefined, responseId: undefined, itemId: undefined });
  });
});
