import { createParser, type EventSourceParser } from 'eventsource-parser';
import { PayloadTooLargeError } from '../errors/payload-too-large-error.js';
import { IncompleteEventError } from '../errors/incomplete-event-error.js';

/** One dispatched server-sent event. */
export interface SseEvent {
  /** The `event:` field, or `undefined` when the event had none (WHATWG: type `message`). */
  readonly event: string | undefined;
  /** The `data:` lines joined with `\n`. Never `undefined`: an event without data is not dispatched. */
  readonly data: string;
  /**
   * The last event id (WHATWG "last event ID"): the most recent `id:` value seen on this
   * stream, which persists across events until replaced; `undefined` when none was ever sent.
   */
  readonly id: string | undefined;
}

/** `TextDecoder.decode` options of every chunk but the last (one object, not one per chunk). */
const STREAMING = { stream: true } as const;

/** The default bound of one event: 16 MiB of decoded text. */
export const DEFAULT_MAX_EVENT_SIZE = 16 * 1024 * 1024;

/** Options of {@link SseDecoder}. */
export interface SseDecoderOptions {
  /**
   * The largest event accepted, counted in decoded characters (UTF-16 code units) of the
   * pending line plus the event's accumulated data; for the ASCII JSON of typical events
   * this equals bytes. Default {@link DEFAULT_MAX_EVENT_SIZE} (16 MiB). A larger event stops
   * the decoder with {@link PayloadTooLargeError}: without a bound, one endless line would
   * grow memory until the process dies.
   */
  maxEventSize?: number;
}

/**
 * A push-style server-sent-events decoder: bytes in, events out through a callback.
 *
 * The framing (line endings CR, LF and CRLF, also split across chunks; comments; field
 * parsing; multi-line data; BOM) is done by `eventsource-parser`, which follows the WHATWG
 * rules. This class adds what a client of a streaming API needs on top:
 * - streaming UTF-8 decoding (`TextDecoder` in stream mode), so a multi-byte character split
 *   across chunks decodes correctly;
 * - a bound on the size of one event ({@link SseDecoderOptions.maxEventSize});
 * - end-of-stream detection: {@link SseDecoder.end} throws {@link IncompleteEventError}
 *   when the stream stopped inside an event, instead of dropping it silently.
 *
 * `eventsource-parser`'s `reset({consume: true})` cannot serve for that last part: it parses
 * a trailing partial line but does not dispatch the pending event and then clears all state,
 * so the caller cannot learn that an event was cut. `end()` instead feeds the two line
 * endings the stream lacked and treats any event this dispatches as the cut one.
 *
 * Synchronous and allocation-light on purpose: the async wrapper
 * ({@link decodeSseStream}) and the benchmarks drive it directly.
 */
export class SseDecoder {
  /** The reconnection time of the last valid `retry:` field, in milliseconds; `undefined` if none. */
  reconnectionTimeMs: number | undefined;
  /** The last event id seen (see {@link SseEvent.id}). */
  lastEventId: string | undefined;
  /** How many events were dispatched so far. */
  eventsDelivered = 0;

  readonly #onEvent: (event: SseEvent) => void;
  readonly #maxEventSize: number;
  readonly #textDecoder = new TextDecoder('utf-8');
  readonly #parser: EventSourceParser;
  #overflow = false;
  /** Whether the TextDecoder holds no bytes of an unfinished character and is past the stream's start (see {@link push}). */
  #onBoundary = false;
  #ending = false;
  #cutEvent = false;
  #finished = false;

  /**
   * @param onEvent Called synchronously, in order, for every dispatched event.
   */
  constructor(onEvent: (event: SseEvent) => void, options: SseDecoderOptions = {}) {
    this.#onEvent = onEvent;
    this.#maxEventSize = options.maxEventSize ?? DEFAULT_MAX_EVENT_SIZE;
    this.#parser = createParser({
      maxBufferSize: this.#maxEventSize,
      onEvent: (message) => {
        // The parser bounds only what it buffers across chunks; an event that arrives whole
        // in one chunk is measured here. Nothing is delivered after an overflow.
        if (this.#overflow) return;
        if (message.data.length > this.#maxEventSize) {
          this.#overflow = true;
          return;
        }
        if (this.#ending) {
          this.#cutEvent = true;
          return;
        }
        this.eventsDelivered += 1;
        this.#onEvent({ event: message.event, data: message.data, id: this.lastEventId });
      },
      onId: (id) => {
        this.lastEventId = id;
      },
      onRetry: (milliseconds) => {
        this.reconnectionTimeMs = milliseconds;
      },
      onError: (error) => {
        // Unknown fields and invalid `retry` values are ignored, as WHATWG requires.
        if (error.type === 'max-buffer-size-exceeded') this.#overflow = true;
      },
    });
  }

  /**
   * Feeds the next chunk of bytes. Events completed by it are passed to `onEvent` before it
   * returns.
   *
   * @throws PayloadTooLargeError when an event grows beyond the bound; the decoder is then unusable.
   */
  push(chunk: Uint8Array): void {
    const length = chunk.length;
    if (length === 0) {
      this.#feed('');
      return;
    }
    const endsInAscii = (chunk[length - 1] as number) < 0x80;
    // The common chunk (a Buffer from the socket ending with a line feed, no bytes of a character
    // held from the chunk before, past the start where a BOM is stripped) ends on a character
    // boundary: Buffer's own UTF-8 decoding gives the same text (the same U+FFFD replacements)
    // as the streaming TextDecoder, at a fraction of the cost per call.
    if (this.#onBoundary && endsInAscii && Buffer.isBuffer(chunk)) {
      this.#feed(chunk.toString('utf8'));
      return;
    }
    this.#feed(this.#textDecoder.decode(chunk, STREAMING));
    // A chunk ending in an ASCII byte leaves nothing held in the TextDecoder.
    this.#onBoundary = endsInAscii;
  }

  /**
   * Declares the end of the stream.
   *
   * @throws IncompleteEventError when the stream ended inside an event (data was received but
   *   the blank line that dispatches it never came). The partial event is not delivered.
   */
  end(): void {
    if (this.#finished) return;
    this.#feed(this.#textDecoder.decode());
    this.#finished = true;
    this.#ending = true;
    this.#feed('\n\n');
    if (this.#cutEvent) throw new IncompleteEventError(this.eventsDelivered);
  }

  #feed(text: string): void {
    if (this.#overflow) throw new PayloadTooLargeError('sse_event', this.#maxEventSize);
    if (text === '') return;
    this.#parser.feed(text);
    if (this.#overflow) throw new PayloadTooLargeError('sse_event', this.#maxEventSize);
  }
}
