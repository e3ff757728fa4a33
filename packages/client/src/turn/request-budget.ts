import { ErrorCode, ModelwireError, type Clock } from '@modelwire/transport';
import type { TransportKind } from '../telemetry/client-telemetry.js';

/** Where a request's attempt failed: before its response started (`request`) or after (`stream`). */
export type RetryPhase = 'request' | 'stream';

/** Waits `ms` milliseconds; rejects with the abort reason as soon as `signal` aborts. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** First wait of the waiting-for-network policy, in milliseconds (doubling after each failure). */
export const NETWORK_WAIT_FIRST_MS = 5_000;
/** Longest wait of the waiting-for-network policy, in milliseconds. */
export const NETWORK_WAIT_MAX_MS = 60_000;

/** The limits a {@link RequestBudget} applies (from the provider and the client options). */
export interface RequestBudgetLimits {
  /** Retries of failures before the response started (`Provider.requestMaxRetries`). */
  readonly requestMaxRetries: number;
  /** Retries of failures after the response started (`Provider.streamMaxRetries`). */
  readonly streamMaxRetries: number;
  /** `Provider.requestDeadlineMs`; `Infinity` for none. */
  readonly deadlineMs: number;
}

/** What a {@link RequestBudget} decided about one failed attempt. */
export type RetryPlan =
  | {
      readonly retry: true;
      /** Wait before the next attempt, in milliseconds. */
      readonly delayMs: number;
      /**
       * `true`: a connection failure under the waiting-for-network policy (not counted);
       * `false`: an ordinary retry (counted).
       */
      readonly waitingForNetwork: boolean;
      /** 1 for the first counted retry of the request (or the first network wait), 2 for the next, … */
      readonly attempt: number;
    }
  | {
      readonly retry: false;
      /** `budget`: the phase's limit was reached; `deadline`: the wait would end past the deadline. */
      readonly exhausted: 'budget' | 'deadline';
    };

/** One wait a {@link RequestBudget} is about to make (reported before it starts). */
export interface RequestWait {
  readonly phase: RetryPhase;
  readonly transport: TransportKind;
  /** The plan being carried out. */
  readonly plan: Extract<RetryPlan, { retry: true }>;
  /** The failure that caused it (already redacted). */
  readonly error: ModelwireError;
}

/** The last failure the client handed up, for the turn loop's decision. */
export interface RequestFailure {
  readonly phase: RetryPhase;
  readonly transport: TransportKind;
  /** Whether this failure itself moved the session to HTTP (the request should go on there at once). */
  readonly causedFallback: boolean;
}

/** What a budget needs from its session. */
export interface RequestBudgetEnvironment {
  readonly clock: Clock;
  readonly sleep: Sleep;
  /**
   * Whether a connection failure may be waited out now (the opt-in waiting-for-network
   * policy, once the session has reached its provider). Read at every failure.
   */
  readonly canWaitForNetwork: () => boolean;
}

/**
 * The attempt budget and the deadline of one request (request lifetime), shared by every
 * attempt: the client's retries before the response started and the turn loop's retries after
 * it, so that the two limits never multiply.
 *
 * - One counter: every counted failure, in either phase, adds one. A failure before the
 *   response started may be retried while the count is within `requestMaxRetries`, one after
 *   while it is within `streamMaxRetries`. The backoff grows with the count.
 * - One deadline: the request must get its response started within `deadlineMs` of its start
 *   (or of the failure of a response that had started). A wait that would end past it is not
 *   made. While a response streams, the deadline does not run.
 * - A fallback to HTTP starts the count again (once per session), not the deadline.
 * - Waiting for network (opt-in): a connection failure (`connect_failed`, `connect_timeout`)
 *   does not count; it is retried after 5 s, 10 s, 20 s, 40 s, then every 60 s, within the
 *   deadline.
 *
 * Create one with `ModelClientSession.createRequestBudget()` and pass it to every `stream()`
 * call of the same request (`StreamOptions.budget`); without one, each `stream()` call has its
 * own.
 */
export class RequestBudget {
  readonly #limits: RequestBudgetLimits;
  readonly #environment: RequestBudgetEnvironment;
  /** Created by the first {@link onWait} (most budgets never have a listener). */
  #listeners: Set<(wait: RequestWait) => void> | null = null;
  #failures = 0;
  #networkWaits = 0;
  #attempts = 0;
  #deadlineAt: number;
  #lastFailure: RequestFailure | null = null;

  /** @internal Use `ModelClientSession.createRequestBudget()`. */
  constructor(limits: RequestBudgetLimits, environment: RequestBudgetEnvironment) {
    this.#limits = limits;
    this.#environment = environment;
    this.#deadlineAt = environment.clock.now() + limits.deadlineMs;
  }

  /** The limits in force. */
  get limits(): RequestBudgetLimits {
    return this.#limits;
  }

  /** Counted failures on the current transport (what `requestMaxRetries`/`streamMaxRetries` bound). */
  get failures(): number {
    return this.#failures;
  }

  /** Attempts started so far, on every transport, network waits included. */
  get attempts(): number {
    return this.#attempts;
  }

  /** Epoch milliseconds at which the deadline passes; `Infinity` while a response streams or without a deadline. */
  get deadlineAt(): number {
    return this.#deadlineAt;
  }

  /** Milliseconds left before the deadline (`Infinity` without one; never negative). */
  get remainingMs(): number {
    return Math.max(0, this.#deadlineAt - this.#environment.clock.now());
  }

  /** The failure the client last handed up (`null` before any, and once a new attempt starts). */
  get lastFailure(): RequestFailure | null {
    return this.#lastFailure;
  }

  /** Registers a listener told of every wait before it starts. Returns a function removing it. */
  onWait(listener: (wait: RequestWait) => void): () => void {
    const listeners = (this.#listeners ??= new Set());
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** @internal An attempt starts. */
  beginAttempt(): void {
    this.#attempts += 1;
    this.#lastFailure = null;
  }

  /** @internal The attempt's response started: the deadline stops until it fails. */
  markStreaming(): void {
    this.#deadlineAt = Infinity;
  }

  /** @internal The client hands a failure up (the turn loop reads it from {@link lastFailure}). */
  noteFailure(failure: RequestFailure): void {
    this.#lastFailure = failure;
    // A response that started and broke gets the whole deadline for its retries.
    if (failure.phase === 'stream') this.#deadlineAt = this.#environment.clock.now() + this.#limits.deadlineMs;
  }

  /** The session moved to HTTP: the count starts again; the deadline goes on. */
  resetForFallback(): void {
    this.#failures = 0;
  }

  /**
   * Decides about a retryable failure of `phase`: counts it (unless it is a connection failure
   * being waited out) and says whether, and after how long, to try again.
   *
   * @param delayFor The wait before counted retry number `n` (the server's hint or the backoff).
   */
  plan(error: ModelwireError, phase: RetryPhase, delayFor: (retryNumber: number) => number): RetryPlan {
    let plan: Extract<RetryPlan, { retry: true }>;
    if (isConnectionFailure(error) && this.#environment.canWaitForNetwork()) {
      this.#networkWaits += 1;
      plan = { retry: true, waitingForNetwork: true, attempt: this.#networkWaits, delayMs: Math.min(NETWORK_WAIT_FIRST_MS * 2 ** (this.#networkWaits - 1), NETWORK_WAIT_MAX_MS) };
    } else {
      this.#failures += 1;
      const limit = phase === 'request' ? this.#limits.requestMaxRetries : this.#limits.streamMaxRetries;
      if (this.#failures > limit) return { retry: false, exhausted: 'budget' };
      plan = { retry: true, waitingForNetwork: false, attempt: this.#failures, delayMs: Math.max(0, delayFor(this.#failures)) };
    }
    if (this.#environment.clock.now() + plan.delayMs >= this.#deadlineAt) return { retry: false, exhausted: 'deadline' };
    return plan;
  }

  /** Reports the wait to the listeners, then waits (rejects with the abort reason on abort). */
  async wait(plan: Extract<RetryPlan, { retry: true }>, wait: Omit<RequestWait, 'plan'>, signal: AbortSignal): Promise<void> {
    for (const listener of this.#listeners ?? []) {
      try {
        listener({ ...wait, plan });
      } catch {
        // A listener must not break the request.
      }
    }
    await this.#environment.sleep(plan.delayMs, signal);
  }
}

/** A failure that reached no server: nothing was sent (refused, unreachable, DNS, TLS, a connect timeout). */
export function isConnectionFailure(error: unknown): boolean {
  return ModelwireError.isInstance(error) && (error.code === ErrorCode.ConnectFailed || error.code === ErrorCode.ConnectTimeout);
}
