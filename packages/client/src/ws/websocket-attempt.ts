import { errorFromClassification, mapStreamEvent, type ResponseEvent } from '@modelwire/protocol';
import { ConnectionClosedError, ErrorCode, HttpStatusError } from '@modelwire/transport';
import type { ContinuationDecision } from '../continuation/continuation-tracker.js';
import { decideContinuation, fieldsToSend } from '../request/provider-capabilities.js';
import { isRefusedByProxy } from '../request/proxy-refusal.js';
import { buildPerRequestValues, RequestHeader } from '../request/request-headers.js';
import type { FullRequestReason } from '../telemetry/client-telemetry.js';
import type { RequestContext } from '../turn/request-context.js';
import { FallbackTrigger, ResponseEndedError, toResponseErrorIfHttp } from '../turn/request-errors.js';
import type { CompletedResponse } from '../turn/response-stream.js';
import type { ResponseItem } from '../types/prompt.js';
import type { ResponsesConnection } from './responses-connection.js';

/** Result of reading one WebSocket response. */
type WebSocketOutcome = { readonly kind: 'completed'; readonly result: CompletedResponse } | { readonly kind: 'resend_full' };

/**
 * Events that carry no response output: a response that ended after only these produced
 * nothing, so resending its request cannot duplicate anything the caller saw.
 */
const NO_OUTPUT_EVENT_TYPES: ReadonlySet<ResponseEvent['type']> = new Set(['created', 'rate_limits', 'server_model', 'models_etag', 'turn_state', 'reasoning_included']);

/**
 * One attempt over the session's WebSocket: borrow the socket, decide full vs incremental,
 * send one `response.create`, read to the terminal event, give the socket back. A
 * `previous_response_not_found` before any output (only `response.created`, rate limits or
 * metadata so far) is answered by one full resend on the same socket, inside this attempt;
 * the resent response's `created` and any event equal to one already forwarded are not
 * forwarded again, so the caller sees one stream.
 */
export async function attemptWebSocket(context: RequestContext, attempt: number): Promise<CompletedResponse> {
  const { services, telemetry } = context;
  const started = services.clock.now();
  let acquired;
  try {
    acquired = await services.socket.acquire(context.signal);
  } catch (error) {
    telemetry.onWebSocketConnect({ durationMs: services.clock.now() - started, reused: false, error: error instanceof Error ? error : null });
    if (error instanceof HttpStatusError && error.status === 426) throw new FallbackTrigger('upgrade_required', error);
    if (isRefusedByProxy(error, services.webSocketProxy !== null)) throw new FallbackTrigger('websocket_blocked_by_proxy', error);
    throw toResponseErrorIfHttp(error);
  }
  const { connection, reused } = acquired;
  telemetry.onWebSocketConnect({ durationMs: reused ? 0 : connection.connectMs, reused, error: null });
  // The upgrade response of a socket opened inside this turn may carry the sticky token.
  if (!reused) context.captureSticky(connection.upgradeHeaders[RequestHeader.TurnState]);
  connection.beginResponse();
  try {
    let forced: FullRequestReason | null = null;
    /** Keys of the no-output events forwarded by the response that ended for a resend. */
    const forwarded = new Set<string>();
    for (;;) {
      const decision: ContinuationDecision =
        forced === null
          ? decideContinuation(services.provider, connection.tracker, { fieldsFingerprint: context.fieldsFingerprint, input: context.prompt.input, continuable: context.continuable })
          : { mode: 'full', reason: forced };
      sendCreate(context, connection, decision);
      telemetry.onRequestAttempt({ transport: 'websocket', endpoint: 'responses', attempt, status: null, durationMs: services.clock.now() - started, error: null, willRetry: false });
      const outcome = await readResponse(context, connection, decision, forwarded);
      if (outcome.kind === 'completed') return outcome.result;
      forced = 'previous_response_not_found';
    }
  } catch (error) {
    connection.tracker.reset();
    if (error instanceof ResponseEndedError) {
      // The server ended that response itself (error frame, failed, incomplete): the socket is
      // clean, unless it reached its age limit or refused the credentials (never reuse it then).
      connection.endResponse();
      if (error.failure.code === ErrorCode.ConnectionLimitReached || error.failure.code === ErrorCode.Unauthorized) {
        void connection.close(1000, 'connection not reusable');
      }
      throw error.failure;
    }
    // Aborted, idle, cut, undecodable: never reuse a half-read socket.
    void connection.close(1000, 'response abandoned');
    if (error instanceof ConnectionClosedError && error.closeCode === 1009) throw new FallbackTrigger('message_too_big', error);
    throw error;
  } finally {
    services.socket.release(connection);
  }
}

function sendCreate(context: RequestContext, connection: ResponsesConnection, decision: ContinuationDecision): void {
  const { prompt } = context;
  const input = decision.mode === 'incremental' ? decision.delta : prompt.input;
  const message: Record<string, unknown> = {
    type: 'response.create',
    ...fieldsToSend(context.services.provider, context.fields, decision),
    input,
    ...(decision.mode === 'incremental' ? { previous_response_id: decision.previousResponseId } : {}),
    client_metadata: buildPerRequestValues(context.turn, context.sticky.value),
    ...(context.options.generate ? {} : { generate: false }),
  };
  context.telemetry.onContinuationDecision(
    decision.mode === 'incremental'
      ? { mode: 'incremental', sentItems: input.length, totalItems: prompt.input.length }
      : { mode: 'full', reason: decision.reason, sentItems: input.length, totalItems: prompt.input.length },
  );
  connection.tracker.begin({ fieldsFingerprint: context.fieldsFingerprint, input: prompt.input });
  context.markSent();
  connection.send(JSON.stringify(message));
}

/**
 * Reads one response to its terminal event. `forwarded` collects the keys of the no-output
 * events handed to the caller; on the full resend after `previous_response_not_found` those
 * are skipped.
 */
async function readResponse(context: RequestContext, connection: ResponsesConnection, decision: ContinuationDecision, forwarded: Set<string>): Promise<WebSocketOutcome> {
  const output: ResponseItem[] = [];
  const resend = decision.mode === 'full' && decision.reason === 'previous_response_not_found';
  /** Whether an output event (item or delta) of this response reached the caller. */
  let producedOutput = false;
  const idleTimeoutMs = context.services.provider.streamIdleTimeoutMs;
  for (;;) {
    const frame = await connection.nextFrame(context.signal, idleTimeoutMs);
    const event = context.decode(frame, 'websocket');
    for (const item of mapStreamEvent(event, { headers: connection.upgradeHeaders })) {
      if (item.type === 'failed') {
        if (item.error.kind === 'previous_response_not_found' && decision.mode === 'incremental' && !producedOutput) {
          return { kind: 'resend_full' };
        }
        throw new ResponseEndedError(errorFromClassification(item.error));
      }
      if (item.type === 'output_item_done') {
        connection.tracker.addOutputItem(item.item);
        output.push(item.item);
      }
      if (item.type === 'completed') {
        connection.tracker.complete(item.responseId);
        connection.endResponse();
        return { kind: 'completed', result: context.complete(item.responseId, item.usage, output, 'websocket', decision.mode === 'incremental') };
      }
      if (NO_OUTPUT_EVENT_TYPES.has(item.type)) {
        const key = item.type === 'created' ? 'created' : JSON.stringify(item);
        if (resend && forwarded.has(key)) continue;
        if (!resend) forwarded.add(key);
      } else {
        producedOutput = true;
      }
      context.emit(item);
    }
  }
}
