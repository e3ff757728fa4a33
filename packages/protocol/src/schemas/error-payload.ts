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
 * An `error` stream event, in any of the shapes servers send:
 * - nested (observed on SSE and WebSocket): `{type:"error", status?, error:{type, code, message, param, headers?}}`;
 * - wrapped (Codex backend, WebSocket): `{type:"error", status | status_code, error:{…}, headers:{…}}`,
 *   the response headers at the top level;
 * - flat (as the spec shows it): `{type:"error", code, message, param}`.
 * A WebSocket `status` (or `status_code`) means the same as that HTTP status. Read
 * `event.error?.x ?? event.x` (see `errorDetailsOf`) and the headers with `errorHeadersOf`.
 */
export const ErrorEventSchema = z.looseObject({
  type: z.literal('error'),
  /** WebSocket only: the HTTP status this error stands for. */
  status: z.number().nullish(),
  /** The same as `status`, under the name some servers use (`status` wins when both are sent). */
  status_code: z.number().nullish(),
  /** Response headers sent with the error at the top level (Codex backend; the SDK puts them in `error.headers`). */
  headers: z.record(z.string(), z.unknown()).nullish(),
  error: ErrorDetailsSchema.nullish(),
  code: z.string().nullish(),
  message: z.string().nullish(),
  param: z.string().nullish(),
  sequence_number: z.number().optional(),
});
/** An `error` stream event (either shape). */
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;

function flatNumber(event: ErrorEvent, key: string): number | null {
  const value = (event as Record<string, unknown>)[key];
  return typeof value === 'number' ? value : null;
}

function flatString(event: ErrorEvent, key: string): string | null {
  const value = (event as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
}

/**
 * The error details of an `error` event whatever its shape (nested fields win over flat ones;
 * the flat shape's `type` is the event's own, so it has no error type).
 */
export function errorDetailsOf(event: ErrorEvent): ErrorDetails {
  const nested = event.error;
  return {
    ...nested,
    type: nested?.type ?? null,
    code: nested?.code ?? event.code ?? null,
    message: nested?.message ?? event.message ?? null,
    param: nested?.param ?? event.param ?? null,
    resets_at: nested?.resets_at ?? flatNumber(event, 'resets_at'),
    resets_in_seconds: nested?.resets_in_seconds ?? flatNumber(event, 'resets_in_seconds'),
    plan_type: nested?.plan_type ?? flatString(event, 'plan_type'),
  };
}

/** The HTTP status an `error` event stands for: `status`, else `status_code`; `undefined` when neither is a number. */
export function errorStatusOf(event: ErrorEvent): number | undefined {
  const status = event.status ?? event.status_code;
  return typeof status === 'number' ? status : undefined;
}

function headerRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length > 0 ? (value as Record<string, unknown>) : undefined;
}

/**
 * The response headers an `error` event carries, wherever the server put them: the top-level
 * `headers` (Codex backend) and `error.headers` (the SDK's shape), merged, `error.headers`
 * winning for a name in both. `undefined` when the event carries none.
 */
export function errorHeadersOf(event: ErrorEvent): Readonly<Record<string, unknown>> | undefined {
  const topLevel = headerRecord(event.headers);
  const nested = headerRecord(event.error?.headers);
  if (topLevel === undefined) return nested;
  if (nested === undefined) return topLevel;
  return { ...topLevel, ...nested };
}
