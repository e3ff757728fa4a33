/**
 * The Responses API error codes the loopback server can send, with the HTTP status, error
 * `type` and message the real service uses for each, and the two wire shapes of an error event.
 */

/** Error codes of the Responses API (WebSocket and SSE) that the server knows how to send. */
export type ResponsesErrorCode =
  | 'previous_response_not_found'
  | 'websocket_connection_limit_reached'
  | 'websocket_stream_limit_reached'
  | 'rate_limit_exceeded'
  | 'server_error'
  | 'server_is_overloaded'
  | 'slow_down'
  | 'context_length_exceeded'
  | 'insufficient_quota'
  | 'usage_not_included'
  | 'invalid_prompt'
  | 'invalid_encrypted_content'
  | 'invalid_api_key'
  | 'usage_limit_reached';

/** How one error code looks on the wire. */
export interface ErrorCodeInfo {
  /** HTTP status the code travels with (WebSocket error frames carry it as `status`). */
  readonly status: number;
  /** The `error.type` field. */
  readonly type: string;
  /** A realistic default message; clients must compare on `code`, never on this text. */
  readonly message: string;
}

/** Status, type and message of every {@link ResponsesErrorCode}. */
export const RESPONSES_ERROR_CODES: Readonly<Record<ResponsesErrorCode, ErrorCodeInfo>> = {
  previous_response_not_found: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Previous response with this id was not found on this connection.',
  },
  websocket_connection_limit_reached: {
    status: 400,
    type: 'invalid_request_error',
    message: 'This WebSocket connection reached its age limit. Open a new connection to continue.',
  },
  websocket_stream_limit_reached: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Too many concurrent streams on this WebSocket connection.',
  },
  rate_limit_exceeded: {
    status: 429,
    type: 'rate_limit_error',
    message: 'Rate limit reached for requests. Please try again in 28ms.',
  },
  server_error: {
    status: 500,
    type: 'server_error',
    message: 'The server had an error while processing your request.',
  },
  server_is_overloaded: {
    status: 503,
    type: 'server_error',
    message: 'The server is overloaded. Please try again later.',
  },
  slow_down: {
    status: 503,
    type: 'server_error',
    message: 'Please slow down your request rate.',
  },
  context_length_exceeded: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Your input exceeds the context window of this model.',
  },
  insufficient_quota: {
    status: 429,
    type: 'insufficient_quota',
    message: 'You exceeded your current quota, please check your plan and billing details.',
  },
  usage_not_included: {
    status: 403,
    type: 'invalid_request_error',
    message: 'This usage is not included in your plan.',
  },
  invalid_prompt: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Invalid prompt: the request was flagged.',
  },
  invalid_encrypted_content: {
    status: 400,
    type: 'invalid_request_error',
    message: 'The encrypted content could not be verified.',
  },
  invalid_api_key: {
    status: 401,
    type: 'invalid_request_error',
    message: 'Incorrect API key provided.',
  },
  usage_limit_reached: {
    status: 429,
    type: 'usage_limit_reached',
    message: 'The usage limit has been reached',
  },
};

/**
 * The shapes of an `error` event. `nested` is what the service is observed to send
 * (`{type:"error", status?, error:{type, code, message, param, headers?}}`, headers inside
 * `error` as the SDK types them); `wrapped` is the Codex backend's WebSocket shape
 * (`{type:"error", status, error:{…}, headers:{…}}`, headers at the top level); `flat` is the
 * shape of the published spec (`{type:"error", code, message, param}`, headers at the top level).
 */
export type ErrorShape = 'nested' | 'wrapped' | 'flat';

/** The name of the status field of a WebSocket error frame: `status` (default) or `status_code`. */
export type ErrorStatusField = 'status' | 'status_code';

/** What an error event carries. */
export interface ErrorEventSpec {
  readonly code: string;
  readonly message?: string | undefined;
  readonly type?: string | undefined;
  readonly status?: number | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly shape?: ErrorShape | undefined;
  /** The name of the status field (WebSocket frames). Default `status`. */
  readonly statusField?: ErrorStatusField | undefined;
  /** The offending parameter (`input[0].role`), or `null`. Default `null`. */
  readonly param?: string | null | undefined;
  /** More fields of the error object (`plan_type`, `resets_at` of a usage limit). */
  readonly extra?: Readonly<Record<string, unknown>> | undefined;
}

function infoFor(code: string): ErrorCodeInfo {
  return (
    (RESPONSES_ERROR_CODES as Record<string, ErrorCodeInfo | undefined>)[code] ?? {
      status: 400,
      type: 'invalid_request_error',
      message: `Error ${code}.`,
    }
  );
}

/**
 * Builds an `error` event. `includeStatus` adds the top-level `status` of WebSocket error
 * frames to the nested shape.
 */
export function buildErrorEvent(spec: ErrorEventSpec, includeStatus: boolean): Record<string, unknown> {
  const info = infoFor(spec.code);
  const shape = spec.shape ?? 'nested';
  const headers = spec.headers ? { headers: { ...spec.headers } } : {};
  const body = {
    type: spec.type ?? info.type,
    code: spec.code,
    message: spec.message ?? info.message,
    param: spec.param ?? null,
    ...spec.extra,
  };
  if (shape === 'flat') {
    const { type: _errorType, ...flat } = body;
    return { ...flat, ...headers, type: 'error' };
  }
  const status = includeStatus ? { [spec.statusField ?? 'status']: spec.status ?? info.status } : {};
  if (shape === 'wrapped') return { type: 'error', ...status, error: body, ...headers };
  return { type: 'error', ...status, error: { ...body, ...headers } };
}

/** The JSON body of an HTTP error response: `{"error": {message, type, param, code}}`. */
export function buildHttpErrorBody(code: string, message?: string): string {
  const info = infoFor(code);
  return JSON.stringify({ error: { message: message ?? info.message, type: info.type, param: null, code } });
}

/** The JSON body of an HTTP error response from a complete error object (any `code`, `null` included). */
export function apiErrorBody(error: { readonly message: string; readonly type: string; readonly param: string | null; readonly code: string | null }): string {
  return JSON.stringify({ error: { message: error.message, type: error.type, param: error.param, code: error.code } });
}

/** The usual error code for an HTTP status, used for default error bodies. */
export function codeForStatus(status: number): string {
  if (status === 401) return 'invalid_api_key';
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 503) return 'server_is_overloaded';
  if (status >= 500) return 'server_error';
  if (status === 426) return 'upgrade_required';
  return 'invalid_request';
}

/** The status code of an error code (400 when unknown). */
export function statusForCode(code: string): number {
  return infoFor(code).status;
}
