// Every member of the official `openai` package's `ResponseStreamEvent` union is handled: typed
// by a schema here, and either mapped to a `ResponseEvent` or listed as internal with a reason.
// The type-level checks run under `tsc` (the `typecheck` target, part of `npm test`): a member
// added to the official union fails the build until it is handled. The runtime checks prove the
// table tells the truth about what `mapStreamEvent` produces.
import type { ResponseStreamEvent as OfficialStreamEvent } from 'openai/resources/responses/responses';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { KNOWN_EVENT_EXAMPLES } from '../__fixtures__/stream-events.js';
import { decodeEvent } from '../decode/decode-event.js';
import { STREAM_EVENT_SCHEMAS, type KnownStreamEventType, type StreamEventOf } from '../schemas/stream-events.js';
import { mapStreamEvent } from './map-stream-event.js';
import { STREAM_EVENT_COVERAGE, type StreamEventHandling } from './stream-event-coverage.js';

/** The JSON `type` of every member of the official union (59 in openai 7.57). */
type OfficialEventType = OfficialStreamEvent['type'];
type CoveredEventType = keyof typeof STREAM_EVENT_COVERAGE;

/** Types handled here that the official union does not list: what the API and the Codex backend send besides. */
type ExtraEventType =
  | 'response.apply_patch_call_operation_diff.delta'
  | 'response.apply_patch_call_operation_diff.done'
  | 'response.metadata'
  | 'codex.response.metadata'
  | 'codex.rate_limits'
  | 'responsesapi.websocket_timing'
  | 'response.steer.accepted'
  | 'response.steer.pending'
  | 'response.steer.failed';

/** `T` without the `[key: string]: unknown` of loose objects (an interface is never assignable to one). */
type WithoutIndexSignatures<T> = T extends readonly (infer E)[]
  ? readonly WithoutIndexSignatures<E>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: WithoutIndexSignatures<T[K]> }
    : T;

/**
 * `true` when every event the official type describes passes our schema's type: the schema asks
 * for no field the API may leave out, and gives no field another type than the API does.
 */
type AcceptsOfficial<K extends OfficialEventType> = [Extract<OfficialStreamEvent, { type: K }>] extends [WithoutIndexSignatures<StreamEventOf<K>>] ? true : false;

describe('stream event coverage', () => {
  it('handles every member of the official ResponseStreamEvent union (type level)', () => {
    expectTypeOf<Exclude<OfficialEventType, CoveredEventType>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<OfficialEventType, KnownStreamEventType>>().toEqualTypeOf<never>();
    expectTypeOf<Exclude<CoveredEventType, OfficialEventType>>().toEqualTypeOf<ExtraEventType>();
    expectTypeOf<{ [K in OfficialEventType]: AcceptsOfficial<K> }[OfficialEventType]>().toEqualTypeOf<true>();
  });

  it('lists every schema once, and nothing without a schema', () => {
    expect(Object.keys(STREAM_EVENT_COVERAGE).sort()).toEqual(Object.keys(STREAM_EVENT_SCHEMAS).sort());
  });

  const entries = Object.entries(STREAM_EVENT_COVERAGE) as [KnownStreamEventType, StreamEventHandling][];

  it.each(entries)('%s maps as the table says', (type, handling) => {
    const decoded = decodeEvent(JSON.stringify(KNOWN_EVENT_EXAMPLES[type]));
    expect(decoded.ok && decoded.event.type).toBe(type);
    if (!decoded.ok) return;
    const produced = mapStreamEvent(decoded.event).map((event) => event.type);
    if ('internal' in handling) {
      expect(produced).toEqual([]);
      expect(handling.internal.length).toBeGreaterThan(10);
    } else {
      expect(produced.length).toBeGreaterThan(0);
      for (const produce of produced) expect(handling.events).toContain(produce);
      if (handling.events.length === 1) expect(produced).toEqual(handling.events);
    }
  });

  it('keeps deliberately internal types few and explained', () => {
    const internal = entries.filter(([, handling]) => 'internal' in handling).map(([type]) => type);
    expect(internal.sort()).toEqual(['response.in_progress', 'response.steer.accepted', 'response.steer.failed', 'response.steer.pending', 'responsesapi.websocket_timing']);
  });
});
