// The decoder as its schemas define it: JSON.parse, then zod's `safeParse` of the event's schema,
// with no fast path. Tests compare `decodeEvent` (hand-written and compiled checks, table
// dispatch) with it: the fast path must accept exactly what zod accepts, return the same event
// and report the same field when it rejects.
import { STREAM_EVENT_SCHEMAS, UNKNOWN_EVENT_TYPE, type StreamEvent } from '../schemas/stream-events.js';

/** What the reference decoder gives: the event zod returns, or the first issue zod reports. */
export type ReferenceResult = { readonly ok: true; readonly event: StreamEvent } | { readonly ok: false; readonly message: string };

const SCHEMAS = STREAM_EVENT_SCHEMAS as unknown as Record<string, { safeParse(value: unknown): { success: true; data: unknown } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } } }>;

/** Decodes `input` (JSON text or a parsed value) through zod alone; `ok: false` messages read `type: path: issue` as `decodeEvent` reports them. */
export function decodeWithZod(input: unknown): ReferenceResult {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch {
      return { ok: false, message: 'invalid JSON' };
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, message: 'not an event object' };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, message: 'no string type' };
  const schema = Object.hasOwn(SCHEMAS, type) ? SCHEMAS[type] : undefined;
  if (schema === undefined) return { ok: true, event: { type: UNKNOWN_EVENT_TYPE, originalType: type, payload: value as Record<string, unknown> } };
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data as StreamEvent };
  const issue = parsed.error.issues[0];
  if (issue === undefined) return { ok: false, message: `${type}: does not match its schema` };
  return { ok: false, message: `${type}: ${issue.path.length > 0 ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}` };
}
