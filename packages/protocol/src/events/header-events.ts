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

type HeaderEventReader = (headers: HeaderSource) => ResponseEvent | undefined;

const RESPONSE_HEADER_READERS: readonly HeaderEventReader[] = [turnStateFromHeaders, serverModelFromHeaders, modelsEtagFromHeaders, reasoningIncludedFromHeaders, rateLimitsFromHeaders];

/** The upgrade-response headers that describe the connection (see `upgradeResponseEventsFromHeaders`). */
const UPGRADE_HEADER_READERS: readonly HeaderEventReader[] = [serverModelFromHeaders, modelsEtagFromHeaders, reasoningIncludedFromHeaders];

function eventsFrom(headers: HeaderSource, readers: readonly HeaderEventReader[]): ResponseEvent[] {
  const events: ResponseEvent[] = [];
  for (const read of readers) {
    const event = read(headers);
    if (event !== undefined) events.push(event);
  }
  return events;
}

/**
 * Every event that response headers carry, in a fixed order: turn state, server model, models
 * etag, reasoning included, rate limits. Used for the HTTP response headers and the `headers`
 * of `response.metadata` / `codex.response.metadata` events: the headers of one response.
 */
export function responseEventsFromHeaders(headers: HeaderSource): ResponseEvent[] {
  return eventsFrom(headers, RESPONSE_HEADER_READERS);
}

/**
 * The events a WebSocket upgrade (`101`) response carries for every response on its socket:
 * `server_model` (`openai-model`), `models_etag` (`x-models-etag`), `reasoning_included`
 * (`x-reasoning-included`), in that order. Not `turn_state`: the sticky-routing token is
 * request-scoped, captured from response headers and metadata events only, so a token on the
 * upgrade response is ignored. Not `rate_limits`: a snapshot taken when the socket opened goes
 * stale while the socket is kept.
 */
export function upgradeResponseEventsFromHeaders(headers: HeaderSource): ResponseEvent[] {
  return eventsFrom(headers, UPGRADE_HEADER_READERS);
}
