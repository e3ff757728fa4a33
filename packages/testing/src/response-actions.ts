/**
 * Applies a request fault to a planned response, giving the list of actions a transport
 * (SSE writer or WebSocket session) carries out in order.
 */
import { buildErrorEvent } from './error-payloads.js';
import type { Fault, LateTiming, NoiseKind } from './faults.js';
import type { JsonObject } from './request-body.js';
import type { ResponsePlan } from './response-plan.js';

/** One step of sending a response. */
export type ResponseAction =
  /** One event; with `burst`, the next action follows without waiting for it to be written. */
  | { readonly type: 'event'; readonly event: JsonObject; readonly paced: boolean; readonly burst?: boolean }
  /** Frames of this response sent late (after its end), at `at`. */
  | { readonly type: 'late'; readonly events: readonly JsonObject[]; readonly at: LateTiming }
  /** Unsolicited frames pushed once the socket sat idle (WebSocket only). */
  | { readonly type: 'flood'; readonly frames: number; readonly frameBytes: number; readonly afterMs: number }
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
  | { readonly type: 'half-open' }
  /** Only noise every `everyMs`, for `forMs` (then the next action), or until the connection closes. */
  | { readonly type: 'noise'; readonly noise: NoiseKind; readonly everyMs: number; readonly forMs: number | undefined };

const DEFAULT_OVERSIZED_BYTES = 16 * 1024 * 1024 + 1;

/** The terminal event as an action, followed by its late tail when one is asked for. */
function withLateTail(terminal: JsonObject, tail: readonly JsonObject[], at: LateTiming | undefined): ResponseAction[] {
  if (at === undefined) return [{ type: 'event', event: terminal, paced: false }];
  return [
    { type: 'event', event: terminal, paced: false, burst: at === 'burst' },
    { type: 'late', events: tail, at },
  ];
}

/** The last `response.output_item.done` among `actions`, as a one-element list (empty when none). */
function lastItemDone(actions: readonly ResponseAction[]): JsonObject[] {
  for (let index = actions.length - 1; index >= 0; index -= 1) {
    const action = actions[index];
    if (action?.type === 'event' && action.event['type'] === 'response.output_item.done') return [action.event];
  }
  return [];
}

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
        { code: fault.code, message: fault.message, status: fault.status, headers: fault.headers, shape: fault.shape, statusField: fault.statusField, extra: fault.errorFields },
        includeStatus,
      );
      const error = { ...event, sequence_number: nextSequence(before.length) };
      const failedResponse = { ...plan.snapshot, status: 'failed', error: { code: fault.code, message: String(event['message'] ?? (event['error'] as JsonObject | undefined)?.['message'] ?? '') } };
      const failed = { type: 'response.failed', response: failedResponse, sequence_number: nextSequence(before.length + 1) };
      return [...before, ...withLateTail(error, [failed], fault.trailingFailed)];
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
      return [...before, ...withLateTail(event, [...lastItemDone(before), event], fault.staleTail)];
    }
    case 'failed': {
      const before = cut(fault.afterEvents, 2);
      const error = { code: fault.code ?? 'server_error', message: fault.message ?? 'The model failed to produce a response.' };
      const response = { ...plan.snapshot, status: 'failed', error };
      const event = { type: 'response.failed', response, sequence_number: nextSequence(before.length) };
      return [...before, ...withLateTail(event, [...lastItemDone(before), event], fault.staleTail)];
    }
    case 'stale-tail': {
      const body = all.slice(0, -1);
      const terminal = plan.events.at(-1)?.event;
      if (terminal === undefined) return all;
      return [...body, ...withLateTail(terminal, [...lastItemDone(body), terminal], fault.at ?? 'burst')];
    }
    case 'close-after-terminal': {
      const body = all.slice(0, -1);
      const terminal = plan.events.at(-1)?.event;
      if (terminal === undefined) return all;
      return [...body, { type: 'event', event: terminal, paced: false, burst: true }, { type: 'close', code: fault.code ?? 1000, reason: 'closing after the response' }];
    }
    case 'inject': {
      const actions: ResponseAction[] = [];
      all.forEach((action, position) => {
        for (const frame of fault.frames) {
          if (frame.afterEvents === position) actions.push({ type: 'late', events: [frame.event], at: 'burst' });
        }
        const isLast = position === all.length - 1;
        const burstAfter = isLast && fault.frames.some((frame) => frame.afterEvents >= all.length && (frame.at ?? 'burst') === 'burst');
        actions.push(burstAfter && action.type === 'event' ? { ...action, burst: true } : action);
      });
      for (const frame of fault.frames) {
        if (frame.afterEvents >= all.length) actions.push({ type: 'late', events: [frame.event], at: frame.at ?? 'burst' });
      }
      return actions;
    }
    case 'noise': {
      const before = cut(fault.afterEvents, 2);
      const noise: ResponseAction = { type: 'noise', noise: fault.noise, everyMs: fault.everyMs ?? 20, forMs: fault.forMs };
      return fault.forMs === undefined ? [...before, noise] : [...before, noise, ...all.slice(before.length)];
    }
    case 'idle-flood':
      return [...all, { type: 'flood', frames: fault.frames ?? 1000, frameBytes: fault.frameBytes ?? 1024 * 1024, afterMs: fault.afterMs ?? 20 }];
    default:
      return all;
  }
}

/** The text of one piece of noise that travels as an event (`undefined` for SSE comments and pings). */
export function noiseEvent(noise: NoiseKind): JsonObject | undefined {
  if (noise === 'unknown-event') return { type: 'noise.unknown', note: 'an event of a type no client knows' };
  if (noise === 'keepalive') return { type: 'keepalive' };
  return undefined;
}

const TERMINAL_TYPES: ReadonlySet<unknown> = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/** Whether a planned event ends its response (`error` included). */
export function isTerminal(event: JsonObject): boolean {
  return TERMINAL_TYPES.has(event['type']);
}

/** Whether a planned event is the successful terminal event. */
export function isCompleted(event: JsonObject): boolean {
  return event['type'] === 'response.completed';
}
