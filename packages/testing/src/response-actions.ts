/**
 * Applies a request fault to a planned response, giving the list of actions a transport
 * (SSE writer or WebSocket session) carries out in order.
 */
import { buildErrorEvent } from './error-payloads.js';
import type { Fault } from './faults.js';
import type { JsonObject } from './request-body.js';
import type { ResponsePlan } from './response-plan.js';

/** One step of sending a response. */
export type ResponseAction =
  | { readonly type: 'event'; readonly event: JsonObject; readonly paced: boolean }
  /** Text that is not valid JSON (a malformed frame or SSE `data:`). */
  | { readonly type: 'raw'; readonly data: string }
  /** An event sent as a binary WebSocket frame. */
  | { readonly type: 'binary'; readonly event: JsonObject }
  /** Close the connection (WebSocket close code, or abrupt when undefined; HTTP: destroy). */
  | { readonly type: 'close'; readonly code: number | undefined; readonly reason: string }
  /** Stop sending; keep the connection open. */
  | { readonly type: 'stall' }
  /** Stop sending this response; HTTP ends the body, WebSocket frees the lane. */
  | { readonly type: 'end' }
  /** The WebSocket becomes half-open (no pongs, no frames either way). */
  | { readonly type: 'half-open' };

const DEFAULT_OVERSIZED_BYTES = 16 * 1024 * 1024 + 1;

function oversized(bytes: number): string {
  const head = '{"type":"response.output_text.delta","delta":"';
  const tail = '"}';
  return head + 'x'.repeat(Math.max(0, bytes - head.length - tail.length)) + tail;
}

/**
 * Returns the actions for `plan` under `fault` (undefined, or a fault that does not act on the
 * event stream: the normal response). `includeStatus` adds `status` to nested error frames
 * (the WebSocket form).
 */
export function actionsFor(plan: ResponsePlan, fault: Fault | undefined, includeStatus: boolean): ResponseAction[] {
  const all: ResponseAction[] = plan.events.map((planned) => ({ type: 'event', event: planned.event, paced: planned.paced }));
  if (!fault) return all;
  const cut = (afterEvents: number | undefined, fallback: number): ResponseAction[] =>
    all.slice(0, Math.max(0, Math.min(afterEvents ?? fallback, plan.events.length)));
  const nextSequence = (count: number): number => count;
  switch (fault.kind) {
    case 'close': {
      return [...cut(fault.afterEvents, 0), { type: 'close', code: fault.code, reason: fault.reason ?? '' }];
    }
    case 'malformed-json': {
      const before = cut(fault.afterEvents, 0);
      const bad: ResponseAction = { type: 'raw', data: '{"type":"response.output_text.delta","delta":"unterminated' };
      return fault.thenContinue ? [...before, bad, ...all.slice(before.length)] : [...before, bad, { type: 'end' }];
    }
    case 'oversized-frame': {
      const before = cut(fault.afterEvents, 0);
      return [...before, { type: 'raw', data: oversized(fault.bytes ?? DEFAULT_OVERSIZED_BYTES) }, ...all.slice(before.length)];
    }
    case 'binary-frame': {
      const before = cut(fault.afterEvents, 0);
      const target = plan.events[before.length];
      if (!target) return all;
      return [...before, { type: 'binary', event: target.event }, ...all.slice(before.length + 1)];
    }
    case 'error': {
      const before = cut(fault.afterEvents, 0);
      const event = buildErrorEvent(
        { code: fault.code, message: fault.message, status: fault.status, headers: fault.headers, shape: fault.shape },
        includeStatus,
      );
      return [...before, { type: 'event', event: { ...event, sequence_number: nextSequence(before.length) }, paced: false }];
    }
    case 'stall':
      return [...cut(fault.afterEvents, 0), { type: 'stall' }];
    case 'half-open':
      return [...cut(fault.afterEvents, 0), { type: 'half-open' }];
    case 'end-without-terminal':
      return [...cut(fault.afterEvents, 2), { type: 'end' }];
    case 'incomplete': {
      const before = cut(fault.afterEvents, 2);
      const response = {
        ...plan.snapshot,
        status: 'incomplete',
        incomplete_details: { reason: fault.reason ?? 'max_output_tokens' },
      };
      const event = { type: 'response.incomplete', response, sequence_number: nextSequence(before.length) };
      return [...before, { type: 'event', event, paced: false }];
    }
    case 'failed': {
      const before = cut(fault.afterEvents, 2);
      const error = { code: fault.code ?? 'server_error', message: fault.message ?? 'The model failed to produce a response.' };
      const response = { ...plan.snapshot, status: 'failed', error };
      const event = { type: 'response.failed', response, sequence_number: nextSequence(before.length) };
      return [...before, { type: 'event', event, paced: false }];
    }
    default:
      return all;
  }
}

/** Whether a planned event is the successful terminal event. */
export function isCompleted(event: JsonObject): boolean {
  return event['type'] === 'response.completed';
}
