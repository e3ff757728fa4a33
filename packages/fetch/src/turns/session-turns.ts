import type { ModelClient, ModelClientSession, ResponseInputItem, ResponseItem, TurnMetadata } from '@modelwire/client';
import { fieldsOf, itemsMatch } from './item-match.js';

/** Default {@link SessionTurnsOptions.turnIdleMs}: 10 minutes. */
export const DEFAULT_TURN_IDLE_MS = 10 * 60 * 1000;
/** Default {@link SessionTurnsOptions.maxConversations}. */
export const DEFAULT_MAX_CONVERSATIONS = 16;

/** Options of {@link SessionTurns}. */
export interface SessionTurnsOptions {
  /**
   * A request that comes more than this many milliseconds after the previous response of its
   * conversation ended starts a new turn, even in the middle of a tool loop. Default
   * {@link DEFAULT_TURN_IDLE_MS} (10 minutes).
   */
  readonly turnIdleMs?: number;
  /**
   * How many conversations are followed at once (requests served concurrently, or several
   * agents sharing one client); the least recently used idle one is forgotten first, and its
   * next request is a new conversation. Default {@link DEFAULT_MAX_CONVERSATIONS}.
   */
  readonly maxConversations?: number;
  /** Milliseconds now, for the idle gap. Default `Date.now`. */
  readonly now?: () => number;
}

/** Why a request starts a new turn. */
export type NewTurnReason =
  /** Its input does not extend the input plus output of any response the tracker follows. */
  | 'new_conversation'
  /** Its new items hold a `user` message. */
  | 'user_message'
  /** It came more than `turnIdleMs` after the previous response ended. */
  | 'idle';

/** The turn one request runs in, held until the response ends. */
export interface TurnLease {
  /** The client turn to stream on (its sticky-routing token belongs to this turn only). */
  readonly turn: ModelClientSession;
  /** The turn metadata to send (`turn_id` equal on every request of the turn). */
  readonly turnMetadata: TurnMetadata;
  /**
   * The input to stream: the caller's input, with every item that matches an item of the
   * conversation so far replaced by the item the client sent or received (the same object), so
   * that the client recognises the extension and sends only the new items.
   */
  readonly input: readonly ResponseInputItem[];
  /** Why a new turn started; `null` when the request continues the turn of the previous one. */
  readonly newTurn: NewTurnReason | null;
  /**
   * Records the completed response: a next request whose input extends this input plus
   * `output` continues the conversation (and the turn, unless it brings a user message).
   * `responseId` (the response's id) lets {@link SessionTurns.historyBefore} find the
   * conversation again for a caller that continues by id.
   */
  complete(output: readonly ResponseItem[], responseId?: string): void;
  /** Ends the lease without a completed response: the conversation stays where it was. */
  release(): void;
}

interface Conversation {
  /** Input plus output of the last completed response (the objects the client saw). */
  expected: readonly ResponseInputItem[];
  /** The id of the last completed response, when the caller gave it. */
  responseId: string | undefined;
  turn: ModelClientSession;
  turnMetadata: TurnMetadata;
  /** When the last response ended (`now()`), for the idle gap. */
  endedAt: number;
  busy: boolean;
}

/**
 * Turns and conversations for a caller that has neither: an SDK that sends the whole
 * conversation with every request (through `@modelwire/fetch`, or a model adapter).
 *
 * **Conversation.** A request continues a conversation when its input starts with the input
 * and the output of that conversation's last completed response, item by item as
 * `itemsMatch` decides (SDKs rebuild the items they send back). The lease's input then reuses
 * the client's own item objects for that prefix, and the `ModelClient` decides continuation
 * as for any caller: on the same WebSocket, with unchanged settings, only the new items go out.
 *
 * **Turn** (what the sticky-routing token and `turn_id` span): the requests between one user
 * message and the model's answer to it, that is a user message and the tool loop that follows.
 * A request starts a new turn when it continues no conversation, when its new items hold a
 * `user` message (a new question after an answer, or an interjection), or when it comes more
 * than `turnIdleMs` after the previous response ended. Tool outputs, approvals and other items
 * continue the turn. A turn is never shared by two requests at once: a request that arrives
 * while its conversation's previous request is still running starts a conversation of its own.
 */
export class SessionTurns {
  readonly #client: ModelClient;
  readonly #turnIdleMs: number;
  readonly #maxConversations: number;
  readonly #now: () => number;
  /** Most recently used last. */
  readonly #conversations: Conversation[] = [];

  constructor(client: ModelClient, options: SessionTurnsOptions = {}) {
    this.#client = client;
    this.#turnIdleMs = options.turnIdleMs ?? DEFAULT_TURN_IDLE_MS;
    this.#maxConversations = Math.max(1, options.maxConversations ?? DEFAULT_MAX_CONVERSATIONS);
    this.#now = options.now ?? Date.now;
  }

  /** How many conversations are followed now (for tests and diagnostics). */
  get conversations(): number {
    return this.#conversations.length;
  }

  /**
   * The conversation that ends with response `responseId` (its last completed response, as
   * given to `complete`): its input plus output, the history a request that names
   * `previous_response_id: responseId` continues. `null` when no followed conversation ends
   * with that response (an older response, one of another session, a forgotten conversation).
   */
  historyBefore(responseId: string): readonly ResponseInputItem[] | null {
    for (const conversation of this.#conversations) {
      if (conversation.responseId === responseId) return conversation.expected;
    }
    return null;
  }

  /**
   * The turn for a request whose full input is `input`. Hold the lease until the response
   * ends, then `complete` or `release` it.
   */
  begin(input: readonly ResponseInputItem[]): TurnLease {
    const found = this.#find(input);
    if (found === null) return this.#lease(this.#open(), input, 'new_conversation');
    const { conversation } = found;
    const added = input.slice(conversation.expected.length);
    const reason: NewTurnReason | null = added.some(isUserMessage) ? 'user_message' : this.#now() - conversation.endedAt > this.#turnIdleMs ? 'idle' : null;
    if (reason !== null) this.#startTurn(conversation);
    this.#touch(conversation);
    return this.#lease(conversation, [...conversation.expected, ...added], reason);
  }

  #find(input: readonly ResponseInputItem[]): { conversation: Conversation } | null {
    let best: Conversation | null = null;
    for (const conversation of this.#conversations) {
      if (conversation.busy || conversation.expected.length > input.length) continue;
      if (best !== null && best.expected.length >= conversation.expected.length) continue;
      if (extends_(input, conversation.expected)) best = conversation;
    }
    return best === null ? null : { conversation: best };
  }

  #open(): Conversation {
    const conversation: Conversation = { expected: [], responseId: undefined, turn: this.#client.newTurn(), turnMetadata: { turn_id: crypto.randomUUID() }, endedAt: this.#now(), busy: false };
    this.#conversations.push(conversation);
    while (this.#conversations.length > this.#maxConversations) {
      const idle = this.#conversations.findIndex((candidate) => !candidate.busy);
      if (idle < 0) break;
      this.#conversations.splice(idle, 1);
    }
    return conversation;
  }

  #startTurn(conversation: Conversation): void {
    conversation.turn = this.#client.newTurn();
    conversation.turnMetadata = { turn_id: crypto.randomUUID() };
  }

  #forget(conversation: Conversation): void {
    const index = this.#conversations.indexOf(conversation);
    if (index >= 0) this.#conversations.splice(index, 1);
  }

  #touch(conversation: Conversation): void {
    const index = this.#conversations.indexOf(conversation);
    if (index >= 0) this.#conversations.splice(index, 1);
    this.#conversations.push(conversation);
  }

  #lease(conversation: Conversation, input: readonly ResponseInputItem[], newTurn: NewTurnReason | null): TurnLease {
    conversation.busy = true;
    let ended = false;
    const end = (): void => {
      ended = true;
      conversation.busy = false;
      conversation.endedAt = this.#now();
    };
    return {
      turn: conversation.turn,
      turnMetadata: conversation.turnMetadata,
      input,
      newTurn,
      complete: (output, responseId) => {
        if (ended) return;
        conversation.expected = [...input, ...output];
        conversation.responseId = responseId;
        end();
      },
      release: () => {
        if (ended) return;
        end();
        // A conversation whose first request failed has nothing to continue: forget it.
        if (conversation.expected.length === 0) this.#forget(conversation);
      },
    };
  }
}

/** Whether `input` starts with `expected`, item by item (`itemsMatch`); cheap checks first. */
function extends_(input: readonly ResponseInputItem[], expected: readonly ResponseInputItem[]): boolean {
  const length = expected.length;
  if (length === 0) return false;
  const last = length - 1;
  if (!itemsMatch(input[last] as ResponseInputItem, expected[last] as ResponseInputItem)) return false;
  for (let index = 0; index < last; index += 1) {
    if (!itemsMatch(input[index] as ResponseInputItem, expected[index] as ResponseInputItem)) return false;
  }
  return true;
}

function isUserMessage(item: ResponseInputItem): boolean {
  const record = fieldsOf(item);
  return (record['type'] === undefined || record['type'] === 'message') && record['role'] === 'user';
}
