import type { ResponseEvent } from '@modelwire/protocol';
import { BusyError, ClosedError, combineSignals } from '@modelwire/transport';
import type { SessionServices } from '../client/session-services.js';
import { noopClientTelemetry, safeTelemetry, type ClientTelemetry } from '../telemetry/client-telemetry.js';
import type { Prompt } from '../types/prompt.js';
import { resolvePrompt } from '../validation/resolve-prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import { EventQueue } from './event-queue.js';
import { RequestContext } from './request-context.js';
import { WarmUpSkipped } from './request-errors.js';
import { RequestRun } from './request-run.js';
import { ResponseStream, type CompletedResponse } from './response-stream.js';
import { StickyRoutingToken } from './sticky-routing-token.js';

/** Options of one `stream` or `prewarm` call. */
export interface StreamOptions {
  /** Aborts the request (same as `ResponseStream.abort()`). */
  readonly signal?: AbortSignal;
}

/**
 * One turn of the session (turn lifetime), created by `ModelClient.newTurn()`.
 *
 * Owns the sticky-routing token (`x-codex-turn-state`: none at the start, first value wins,
 * replayed on every later request of the turn, on every transport). Borrows the session's
 * WebSocket for each request and gives it back when the response ends, so the socket and its
 * continuation chain outlive the turn. One request at a time: a `stream` call while another
 * is running is rejected with a `busy` error, never interleaved.
 */
export class ModelClientSession implements AsyncDisposable {
  readonly #services: SessionServices;
  readonly #sticky = new StickyRoutingToken();
  #active: ResponseStream | null = null;
  #lastTelemetry: ClientTelemetry = noopClientTelemetry;
  #closed = false;

  /** @internal Use `ModelClient.newTurn()`. */
  constructor(services: SessionServices) {
    this.#services = services;
  }

  /** The turn's sticky-routing token, or `null` before a response carried one. */
  get turnState(): string | null {
    return this.#sticky.value;
  }

  /**
   * Sends one Responses request for `prompt` and streams its events. The whole input is always
   * passed; the client decides whether the wire carries all of it or only the new tail.
   *
   * Retries the request phase (before the first event) on transport failures, 408/409/429/5xx
   * and one 401 after `auth.refresh()`; switches the session to HTTP on 426, on 1009 or when the
   * WebSocket retry budget is exhausted. A failure after the first event is thrown to the
   * caller (the turn loop decides whether to re-stream).
   *
   * @throws BusyError (`busy`) when a request of this turn is still running, ClosedError
   *   (`closed`) when the turn or the client was closed, InvalidArgumentError
   *   (`invalid_argument`, with field paths) for an invalid prompt or turn context; all before
   *   any I/O.
   */
  stream(prompt: Prompt, turnContext: TurnContext, options: StreamOptions = {}): ResponseStream {
    return this.#start(prompt, turnContext, options, true);
  }

  /**
   * Warm-up: sends the prompt with `generate: false` over the WebSocket so the server prepares
   * instructions, tools and input; the response id becomes the base of the next request, which
   * then sends only new items. Resolves with that id, or `null` when the session uses HTTP (no
   * warm-up there), also when it switched to HTTP during this warm-up (a 426 on the upgrade,
   * or the WebSocket request budget running out): the request is then reported as completed
   * without a response id. Also `null`, without a request, for a provider that cannot continue
   * responses (`supportsContinuation: false`): a warm-up would serve nothing there.
   */
  async prewarm(prompt: Prompt, turnContext: TurnContext, options: StreamOptions = {}): Promise<string | null> {
    if (!this.#services.usesWebSocket || !this.#services.provider.supportsContinuation) return null;
    const stream = this.#start(prompt, turnContext, options, false);
    try {
      const result = await stream.result;
      return result.responseId;
    } catch (error) {
      if (error instanceof WarmUpSkipped) return null;
      throw error;
    }
  }

  /**
   * Switches the whole session to HTTP (for the turn loop, when its stream retry budget ran out
   * on the WebSocket). Returns `true` when this call flipped the session-wide flag, `false` when
   * it was already flipped or the session never used WebSockets. Reported once to telemetry,
   * with the reason `stream_retries_exhausted`.
   */
  trySwitchToHttpFallback(telemetry?: ClientTelemetry): boolean {
    if (!this.#services.webSocketsEnabled) return false;
    return this.#services.fallback.activate('stream_retries_exhausted', safeTelemetry(telemetry ?? this.#lastTelemetry));
  }

  /** Ends the turn: aborts a running request. The session's socket stays with the client. */
  async close(): Promise<void> {
    this.#closed = true;
    const active = this.#active;
    if (active !== null) await active[Symbol.asyncDispose]();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #start(input: Prompt, turnContext: TurnContext, options: StreamOptions, generate: boolean): ResponseStream {
    if (this.#closed || this.#services.lifetime.aborted) throw new ClosedError(this.#closed ? 'the turn' : 'the model client');
    if (this.#active !== null) throw new BusyError('a request of this turn is still running; wait for it or abort it first');
    const prompt = resolvePrompt(input, turnContext);
    const telemetry = safeTelemetry(turnContext.telemetry, this.#services.redactSecrets);
    this.#lastTelemetry = turnContext.telemetry;
    const controller = new AbortController();
    const combined = combineSignals(controller.signal, options.signal, this.#services.lifetime);
    const queue = new EventQueue<ResponseEvent>(() => controller.abort());
    let run: RequestRun;
    try {
      run = new RequestRun(new RequestContext(this.#services, this.#sticky, prompt, turnContext, telemetry, queue, combined.signal, { generate }));
    } catch (error) {
      combined.dispose();
      throw error;
    }
    let stream: ResponseStream | null = null;
    const finish = (): void => {
      combined.dispose();
      if (this.#active === stream) this.#active = null;
    };
    telemetry.onRequestStart?.({ endpoint: 'responses' });
    // The turn is free again before the result settles for the caller, so that a caller
    // awaiting `result` (or finishing its iteration) can stream again at once.
    const result: Promise<CompletedResponse> = run.run().then(
      (completed) => {
        finish();
        telemetry.onRequestEnd?.({ endpoint: 'responses', outcome: 'completed', error: null, responseId: completed.responseId });
        queue.end();
        return completed;
      },
      (failure: unknown) => {
        finish();
        // Every failure already passed the request run's scrubbing; this covers anything else.
        const error = this.#services.redactSecrets(failure);
        if (error instanceof WarmUpSkipped) {
          // Not a failure: the session is on HTTP now and a warm-up has nothing to do there.
          telemetry.onRequestEnd?.({ endpoint: 'responses', outcome: 'completed', error: null, responseId: null });
          queue.end();
          throw error;
        }
        telemetry.onRequestEnd?.({
          endpoint: 'responses',
          outcome: combined.signal.aborted ? 'aborted' : 'failed',
          error: error instanceof Error ? error : null,
          responseId: null,
        });
        queue.fail(error);
        throw error;
      },
    );
    stream = new ResponseStream(queue, controller, result);
    this.#active = stream;
    return stream;
  }
}
