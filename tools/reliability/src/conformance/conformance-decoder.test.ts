// Conformance tier, part (a): every line of every recording under ../shared/conformance through
// the SSE decoder (byte-chunked at random) and the protocol decoder and mapper. Every event the
// official `openai` union knows decodes typed (never `unknown`), maps as STREAM_EVENT_COVERAGE
// says, and the decoded stream holds exactly what the recording holds: deltas that add up, the
// recorded items (encrypted content included), usage and ids.
import { decodeEvent, mapStreamEvent, STREAM_EVENT_COVERAGE, type ResponseEvent } from '@modelwire/protocol';
import { SseDecoder, type SseEvent } from '@modelwire/transport';
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
