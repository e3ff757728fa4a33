import type { ResponseEvent, ResponseUsage } from '@modelwire/protocol';
import type { TransportKind } from '../telemetry/client-telemetry.js';
import type { ResponseItem } from '../types/prompt.js';
import type { EventQueue } from './event-queue.js';

/** The outcome of a response that completed (`response.completed`). */
export interface CompletedResponse {
  /** The response id (non-empty). */
  readonly responseId: string;
  /** The final output items (`response.output_item.done`), in order: what to commit to history. */
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
}

/**
 * One model call (request lifetime): an async iterable of {@link ResponseEvent}s, a promise of
 * the completed result, and `abort()`.
 *
 * The request starts when the stream is created and runs at wire speed; events are buffered
 * until iterated. Iterate at most once. Leaving the loop early (`break`) aborts the request.
 * A failed response makes the iteration throw, and `result` reject, with the same typed error.
 */
export class ResponseStream implements AsyncIterable<ResponseEvent>, AsyncDisposable {
  /** Resolves when the response completed; rejects with the typed failure otherwise. */
  readonly result: Promise<CompletedResponse>;
  readonly #queue: EventQueue<ResponseEvent>;
  readonly #controller: AbortController;

  /** @internal Created by `ModelClientSession.stream`. */
  constructor(queue: EventQueue<ResponseEvent>, controller: AbortController, result: Promise<CompletedResponse>) {
    this.#queue = queue;
    this.#controller = controller;
    this.result = result;
    // The caller may only iterate; an unobserved rejection must not crash the process.
    result.catch(() => undefined);
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
    await this.result.catch(() => undefined);
  }
}
