// Public API of @modelwire/fetch.

// The adapter
export {
  createModelwireFetch,
  type FetchFunction,
  type ModelwireClientOptions,
  type ModelwireFetch,
  type ModelwireFetchOptions,
} from './create-modelwire-fetch.js';

// Building blocks for other SDK adapters: a Responses body as a prompt, turns and
// conversations for callers that send the whole history, the stream as the API writes it
// over HTTP, and error answers as the API sends them.
export {
  passThroughModelInfo,
  requestFromResponsesBody,
  type ResponsesBodyRequest,
  type ResponsesBodyResult,
  type UnservableReason,
} from './request/responses-body.js';
export {
  DEFAULT_MAX_CONVERSATIONS,
  DEFAULT_TURN_IDLE_MS,
  SessionTurns,
  type NewTurnReason,
  type SessionTurnsOptions,
  type TurnLease,
} from './turns/session-turns.js';
export { itemsMatch } from './turns/item-match.js';
export {
  ANSWER_EVENT_TYPES,
  FAILURE_EVENT_TYPES,
  formatSseEvent,
  RESPONSE_START_EVENT_TYPES,
  WEBSOCKET_ONLY_EVENT_TYPES,
} from './sse/sse-format.js';
export { ResponseRelay, type EventSink, type SseSink } from './sse/response-relay.js';
export { linkedAbortController, streamAttempts, type AttemptObserver, type AttemptOutcome, type AttemptRequest } from './serve/stream-attempts.js';
export { finishLease, runAttempts, type AttemptContext } from './serve/serve-responses.js';
export { apiErrorAnswer, errorTypeForStatus, type ApiErrorAnswer } from './serve/error-response.js';
