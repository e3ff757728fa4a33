import { z } from 'zod';

/**
 * The `error` object the API returns: `{type, code, message, param}`. Every field may be null
 * or absent in practice. Compare on `code` (and `type`), never on `message`.
 */
export const ErrorDetailsSchema = z.looseObject({
  type: z.string().nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
  param: z.string().nullish(),
  /** Response headers the WebSocket server forwards with an error (for example `x-codex-*` rate limits). */
  headers: z.record(z.string(), z.unknown()).nullish(),
  /** `usage_limit_reached`: when the limit resets, in Unix epoch seconds. */
  resets_at: z.number().nullish(),
  /** `usage_limit_reached`: seconds until the limit resets. */
  resets_in_seconds: z.number().nullish(),
  /** `usage_limit_reached`: the account's plan. */
  plan_type: z.string().nullish(),
});
/** The `error` object of an error payload. */
export type ErrorDetails = z.infer<typeof ErrorDetailsSchema>;

/** The JSON body of a non-2xx HTTP response: `{"error": {...}}`. */
export const HttpErrorBodySchema = z.looseObject({ error: ErrorDetailsSchema });
/** The JSON body of a non-2xx HTTP response. */
export type HttpErrorBody = z.infer<typeof HttpErrorBodySchema>;

/**
 * An `error` stream event, in either shape:
 * - nested (observed on SSE and WebSocket): `{type:"error", status?, error:{type, code, message, param, headers?}}`;
 * - flat (as the spec shows it): `{type:"error", code, message, param}`.
 * A WebSocket `status` means the same as that HTTP status. Read `event.error?.x ?? event.x`
 * (see `errorDetailsOf`).
 */
export const ErrorEventSchema = z.looseObject({
  type: z.literal('error'),
  /** WebSocket only: the HTTP status this error stands for. */
  status: z.number().nullish(),
  error: ErrorDetailsSchema.nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
  param: z.string().nullish(),
  sequence_number: z.number().optional(),
});
/** An `error` stream event (either shape). */
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;

/** The error details of an `error` event whatever its shape (nested fields win over flat ones). */
export function errorDetailsOf(event: ErrorEvent): ErrorDetails {
  const nested = event.error;
  return {
    ...nested,
    type: nested?.type ?? null,
    code: nested?.code ?? event.code ?? null,
    message: nested?.message ?? event.message ?? null,
    param: nested?.param ?? event.param ?? null,
  };
}
