import { errorFromClassification } from '@modelwire/protocol';
import { ClosedError, ConnectionClosedError, ErrorCode, ModelwireError, ProtocolViolationError } from '@modelwire/transport';
import type { ContinuationDecision } from '../continuation/continuation-tracker.js';
import { decideContinuation, fieldsToSend } from '../request/provider-capabilities.js';
import { buildPerRequestValues } from '../request/request-headers.js';
import { wireInput } from '../request/wire-input.js';
import type { FullRequestReason } from '../telemetry/client-telemetry.js';
import type { RequestContext } from '../turn/request-context.js';
import { emitRateLimitsOfRefusal, FallbackTrigger, ResponseEndedError, StaleSocket, toResponseErrorIfHttp, UpgradeRefused } from '../turn/request-errors.js';
import { readConnectRefusal } from './connect-refusal.js';
import type { CompletedResponse } from '../turn/response-stream.js';
import { LanesUnsupportedError } from './lane-support.js';
import { DEFAULT_LANE } from './response-router.js';
import type { ResponsesConnection } from './responses-connection.js';
import type { RoutedResponse } from './routed-response.js';
import { WebSocketResponseReader } from './websocket-response-reader.js';

/** A socket lent to this attempt, the lane leased there, and whether the socket was already open. */
interface Lent {
  readonly connection: ResponsesConnection;
  readonly reused: boolean;
  readonly lane: string;
}

/**
 * One attempt over the session's WebSocket: borrow the socket, decide full vs incremental,
 * send one `response.create` through the socket's router, wait for the response's terminal
 * frame, give the socket back.
 *
 * A `previous_response_not_found` before any output (only `response.created`, rate limits or
 * metadata so far) is answered by one full resend inside this attempt: on the same socket
 * when the refusal came before `response.created`, on a new one when the response had started
 * (that socket drains and is retired, as after any `error` frame). The resent response's
 * `created` and any event equal to one already forwarded are not forwarded again, so the
 * caller sees one stream.
 *
 * A reused socket that turns out to be closed before any frame of the response arrived (the
 * server closed it right after the previous response) throws {@link StaleSocket}: the request
 * run goes on at once on a new socket, without spending its retry budget.
 */
export async function attemptWebSocket(context: RequestContext, attempt: number): Promise<CompletedResponse> {
  const { services } = context;
  const started = services.clock.now();
  // An open idle socket is lent at once: the request frame goes out in this same task.
  let lent = acquireOpen(context) ?? (await acquire(context));
  try {
    let forced: FullRequestReason | null = null;
    /** Keys of the no-output events forwarded by the response that ended for a resend. */
    const forwarded = new Set<string>();
    for (;;) {
      const { connection, lane } = lent;
      context.options.onLane?.(lane);
      emitUpgradeEvents(context, connection, forwarded);
      const tracked = { fieldsFingerprint: context.fieldsFingerprint, input: context.prompt.input, continuable: context.continuable };
      const decision: ContinuationDecision =
        forced !== null ? { mode: 'full', reason: forced } : services.provider.supportsContinuation ? connection.decide(lane, tracked) : decideContinuation(services.provider, connection.tracker, tracked);
      const tracker = connection.chain(lane);
      const reader = new WebSocketResponseReader(context, tracker, connection.upgradeHeaders, decision, forwarded);
      const response = sendCreate(context, lent, decision, reader);
      context.telemetry.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt, status: null, durationMs: services.clock.now() - started, error: null, willRetry: false });
      context.attachFlowControl(response);
      try {
        await response.ended;
      } catch (error) {
        context.steering.detach(context.requestSignal.aborted ? 'aborted' : 'connection_lost');
        // A server without lanes refused or ignored this request's lane before anything of it
        // arrived: it goes out again at once, on the default lane of another socket.
        if (error instanceof LanesUnsupportedError) throw new StaleSocket(error);
        throw staleSocketOr(error, lent.reused, response);
      } finally {
        context.attachFlowControl(null);
      }
      reader.finish();
      // Ended by the steering grace: a successor may still come on that lane, so the socket
      // takes no other request (it closes once its other lanes are done).
      if (context.steering.graceExpired) void connection.retire();
      if (reader.completed !== null) {
        services.fallback.noteCompletedResponse();
        return reader.completed;
      }
      if (reader.failure !== null) throw new ResponseEndedError(errorFromClassification(reader.failure));
      if (reader.rejected !== null) throw new ResponseEndedError(reader.rejected);
      if (!reader.resendFull) throw new ProtocolViolationError('the response ended without a result');
      forced = 'previous_response_not_found';
      tracker.reset();
      if (connection.state !== 'open') {
        // Refused after it started: that socket drains and is retired; resend on a new one.
        services.socket.release(connection, lane);
        lent = await acquire(context);
      }
    }
  } catch (error) {
    const { connection, lane } = lent;
    connection.chain(lane).reset();
    // A response that ended by itself leaves the socket to the router's rules (kept after
    // `response.failed`/`incomplete`, retired after an `error` frame); anything else (aborted,
    // idle, cut, undecodable) never leaves a half-read socket behind: the socket retires (other
    // lanes in flight on it run to their end first; the router already did so for a response
    // it ended itself).
    if (!(error instanceof ResponseEndedError) && !(error instanceof StaleSocket)) void connection.retire();
    if (error instanceof ResponseEndedError) throw error.failure;
    if (error instanceof ConnectionClosedError && error.closeCode === 1009) throw new FallbackTrigger('message_too_big', error);
    throw readFrameFailure(context, error);
  } finally {
    services.socket.release(lent.connection, lent.lane);
  }
}

/**
 * What a failed WebSocket attempt means for the session's transport: a binary frame or a text
 * frame that is not JSON moves it to HTTP at once (`invalid_frames`); any other protocol
 * violation or undecodable frame is retried on a new socket (it is made retryable), and moves
 * the session to HTTP when it happens again on that socket too (`protocol_violations`).
 */
function readFrameFailure(context: RequestContext, error: unknown): unknown {
  if (!ModelwireError.isInstance(error)) return error;
  const violation = error.code === ErrorCode.ProtocolViolation ? (error as { violation?: unknown }).violation : undefined;
  if (violation === 'binary_frame' || violation === 'non_json_frame') return new FallbackTrigger('invalid_frames', error);
  if (error.code !== ErrorCode.ProtocolViolation && error.code !== ErrorCode.DecodeFailed) return error;
  if (context.services.fallback.noteProtocolViolation()) return new FallbackTrigger('protocol_violations', error);
  if (error.retryable) return error;
  // Once may be this socket's fault: a new one gets a chance (within the request's budget).
  return new ProtocolViolationError(error.message, { cause: error, retryable: true, violation: error instanceof ProtocolViolationError ? error.violation : 'other' });
}

/**
 * Borrows a socket (reporting the connect to telemetry). An upgrade answer that rules the
 * WebSocket out (426, a 4xx refusal, a redirect, an invalid 101, a proxy's refusal) or, before
 * the session's first connect, no answer within the connect timeout switches the session to
 * HTTP at once; 408 and 5xx are retried within the budget, then switch.
 */
async function acquire(context: RequestContext): Promise<Lent> {
  const { services, telemetry } = context;
  const started = services.clock.now();
  let acquired;
  try {
    acquired = await services.socket.acquire(context.signal, { lane: context.options.lane, hint: context.options.laneHint });
  } catch (error) {
    telemetry.onWebSocketConnect({ durationMs: services.clock.now() - started, reused: false, error: error instanceof Error ? error : null });
    emitRateLimitsOfRefusal(context, error);
    const refusal = readConnectRefusal(error, { viaProxy: services.webSocketProxy !== null, beforeFirstConnect: !services.webSocketConnected });
    if (refusal?.atOnce === true) throw new FallbackTrigger(refusal.reason, error);
    const failure = toResponseErrorIfHttp(error);
    if (refusal !== null && ModelwireError.isInstance(failure)) throw new UpgradeRefused(failure);
    throw failure;
  }
  services.markProviderReached();
  const { connection, reused } = acquired;
  telemetry.onWebSocketConnect({ durationMs: reused ? 0 : connection.connectMs, reused, error: null });
  // A sticky token on the upgrade response is connection-scoped and never captured: only the
  // request-scoped token of this turn's responses (metadata events) is replayed.
  return acquired;
}

/** {@link acquire} when an open socket with room is lent at once (see `SessionSocket.acquireOpen`); `null` otherwise. */
function acquireOpen(context: RequestContext): Lent | null {
  const { services } = context;
  const acquired = services.socket.acquireOpen(context.signal, { lane: context.options.lane, hint: context.options.laneHint });
  if (acquired === null) return null;
  services.markProviderReached();
  context.telemetry.onWebSocketConnect({ durationMs: 0, reused: true, error: null });
  return acquired;
}

/**
 * Hands the caller the events of the lent socket's upgrade response (`server_model`,
 * `models_etag`, `reasoning_included`): on every request the socket carries, reused or not,
 * as HTTP responses repeat their headers, each at most once per request (`forwarded` holds
 * the keys already handed over by this request).
 */
function emitUpgradeEvents(context: RequestContext, connection: ResponsesConnection, forwarded: Set<string>): void {
  for (const { event, key } of connection.upgradeEvents) {
    if (forwarded.has(key)) continue;
    forwarded.add(key);
    context.emit(event);
  }
}

function sendCreate(context: RequestContext, lent: Lent, decision: ContinuationDecision, reader: WebSocketResponseReader): RoutedResponse {
  const { prompt } = context;
  const { connection, lane, reused } = lent;
  context.steering.attach(connection, { send: (text) => connection.router.sendControl(text) }, decision.mode === 'incremental' ? decision.previousResponseId : undefined);
  // Pending steers the caller already placed in the history are prepended by the server itself.
  const input = decision.mode === 'incremental' ? context.steering.withoutCarried(decision.delta) : prompt.input;
  const message: Record<string, unknown> = {
    type: 'response.create',
    ...fieldsToSend(context.services.provider, context.fields, decision),
    input: wireInput(input),
    ...(decision.mode === 'incremental' ? { previous_response_id: decision.previousResponseId } : {}),
    client_metadata: buildPerRequestValues(context.turn, context.sticky.value, context.options.subagent),
    ...(context.options.generate ? {} : { generate: false }),
    ...(lane === DEFAULT_LANE ? {} : { stream_id: lane }),
  };
  context.telemetry.onContinuationDecision(
    decision.mode === 'incremental'
      ? { mode: 'incremental', sentItems: input.length, totalItems: prompt.input.length }
      : { mode: 'full', reason: decision.reason, sentItems: input.length, totalItems: prompt.input.length },
  );
  reader.pending = connection.chain(lane).begin({ fieldsFingerprint: context.fieldsFingerprint, input: prompt.input });
  context.markSent();
  try {
    return connection.start({
      lane,
      message: JSON.stringify(message),
      sink: reader,
      signal: context.signal,
      idleTimeoutMs: context.services.provider.streamIdleTimeoutMs,
      telemetry: context.telemetry,
    });
  } catch (error) {
    throw staleSocketOr(error, reused, undefined);
  }
}

/**
 * `error`, or {@link StaleSocket} when a reused socket was found closed (or closed) before
 * anything of the response arrived: nothing reached the caller, and the close was the
 * socket's, not the request's.
 */
function staleSocketOr(error: unknown, reused: boolean, response: RoutedResponse | undefined): unknown {
  if (!reused || (response !== undefined && response.framesDelivered > 0)) return error;
  const closed = error instanceof ClosedError || (error instanceof ConnectionClosedError && error.closeCode !== 1009);
  return closed && ModelwireError.isInstance(error) ? new StaleSocket(error) : error;
}
