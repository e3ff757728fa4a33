/**
 * Steering in the loopback WebSocket mode (`response.steer`), after the official `openai`
 * types: validation of the client's frame, the server's three answers, the per-response queue
 * of accepted input, the stubs of `response.steer.pending`, and the test script
 * (`server.steering`) that makes every branch reachable without timing.
 */
import { randomBytes } from 'node:crypto';
import { isRecord, type JsonObject } from './request-body.js';

/** Where a held response waits for a steer before it goes on (see {@link SteeringScript.hold}). */
export type SteerHoldPoint = 'after-created' | 'after-first-text-delta' | 'after-first-item' | 'before-completed' | 'after-completed';

/** Steering options of the loopback server. */
export interface SteeringOptions {
  /** Whether a model supports steering (else `steering_not_supported`). Default: every model. */
  readonly supported?: boolean | ((model: string) => boolean);
  /** Accepted, uncommitted steers one response may hold (else `too_many_pending_steers`). Default 8. */
  readonly maxPendingSteers?: number;
}

/**
 * Scripts steering (`server.steering`): holds that make the next responses wait for a steer at
 * a chosen point (so that a test knows exactly where its steer lands), forced failures, and a
 * failing successor creation. Each call arms one use; uses are taken in order.
 */
export class SteeringScript {
  readonly #holds: SteerHoldPoint[] = [];
  readonly #failures: { readonly code: string; readonly message: string }[] = [];
  #successorFailures = 0;
  readonly #supported: (model: string) => boolean;
  readonly maxPendingSteers: number;

  constructor(options: SteeringOptions = {}) {
    const supported = options.supported ?? true;
    this.#supported = typeof supported === 'function' ? supported : () => supported;
    this.maxPendingSteers = options.maxPendingSteers ?? 8;
  }

  /**
   * The next response that starts (a successor too) stops at `point` until a `response.steer`
   * for it arrives (or its socket closes), then goes on with the steer applied:
   * - `after-created`: after `response.created`; the steer then lands at the next item boundary;
   * - `after-first-text-delta`: after the first `response.output_text.delta` (taken by the next
   *   response that streams text, not by the next that starts): a steer sent when the caller
   *   sees the first text lands mid-output;
   * - `after-first-item`: after the first `response.output_item.done` (a boundary: a response
   *   without client-owned tool calls ends there with `response.incomplete`, reason `steered`);
   * - `before-completed`: after the last item, before `response.completed`: the response
   *   completes, then its automatic successor starts (or `response.steer.pending` follows);
   * - `after-completed`: after `response.completed`: the steer arrives too late
   *   (`response_already_completed`).
   */
  hold(point: SteerHoldPoint): void {
    this.#holds.push(point);
  }

  /** The next `response.steer` is refused with `code` (and `message`), whatever its target. */
  failNext(code: string, message = `Steering failed: ${code}.`): void {
    this.#failures.push({ code, message });
  }

  /** The next automatic successor cannot be created: its accepted steers fail with `successor_creation_failed`. */
  failNextSuccessor(): void {
    this.#successorFailures += 1;
  }

  /** @internal */
  supports(model: string): boolean {
    return this.#supported(model);
  }

  /** @internal The hold of a response that starts (any point but `after-first-text-delta`). */
  takeHold(): SteerHoldPoint | undefined {
    const index = this.#holds.findIndex((point) => point !== 'after-first-text-delta');
    return index < 0 ? undefined : this.#holds.splice(index, 1)[0];
  }

  /** @internal Whether an `after-first-text-delta` hold is armed (and takes it). */
  takeTextDeltaHold(): boolean {
    const index = this.#holds.indexOf('after-first-text-delta');
    if (index < 0) return false;
    this.#holds.splice(index, 1);
    return true;
  }

  /** @internal */
  takeFailure(): { readonly code: string; readonly message: string } | undefined {
    return this.#failures.shift();
  }

  /** @internal */
  takeSuccessorFailure(): boolean {
    if (this.#successorFailures === 0) return false;
    this.#successorFailures -= 1;
    return true;
  }
}

/** One accepted steer, queued on its response. */
export interface QueuedSteer {
  readonly id: string;
  readonly input: unknown;
}

/** A response of a connection as steering sees it. */
export class SteerableResponse {
  readonly responseId: string;
  readonly model: string;
  /** The lane of its `response.create` (`undefined` for the default lane). */
  readonly streamId: string | undefined;
  /** `active` while it streams, `completed`, or `ended` (incomplete, failed, superseded). */
  status: 'active' | 'completed' | 'ended' = 'active';
  /** Accepted steers not yet committed. */
  queued: QueuedSteer[] = [];
  /** Where it waits for a steer, if it does. */
  readonly hold: SteerHoldPoint | undefined;
  #wake: (() => void) | null = null;
  #steered = false;
  /** Whether it streamed text yet (for the `after-first-text-delta` hold). */
  streamedText = false;
  #nextSequence = 0;

  constructor(responseId: string, model: string, streamId: string | undefined, hold: SteerHoldPoint | undefined) {
    this.responseId = responseId;
    this.model = model;
    this.streamId = streamId;
    this.hold = hold;
  }

  /** Records the sequence number of an event of this response (steering answers continue it). */
  noteSequence(sequence: unknown): void {
    if (typeof sequence === 'number') this.#nextSequence = sequence + 1;
  }

  /** The next sequence number for a steering answer. */
  nextSequence(): number {
    const sequence = this.#nextSequence;
    this.#nextSequence += 1;
    return sequence;
  }

  /** A steer for it arrived (accepted or not). */
  notify(): void {
    this.#steered = true;
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  /** Resolves once a steer arrived (at once when one already did), or when `closed` resolves. */
  async waitForSteer(closed: Promise<void>): Promise<void> {
    if (this.#steered) return;
    await Promise.race([new Promise<void>((resolve) => (this.#wake = resolve)), closed]);
    this.#wake = null;
  }
}

const STEER_FIELDS = new Set(['type', 'previous_response_id', 'input']);
const MESSAGE_FIELDS = new Set(['type', 'role', 'content']);
const PART_TYPES = new Set(['input_text', 'input_image', 'input_file']);

/** Checks a `response.steer` frame as the API does; returns why it is invalid, or `undefined`. */
export function steerProblem(frame: JsonObject): string | undefined {
  for (const key of Object.keys(frame)) if (!STEER_FIELDS.has(key)) return `Unknown parameter: '${key}'. response.steer accepts only type, previous_response_id and input.`;
  if (typeof frame['previous_response_id'] !== 'string' || frame['previous_response_id'] === '') return 'Missing required parameter: previous_response_id.';
  const input = frame['input'];
  if (typeof input === 'string') return input === '' ? 'input must not be empty.' : undefined;
  if (!Array.isArray(input) || input.length === 0) return 'input must be a string or a non-empty array of user messages.';
  for (const [index, message] of input.entries()) {
    if (!isRecord(message)) return `input[${index}] must be a message.`;
    for (const key of Object.keys(message)) if (!MESSAGE_FIELDS.has(key)) return `input[${index}].${key} is not supported for steering.`;
    if (message['type'] !== undefined && message['type'] !== 'message') return `input[${index}].type must be 'message': tool outputs and other item types are not supported for steering.`;
    if (message['role'] !== 'user') return `input[${index}].role must be 'user'.`;
    const content = message['content'];
    if (typeof content === 'string') {
      if (content === '') return `input[${index}].content must not be empty.`;
      continue;
    }
    if (!Array.isArray(content) || content.length === 0) return `input[${index}].content must be a string or a non-empty array of parts.`;
    for (const [part, value] of content.entries()) {
      if (!isRecord(value) || !PART_TYPES.has(String(value['type']))) return `input[${index}].content[${part}] must be an input_text, input_image or input_file part.`;
    }
  }
  return undefined;
}

/** The input items a steering input becomes (user messages), as the model sees them. */
export function steerInputItems(input: unknown): JsonObject[] {
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  if (!Array.isArray(input)) return [];
  return input.filter(isRecord).map((message) => ({
    type: 'message',
    role: 'user',
    content: typeof message['content'] === 'string' ? [{ type: 'input_text', text: message['content'] }] : message['content'],
  }));
}

/** Stubs of the client-owned tool results and approvals `output` waits for (`required_input`). */
export function requiredInputOf(output: readonly JsonObject[]): JsonObject[] {
  const stubs: JsonObject[] = [];
  for (const item of output) {
    const callId = item['call_id'];
    switch (item['type']) {
      case 'function_call':
        stubs.push({ type: 'function_call_output', call_id: callId, name: item['name'] });
        break;
      case 'custom_tool_call':
        stubs.push({ type: 'custom_tool_call_output', call_id: callId });
        break;
      case 'computer_call':
        stubs.push({ type: 'computer_call_output', call_id: callId });
        break;
      case 'shell_call':
        stubs.push({ type: 'shell_call_output', call_id: callId });
        break;
      case 'apply_patch_call':
        stubs.push({ type: 'apply_patch_call_output', call_id: callId });
        break;
      case 'tool_search_call':
        if (item['execution'] === 'client') stubs.push({ type: 'tool_search_output', call_id: callId, execution: 'client' });
        break;
      case 'mcp_approval_request':
        stubs.push({ type: 'mcp_approval_response', approval_request_id: item['id'] });
        break;
    }
  }
  return stubs;
}

/** A new steering id (`steer_` and 32 hex digits, as the API's). */
export function newSteerId(): string {
  return `steer_${randomBytes(16).toString('hex')}`;
}

function withLane(event: JsonObject, streamId: string | undefined): JsonObject {
  return streamId === undefined ? event : { ...event, stream_id: streamId };
}

/** `response.steer.accepted`. */
export function steerAccepted(response: SteerableResponse, id: string): JsonObject {
  return withLane({ type: 'response.steer.accepted', sequence_number: response.nextSequence(), steer: { id, previous_response_id: response.responseId } }, response.streamId);
}

/** `response.steer.pending` for one steer queued on a completed response waiting for `required`. */
export function steerPending(response: SteerableResponse, id: string, required: readonly JsonObject[]): JsonObject {
  return withLane(
    {
      type: 'response.steer.pending',
      sequence_number: response.nextSequence(),
      reason: 'waiting_for_required_input',
      required_input: required,
      steer: { id, previous_response_id: response.responseId },
    },
    response.streamId,
  );
}

/**
 * `response.steer.failed`: the input handed back (with the steer id only when one was
 * allocated); on the target's lane when the target is known.
 */
export function steerFailed(code: string, message: string, steer: { readonly id?: string; readonly previousResponseId: unknown; readonly input: unknown }, response: SteerableResponse | undefined): JsonObject {
  const event: JsonObject = {
    type: 'response.steer.failed',
    sequence_number: response?.nextSequence() ?? 0,
    error: { type: 'invalid_request_error', code, message },
    steer: { ...(steer.id === undefined ? {} : { id: steer.id }), previous_response_id: typeof steer.previousResponseId === 'string' ? steer.previousResponseId : '', input: steer.input ?? null },
  };
  return withLane(event, response?.streamId);
}
