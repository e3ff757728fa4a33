import { z } from 'zod';
import { ResponseItemSchema } from './response-item.js';
import { TokenUsageSchema } from './token-usage.js';

/**
 * The `response` object carried by lifecycle events (`response.created`, `.in_progress`,
 * `.queued`, `.completed`, `.incomplete`, `.failed`). Loose: fields not modelled here are kept.
 */
export const ResponseSnapshotSchema = z.looseObject({
  /** Response id (`resp_…`); the base for `previous_response_id`. */
  id: z.string(),
  object: z.string().optional(),
  /** Unix epoch seconds. */
  created_at: z.number().optional(),
  /** `queued` | `in_progress` | `completed` | `incomplete` | `failed` | `cancelled`. */
  status: z.string().nullish(),
  /** The model that served the response. */
  model: z.string().optional(),
  /** Output items so far (complete on `response.completed`). */
  output: z.array(ResponseItemSchema).optional(),
  /** `null` until the terminal event. */
  usage: TokenUsageSchema.nullish(),
  /** Set on `response.failed`. */
  error: z.looseObject({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
  /** Set on `response.incomplete`; `reason` is `max_output_tokens`, `content_filter`, … */
  incomplete_details: z.looseObject({ reason: z.string().nullish() }).nullish(),
});
/** The `response` object of a lifecycle event. */
export type ResponseSnapshot = z.infer<typeof ResponseSnapshotSchema>;
