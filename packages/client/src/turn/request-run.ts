import { DeadlineExceededError, ErrorCode, HttpStatusError, ModelwireError, toAbortError } from '@modelwire/transport';
import { attemptHttp } from '../http/http-attempt.js';
import type { TransportKind } from '../telemetry/client-telemetry.js';
import { attemptWebSocket } from '../ws/websocket-attempt.js';
import { AbortLink } from './abort-link.js';
import type { RetryPlan } from './request-budget.js';
import type { RequestContext } from './request-context.js';
import { FallbackTrigger, StaleSocket, UpgradeRefused, WarmUpSkipped } from './request-errors.js';
import { retryDelayFor } from './retry-policy.js';
import type { CompletedResponse } from './response-stream.js';

/** The longest timer Node arms (about 24.8 days); a deadline further away is not armed. */
const MAX_TIMER_MS = 2_147_483_647;

/** The deadline of one attempt: its signal aborts with a `DeadlineExceededError` when it passes. */
interface AttemptDeadline {
  readonly signal: AbortSignal;
  /** The error the attempt was stopped with; `null` while the deadline has not passed. */
  readonly error: DeadlineExceededError | null;
  /** The response started: the deadline no longer applies to this attempt. */
  stop(): void;
  dispose(): void;
}

/**
 * One `stream()` call: the request phase with its retries (auth refresh, backoff, fallback to
 * HTTP, transparent full resend on `previous_response_not_found`), then the stream phase,
 * which is never replayed here. Every attempt is counted in the request's budget, and runs
 * within its deadline until its response starts.
 */
export class RequestRun {
  readonly #context: RequestContext;

  constructor(context: RequestContext) {
    this.#context = context;
  }

  /** Runs the request to its end; rejects with a typed Modelwire error. */
  async run(): Promise<CompletedResponse> {
    const context = this.#context;
    const { services, telemetry, budget } = context;
    const signal = context.requestSignal;
    let refreshed = false;
    let connectionLimitRetried = false;
    let staleSocketRetried = false;
    /** The previous attempt's failure (the cause of a deadline that passes during the next). */
    let previous: unknown;
    // A session that starts on HTTP because of a remembered outcome reports it with its first request.
    services.fallback.announce(telemetry);
    for (;;) {
      // A background request goes over HTTP even on a WebSocket session (the WebSocket mode does
      // not support it); the socket, its continuation state and the session's transport stay as they are.
      const useWebSocket = services.usesWebSocket && !context.httpOnly;
      // A warm-up exists only on the WebSocket; once the session is on HTTP there is nothing to do.
      if (!useWebSocket && !context.options.generate) throw new WarmUpSkipped();
      const transport: TransportKind = useWebSocket ? 'websocket' : 'http';
      budget.beginAttempt();
      context.steering.beginAttempt(transport);
      const attempt = budget.attempts;
      const attemptStarted = services.clock.now();
      const deadline = this.#armDeadline(transport, previous);
      context.beginAttempt(deadline.signal, () => {
        deadline.stop();
        budget.markStreaming();
        services.markProviderReached();
      });
      try {
        return useWebSocket ? await attemptWebSocket(context, attempt) : await attemptHttp(context, attempt);
      } catch (thrown) {
        // Built only when an attempt failed (not per attempt).
        const report = (error: unknown, willRetry: boolean, plan?: Extract<RetryPlan, { retry: true }>): void =>
          telemetry.onRequestAttempt({
            transport,
            endpoint: 'responses',
            attempt,
            status: statusOf(error),
            durationMs: services.clock.now() - attemptStarted,
            error: error instanceof Error ? error : null,
            willRetry,
            ...(plan === undefined ? {} : { retryDelayMs: plan.delayMs, ...(plan.waitingForNetwork ? { waitingForNetwork: true } : {}) }),
          });
        /** Hands a failure up, recording where it happened for the turn loop. */
        const handUp: (error: unknown, causedFallback?: boolean) => never = (error, causedFallback = false) => {
          budget.noteFailure({ phase: context.streaming ? 'stream' : 'request', transport, causedFallback });
          throw error;
        };
        if (signal.aborted) throw toAbortError(signal.reason);
        if (deadline.error !== null) {
          report(deadline.error, false);
          handUp(deadline.error);
        }
        // A server may echo the credentials it was sent in an error: scrub them before the
        // failure reaches telemetry or the caller.
        if (thrown instanceof StaleSocket && !staleSocketRetried && !context.streaming) {
          // A kept-alive socket that died while idle: the request never reached a response.
          staleSocketRetried = true;
          report(services.redactSecrets(thrown.failure), true);
          continue;
        }
        const unwrapped = thrown instanceof StaleSocket ? thrown.failure : thrown;
        if (unwrapped instanceof FallbackTrigger) {
          // The switch is session-wide even when this stream already produced output; that
          // output is not replayed here (the caller re-streams, over HTTP from now on).
          const failure = services.redactSecrets(unwrapped.failure);
          report(failure, !context.streaming);
          services.fallback.activate(unwrapped.reason, telemetry);
          if (context.streaming) handUp(failure, true);
          // HTTP starts a fresh count (the deadline goes on).
          budget.resetForFallback();
          previous = failure;
          continue;
        }
        const upgradeRefused = unwrapped instanceof UpgradeRefused;
        const error = services.redactSecrets(upgradeRefused ? unwrapped.failure : unwrapped);
        previous = error;
        // An answer with a status: the network and the provider are reachable.
        if (statusOf(error) !== null) services.markProviderReached();
        if (context.streaming) {
          report(error, false);
          handUp(error);
        }
        if (!upgradeRefused && isUnauthorized(error) && !refreshed) {
          refreshed = true;
          const refreshedOk = await services.refreshAuth(signal).catch(() => false);
          report(error, refreshedOk);
          if (refreshedOk) continue;
          handUp(error);
        }
        if (ModelwireError.isInstance(error) && error.code === ErrorCode.ConnectionLimitReached && !connectionLimitRetried) {
          // The socket reached its age limit: a new socket and a full request, at once.
          connectionLimitRetried = true;
          report(error, true);
          continue;
        }
        const nowMs = services.clock.now();
        const delayFor = (retryNumber: number): number | null => retryDelayFor(error, retryNumber, services.random, { nowMs, force: upgradeRefused });
        if (!ModelwireError.isInstance(error) || delayFor(1) === null) {
          report(error, false);
          handUp(error);
        }
        const plan = budget.plan(error as ModelwireError, 'request', (retryNumber) => delayFor(retryNumber) ?? 0);
        if (!plan.retry) {
          // A refused upgrade never fails the request: when its retries would pass the deadline, HTTP gets the rest.
          if ((plan.exhausted === 'budget' || upgradeRefused) && useWebSocket && fallsBackWhenExhausted(error)) {
            // The WebSocket path ran out: the session switches to HTTP, with a fresh count.
            report(error, true);
            services.fallback.activate(upgradeRefused ? 'upgrade_refused' : 'request_retries_exhausted', telemetry);
            budget.resetForFallback();
            continue;
          }
          report(error, false);
          handUp(error);
        }
        report(error, true, plan);
        await budget.wait(plan, { phase: 'request', transport, error: error as ModelwireError }, signal);
      } finally {
        deadline.dispose();
        context.endAttempt();
      }
    }
  }

  /** The attempt's signal: the request's, aborted with a `DeadlineExceededError` when the budget's deadline passes. */
  #armDeadline(transport: TransportKind, previous: unknown): AttemptDeadline {
    const { budget, requestSignal, services } = this.#context;
    return new ArmedDeadline(requestSignal, budget.remainingMs, () =>
      new DeadlineExceededError({
        deadlineMs: budget.limits.deadlineMs,
        target: describeTarget(services.responsesUrl, transport),
        attempts: budget.attempts,
        ...(previous === undefined ? {} : { cause: previous }),
      }),
    );
  }
}

/**
 * One controller per attempt, aborted by the request's signal (linked until `dispose`) or by
 * the deadline's timer, whichever comes first; one object, no closure per attempt beyond the
 * error's.
 */
class ArmedDeadline implements AttemptDeadline {
  readonly #controller = new AbortController();
  readonly #link: AbortLink;
  readonly #makeError: () => DeadlineExceededError;
  #error: DeadlineExceededError | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(requestSignal: AbortSignal, remainingMs: number, makeError: () => DeadlineExceededError) {
    this.#makeError = makeError;
    this.#link = new AbortLink(this.#controller, requestSignal);
    if (remainingMs <= 0) this.#expire();
    else if (remainingMs <= MAX_TIMER_MS) this.#timer = setTimeout(this.#expire, remainingMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  get error(): DeadlineExceededError | null {
    return this.#error;
  }

  readonly #expire = (): void => {
    this.#timer = undefined;
    const error = this.#makeError();
    this.#error = error;
    this.#controller.abort(error);
  };

  stop(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  dispose(): void {
    this.stop();
    this.#link.dispose();
  }
}

/**
 * Whether a retryable failure that exhausted the WebSocket's budget moves the session to HTTP.
 * Not a rate limit (429): the provider's limit holds on HTTP too.
 */
function fallsBackWhenExhausted(error: unknown): boolean {
  return ModelwireError.isInstance(error) && statusOf(error) !== 429;
}

/** `POST {url}` or `WebSocket {url}`, with scheme, host and path only (never a query or credentials). */
function describeTarget(responsesUrl: string, transport: TransportKind): string {
  try {
    const url = new URL(responsesUrl);
    return transport === 'http' ? `POST ${url.origin}${url.pathname}` : `${url.origin.replace(/^http/, 'ws')}${url.pathname} over WebSocket`;
  } catch {
    return transport === 'http' ? 'the HTTP endpoint' : 'the WebSocket endpoint';
  }
}

function isUnauthorized(error: unknown): boolean {
  return ModelwireError.isInstance(error) && error.code === ErrorCode.Unauthorized;
}

function statusOf(error: unknown): number | null {
  if (error instanceof HttpStatusError) return error.status;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : null;
}
