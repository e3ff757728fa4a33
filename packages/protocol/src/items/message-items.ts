import type { InputContent, OutputMessageContent } from './content-parts.js';

/** Lifecycle state the server reports on an item. */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** Who speaks in a message. `assistant` input messages give earlier answers back as history. */
export type MessageRole = 'user' | 'assistant' | 'system' | 'developer';

/**
 * Phase of an assistant message on models that report one: `commentary` (progress notes
 * between tool calls) or `final_answer`. Give it back unchanged with the message.
 */
export type MessagePhase = 'commentary' | 'final_answer';

/**
 * The API's easy input message: `role` and `content` (a string, or content parts), `type`
 * optional. What most SDKs send for a user turn.
 */
export interface EasyInputMessage {
  readonly type?: 'message';
  readonly role: MessageRole;
  readonly content: string | InputContent[];
  readonly phase?: MessagePhase | null;
}

/** An input message in the explicit form: a role other than `assistant` and content parts. */
export interface InputMessage {
  readonly type?: 'message';
  readonly role: 'user' | 'system' | 'developer';
  readonly content: InputContent[];
  readonly status?: ItemStatus;
}

/**
 * A message with its `type` spelled out: what the client sends for an easy input message (and
 * for a string input) and what it keeps in history. `id` and `status` are set on messages the
 * server lists back.
 */
export interface MessageItem extends EasyInputMessage {
  readonly type: 'message';
  readonly id?: string;
  readonly status?: ItemStatus;
}

/** A message the model produced (`role: "assistant"`, id `msg_…`). Goes back unchanged as input. */
export interface OutputMessageItem {
  readonly type: 'message';
  readonly id: string;
  readonly role: 'assistant';
  readonly content: OutputMessageContent[];
  readonly status: ItemStatus;
  readonly phase?: MessagePhase | null;
}
