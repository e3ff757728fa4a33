import type { ResponseEvent, ResponseUsage } from '@modelwire/protocol';
import type { TransportKind } from '../telemetry/client-telemetry.js';
import type { ResponseItem } from '../types/prompt.js';
import type { RequestSteering } from '../steering/request-steering.js';
import type { PrecedingResponse, SteerHandle } from '../steering/steer-handle.js';
import type { SteerInput } from '@modelwire/protocol';
import type { EventQueue } from './event-queue.js';

/** The outcome of a response that completed (`response.completed`). */
export interface CompletedResponse {
  /** The response id (non-empty). */
  readonly responseId: string;
  /**
   * The final output items, in output order (`output_index`): what to commit to history. The
   * streamed `response.output_item.done` items, plus any item only `response.completed.output`
   * listed; an item streamed twice counts once.
   */
  readonly output: readonly ResponseItem[];
  /**
   * The text of the assistant messages in `output` (their `output_text` parts, concatenated in
   * order); `''` when the response produced none (only tool calls, say).
   */
  readonly outputText: string;
  /** Token usage; `undefined` when the server sent none. */
  readonly usage: ResponseUsage | undefined;
  /** Which wire path carried the response. */
  readonly transport: TransportKind;
  /** Whether the request was sent incrementally (`previous_response_id` plus new items only). */
  readonly incremental: boolean;
  /**
   * Set when steering chained responses within the request (WebSocket): the earlier responses,
   * in order, each followed by an automatic successor; this result is the last successor's (its
   * `responseId` is the base of the next request). Absent otherwise.
   */
  readonly predecessors?: readonly PrecedingResponse[];
}

/**
 * One model call (request lifetime): an async iterable of {@link ResponseEvent}s, a promise of
 * the completed result (a {@link CompletedResponse}, or for `ModelClientSession.compact` a
 * `CompactedHistory`), and `abort()`.
 *
 * The request starts when the stream is created and runs at wire speed; events are buffered
 * until iterated, up to a bound (see {@link ResponseStream.result}) beyond which a WebSocket
 * stops being read until the caller catches up. Iterate at most once. Leaving the loop early (`break`) aborts the request.
 * A failed response makes the iteration throw, and `result` reject, with the same typed error.
 */
export class ResponseStream<TResult = CompletedResponse> implements AsyncIterable<ResponseEvent>, AsyncDisposable {
  readonly #result: Promise<TResult>;
  readonly #queue: EventQueue<ResponseEvent>;
  readonly #controller: AbortController;
  readonly #steering: RequestSteering;

  /** @internal Created by `ModelClientSession.stream`. */
  constructor(queue: EventQueue<ResponseEvent>, controller: AbortController, result: Promise<TResult>, steering: RequestSteering) {
    this.#queue = queue;
    this.#controller = controller;
    this.#result = result;
    this.#steering = steering;
    // The caller may only iterate; an unobserved rejection must not crash the process.
    result.catch(() => undefined);
  }

  /**
   * Resolves when the response completed; rejects with the typed failure otherwise.
   *
   * Reading `result` before iterating tells the stream its events are not being read: the
   * bound on unread events (1 024 events or 4 MiB, after which the socket stops being read
   * until the caller catches up) then no longer applies, so awaiting only the result never
   * stalls a long response. Events stay buffered for an iteration that may still follow.
   */
  get result(): Promise<TResult> {
    this.#queue.markResultAwaited();
    return this.#result;
  }

  /**
   * Steers the running request: queues `input` (a non-empty string, or a non-empty array of
   * `user` messages whose content is a string or `input_text` / `input_image` / `input_file`
   * parts) to the response it is streaming, with a `response.steer` on its WebSocket. Before
   * the response's `response.created` (and between a steered response and its successor) the
   * input waits and goes out as soon as there is a response to steer.
   *
   * Returns at once with a {@link SteerHandle} that never rejects: `acknowledged` (accepted or
   * not), `outcome` (committed by a successor's `response.created`, pending for tool output,
   * failed with the input handed back, unavailable, unknown) and `final`. A steered response
   * may end with `response.incomplete` (reason `steered`) or complete; its successor's events
   * then follow on this same stream (a new `created` event first), and `result` is the last
   * successor's, with the earlier responses in `predecessors`.
   *
   * Where steering is unavailable the handle says so (`unavailable`, with the reason and the
   * input): over HTTP (also after a fallback), for a model the server refused it for before,
   * for conversation-bound, compaction and warm-up requests, and once the request ended.
   *
   * @throws InvalidArgumentError (`invalid_argument`, path `input…`) for input the API refuses.
   */
  steer(input: SteerInput): SteerHandle {
    return this.#steering.steer(input);
  }

  /**
   * Stops the request at whatever phase it is in. The socket that carried it is closed (never
   * reused half-read); iteration and `result` reject with an `aborted` error. No-op once the
   * response ended.
   */
  abort(reason?: unknown): void {
    if (!this.#queue.isSettled) this.#controller.abort(reason);
  }

  [Symbol.asyncIterator](): AsyncIterator<ResponseEvent> {
    return this.#queue[Symbol.asyncIterator]();
  }

  /** Aborts if still running and waits until the request has let go of its socket. */
  async [Symbol.asyncDispose](): Promise<void> {
    this.abort();
    await this.#result.catch(() => undefined);
  }
}
