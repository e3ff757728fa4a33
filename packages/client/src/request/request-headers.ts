import { InvalidArgumentError } from '@modelwire/errors';
import type { TurnContext } from '../types/turn-context.js';

/** Lower-case names of the headers this module writes (PROTOCOL §1 and §5). */
export const RequestHeader = {
  SessionId: 'session_id',
  Originator: 'originator',
  UserAgent: 'user-agent',
  BetaFeatures: 'x-codex-beta-features',
  Subagent: 'x-openai-subagent',
  IncludeTimingMetrics: 'x-responsesapi-include-timing-metrics',
  OpenAiBeta: 'openai-beta',
  TurnMetadata: 'x-codex-turn-metadata',
  TurnState: 'x-codex-turn-state',
  WebSearchEligible: 'x-oai-web-search-eligible',
} as const;

/** The `OpenAI-Beta` value of the WebSocket handshake. */
export const RESPONSES_WEBSOCKETS_BETA = 'responses_websockets=2026-02-06';

/** Session-scoped inputs of the header set; fixed at `ModelClient` construction. */
export interface SessionHeaderInputs {
  readonly conversationId: string;
  readonly originator: string;
  readonly userAgent: string;
  /** Enabled beta feature keys; joined once with `,`. */
  readonly betaFeatures: readonly string[];
  /** `x-openai-subagent` value, or `undefined` for a top-level session. */
  readonly subagent: string | undefined;
  /** Provider-wide extra headers. */
  readonly providerHeaders: Readonly<Record<string, string>>;
}

/**
 * The session-scoped header values, computed once per `ModelClient`. They are the same on every
 * HTTP request and on the WebSocket handshake; nothing in here depends on a turn, which is what
 * allows the socket to be opened before the first turn exists.
 */
export interface SessionHeaders {
  /** Headers for every HTTP request (auth is added per request). */
  readonly http: Readonly<Record<string, string>>;
  /** Headers for the WebSocket handshake (auth is added per handshake). */
  readonly handshake: Readonly<Record<string, string>>;
}

/** Computes the {@link SessionHeaders}; called once at client creation. */
export function buildSessionHeaders(inputs: SessionHeaderInputs, includeTimingMetrics: boolean): SessionHeaders {
  const common: Record<string, string> = {};
  for (const [name, value] of Object.entries(inputs.providerHeaders)) common[name.toLowerCase()] = value;
  common[RequestHeader.SessionId] = inputs.conversationId;
  common[RequestHeader.Originator] = inputs.originator;
  common[RequestHeader.UserAgent] = inputs.userAgent;
  const beta = inputs.betaFeatures.filter((feature) => feature.length > 0).join(',');
  if (beta.length > 0) common[RequestHeader.BetaFeatures] = beta;
  if (inputs.subagent !== undefined) common[RequestHeader.Subagent] = inputs.subagent;
  const handshake: Record<string, string> = { ...common, [RequestHeader.OpenAiBeta]: RESPONSES_WEBSOCKETS_BETA };
  if (includeTimingMetrics) handshake[RequestHeader.IncludeTimingMetrics] = 'true';
  return { http: Object.freeze(common), handshake: Object.freeze(handshake) };
}

const metadataJson = new WeakMap<object, string>();

/** Characters JSON text may hold raw that a header value may not: DEL and everything past ASCII. */
const NOT_HEADER_SAFE = /[\u007f-\uffff]/g;

function unicodeEscape(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * `JSON.stringify(value)` as valid header text: every character past ASCII (and DEL) is
 * written as its `\uXXXX` escape, so the text is printable ASCII whatever the value holds
 * (any Unicode, lone surrogates included, which `JSON.stringify` already escapes). It parses
 * back to the same value as plain `JSON.stringify` would: the escapes are JSON's own.
 */
export function headerSafeJson(value: unknown): string {
  const json = JSON.stringify(value);
  return json.replace(NOT_HEADER_SAFE, unicodeEscape);
}

/**
 * The `x-codex-turn-metadata` value of a turn, serialised once per metadata object: JSON with
 * every non-ASCII character escaped ({@link headerSafeJson}). The same text goes out as the
 * HTTP header and as the WebSocket `client_metadata` entry, so both transports carry the same
 * object whatever Unicode it holds.
 */
export function turnMetadataJson(turn: TurnContext): string {
  if (typeof turn?.turnMetadata !== 'object' || turn.turnMetadata === null) {
    throw new InvalidArgumentError({ path: 'turnContext.turnMetadata', message: 'must be an object with a turn_id' });
  }
  let json = metadataJson.get(turn.turnMetadata);
  if (json === undefined) {
    if (typeof turn.turnMetadata.turn_id !== 'string' || turn.turnMetadata.turn_id.length === 0) {
      throw new InvalidArgumentError({ path: 'turnContext.turnMetadata.turn_id', message: 'must be a non-empty string' });
    }
    json = headerSafeJson(turn.turnMetadata);
    metadataJson.set(turn.turnMetadata, json);
  }
  return json;
}

/**
 * The per-request values of a turn: turn metadata, the sticky-routing token (when the turn has
 * one), web-search eligibility, and the sub-agent label of a sub-agent turn on a shared client. Over HTTP they are request headers; over the WebSocket they
 * are the `client_metadata` of each `response.create` (same keys, same values).
 */
export function buildPerRequestValues(turn: TurnContext, stickyToken: string | null, subagent?: string): Record<string, string> {
  const values: Record<string, string> = { [RequestHeader.TurnMetadata]: turnMetadataJson(turn) };
  if (subagent !== undefined) values[RequestHeader.Subagent] = subagent;
  if (stickyToken !== null) values[RequestHeader.TurnState] = stickyToken;
  if (turn.webSearchEligible !== undefined) values[RequestHeader.WebSearchEligible] = String(turn.webSearchEligible);
  return values;
}
