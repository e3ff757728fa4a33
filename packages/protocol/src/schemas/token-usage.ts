import { z } from 'zod';

/**
 * Token usage of one response, as sent on the terminal event (`response.completed`, and on
 * `response.incomplete`/`response.failed` when the server reports it). All counts are tokens.
 * Detail objects are optional because some servers (and older models) omit them.
 */
export const TokenUsageSchema = z.looseObject({
  /** Tokens of the whole input, including cached ones. */
  input_tokens: z.number(),
  /** Breakdown of the input; `cached_tokens` were served from the prompt cache. */
  input_tokens_details: z.looseObject({ cached_tokens: z.number() }).nullish(),
  /** Tokens generated, including reasoning tokens. */
  output_tokens: z.number(),
  /** Breakdown of the output; `reasoning_tokens` were spent on hidden reasoning. */
  output_tokens_details: z.looseObject({ reasoning_tokens: z.number() }).nullish(),
  /** `input_tokens + output_tokens`. */
  total_tokens: z.number(),
});

/** Token usage of one response (wire shape, snake_case). */
export type TokenUsage = z.infer<typeof TokenUsageSchema>;
