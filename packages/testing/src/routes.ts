/**
 * Where the server's endpoints live and how it answers a path it does not serve: like the API,
 * every endpoint is under one base path (`/v1`, or a provider's `pathPrefix` such as
 * `/openai/v1`), and anything else is a 404 `invalid_request_error` naming the method and path.
 */
import type { ProviderRules } from './provider-rules.js';
import type { ApiError } from './request-validation.js';

/** The base path of every endpoint: the provider's `pathPrefix`, else `/v1` as on the API. */
export function basePathOf(rules: ProviderRules): string {
  return rules.pathPrefix ?? '/v1';
}

/**
 * The API's answer to a path it does not serve (status 404): `Invalid URL (POST /responses)`,
 * type `invalid_request_error`, no param, no code.
 */
export function unknownUrlError(method: string, path: string): ApiError {
  return { message: `Invalid URL (${method} ${path})`, type: 'invalid_request_error', param: null, code: null };
}
