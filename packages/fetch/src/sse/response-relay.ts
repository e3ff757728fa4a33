import type { RawResponseEvent } from '@modelwire/client';
import { ANSWER_EVENT_TYPES, FAILURE_EVENT_TYPES, formatSseEvent, RESPONSE_START_EVENT_TYPES, WEBSOCKET_ONLY_EVENT_TYPES } from './sse-format.js';

/** Response headers worth passing on from a WebSocket `response.metadata` event. */
const FORWARDED_METADATA_HEADERS: readonly string[] = ['x-request-id', 'openai-model'];

/** Where a streaming relay writes its SSE text. */
export interface SseSink {
  /** Writes one formatted event. */
  write(text: string): void;
  /** Resolves when the reader wants more (backpressure); immediately while it does. */
  ready(): Promise<void>;
}

/**
 * Where a streaming relay hands its events as objects, for an adapter that gives an SDK the
 * parsed events (no SSE text): the same events, filtered and renumbered as {@link SseSink} gets them.
 */
export interface EventSink {
  /** Takes one event, as the API would have sent it over HTTP. */
  event(event: RawResponseEvent): void;
  /** Resolves when the reader wants more (backpressure); immediately while it does. */
  ready(): Promise<void>;
}

/**
 * Turns the raw events of one request, over one or more attempts, into what the caller gets
 * back, as the API would send it over HTTP:
 *
 * - **streaming** (`sink` given): each event is written as SSE at once, with `sequence_number`
 *   renumbered from 0 across attempts; WebSocket-only events are left out; a second
 *   `response.created` / `queued` / `in_progress` (a new attempt after a failure that came
 *   before any output) is left out too. A failure event (`error`, `response.failed`) that
 *   arrives before any output is **held**: the adapter may still absorb it by sending the
 *   request again; it is written only when the adapter gives up ({@link writeHeld}).
 * - **buffered** (no sink, a non-streaming request): nothing is written; the answer
 *   (`response.completed` / `response.incomplete`) and a failure are kept for the JSON response.
 *
 * The relay also keeps the response headers a WebSocket `response.metadata` event names
 * (`x-request-id`, `openai-model`).
 */
export class ResponseRelay {
  readonly #sink: SseSink | EventSink | null;
  #sequence = 0;
  readonly #written = new Set<string>();
  #producedOutput = false;
  #started = false;
  #answer: RawResponseEvent | null = null;
  #failure: RawResponseEvent | null = null;
  #terminalWritten = false;
  readonly #headers: Record<string, string> = {};
  #onStart: (() => void) | null;

  /**
   * @param sink where SSE (an {@link SseSink}) or the events themselves (an {@link EventSink})
   *   go; `null` for a buffered (non-streaming) request.
   * @param onStart called once, before the first event is written (the caller sends its headers then).
   */
  constructor(sink: SseSink | EventSink | null, onStart: (() => void) | null = null) {
    this.#sink = sink;
    this.#onStart = onStart;
  }

  /** Whether an event was written (the HTTP status is then 200, whatever follows). */
  get started(): boolean {
    return this.#started;
  }

  /** Whether an event other than a response start was written: the request can no longer be sent again unseen. */
  get producedOutput(): boolean {
    return this.#producedOutput;
  }

  /** Whether a terminal event reached the caller's stream (the server ended the response itself). */
  get terminalWritten(): boolean {
    return this.#terminalWritten;
  }

  /** The `response.completed` / `response.incomplete` event of the last attempt, if any. */
  get answer(): RawResponseEvent | null {
    return this.#answer;
  }

  /** The failure event (`error`, `response.failed`) of the last attempt that was not written, if any. */
  get heldFailure(): RawResponseEvent | null {
    return this.#failure;
  }

  /** Headers learnt from `response.metadata` events (lower-case names). */
  get headers(): Readonly<Record<string, string>> {
    return this.#headers;
  }

  /** Resolves when the reader wants more events. */
  ready(): Promise<void> {
    return this.#sink?.ready() ?? Promise.resolve();
  }

  /** Takes one raw event of the request (the client's `onRawEvent`). */
  offer(event: RawResponseEvent): void {
    const type = event.type;
    if (WEBSOCKET_ONLY_EVENT_TYPES.has(type)) {
      this.#learnHeaders(event);
      return;
    }
    if (this.#terminalWritten) return;
    if (FAILURE_EVENT_TYPES.has(type)) {
      // Written at once only when the caller has seen output: nothing can be sent again unseen.
      if (this.#sink !== null && this.#producedOutput) this.#write(event, true);
      else this.#failure = event;
      return;
    }
    // Anything after a failure means the client went on (a retry, a resend): that failure is moot.
    this.#failure = null;
    if (ANSWER_EVENT_TYPES.has(type)) this.#answer = event;
    if (this.#sink === null) return;
    if (RESPONSE_START_EVENT_TYPES.has(type)) {
      if (this.#written.has(type)) return;
      this.#written.add(type);
      this.#write(event, false);
      return;
    }
    // Output is what a response produces (`response.output_item.added`, deltas, …); a `keepalive`
    // heartbeat or an event of a type nobody knows shows nothing of the response.
    if (type.startsWith('response.')) this.#producedOutput = true;
    this.#write(event, ANSWER_EVENT_TYPES.has(type));
  }

  /** Forgets the last attempt's outcome before the adapter sends the request again. */
  newAttempt(): void {
    this.#failure = null;
    this.#answer = null;
  }

  /** Writes the held failure (the adapter gave up after the response had started); `false` when there is none. */
  writeHeld(): boolean {
    const failure = this.#failure;
    if (failure === null || this.#sink === null || this.#terminalWritten) return false;
    this.#failure = null;
    this.#write(failure, true);
    return true;
  }

  #write(event: RawResponseEvent, terminal: boolean): void {
    const sink = this.#sink;
    if (sink === null) return;
    if (!this.#started) {
      this.#started = true;
      const onStart = this.#onStart;
      this.#onStart = null;
      onStart?.();
    }
    // Only numbered events count (the API sends `keepalive` without a `sequence_number`).
    let renumbered = event;
    if (typeof event['sequence_number'] === 'number') {
      const sequence = this.#sequence;
      this.#sequence += 1;
      if (event['sequence_number'] !== sequence) renumbered = { ...event, sequence_number: sequence };
    }
    if (terminal) this.#terminalWritten = true;
    if ('event' in sink) sink.event(renumbered);
    else sink.write(formatSseEvent(renumbered));
  }

  #learnHeaders(event: RawResponseEvent): void {
    const headers = event['headers'];
    if (typeof headers !== 'object' || headers === null) return;
    for (const name of FORWARDED_METADATA_HEADERS) {
      const value = (headers as Record<string, unknown>)[name];
      if (typeof value === 'string' && !(name in this.#headers)) this.#headers[name] = value;
    }
  }
}
