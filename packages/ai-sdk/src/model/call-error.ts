import { APICallError } from '@ai-sdk/provider';
import { ModelwireError, type RawResponseEvent } from '@modelwire/client';
import { apiErrorAnswer } from '@modelwire/fetch';

/** Statuses the AI SDK retries by default (as for its own HTTP calls). */
const retryableStatus = (status: number): boolean => status === 408 || status === 409 || status === 429 || status >= 500;

/**
 * The error the AI SDK gets for a call that failed before its stream started: an
 * `APICallError` as it raises for the API's own answer (the status, the response body
 * `{ error: { message, type, param, code } }` and retry headers, `data` the error object),
 * with the Modelwire error as `cause`. A failure with no HTTP meaning (no connection, a cut)
 * is an `APICallError` without status, as the AI SDK raises for a fetch that failed.
 * `isRetryable` is `false` once the client spent its retry budget on the failure (the AI SDK
 * would only repeat those retries), else as the AI SDK decides for the status.
 */
export function callError(error: unknown, failureEvent: RawResponseEvent | null, retried: boolean, url: string, requestBodyValues: unknown): APICallError {
  const answer = apiErrorAnswer(error, failureEvent, retried);
  if (answer === null) {
    const message = error instanceof Error ? error.message : String(error);
    const retryable = ModelwireError.isInstance(error) ? error.retryable : true;
    return new APICallError({ message: `Cannot connect to API: ${message}`, url, requestBodyValues, cause: error, isRetryable: !retried && retryable });
  }
  const body = answer.body.error;
  const message = typeof body['message'] === 'string' && body['message'].length > 0 ? body['message'] : `the API answered ${answer.status}`;
  return new APICallError({
    message,
    url,
    requestBodyValues,
    statusCode: answer.status,
    responseHeaders: { ...answer.headers },
    responseBody: JSON.stringify(answer.body),
    cause: error,
    isRetryable: !retried && answer.headers['x-should-retry'] !== 'false' && retryableStatus(answer.status),
    data: answer.body,
  });
}
