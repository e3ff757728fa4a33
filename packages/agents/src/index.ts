// Public API of @modelwire/agents.
export { ModelwireModel, ModelwireProvider, type ModelwireProviderOptions } from './modelwire-provider.js';
export { SessionResponses, type ResponsesCreateBody, type ResponsesCreateOptions, type ResponsesCreateResult, type SessionResponsesOptions } from './session-responses.js';
export { failureError, streamFailureError, type FailedAttempt } from './api-errors.js';
