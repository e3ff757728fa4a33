import { HeaderName } from '../headers/header-names.js';
import { readHeader, type HeaderSource } from '../headers/read-header.js';
import { rateLimitSnapshotFromHeaders } from '../rate-limits/rate-limit-snapshot.js';
import type { ResponseEvent } from './response-event.js';

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** The `server_model` event for an `openai-model` header, or `undefined` when absent. */
export function serverModelFromHeaders(headers: HeaderSource): ResponseEvent | undefined {
  const model = nonEmpty(readHeader(headers, HeaderName.OpenAiModel));
  return model === undefined ? undefined : { type: 'server_model', model };
}

/** The `models_etag` event for an `x-models-etag` header, or `undefined` when absent. */
export function modelsEtagFromHeaders(headers: HeaderSource): ResponseEvent | undefined {
  const etag = nonEmpty(readHeader(headers, HeaderName.ModelsEtag));
  return etag === undefined ? undefined : { type: 'models_etag', etag };
}

/** The `turn_state` event for an `x-codex-turn-state` header, or `undefined` when absent. The token is kept byte for byte. */
export function turnStateFromHeaders(headers: HeaderSource): ResponseEvent | undefined {
  const turnState = readHeader(headers, HeaderName.CodexTurnState);
  return turnState === undefined || turnState === '' ? undefined : { type: 'turn_state', turnState };
}

/** The `reasoning_included` event for an `x-reasoning-included` header, or `undefined` when absent or not a boolean. */
export function reasoningIncludedFromHeaders(headers: HeaderSource): ResponseEvent | undefined {
  const value = nonEmpty(readHeader(headers, HeaderName.ReasoningIncluded))?.toLowerCase();
  if (value === 'true') return { type: 'reasoning_included', included: true };
  if (value === 'false') return { type: 'reasoning_included', included: false };
  return undefined;
}

/** The `rate_limits` event for `x-codex-*` headers, or `undefined` when there are none. */
export function rateLimitsFromHeaders(headers: HeaderSource): ResponseEvent | undefined {
  const snapshot = rateLimitSnapshotFromHeaders(headers);
  return snapshot === undefined ? undefined : { type: 'rate_limits', snapshot };
}

/**
 * Every event that response headers carry, in a fixed order: turn state, server model, models
 * etag, reasoning included, rate limits. Used for the HTTP response headers, the WebSocket
 * upgrade response, and `response.metadata` events.
 */
export function responseEventsFromHeaders(headers: HeaderSource): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  for (const read of [turnStateFromHeaders, serverModelFromHeaders, modelsEtagFromHeaders, reasoningIncludedFromHeaders, rateLimitsFromHeaders]) {
    const event = read(headers);
    if (event !== undefined) events.push(event);
  }
  return events;
}
