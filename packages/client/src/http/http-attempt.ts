import { classifyStreamEnd, errorFromClassification, isKnownEventType, mapStreamEvent, responseEventsFromHeaders, UNKNOWN_EVENT_TYPE } from '@modelwire/protocol';
import { combineSignals, IncompleteEventError } from '@modelwire/transport';
import { buildPerRequestValues } from '../request/request-headers.js';
import { ProgressClock } from '../turn/progress-clock.js';
import { wireInput } from '../request/wire-input.js';
import type { EventQueueFlowControl } from '../turn/event-queue.js';
import type { RequestContext } from '../turn/request-context.js';
import { emitRateLimitsOfRefusal, toResponseErrorIfHttp } from '../turn/request-errors.js';
import type { CompletedResponse } from '../turn/response-stream.js';
import type { StreamedItem } from '../turn/reconcile-output.js';
import type { ResponseItem } from '../types/prompt.js';
import type { WireEventStream } from '../wire/wire-types.js';

/**
 * One attempt over HTTP/SSE: `POST {base}/responses` with the whole input (no continuation
 * with `store:false`), the session headers and the turn's per-request headers (turn metadata,
 * sticky token, web-search eligibility), read to the terminal event. The stream idle timeout
 * is a {@link ProgressClock}: only events of known Responses types restart it.
 */
export async function attemptHttp(context: RequestContext, attempt: number): Promise<CompletedResponse> {
  const { services, telemetry, prompt } = context;
  const started = services.clock.now();
  const auth = await services.authHeaders(context.signal);
  const headers: Record<string, string> = {
    ...services.headers.http,
    ...auth,
    accept: 'text/event-stream',
    'content-type': 'application/json',
    ...buildPerRequestValues(context.turn, context.sticky.value, context.options.subagent),
  };
  const body = JSON.stringify({ ...context.fields, input: wireInput(prompt.input), stream: true });
  telemetry.onContinuationDecision({ mode: 'full', reason: 'http_transport', sentItems: prompt.input.length, totalItems: prompt.input.length });
  // The stream idle timeout counts progress (known Responses events), not bytes: the clock
  // aborts the body with its `IdleTimeoutError` (the transport's own timer only sees SSE events).
  const idle = new AbortController();
  let pressure: CallerPressure | null = null;
  // Silence while the caller holds a full buffer of unread events is the caller's, not the server's.
  const clock = new ProgressClock(services.provider.streamIdleTimeoutMs, (error) => idle.abort(error), () => pressure?.over === true);
  using signal = combineSignals(context.signal, idle.signal);
  try {
    let response;
    try {
      response = await services.http.postStream(services.responsesUrl, {
        headers,
        credentialHeaders: Object.keys(auth),
        body,
        compress: services.compressRequests,
        idleTimeoutMs: services.provider.streamIdleTimeoutMs,
        signal: signal.signal,
      });
    } catch (error) {
      emitRateLimitsOfRefusal(context, error);
      throw toResponseErrorIfHttp(error);
    }
    services.markProviderReached();
    services.noteHttpAnswered();
    telemetry.onRequestAttempt({ transport: 'http', endpoint: 'responses', attempt, status: response.status, durationMs: services.clock.now() - started, error: null, willRetry: false });
    context.markSent();
    clock.start();
    for (const event of responseEventsFromHeaders(response.headers)) context.emit(event);
    const streamed: StreamedItem[] = [];
    const requestId = response.headers['x-request-id'];
    let completed: CompletedResponse | undefined;
    const mapOptions = { headers: response.headers };
    // Called synchronously per payload (push mode: straight from the socket's read); `true` ends the reading.
    const onData = (data: string): boolean => {
      if (data === '[DONE]') return false;
      // Parsed here only for a caller that wants the raw payloads; `decode` accepts the parsed value.
      const payload = context.wantsRawEvents ? parsedOrText(data) : data;
      const event = context.decode(payload, 'http');
      if (payload !== data) context.forwardRaw(payload);
      if (event.type !== UNKNOWN_EVENT_TYPE || isKnownEventType(event.originalType)) clock.progress();
      // What holding the payload's events costs, counted once (on its first event) toward the caller's bound.
      let weight = data.length;
      for (const item of mapStreamEvent(event, mapOptions)) {
        if (item.type === 'failed') throw errorFromClassification(item.error);
        if (item.type === 'output_item_done') streamed.push({ outputIndex: item.outputIndex, item: item.item });
        if (item.type === 'completed') {
          const output = context.reconcile(item.responseId, streamed, event.type === 'response.completed' ? (event.response.output as readonly ResponseItem[] | undefined) : undefined, 'http');
          completed = context.complete(item.responseId, item.usage, output, 'http', false);
          return true;
        }
        context.emit(item, weight);
        weight = 0;
      }
      return false;
    };
    pressure = new CallerPressure(response, clock);
    context.attachFlowControl(pressure);
    try {
      await readPayloads(response, onData, pressure, signal.signal);
    } catch (error) {
      throw cutMidEventAsIncomplete(error, requestId);
    } finally {
      context.attachFlowControl(null);
    }
    if (completed !== undefined) return completed;
    throw errorFromClassification(classifyStreamEnd(requestId === undefined ? {} : { requestId }));
  } finally {
    clock.stop();
  }
}

/**
 * The caller's backpressure on one HTTP response (the flow control of the caller's event queue):
 * over its bound of unread events, reading the body stops (`pause`: the server's writes back up
 * into TCP); back under it, reading resumes and the idle clock counts the silence from then. In
 * pull mode (no `listen`) the payloads are simply not pulled meanwhile. Events already read from
 * the socket are still delivered: nothing is dropped or reordered.
 */
class CallerPressure implements EventQueueFlowControl {
  /** Whether the caller is over its bound (reading is paused). */
  over = false;
  readonly #response: WireEventStream;
  readonly #clock: ProgressClock;
  #wake: (() => void) | null = null;

  constructor(response: WireEventStream, clock: ProgressClock) {
    this.#response = response;
    this.#clock = clock;
  }

  setPressure(over: boolean): void {
    if (this.over === over) return;
    this.over = over;
    if (over) {
      this.#response.pause?.();
      return;
    }
    this.#clock.progress();
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
    this.#response.resume?.();
  }

  /** Pull mode: resolves once the caller is back under its bound, or `signal` aborts. */
  underBound(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        signal.removeEventListener('abort', done);
        this.#wake = null;
        resolve();
      };
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/**
 * Hands every payload of `response` to `onData` until it returns `true` (the terminal event) or
 * the stream ends. In push mode (`listen`) nothing is awaited per payload, and after the terminal
 * event the rest of the body is released (read to its end so the connection can be reused)
 * rather than destroyed; a throw from `onData` cancels the body. Without `listen`, the payloads
 * are iterated, none while the caller is over its bound.
 */
function readPayloads(response: WireEventStream, onData: (data: string) => boolean, pressure: CallerPressure, signal: AbortSignal): Promise<void> {
  if (response.listen === undefined) return iteratePayloads(response.events, onData, pressure, signal);
  const listen = response.listen.bind(response);
  return new Promise<void>((resolve, reject) => {
    let done = false;
    listen({
      onData(data) {
        if (done) return;
        let finished: boolean;
        try {
          finished = onData(data);
        } catch (error) {
          done = true;
          response.cancel?.();
          reject(error);
          return;
        }
        if (!finished) return;
        done = true;
        response.release?.();
        resolve();
      },
      onEnd(error) {
        if (done) return;
        done = true;
        if (error === undefined) resolve();
        else reject(error);
      },
    });
  });
}

async function iteratePayloads(events: AsyncIterable<string>, onData: (data: string) => boolean, pressure: CallerPressure, signal: AbortSignal): Promise<void> {
  for await (const data of events) {
    if (onData(data)) return;
    if (pressure.over && !signal.aborted) await pressure.underBound(signal);
  }
}

/**
 * A body cut in the middle of an event (the transport's `IncompleteEventError`) becomes the same
 * typed `StreamIncompleteError` as a body that ends between events (code `stream_incomplete`,
 * retryable), with the transport's error as its cause: callers meet one class for one code.
 * Other errors pass through.
 */
function cutMidEventAsIncomplete(error: unknown, requestId: string | undefined): unknown {
  if (!(error instanceof IncompleteEventError)) return error;
  const classification = classifyStreamEnd(requestId === undefined ? {} : { requestId });
  return errorFromClassification({ ...classification, message: `${classification.message}: ${error.message}` }, { cause: error });
}

/** The JSON value of `data`, or `data` itself when it is not JSON (decoding then reports it). */
function parsedOrText(data: string): unknown {
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return data;
  }
}
