import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RolloutRecord } from '../rollout-record.js';
import { decodeJournal, encodeRecords } from './journal-lines.js';

const item = (text: string): RolloutRecord => ({ timestamp: '2026-01-01T00:00:00.000Z', type: 'response_item', payload: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] } });
const meta: RolloutRecord = { timestamp: '2026-01-01T00:00:00.000Z', type: 'session_meta', payload: { id: 's1', timestamp: '2026-01-01T00:00:00.000Z', originator: 'modelwire', source: 'exec', instructions: 'x', settings: { model: { slug: 'm' }, reasoning_effort: null, reasoning_summary: 'auto', verbosity: null, turn_metadata: {}, parallel_tool_calls: false, output_schema: null } } };

/** Batches of records (each an atomic append) with text that includes multi-byte characters and newlines. */
const batches = fc.array(fc.array(fc.string({ unit: 'grapheme', maxLength: 12 }).map(item), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });

function encodeAll(all: readonly RolloutRecord[][]): { data: Buffer; ends: number[] } {
  const parts: Buffer[] = [];
  const ends: number[] = [];
  let seq = 1;
  let size = 0;
  for (const batch of all) {
    const part = encodeRecords(batch, seq);
    seq += batch.length;
    size += part.length;
    parts.push(part);
    ends.push(size);
  }
  return { data: Buffer.concat(parts), ends };
}

describe('journal lines', () => {
  it('reads back every record of complete data, in order', () => {
    fc.assert(
      fc.property(batches, (all) => {
        const { data } = encodeAll(all);
        const decoded = decodeJournal(data, 'j.jsonl');
        expect(decoded.records).toEqual(all.flat());
        expect(decoded.tornTail).toBeNull();
        expect(decoded.validBytes).toBe(data.length);
      }),
    );
  });

  it('cut anywhere, gives exactly the batches that were complete before the cut (never part of one)', () => {
    fc.assert(
      fc.property(batches, fc.nat(), (all, cutSeed) => {
        const { data, ends } = encodeAll(all);
        const cut = cutSeed % (data.length + 1);
        const decoded = decodeJournal(data.subarray(0, cut), 'j.jsonl');
        const complete = ends.filter((end) => end <= cut).length;
        expect(decoded.records).toEqual(all.slice(0, complete).flat());
        const validBytes = complete === 0 ? 0 : (ends[complete - 1] as number);
        expect(decoded.validBytes).toBe(validBytes);
        expect(decoded.tornTail === null ? 0 : decoded.tornTail.droppedBytes).toBe(cut - validBytes);
      }),
    );
  });

  it('drops a tail of garbage (zeros after a power loss, a half-written line) and reports it', () => {
    fc.assert(
      fc.property(batches, fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean(), (all, garbage, zeros) => {
        const { data } = encodeAll(all);
        // Starts with a byte that is not blank (a tail of blank lines is harmless, not torn).
        const tail = zeros ? new Uint8Array(garbage.length) : Buffer.concat([Buffer.from('x'), garbage]);
        const decoded = decodeJournal(Buffer.concat([data, tail]), 'j.jsonl');
        expect(decoded.records).toEqual(all.flat());
        expect(decoded.tornTail).toEqual({ droppedBytes: tail.length, droppedRecords: 0 });
      }),
    );
  });

  it('counts the complete lines of a cut batch as dropped records', () => {
    const data = Buffer.concat([encodeRecords([meta], 1), encodeRecords([item('a'), item('b'), item('c')], 2)]);
    const cut = data.lastIndexOf('\n', data.length - 2) + 5;
    expect(decodeJournal(data.subarray(0, cut), 'j.jsonl')).toMatchObject({ records: [meta], tornTail: { droppedRecords: 2 } });
  });

  it('rejects a bad record before the end, and a sequence number out of order, naming the line', () => {
    const good = encodeRecords([meta], 1);
    const corrupt = Buffer.concat([good, Buffer.from('{"type":\n'), encodeRecords([item('a')], 2)]);
    expect(() => decodeJournal(corrupt, '/x/j.jsonl')).toThrow(expect.objectContaining({ code: 'journal_corrupt', line: 2, message: expect.stringContaining('/x/j.jsonl: record 2 is not valid JSON') }));
    const duplicated = Buffer.concat([good, encodeRecords([item('a')], 2), encodeRecords([item('a')], 2)]);
    expect(() => decodeJournal(duplicated, 'j.jsonl')).toThrow(expect.objectContaining({ code: 'journal_corrupt', line: 3 }));
  });

  it('accepts lines without seq (rollouts written elsewhere), CRLF line ends and a BOM', () => {
    const lines = [meta, item('a')].map((record) => JSON.stringify(record)).join('\r\n');
    expect(decodeJournal(Buffer.from(`\uFEFF${lines}\r\n`), 'j.jsonl').records).toEqual([meta, item('a')]);
  });
});
