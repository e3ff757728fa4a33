import type { CompactionMethod } from '@modelwire/client';
import type { HostedToolKind, HostedToolStatus, OutputTextAnnotation, ToolInputKind } from '@modelwire/protocol';
import type { TurnResult } from '../turn/turn-result.js';
import type { ToolOutputContent } from '../tools/tool-output.js';

/** What kind of tool call a model made (the output item type that carried it). */
export type ToolCallKind = 'function' | 'custom' | 'local_shell';

/**
 * Why the history was compacted: `auto` when the usage crossed the threshold inside a turn,
 * `manual` for `session.compact()`.
 */
export type CompactionTrigger = 'manual' | 'auto';

/**
 * What a running turn reports to its caller, in order, discriminated by `type`. Every event
 * carries the `turnId` of its turn (the `turn_id` of the turn metadata); deltas carry the
 * `itemId` of the output item they belong to and the `delta` text; tool events carry the
 * `callId` the output is paired with.
 *
 * Deltas are forwarded as they arrive. When a stream fails and is retried, a `retrying` event
 * follows: everything streamed since the previous request started (text, reasoning, tool
 * input) belonged to the failed attempt and is **discarded**; nothing of it was committed, and
 * the retry streams the answer again from its start.
 */
export type SessionEvent =
  /** The turn started (its user input is committed to the history). */
  | { readonly type: 'turn_started'; readonly turnId: string }
  /** A piece of assistant text. */
  | { readonly type: 'text_delta'; readonly turnId: string; readonly itemId: string; readonly delta: string }
  /**
   * A piece of reasoning: `summary` for the reasoning summary (what a UI shows), `content` for
   * raw reasoning text (only some models stream it).
   */
  | { readonly type: 'reasoning_delta'; readonly turnId: string; readonly itemId: string; readonly kind: 'summary' | 'content'; readonly delta: string }
  /**
   * A piece of a refusal: the model declines, in a `refusal` content part instead of text. The
   * committed message holds the whole refusal.
   */
  | { readonly type: 'refusal_delta'; readonly turnId: string; readonly itemId: string; readonly delta: string }
  /**
   * A citation or file path attached to the assistant text while it streams (web search, file
   * search, code interpreter files). `annotationIndex` counts the text part's annotations;
   * `annotation` is as the server sent it (see `OutputTextAnnotation`; compatible servers may
   * leave fields out). The committed message carries every annotation too.
   */
  | {
      readonly type: 'text_annotation';
      readonly turnId: string;
      readonly itemId: string;
      readonly contentIndex: number;
      readonly annotationIndex: number;
      readonly annotation: OutputTextAnnotation;
    }
  /**
   * A piece of a tool call's input while the model writes it: a function call's JSON arguments,
   * a custom tool's input, an MCP call's arguments, the code a code interpreter will run, an
   * `apply_patch` diff. `tool_call_started` follows, for client-side tools, once the call is
   * committed.
   */
  | { readonly type: 'tool_input_delta'; readonly turnId: string; readonly itemId: string; readonly toolKind: ToolInputKind; readonly delta: string }
  /**
   * A built-in tool that the server runs (web search, file search, code interpreter, image
   * generation, an MCP call or tool listing, server-side compaction) made progress. Its result
   * is the output item the turn commits.
   */
  | { readonly type: 'hosted_tool_progress'; readonly turnId: string; readonly itemId: string; readonly tool: HostedToolKind; readonly status: HostedToolStatus }
  /**
   * A preview of an image the image generation tool is producing: base64 data in
   * `outputFormat` (`png` when the server names none). `index` counts the previews from 0; the
   * final image is in the committed `image_generation_call` item.
   */
  | { readonly type: 'image_partial'; readonly turnId: string; readonly itemId: string; readonly index: number; readonly imageBase64: string; readonly outputFormat: string }
  /** The model's tool call is committed and its handler starts. */
  | {
      readonly type: 'tool_call_started';
      readonly turnId: string;
      readonly callId: string;
      /** The tool name (`local_shell` for local shell calls). */
      readonly name: string;
      readonly kind: ToolCallKind;
      /** The call's raw input: JSON arguments, custom tool input, or the shell action as JSON. */
      readonly input: string;
    }
  /** A tool call finished; `output` (and `content`, for content outputs) is what the model will see. */
  | {
      readonly type: 'tool_call_finished';
      readonly turnId: string;
      readonly callId: string;
      readonly name: string;
      readonly kind: ToolCallKind;
      /**
       * The output as text: the text itself, or for content parts their text with `[image]` and
       * `[file <name>]` in place of images and files.
       */
      readonly output: string;
      /** The content parts the model gets, when the handler returned parts instead of text. */
      readonly content?: readonly ToolOutputContent[];
      /**
       * `false` when the handler threw, timed out, was aborted, the arguments were invalid or
       * the tool is unknown (the output then explains the failure to the model).
       */
      readonly success: boolean;
    }
  /**
   * A response that had started failed with a retryable error; what its attempt streamed is
   * discarded (`discardedItems`, `discardedDeltas`: both 0 when nothing reached the caller) and
   * the request is sent again after `delayMs`. Failures before a response started are retried
   * by the client within the same budget without this event (telemetry records them).
   */
  | {
      readonly type: 'retrying';
      readonly turnId: string;
      /**
       * The request's count of failed attempts on the current transport, those before the
       * response started included (one counter per request): 1 for the first.
       */
      readonly attempt: number;
      /** The limit of that count for failures after the response started (`provider.streamMaxRetries`). */
      readonly max: number;
      /** What failed: the failure's message (redacted; a connection failure names scheme, host, path and transport). */
      readonly reason: string;
      /** The failure's stable code. */
      readonly code: string;
      /** The transport the failed attempt used. */
      readonly transport: 'websocket' | 'http';
      /** Wait before the retry, in milliseconds (the server's hint, else backoff). */
      readonly delayMs: number;
      /** Output items the failed attempt had finished before it broke; none were committed. */
      readonly discardedItems: number;
      /** Text and reasoning deltas of the failed attempt the caller had received (`text_delta`, `reasoning_delta`). */
      readonly discardedDeltas: number;
    }
  /**
   * The network is down (a connection failure: nothing reached the server) and the request
   * waits `delayMs` before trying again, under the client's opt-in waiting-for-network policy
   * (`client.waitForNetwork`): 5 s, 10 s, 20 s, 40 s, then every 60 s, without spending the
   * retry budget, until the network is back, the turn is aborted, or the request's deadline
   * would pass. Nothing was streamed, so nothing is discarded.
   */
  | {
      readonly type: 'waiting_for_network';
      readonly turnId: string;
      /** 1 for the first wait of this request, 2 for the next, … */
      readonly attempt: number;
      /** Wait before the next attempt, in milliseconds. */
      readonly delayMs: number;
      /** The transport whose connection failed. */
      readonly transport: 'websocket' | 'http';
      /** The connection failure's message (names scheme, host, path and transport). */
      readonly reason: string;
      /** `connect_failed` or `connect_timeout`. */
      readonly code: string;
    }
  /**
   * The session switched from the WebSocket to HTTP for good (emitted once per session, by
   * the turn during which it happened). When it follows a failed stream (the WebSocket retry
   * budget ran out), it also means what that attempt streamed is discarded, like `retrying`:
   * the request is sent again over HTTP at once. `remembered: true`: the session started on
   * HTTP because the process remembered that the WebSocket could not be opened on this network
   * path (the client's `WebSocketOutcomeCache`; `reason` is the recording session's); emitted
   * by the first turn, and nothing was dialed.
   */
  | { readonly type: 'transport_fallback'; readonly turnId: string; readonly reason: string; readonly remembered?: true }
  /**
   * The history was compacted and replaced by the server's window during the turn (automatic
   * compaction; `session.compact()` reports through its own promise instead).
   */
  | {
      readonly type: 'compaction';
      readonly turnId: string;
      readonly trigger: CompactionTrigger;
      /** Items in the history before. */
      readonly itemsBefore: number;
      /** Items in the new window. */
      readonly itemsAfter: number;
      /** The compaction path: `v2` (a streamed request ending with `compaction_trigger`) or `legacy` (`/responses/compact`). */
      readonly method: CompactionMethod | null;
    }
  /**
   * `session.steer()` input was accepted by the server for the running response
   * (`response.steer.accepted`): the server owns it; it is not yet in the history.
   */
  | { readonly type: 'steer_accepted'; readonly turnId: string; readonly steerId: string }
  /**
   * `session.steer()` input entered the history: at its commit point on the WebSocket
   * (`via: 'websocket'`, `responseId` the response whose creation committed it), or right
   * before the request that carries it (`via: 'next_request'`, `responseId` null), or as the
   * input of the next turn when the turn ended first (`via: 'next_turn'`, on that turn's
   * events, `turnId` that turn's, once its input is committed).
   */
  | { readonly type: 'steer_committed'; readonly turnId: string; readonly via: 'websocket' | 'next_request' | 'next_turn'; readonly responseId: string | null }
  /**
   * Steering the running response did not work: `code` is the server's
   * `response.steer.failed` code, or why steering was unavailable or its outcome unknown
   * (`http`, `request_ended`, `connection_lost`, …). With `requeued` the input goes out with the
   * turn's next request (or starts the next turn); without it (`invalid_input`) it was dropped.
   */
  | { readonly type: 'steer_failed'; readonly turnId: string; readonly code: string; readonly requeued: boolean }
  /** The turn ended normally (the model answered without tool calls). Always the last event. */
  | { readonly type: 'turn_completed'; readonly turnId: string; readonly result: TurnResult }
  /**
   * The turn ended with an error (fatal error, exhausted retries, interrupt, close). Always the
   * last event. The history keeps everything committed before the failure. `error` is a
   * `ModelwireError` (stable `code`) for every failure of the library: the client's typed
   * `ResponseError`s, transport errors, `TurnInterruptedError`; only an exception thrown by
   * injected code (a telemetry factory) arrives as it was thrown.
   */
  | { readonly type: 'turn_failed'; readonly turnId: string; readonly error: Error };

/** The `type` of a {@link SessionEvent}. */
export type SessionEventType = SessionEvent['type'];
