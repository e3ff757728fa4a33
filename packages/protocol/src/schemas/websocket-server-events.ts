import { z } from 'zod';

// Server events that only the WebSocket path (Codex backend) sends, besides the ordinary
// Responses stream events.

function metadataEvent<T extends string>(type: T) {
  return z.looseObject({
    type: z.literal(type),
    sequence_number: z.number().optional(),
    headers: z.record(z.string(), z.unknown()),
  });
}

/**
 * `response.metadata`: response headers delivered in-band on the WebSocket, for example
 * `x-codex-turn-state` (the sticky-routing token), `openai-model`, `x-models-etag`. Values are
 * usually strings (numbers and booleans are read as their text); anything else is ignored by
 * the helpers.
 */
export const ResponseMetadataEventSchema = metadataEvent('response.metadata');

/**
 * `codex.response.metadata`: the same in-band headers under the name newer Codex backends use
 * (the request-scoped `x-codex-turn-state`, `x-models-etag`). Read exactly like
 * `response.metadata`.
 */
export const CodexResponseMetadataEventSchema = metadataEvent('codex.response.metadata');

/** One rate-limit window in a `codex.rate_limits` event. */
export const CodexRateLimitWindowSchema = z.looseObject({
  /** Used share of the window, in percent (0–100). */
  used_percent: z.number(),
  /** Window length in minutes. */
  window_minutes: z.number().nullish(),
  /** Reset time in Unix epoch seconds. */
  reset_at: z.number().nullish(),
  /** Seconds until reset (alternative to `reset_at`). */
  reset_after_seconds: z.number().nullish(),
});

/** Credits in a `codex.rate_limits` event. */
export const CodexCreditsSchema = z.looseObject({
  has_credits: z.boolean(),
  unlimited: z.boolean(),
  /** Balance as the server formats it (for example `"12.50"`). */
  balance: z.union([z.string(), z.number()]).nullish(),
});

/** `codex.rate_limits`: the rate-limit snapshot that HTTP delivers as `x-codex-*` headers. */
export const CodexRateLimitsEventSchema = z.looseObject({
  type: z.literal('codex.rate_limits'),
  sequence_number: z.number().optional(),
  plan_type: z.string().nullish(),
  rate_limits: z
    .looseObject({
      allowed: z.boolean().nullish(),
      limit_reached: z.boolean().nullish(),
      primary: CodexRateLimitWindowSchema.nullish(),
      secondary: CodexRateLimitWindowSchema.nullish(),
    })
    .nullish(),
  credits: CodexCreditsSchema.nullish(),
});

/**
 * `responsesapi.websocket_timing`: server-side timing figures, sent only when the handshake
 * carried `x-responsesapi-include-timing-metrics: true`. Its fields are not specified publicly;
 * they are kept as sent.
 */
export const WebSocketTimingEventSchema = z.looseObject({
  type: z.literal('responsesapi.websocket_timing'),
  sequence_number: z.number().optional(),
});
