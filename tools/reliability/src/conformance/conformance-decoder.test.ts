// Conformance tier, part (a): every line of every recording under ../shared/conformance through
// the SSE decoder (byte-chunked at random) and the protocol decoder and mapper. Every event the
// official `openai` union knows decodes typed (never `unknown`), maps as STREAM_EVENT_COVERAGE
// says, and the decoded stream holds exactly what the recording holds: deltas that add up, the
// recorded items (encrypted content included), usage and ids.
import { decodeEvent, mapStreamEvent, STREAM_EVENT_COVERAGE, STREAM_EVENT_SCHEMAS, type ResponseEvent, type StreamEvent } from '@modelwire/protocol';
import { SseDecoder, type SseEvent } from '@modelwire/transport';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ERROR_RECORDINGS,
  INVALID_JSON_LINES,
  TRIMMED_DELTA_RECORDINGS,
  piecesOfEvents,
  pieceProblems,
  recordedOutcome,
} from '../harness/conformance-expectations.ts';
import { REQUIRED_ENV, reportTierCounts, seededRandom, tierRecordings } from '../harness/conformance-tier.ts';

const recordings = tierRecordings();
const responses = (recordings ?? []).flatMap((recording) => recording.responses);

describe('conformance recordings', () => {
  it(`are there, or missing without ${REQUIRED_ENV}=1 (then the tier is skipped, saying so)`, () => {
    if (recordings === null) expect(process.env[REQUIRED_ENV], 'the conformance folder is missing').not.toBe('1');
    else expect(responses.length).toBeGreaterThan(0);
  });
});

/** The SSE body a server sends for a transcript (written here, not taken from the loopback server). */
function sseBody(lines: readonly string[]): Buffer {
  return Buffer.from(lines.map((line) => `event: ${/"type":"([^"]+)"/.exec(line)?.[1] ?? 'message'}\ndata: ${line}\n\n`).join(''), 'utf8');
}

function decodeSse(body: Buffer, random: () => number): SseEvent[] {
  const events: SseEvent[] = [];
  const decoder = new SseDecoder((event) => events.push(event));
  for (let offset = 0; offset < body.length; ) {
    const size = 1 + Math.floor(random() * 97);
    decoder.push(body.subarray(offset, offset + size));
    offset += size;
  }
  decoder.end();
  return events;
}

const MAP_OPTIONS = { requestId: 'req_conformance', nowMs: 1_763_000_000_000 };

type SchemaTable = Record<string, { safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }>;

/** The decoder as the schemas alone define it (JSON.parse, then zod), to compare `decodeEvent`'s fast path with. */
function decodeWithSchemaAlone(input: unknown): { ok: true; event: StreamEvent } | { ok: false; message: string } {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, message: 'invalid JSON' };
    }
  }
  const type = typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') return { ok: false, message: 'not an event' };
  const schemas = STREAM_EVENT_SCHEMAS as unknown as SchemaTable;
  if (!Object.hasOwn(schemas, type)) return { ok: true, event: { type: 'unknown', originalType: type, payload: value as Record<string, unknown> } };
  const parsed = schemas[type]!.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data as StreamEvent };
  const issue = parsed.error.issues[0]!;
  return { ok: false, message: `${type}: ${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}` };
}

const WRONG_VALUES: readonly unknown[] = [null, 7, 'text', true, [], {}, Number.NaN];

/** Replaces one field of `event` (at any depth, picked with `random`) by a value of another kind; returns its path, or `undefined` when there is none. */
function wrongField(event: Record<string, unknown>, random: () => number): string | undefined {
  const fields: { owner: Record<string, unknown> | unknown[]; key: string; path: string }[] = [];
  const visit = (owner: Record<string, unknown> | unknown[], path: string): void => {
    for (const [key, value] of Object.entries(owner)) {
      fields.push({ owner, key, path: `${path}${key}` });
      if (typeof value === 'object' && value !== null && fields.length < 200) visit(value as Record<string, unknown>, `${path}${key}.`);
    }
  };
  visit(event, '');
  const field = fields[Math.floor(random() * fields.length)];
  if (field === undefined) return undefined;
  const current = (field.owner as Record<string, unknown>)[field.key];
  const replacement = WRONG_VALUES.filter((value) => typeof value !== typeof current || Array.isArray(value) !== Array.isArray(current))[Math.floor(random() * 5)] ?? null;
  (field.owner as Record<string, unknown>)[field.key] = replacement;
  return `${field.path} = ${JSON.stringify(replacement)}`;
}

describe.skipIf(recordings === null)('conformance: the decoder on every recorded line', () => {
  it('the recordings hold what their README says: the listed invalid lines, trimmed deltas and error transcripts, and no others', () => {
    const invalid = new Map<string, number[]>();
    const trimmed: string[] = [];
    const failed: string[] = [];
    for (const response of responses) {
      const lines = response.lines.flatMap((line, index) => (line.event === undefined ? [index] : []));
      if (lines.length > 0) invalid.set(response.name, lines);
      const outcome = recordedOutcome(response);
      if (outcome.kind === 'failed') failed.push(response.name);
      if ([...outcome.pieces.values()].some((piece) => piece.sawDelta && piece.done !== undefined && piece.deltas !== piece.done)) trimmed.push(response.name);
    }
    expect(invalid).toEqual(new Map(INVALID_JSON_LINES));
    expect(trimmed.sort()).toEqual([...TRIMMED_DELTA_RECORDINGS.keys()].sort());
    expect(failed.sort()).toEqual([...ERROR_RECORDINGS.keys()].sort());
  });

  it('every line decodes typed (never unknown) and maps as the coverage table says; the invalid lines fail as invalid_json', () => {
    const seen = new Map<string, number>();
    const problems: string[] = [];
    let lines = 0;
    for (const response of responses) {
      const invalid = INVALID_JSON_LINES.get(response.name) ?? [];
      response.lines.forEach((line, index) => {
        lines += 1;
        const where = `${response.name} line ${index}`;
        for (const input of [line.text, line.event]) {
          if (input === undefined) continue;
          const decoded = decodeEvent(input);
          if (invalid.includes(index)) {
            if (decoded.ok || decoded.error.reason !== 'invalid_json') problems.push(`${where}: expected invalid_json`);
            continue;
          }
          if (!decoded.ok) {
            problems.push(`${where}: ${decoded.error.reason} ${decoded.error.message}`);
            continue;
          }
          if (decoded.event.type === 'unknown') {
            problems.push(`${where}: ${decoded.event.originalType} decoded as unknown`);
            continue;
          }
          const handling = STREAM_EVENT_COVERAGE[decoded.event.type];
          const mapped = mapStreamEvent(decoded.event).map((event) => event.type);
          const allowed: readonly string[] = 'internal' in handling ? [] : handling.events;
          if (('internal' in handling) !== (mapped.length === 0) || mapped.some((type) => !allowed.includes(type))) problems.push(`${where}: mapped to ${mapped.join(', ')}`);
          if (typeof input === 'string') seen.set(decoded.event.type, (seen.get(decoded.event.type) ?? 0) + 1);
        }
      });
    }
    expect(problems).toEqual([]);
    reportTierCounts('decoder', {
      recordings: recordings?.length ?? 0,
      responses: responses.length,
      lines,
      'event types seen': seen.size,
      'event types known': Object.keys(STREAM_EVENT_COVERAGE).length,
    });
  });

  it('every line, and every line with one field made wrong, decodes and maps exactly as its zod schema alone decodes it (the fast path agrees)', () => {
    const problems: string[] = [];
    const compare = (where: string, input: unknown): void => {
      const fast = decodeEvent(input);
      const reference = decodeWithSchemaAlone(input);
      if (fast.ok !== reference.ok) problems.push(`${where}: fast path ${fast.ok ? 'accepts' : 'rejects'}, zod ${reference.ok ? 'accepts' : 'rejects'}`);
      else if (fast.ok && reference.ok) {
        if (!isDeepStrictEqual(fast.event, reference.event)) problems.push(`${where}: decoded events differ`);
        if (!isDeepStrictEqual(mapStreamEvent(fast.event, MAP_OPTIONS), mapStreamEvent(reference.event, MAP_OPTIONS))) problems.push(`${where}: mapped events differ`);
      } else if (!fast.ok && !reference.ok && fast.error.eventType !== undefined && fast.error.message !== reference.message) {
        problems.push(`${where}: fast path says ${fast.error.message}, zod ${reference.message}`);
      }
    };
    const random = seededRandom(20);
    let mutated = 0;
    for (const response of responses) {
      response.lines.forEach((line, index) => {
        if (line.event === undefined) return;
        const where = `${response.name} line ${index}`;
        compare(where, line.text);
        compare(`${where} (parsed)`, line.event);
        // One field somewhere in the event (nested ones included) given a value of the wrong kind.
        const copy = structuredClone(line.event) as Record<string, unknown>;
        const change = wrongField(copy, random);
        if (change === undefined) return;
        mutated += 1;
        compare(`${where} with ${change}`, copy);
        compare(`${where} with ${change} (as text)`, JSON.stringify(copy));
      });
    }
    expect(problems).toEqual([]);
    expect(mutated).toBeGreaterThan(responses.length);
  });

  it('over SSE cut at random bytes, every response decodes to its recorded pieces, items, usage and ids', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const random = seededRandom(seed);
        for (const response of responses) {
          const texts = response.lines.map((line) => line.text);
          const data = decodeSse(sseBody(texts), random).map((event) => event.data);
          expect(data, response.name).toEqual(texts);
          const outcome = recordedOutcome(response);
          if (outcome.kind === 'undecodable') continue;
          const events: ResponseEvent[] = data.flatMap((text) => {
            const decoded = decodeEvent(text);
            return decoded.ok ? mapStreamEvent(decoded.event) : [];
          });
          expect(events.filter((event) => event.type === 'unknown'), response.name).toEqual([]);
          expect(pieceProblems(outcome, piecesOfEvents(events)), response.name).toEqual([]);
          const items = events.flatMap((event) => (event.type === 'output_item_done' ? [{ index: event.outputIndex, item: event.item }] : [])).sort((a, b) => a.index - b.index);
          expect(items.map((entry) => entry.item), response.name).toEqual(outcome.items);
          const created = events.find((event) => event.type === 'created');
          expect(created?.type === 'created' && created.responseId, response.name).toBe(outcome.createdId);
          if (outcome.kind === 'completed') {
            expect(events.at(-1), response.name).toEqual({ type: 'completed', responseId: outcome.completedId, usage: outcome.usage });
          } else {
            const failure = events.find((event) => event.type === 'failed');
            expect(failure?.type === 'failed' && failure.error.code, response.name).toBe(ERROR_RECORDINGS.get(response.name)?.serverCode);
          }
        }
      }),
      { numRuns: 3 },
    );
  });
});
