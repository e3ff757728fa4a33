import type { RolloutRecord } from '../rollout-record.js';
import type { TornTail } from '../session-store.js';
import { JournalCorruptError } from '../store-errors.js';

/**
 * The JSONL line format of a journal: one record per line,
 * `{"timestamp":…,"type":…,"payload":…,"seq":N}`, where `seq` counts records from 1. An
 * atomic append of several records marks its first line with `"batch":K` (the number of lines
 * written together); a batch whose K lines are not all complete was cut by a crash and is
 * dropped as a whole, so no commit is ever read back in part.
 *
 * Extra fields are ignored by rollout readers; lines without `seq` (files written elsewhere)
 * are accepted and numbered by position.
 */

const NEWLINE = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

/** Encodes records appended together, numbered from `firstSeq`, as complete lines. */
export function encodeRecords(records: readonly RolloutRecord[], firstSeq: number): Buffer {
  const lines = records.map((record, index) => {
    const line: Record<string, unknown> = { timestamp: record.timestamp, type: record.type, payload: record.payload, seq: firstSeq + index };
    if (index === 0 && records.length > 1) line['batch'] = records.length;
    return `${JSON.stringify(line)}\n`;
  });
  return Buffer.from(lines.join(''), 'utf8');
}

/** What {@link decodeJournal} read. */
export interface DecodedJournal {
  /** The complete records, in order. */
  readonly records: RolloutRecord[];
  /** Bytes from the start up to the end of the last complete batch (where appends continue). */
  readonly validBytes: number;
  /** The dropped end, when the data does not end at a complete batch. */
  readonly tornTail: TornTail | null;
}

interface ParsedLine {
  readonly record: RolloutRecord;
  readonly seq: number | undefined;
  readonly batch: number;
}

function parseLine(text: string): ParsedLine | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'is not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'is not a JSON object';
  const line = value as Record<string, unknown>;
  if (typeof line['type'] !== 'string') return 'has no string `type`';
  if (typeof line['payload'] !== 'object' || line['payload'] === null) return 'has no `payload` object';
  const seq = line['seq'];
  if (seq !== undefined && (typeof seq !== 'number' || !Number.isSafeInteger(seq))) return 'has an invalid `seq`';
  const batch = line['batch'] ?? 1;
  if (typeof batch !== 'number' || !Number.isSafeInteger(batch) || batch < 1) return 'has an invalid `batch`';
  const timestamp = typeof line['timestamp'] === 'string' ? line['timestamp'] : '';
  const record = { timestamp, type: line['type'], payload: line['payload'] } as RolloutRecord;
  return { record, seq, batch };
}

/**
 * Reads journal data. Complete batches are returned; an end that is not a complete batch (a
 * partial last line, invalid bytes up to the end, or the first lines of a batch whose last line
 * is missing) is the torn tail: dropped and reported. A bad line that is followed by a valid
 * record is corruption, not a torn write.
 *
 * @param location named in errors.
 * @throws JournalCorruptError for a bad record before the end, or a `seq` out of order.
 */
export function decodeJournal(data: Uint8Array, location: string): DecodedJournal {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const records: RolloutRecord[] = [];
  let offset = BOM.every((byte, index) => data[index] === byte) ? BOM.length : 0;
  let validBytes = offset;
  let pending: { records: RolloutRecord[]; need: number } | null = null;
  let lineNumber = 0;
  while (offset < data.length) {
    const end = data.indexOf(NEWLINE, offset);
    if (end === -1) break;
    lineNumber += 1;
    let text: string;
    let parsed: ParsedLine | string;
    try {
      text = decoder.decode(data.subarray(offset, end)).replace(/\r$/, '');
      parsed = text.trim() === '' ? 'blank' : parseLine(text);
    } catch {
      parsed = 'is not valid UTF-8';
    }
    if (parsed === 'blank') {
      offset = end + 1;
      if (pending === null) validBytes = offset;
      continue;
    }
    if (typeof parsed === 'string') {
      if (hasRecordAfter(data, end + 1, decoder)) throw new JournalCorruptError(location, lineNumber, parsed);
      break;
    }
    const position = records.length + (pending?.records.length ?? 0) + 1;
    if (parsed.seq !== undefined && parsed.seq !== position) {
      throw new JournalCorruptError(location, lineNumber, `has sequence number ${parsed.seq}, expected ${position} (a duplicated or missing record)`);
    }
    if (pending !== null) {
      if (parsed.batch !== 1) throw new JournalCorruptError(location, lineNumber, 'starts a batch inside another batch');
      pending.records.push(parsed.record);
    } else {
      pending = { records: [parsed.record], need: parsed.batch };
    }
    offset = end + 1;
    if (pending.records.length === pending.need) {
      records.push(...pending.records);
      pending = null;
      validBytes = offset;
    }
  }
  const droppedBytes = data.length - validBytes;
  return {
    records,
    validBytes,
    tornTail: droppedBytes === 0 ? null : { droppedBytes, droppedRecords: pending?.records.length ?? 0 },
  };
}

/** Whether a complete, valid record line starts anywhere at or after `offset`. */
function hasRecordAfter(data: Uint8Array, offset: number, decoder: InstanceType<typeof TextDecoder>): boolean {
  let start = offset;
  while (start < data.length) {
    const end = data.indexOf(NEWLINE, start);
    if (end === -1) return false;
    try {
      if (typeof parseLine(decoder.decode(data.subarray(start, end))) !== 'string') return true;
    } catch {
      // Not UTF-8: not a record.
    }
    start = end + 1;
  }
  return false;
}
