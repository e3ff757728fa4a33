import type { Dispatcher } from 'undici';
import { toAbortError } from '../abort/abort-helpers.js';
import { IdleTimeoutError } from '../errors/connection-errors.js';
import { MAX_ERROR_BODY_BYTES } from '../errors/http-status-error.js';
import { flattenHeaders } from '../retry/header-lookup.js';
import { SseResponse, type SseResponseOptions } from './sse-response.js';

/** What the head of a streaming POST turned out to be. */
export type StreamRequestHead =
  /** A 2xx `text/event-stream` response: its body is `stream`. */
  | { readonly kind: 'stream'; readonly status: number; readonly headers: Record<string, string>; readonly stream: SseResponse }
  /** A 3xx, or a 2xx that is not an event stream: the body was destroyed unread. */
  | { readonly kind: 'refused'; readonly status: number; readonly headers: Record<string, string> }
  /** A 1xx-free non-2xx, non-3xx status: up to {@link MAX_ERROR_BODY_BYTES} + 1 bytes of its body (`''` when it could not be read in time). */
  | { readonly kind: 'status'; readonly status: number; readonly headers: Record<string, string>; readonly body: string };

/** Options of {@link StreamRequestHandler}. */
export interface StreamRequestOptions extends SseResponseOptions {
  /** Longest wait for an error status's body, in milliseconds. */
  readonly errorBodyTimeoutMs: number;
}

/** Whether a `content-type` value names `text/event-stream` (parameters such as `charset` allowed). */
export function isEventStream(contentType: string | undefined): boolean {
  return contentType !== undefined && contentType.split(';', 1)[0]?.trim().toLowerCase() === 'text/event-stream';
}

/**
 * The undici dispatch handler of one streaming POST. It decides what the response is as soon as
 * its head arrives (in `onResponseStart`, before any body byte is handed over): an event stream
 * gets an {@link SseResponse} that the socket's reads feed directly; a 3xx or a 2xx of another
 * content type is destroyed unread; any other status has its body collected (bounded in size and
 * time) for the error. {@link head} settles with that outcome, or rejects with why the request
 * failed before it.
 */
export class StreamRequestHandler implements Dispatcher.DispatchHandler {
  /** The outcome of the head (see {@link StreamRequestHead}). */
  readonly head: Promise<StreamRequestHead>;
  readonly #options: StreamRequestOptions;
  #controller: Dispatcher.DispatchController | null = null;
  /** An abort that came before undici started the request. */
  #earlyAbort: Error | null = null;
  #settleHead: { resolve: (head: StreamRequestHead) => void; reject: (error: unknown) => void } | null;
  #errorBody: { status: number; headers: Record<string, string>; chunks: Buffer[]; size: number; timer: ReturnType<typeof setTimeout> } | null = null;
  #stream: SseResponse | null = null;

  constructor(options: StreamRequestOptions) {
    this.#options = options;
    let settleHead!: { resolve: (head: StreamRequestHead) => void; reject: (error: unknown) => void };
    this.head = new Promise<StreamRequestHead>((resolve, reject) => {
      settleHead = { resolve, reject };
    });
    this.#settleHead = settleHead;
  }

  /**
   * Aborts the request with `reason` (the caller's signal, the headers timeout): before the head
   * {@link head} rejects with it (as an `AbortError` unless it is a Modelwire error); after, the
   * stream fails with it.
   */
  abort(reason: unknown): void {
    const error = toAbortError(reason);
    if (this.#stream !== null) {
      this.#stream.fail(error);
      return;
    }
    this.#rejectHead(error);
    this.#abortRequest(error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#earlyAbort !== null) controller.abort(this.#earlyAbort);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, responseHeaders: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200 || this.#settleHead === null) return;
    const headers = flattenHeaders(responseHeaders);
    if (statusCode >= 300 && statusCode <= 399) {
      // Never followed (the credentials stay here), never retried: the same request would be redirected again.
      this.#resolveHead({ kind: 'refused', status: statusCode, headers });
      controller.abort(new Error('redirect refused'));
      return;
    }
    if (statusCode < 200 || statusCode > 299) {
      // One byte beyond the cap lets HttpStatusError see (and flag) the truncation.
      const timer = setTimeout(() => this.#finishErrorBody(true), this.#options.errorBodyTimeoutMs);
      this.#errorBody = { status: statusCode, headers, chunks: [], size: 0, timer };
      return;
    }
    if (!isEventStream(headers['content-type'])) {
      // An HTML error page, a JSON body, a captive portal: not a stream, and the same request would get it again.
      this.#resolveHead({ kind: 'refused', status: statusCode, headers });
      controller.abort(new Error('not an event stream'));
      return;
    }
    this.#stream = new SseResponse(controller, this.#options);
    this.#resolveHead({ kind: 'stream', status: statusCode, headers, stream: this.#stream });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.#stream !== null) {
      this.#stream.push(chunk);
      return;
    }
    const collecting = this.#errorBody;
    if (collecting === null) return;
    const room = MAX_ERROR_BODY_BYTES + 1 - collecting.size;
    collecting.chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
    collecting.size += Math.min(chunk.length, room);
    if (collecting.size > MAX_ERROR_BODY_BYTES) this.#finishErrorBody(false, true);
  }

  onResponseEnd(): void {
    if (this.#stream !== null) this.#stream.end();
    else if (this.#errorBody !== null) this.#finishErrorBody(false);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.#stream !== null) this.#stream.error(error);
    else if (this.#errorBody !== null) this.#finishErrorBody(true);
    else this.#rejectHead(error);
  }

  /** Settles the head of an error status with the body collected (`''` when `failed`); `destroy` drops the rest of the body. */
  #finishErrorBody(failed: boolean, destroy = failed): void {
    const collecting = this.#errorBody;
    if (collecting === null) return;
    this.#errorBody = null;
    clearTimeout(collecting.timer);
    const body = failed ? '' : Buffer.concat(collecting.chunks).toString('utf8');
    this.#resolveHead({ kind: 'status', status: collecting.status, headers: collecting.headers, body });
    if (destroy) this.#abortRequest(failed ? new IdleTimeoutError(this.#options.errorBodyTimeoutMs) : new Error('the rest of the error body is not read'));
  }

  #abortRequest(error: Error): void {
    if (this.#controller === null) this.#earlyAbort ??= error;
    else if (!this.#controller.aborted) this.#controller.abort(error);
  }

  #resolveHead(head: StreamRequestHead): void {
    const settle = this.#settleHead;
    this.#settleHead = null;
    settle?.resolve(head);
  }

  #rejectHead(error: unknown): void {
    const collecting = this.#errorBody;
    if (collecting !== null) {
      this.#errorBody = null;
      clearTimeout(collecting.timer);
    }
    const settle = this.#settleHead;
    this.#settleHead = null;
    settle?.reject(error);
  }
}
