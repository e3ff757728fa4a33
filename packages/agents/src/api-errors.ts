import type { RawResponseEvent } from '@modelwire/client';
import { apiErrorAnswer } from '@modelwire/fetch';
import { APIConnectionError, APIError } from 'openai';

/** A request that failed before its stream started, as `AttemptOutcome` reports it. */
export interface FailedAttempt {
  readonly error: unknown;
  /** Whether the client spent its retry budget on the failure. */
  readonly retried: boolean;
}

/**
 * The error openai-node raises when the API answers a request with this failure, so that the
 * Agents SDK (its retry advice, the caller's `catch`) sees what it sees over HTTP:
 * `APIError.generate` with the API's status, error body and retry headers (`BadRequestError`,
 * `AuthenticationError`, `RateLimitError`, `InternalServerError`, …; `x-should-retry: false`
 * when the client already retried), or `APIConnectionError` with the Modelwire error as `cause`
 * when no server answered (a connection that could not be opened or was cut).
 */
export function failureError(failure: FailedAttempt, failureEvent: RawResponseEvent | null): APIError {
  const answer = apiErrorAnswer(failure.error, failureEvent, failure.retried);
  if (answer === null) return new APIConnectionError({ cause: failure.error instanceof Error ? failure.error : new Error(String(failure.error)) });
  return APIError.generate(answer.status, answer.body, undefined, new Headers(answer.headers));
}

/** The error openai-node's stream throws on an `error` event: `APIError` without a status, the event's `error` as its body. */
export function streamFailureError(event: RawResponseEvent, headers: Readonly<Record<string, string>>): APIError {
  const error = event['error'];
  return new APIError(undefined, typeof error === 'object' && error !== null ? error : event, undefined, new Headers(headers));
}
