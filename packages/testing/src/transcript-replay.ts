/**
 * Sends a recorded transcript (see `RecordedTranscript`): SSE bytes cut at random places, or
 * one WebSocket frame per line, with random pauses.
 */
import { isRecord, type JsonObject } from './request-body.js';
import type { TranscriptPacing } from './server-options.js';
import type { Timers } from './timers.js';

const TYPE_PATTERN = /"type"\s*:\s*"([^"\\]+)"/;

/** A recorded line as an event object; `undefined` when it is not a JSON object. */
export function parseLine(line: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The JSON `type` of a recorded line: parsed, or read from the text of a line that is not JSON. */
export function typeOfLine(line: string): string | undefined {
  const event = parseLine(line);
  if (event === undefined) return TYPE_PATTERN.exec(line)?.[1];
  const type = event['type'];
  return typeof type === 'string' ? type : undefined;
}

/** One SSE event for a recorded line: `event: <type>` (when it has one) and `data: <line>`. */
export function sseBlockOf(line: string): string {
  const type = typeOfLine(line);
  return `${type === undefined ? '' : `event: ${type}\n`}data: ${line}\n\n`;
}

/** The pauses and cuts of one replay. */
export class TranscriptClock {
  readonly #random: () => number;
  readonly #pauseProbability: number;
  readonly #maxChunkBytes: number | undefined;
  readonly #timers: Timers;

  constructor(pacing: TranscriptPacing | undefined, timers: Timers) {
    this.#random = pacing?.random ?? Math.random;
    this.#pauseProbability = Math.min(1, Math.max(0, pacing?.pauseProbability ?? 0));
    const max = pacing?.maxChunkBytes;
    this.#maxChunkBytes = max === undefined ? undefined : Math.max(1, Math.floor(max));
    this.#timers = timers;
  }

  /** Waits before the next write or frame, or not; false once the server is closing. */
  async pause(): Promise<boolean> {
    if (this.#pauseProbability === 0 || this.#random() >= this.#pauseProbability) return true;
    if (this.#random() < 0.9) {
      await new Promise((resolve) => setImmediate(resolve));
      return true;
    }
    return this.#timers.sleep(1 + Math.floor(this.#random() * 3));
  }

  /** The SSE body cut into the pieces to write: one per event, or random byte ranges. */
  chunks(lines: readonly string[]): Buffer[] {
    const blocks = lines.map((line) => Buffer.from(sseBlockOf(line), 'utf8'));
    const max = this.#maxChunkBytes;
    if (max === undefined) return blocks;
    const body = Buffer.concat(blocks);
    const pieces: Buffer[] = [];
    for (let offset = 0; offset < body.length; ) {
      const size = 1 + Math.floor(this.#random() * max);
      pieces.push(body.subarray(offset, offset + size));
      offset += size;
    }
    return pieces;
  }
}
