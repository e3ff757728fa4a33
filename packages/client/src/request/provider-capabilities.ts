import type { ContinuationDecision, ContinuationTracker, TrackedRequest } from '../continuation/continuation-tracker.js';
import type { ResolvedProvider } from '../types/provider.js';
import type { RequestFields } from './request-fields.js';

/**
 * How the next WebSocket request is sent: the socket's continuation check, unless the provider
 * cannot continue responses at all (then always in full, reason `continuation_unsupported`).
 */
export function decideContinuation(provider: ResolvedProvider, tracker: ContinuationTracker, request: TrackedRequest): ContinuationDecision {
  if (!provider.supportsContinuation) return { mode: 'full', reason: 'continuation_unsupported' };
  return tracker.decide(request);
}

/**
 * The non-input fields as sent: all of them, except `instructions` on an incremental request
 * to a provider that refuses `instructions` together with `previous_response_id` (it keeps
 * them from the continued response). The continuation check still compares the full fields,
 * so changed instructions still force a full request that carries them.
 */
export function fieldsToSend(provider: ResolvedProvider, fields: RequestFields, decision: ContinuationDecision): Partial<RequestFields> {
  if (decision.mode !== 'incremental' || provider.instructionsWithPreviousResponse) return fields;
  const { instructions: _omitted, ...rest } = fields;
  return rest;
}
