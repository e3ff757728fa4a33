import type { StickyTokenProblem } from '../turn/sticky-routing-token.js';

/** Which wire path a request took. */
export type TransportKind = 'http' | 'websocket';

/** One attempt at a request (the HTTP call or the WebSocket `response.create` until the first event). */
export interface RequestAttemptRecord {
  /** Wire path of the attempt. */
  readonly transport: TransportKind;
  /** The endpoint, e.g. `"responses"`, `"responses/compact"`, `"memories/trace_summarize"`. */
  readonly endpoint: string;
  /**
   * The request's one attempt counter: 1 for its first attempt, 2 for the next whatever made it
   * (a retry, an auth refresh, a new socket for a stale one, a fallback to HTTP), counted across
   * transports and, when the caller passes the same `RequestBudget`, across `stream()` calls.
   */
  readonly attempt: number;
  /** HTTP status (or the `status` of a WebSocket error frame); `null` when none was received. */
  readonly status: number | null;
  /** Milliseconds from sending to the status (or to the failure). */
  readonly durationMs: number;
  /** The failure, already redacted; `null` when the attempt succeeded. */
  readonly error: Error | null;
  /** Whether the client will retry after this attempt. */
  readonly willRetry: boolean;
  /**
   * When `willRetry`: the wait before the next attempt, in milliseconds (the server's
   * `retry-after-ms` / `retry-after` / "try again in" hint, the backoff, or the
   * waiting-for-network schedule). Absent otherwise, and for a retry that goes at once (a new
   * socket after a stale one, an auth refresh, a fallback to HTTP).
   */
  readonly retryDelayMs?: number;
  /**
   * `true` when the client waits for the network before the next attempt: a connection
   * failure under the opt-in waiting-for-network policy, which does not spend the attempt
   * budget. Absent otherwise.
   */
  readonly waitingForNetwork?: boolean;
}

/** One event received on a response stream. */
export interface StreamEventRecord {
  /** Wire path of the stream. */
  readonly transport: TransportKind;
  /** The event `type`, e.g. `"response.output_text.delta"`. */
  readonly kind: string;
  /** Milliseconds since the previous event of the same stream (or since the request was sent). */
  readonly durationMs: number;
}

/** One WebSocket made available for a request. */
export interface WebSocketConnectRecord {
  /** Milliseconds spent connecting; `0` when an open socket was reused. */
  readonly durationMs: number;
  /** Whether an already open socket (pre-connected or kept from an earlier request) was used. */
  readonly reused: boolean;
  /** The failure, already redacted; `null` on success. */
  readonly error: Error | null;
}

/**
 * Why a WebSocket request was sent in full instead of incrementally (ARCHITECTURE §3.4).
 * - `no_previous_response`: nothing to continue from (first request on this socket, or after a reset).
 * - `new_connection`: the socket that served the previous response is gone; this one is new.
 * - `previous_not_completed`: the previous response failed, was aborted, was not read to its end, or had no id.
 * - `request_changed`: a non-input field (model, instructions, tools, request options, …) differs from the previous request.
 * - `input_not_extended`: the new input does not start with the previous input plus the server's output.
 * - `previous_response_not_found`: the server no longer knew the previous response; resent in full once.
 * - `http_transport`: the request goes over HTTP, which has no continuation with `store:false`.
 * - `continuation_unsupported`: the provider cannot continue responses (`supportsContinuation: false`).
 * - `conversation`: the request names a stored conversation (`options.conversation`), which the
 *   API does not combine with `previous_response_id`.
 * - `after_compaction`: the previous response on this socket was a compaction (its input ended
 *   with `compaction_trigger`): it is never a base, the next request starts a new chain with the
 *   compacted window as its full input.
 */
export type FullRequestReason =
  | 'no_previous_response'
  | 'new_connection'
  | 'previous_not_completed'
  | 'request_changed'
  | 'input_not_extended'
  | 'previous_response_not_found'
  | 'http_transport'
  | 'continuation_unsupported'
  | 'conversation'
  | 'after_compaction';

/** The continuation decision of one request. */
export type ContinuationDecisionRecord =
  | {
      readonly mode: 'incremental';
      /** Items actually sent (the delta; may be 0 after a warm-up). */
      readonly sentItems: number;
      /** Items in the caller's full input. */
      readonly totalItems: number;
    }
  | {
      readonly mode: 'full';
      /** Why continuation was not possible. */
      readonly reason: FullRequestReason;
      /** Items sent (the whole input). */
      readonly sentItems: number;
      /** Items in the caller's full input. */
      readonly totalItems: number;
    };

/**
 * Why the session switched from WebSocket to HTTP. The WebSocket path is given up wherever it
 * is refused or unusable while HTTP may well work on the same base URL:
 * - `upgrade_required`: the upgrade was refused with 426 (at once).
 * - `websocket_unsupported`: the upgrade was answered 404, 405 or 501: a route without
 *   WebSocket mode, as behind a gateway that only forwards HTTP (at once).
 * - `upgrade_refused`: the upgrade was answered with a redirect (at once: it is never
 *   followed) or with a 4xx refusal (400, 403, 407, 410, …: at once, a repeat would get the
 *   same answer), or with 408 or a 5xx until the request's attempt budget ran out (never 401,
 *   which refreshes the credentials, nor 429, the provider's rate limit).
 * - `upgrade_invalid`: the server answered 101 but the answer failed validation (wrong
 *   `Sec-WebSocket-Accept`, no `Upgrade: websocket`, an extension or subprotocol nobody asked
 *   for) (at once).
 * - `invalid_frames`: the socket delivered a binary frame or a text frame that is not a JSON
 *   object; the Responses WebSocket mode sends neither (at once).
 * - `protocol_violations`: WebSocket attempts failed with a protocol violation (a frame the
 *   protocol forbids, events that cannot be told apart) on two sockets in a row, without a
 *   completed response in between.
 * - `request_retries_exhausted`: the request's attempt budget ran out on the WebSocket before
 *   the response started (connection failures, cuts, 5xx frames, …).
 * - `stream_retries_exhausted`: the request's attempt budget ran out on the WebSocket after
 *   the response had started (the turn loop, `ModelClientSession.trySwitchToHttpFallback`).
 * - `message_too_big`: the socket was closed with 1009 for a request.
 * - `websocket_connect_timeout`: the session's first WebSocket could not be opened within
 *   `Provider.websocketConnectTimeoutMs` (nothing answered: a black-holed port, a proxy that
 *   holds the tunnel); the request goes on over HTTP at once.
 * - `websocket_blocked_by_proxy`: the session's proxy refused the WebSocket's tunnel
 *   (`CONNECT`), or the upgrade sent through it was answered with a status other than 101,
 *   401 or 429.
 * - `requested`: the application asked for it.
 * - `retries_exhausted`: no longer reported (kept so that existing consumers still type-check);
 *   it meant either of the two budgets above.
 */
export type FallbackReason =
  | 'upgrade_required'
  | 'websocket_unsupported'
  | 'upgrade_refused'
  | 'upgrade_invalid'
  | 'invalid_frames'
  | 'protocol_violations'
  | 'request_retries_exhausted'
  | 'stream_retries_exhausted'
  | 'message_too_big'
  | 'websocket_blocked_by_proxy'
  | 'websocket_connect_timeout'
  | 'requested'
  | 'retries_exhausted';

/** The session-wide switch to HTTP; reported exactly once per session. */
export interface TransportFallbackRecord {
  /** Always `"responses_websocket"` (the tag value of the `transport.fallback_to_http` counter). */
  readonly from: 'responses_websocket';
  /** Always `"responses_http"`. */
  readonly to: 'responses_http';
  /** What triggered it (for a remembered outcome: what triggered it in the session that recorded it). */
  readonly reason: FallbackReason;
  /**
   * `true` when the session started on HTTP because the process remembered that the
   * WebSocket could not be opened on this network path (`WebSocketOutcomeCache`): nothing was
   * dialed. Absent when this session found out itself.
   */
  readonly remembered?: true;
}

/** Token usage of one completed response (PROTOCOL §1.3), in tokens. */
export interface TokenUsageRecord {
  /** Tokens of the whole input, cached ones included. */
  readonly inputTokens: number;
  /** Part of `inputTokens` served from the prompt cache. */
  readonly cachedInputTokens: number;
  /** Tokens generated, reasoning included. */
  readonly outputTokens: number;
  /** Part of `outputTokens` spent on reasoning. */
  readonly reasoningOutputTokens: number;
  /** Input plus output tokens. */
  readonly totalTokens: number;
  /** The model slug the usage was reported for. */
  readonly model: string;
  /** The response id the usage belongs to. */
  readonly responseId: string;
}

/** Optional report: a request begins (one `stream`/`prewarm` call, or one unary call). */
export interface RequestStartRecord {
  /** The endpoint, e.g. `"responses"`, `"responses/compact"`, `"memories/trace_summarize"`. */
  readonly endpoint: string;
}

/** How a request ended. `aborted` means the caller (or the session closing) aborted it. */
export type RequestOutcome = 'completed' | 'failed' | 'aborted';

/** Optional report: a request ended, after all its attempts and its whole stream. */
export interface RequestEndRecord {
  /** The endpoint of the matching {@link RequestStartRecord}. */
  readonly endpoint: string;
  /** How it ended; `failed` includes a failure after the first stream event. */
  readonly outcome: RequestOutcome;
  /** The failure, already redacted; `null` when it completed. */
  readonly error: Error | null;
  /** The completed response id; `null` when there was none (failure, unary endpoint). */
  readonly responseId: string | null;
}

/** Optional report: the turn loop re-streams a request after a failure in its stream phase. */
export interface StreamRetryRecord {
  /** 1 for the first re-stream of this request, 2 for the second, … */
  readonly attempt: number;
  /** Milliseconds the caller waits before re-streaming. */
  readonly delayMs: number;
  /** The failure that caused the retry, already redacted; `null` when unknown. */
  readonly error: Error | null;
}

/**
 * Why a WebSocket frame was dropped instead of being delivered to a request.
 * - `stale`: it belongs to a response that already ended on this socket (its id, one of its
 *   items, or output arriving before the next request's `response.created`).
 * - `unknown`: it names a response that no request started on this socket.
 * - `unsolicited`: it arrived while no response was in flight (the socket is then retired).
 */
export type FrameDropReason = 'stale' | 'unknown' | 'unsolicited';

/** Optional report: a WebSocket frame was dropped (never delivered to any request). */
export interface FrameDroppedRecord {
  /** Always `"websocket"`. */
  readonly transport: 'websocket';
  /** Why it was dropped. */
  readonly reason: FrameDropReason;
  /** The frame's event `type` (`"(not json)"` for a frame that is not a JSON object, `"(no type)"` without a string type). */
  readonly kind: string;
  /** The response the frame names, `null` when it names none. Nothing of its content is reported. */
  readonly responseId: string | null;
}

/**
 * Optional report: a completed response listed output items in `response.completed.output`
 * that were never streamed as `response.output_item.done`; they were added to the result (and
 * so get committed). Streamed items are never counted twice.
 */
export interface OutputReconciledRecord {
  /** Wire path of the response. */
  readonly transport: TransportKind;
  /** The completed response. */
  readonly responseId: string;
  /** How many items were taken from `response.completed.output`. */
  readonly items: number;
}

/**
 * Optional report: a server offered a sticky-routing token (`x-codex-turn-state`, on a
 * response header, the WebSocket upgrade or a `response.metadata` frame) that is not a valid
 * header value. It was ignored: never held, never sent, not handed to the caller.
 */
export interface StickyTokenIgnoredRecord {
  /** What is wrong with it. */
  readonly problem: StickyTokenProblem;
  /** Its length in characters. The value itself is never reported. */
  readonly length: number;
}

/**
 * Where `@modelwire/client` reports what it does. Passed per turn inside the `TurnContext`, so
 * reports stay tied to the active turn and model. Every method is called synchronously on the
 * hot path and must not throw or block; errors thrown by an implementation are swallowed.
 *
 * No record carries prompt or output text, and every `error` is a redacted Modelwire error.
 * `@modelwire/otel` implements this interface; {@link noopClientTelemetry} ignores everything.
 */
export interface ClientTelemetry {
  /**
   * Optional. `false` tells the client that {@link ClientTelemetry.onStreamEvent} does nothing
   * with its records, so the client skips the per-event work (a clock read, a record and a
   * call for every SSE event or WebSocket frame) on the hot path. Read once when a request
   * starts; `undefined` or `true` means every event is reported. {@link noopClientTelemetry}
   * sets it to `false`.
   */
  readonly wantsStreamEvents?: boolean;
  /** A request attempt finished its request phase (status received, or failed before it). */
  onRequestAttempt(record: RequestAttemptRecord): void;
  /** A stream event arrived (SSE event or WebSocket frame). */
  onStreamEvent(record: StreamEventRecord): void;
  /** A WebSocket was opened or reused for a request. */
  onWebSocketConnect(record: WebSocketConnectRecord): void;
  /** A WebSocket request was sent in full or incrementally. */
  onContinuationDecision(record: ContinuationDecisionRecord): void;
  /** The session switched to HTTP. Called at most once per `ModelClient`. */
  onTransportFallback(record: TransportFallbackRecord): void;
  /** A response completed with token usage. */
  onTokenUsage(record: TokenUsageRecord): void;
  /**
   * Optional. A request begins, before its first attempt (and before its WebSocket connect).
   * Lets an implementation open a request span at the true start; implementations must also
   * cope without it.
   */
  onRequestStart?(record: RequestStartRecord): void;
  /**
   * Optional. The request that began with {@link ClientTelemetry.onRequestStart} ended:
   * exactly once per start, after its last attempt and its whole stream (also when the stream
   * failed after its first event, or was aborted).
   */
  onRequestEnd?(record: RequestEndRecord): void;
  /** Optional. Reported by the turn loop (not the client) when it re-streams after a stream-phase failure. */
  onStreamRetry?(record: StreamRetryRecord): void;
  /**
   * Optional. A WebSocket frame was dropped: it belonged to no request in flight on its socket.
   * Reported to the telemetry of the request that holds the socket, or held it last.
   */
  onFrameDropped?(record: FrameDroppedRecord): void;
  /** Optional. A completed response's result gained items only `response.completed.output` listed. */
  onOutputReconciled?(record: OutputReconciledRecord): void;
  /** Optional. A sticky-routing token that is not a valid header value was ignored. */
  onStickyTokenIgnored?(record: StickyTokenIgnoredRecord): void;
}

/** A {@link ClientTelemetry} that reports nothing. */
export const noopClientTelemetry: ClientTelemetry = Object.freeze({
  wantsStreamEvents: false,
  onRequestAttempt(): void {},
  onStreamEvent(): void {},
  onWebSocketConnect(): void {},
  onContinuationDecision(): void {},
  onTransportFallback(): void {},
  onTokenUsage(): void {},
  onRequestStart(): void {},
  onRequestEnd(): void {},
  onStreamRetry(): void {},
  onFrameDropped(): void {},
  onOutputReconciled(): void {},
  onStickyTokenIgnored(): void {},
});

/**
 * Wraps a telemetry handle so that an implementation that throws never breaks a request.
 * Used internally on every report. {@link noopClientTelemetry} cannot throw and is returned
 * unchanged; `wantsStreamEvents` is carried over.
 *
 * @param redact Applied to the `error` of every record before it is reported (the client
 *   scrubs the credentials it sent from them); by default errors are passed as they are.
 */
export function safeTelemetry(telemetry: ClientTelemetry, redact?: <E>(error: E) => E): ClientTelemetry {
  if (telemetry === noopClientTelemetry) return telemetry;
  const scrub =
    <T extends { readonly error: Error | null }>(report: (record: T) => void) =>
    (record: T): void => {
      report.call(telemetry, redact === undefined || record.error === null ? record : { ...record, error: redact(record.error) });
    };
  const guard =
    <T>(report: (record: T) => void) =>
    (record: T): void => {
      try {
        report.call(telemetry, record);
      } catch {
        // Telemetry must never affect the request.
      }
    };
  let wantsStreamEvents: boolean | undefined;
  try {
    wantsStreamEvents = telemetry.wantsStreamEvents;
  } catch {
    // A throwing getter counts as "not set": every event is reported (and guarded).
  }
  return {
    ...(wantsStreamEvents === undefined ? {} : { wantsStreamEvents }),
    onRequestAttempt: guard(scrub(telemetry.onRequestAttempt)),
    onStreamEvent: guard(telemetry.onStreamEvent),
    onWebSocketConnect: guard(scrub(telemetry.onWebSocketConnect)),
    onContinuationDecision: guard(telemetry.onContinuationDecision),
    onTransportFallback: guard(telemetry.onTransportFallback),
    onTokenUsage: guard(telemetry.onTokenUsage),
    ...(telemetry.onRequestStart === undefined ? {} : { onRequestStart: guard(telemetry.onRequestStart) }),
    ...(telemetry.onRequestEnd === undefined ? {} : { onRequestEnd: guard(scrub(telemetry.onRequestEnd)) }),
    ...(telemetry.onStreamRetry === undefined ? {} : { onStreamRetry: guard(scrub(telemetry.onStreamRetry)) }),
    ...(telemetry.onFrameDropped === undefined ? {} : { onFrameDropped: guard(telemetry.onFrameDropped) }),
    ...(telemetry.onOutputReconciled === undefined ? {} : { onOutputReconciled: guard(telemetry.onOutputReconciled) }),
    ...(telemetry.onStickyTokenIgnored === undefined ? {} : { onStickyTokenIgnored: guard(telemetry.onStickyTokenIgnored) }),
  };
}
