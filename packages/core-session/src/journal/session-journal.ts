import type { ResponseItem } from '@modelwire/client';
import type { ResponseUsage } from '@modelwire/protocol';
import { ConversationHistory } from '../history/conversation-history.js';
import type { EventMessagePayload, RolloutRecord, TurnContextPayload } from '../store/rollout-record.js';
import type { SessionLog } from '../store/session-store.js';
import { RecordFactory, storedUsage } from './journal-records.js';

/** Options of {@link SessionJournal}. */
export interface SessionJournalOptions {
  /** Records written before the first commit (a new session's `session_meta` and initial history). */
  readonly header?: readonly RolloutRecord[];
  /** Builds the records (their timestamps). */
  readonly records?: RecordFactory;
}

/**
 * The session's commits, journaled (session lifetime, held by `SessionServices`): every change
 * of the {@link ConversationHistory} goes through here, is appended to the store's log first,
 * and enters the in-memory history only once the log accepted it. So the history never holds
 * a commit the journal does not (as durable as the store's policy says), and a crash at any
 * point leaves a journal whose complete records are a prefix of the session's commits.
 *
 * Without a log (a session without a store) the methods only change the history.
 *
 * After a failed append (disk full, a conflict with another writer) nothing more is committed:
 * every later commit rejects with the same error, and the session continues only by being
 * resumed from what was stored.
 */
export class SessionJournal {
  /** The committed conversation. */
  readonly history: ConversationHistory;
  /** The store's log; `null` when the session is not journaled. */
  readonly log: SessionLog | null;
  readonly #records: RecordFactory;
  #header: readonly RolloutRecord[];
  #failure: Error | null = null;

  constructor(history: ConversationHistory = new ConversationHistory(), log: SessionLog | null = null, options: SessionJournalOptions = {}) {
    this.history = history;
    this.log = log;
    this.#records = options.records ?? new RecordFactory();
    this.#header = options.header ?? [];
  }

  /** Where the journal is stored; `null` without a store. */
  get location(): string | null {
    return this.log?.location ?? null;
  }

  /** Commits a turn's user input, with the `turn_context` record that opens the turn. */
  async startTurn(context: TurnContextPayload, input: readonly ResponseItem[]): Promise<void> {
    await this.#append(() => [this.#records.turnContext(context), ...this.#records.items(input)]);
    this.history.commit(input);
  }

  /** Commits complete items (tool outputs), with events noted in the same atomic append. */
  async commit(items: readonly ResponseItem[], events: readonly EventMessagePayload[] = []): Promise<void> {
    await this.#append(() => [...this.#records.items(items), ...events.map((event) => this.#records.event(event))]);
    this.history.commit(items);
  }

  /** Commits a completed response's output, with its usage (which drives automatic compaction). */
  async commitResponse(turnId: string, output: readonly ResponseItem[], usage: ResponseUsage | undefined): Promise<void> {
    await this.#append(() => [
      ...this.#records.items(output),
      ...(usage === undefined ? [] : [this.#records.event({ type: 'token_count', turn_id: turnId, info: { last_token_usage: storedUsage(usage) } })]),
    ]);
    this.history.recordUsage(usage);
    this.history.commit(output);
  }

  /**
   * Commits a steering commit point in one append: the output of the response a steering
   * successor follows (with its usage; none for an explicit continuation) and the steering input.
   */
  async commitSteered(turnId: string, previousOutput: readonly ResponseItem[], usage: ResponseUsage | undefined, input: readonly ResponseItem[]): Promise<void> {
    await this.#append(() => [
      ...this.#records.items(previousOutput),
      ...(usage === undefined ? [] : [this.#records.event({ type: 'token_count', turn_id: turnId, info: { last_token_usage: storedUsage(usage) } })]),
      ...this.#records.items(input),
    ]);
    this.history.recordUsage(usage);
    this.history.commit([...previousOutput, ...input]);
  }

  /** Replaces the history with a compacted window (a `compacted` record). */
  async replace(window: readonly ResponseItem[]): Promise<void> {
    await this.#append(() => [this.#records.compacted(window)]);
    this.history.replace(window);
  }

  /**
   * Notes the end of a turn (`task_complete`, `turn_aborted`) and syncs the log, which is where
   * the `turn` fsync policy makes the turn durable.
   */
  async endTurn(event: EventMessagePayload): Promise<void> {
    if (this.log === null) return;
    if (this.#failure !== null) throw this.#failure;
    const noted = this.log.append([...this.#takeHeader(), this.#records.event(event)], { commit: false });
    try {
      await noted;
      await this.log.sync();
    } catch (error) {
      this.#failure ??= error as Error;
      throw this.#failure;
    }
  }

  /** Syncs the log (after a compaction outside a turn). */
  async sync(): Promise<void> {
    if (this.log === null) return;
    if (this.#failure !== null) throw this.#failure;
    try {
      await this.log.sync();
    } catch (error) {
      this.#failure ??= error as Error;
      throw this.#failure;
    }
  }

  /** Closes the log (syncs what it can, releases the file or connection). Never rejects. */
  async close(): Promise<void> {
    await this.log?.close();
  }

  async #append(records: () => RolloutRecord[]): Promise<void> {
    if (this.log === null) return;
    if (this.#failure !== null) throw this.#failure;
    try {
      await this.log.append([...this.#takeHeader(), ...records()], { commit: true });
    } catch (error) {
      this.#failure ??= error as Error;
      throw this.#failure;
    }
  }

  #takeHeader(): readonly RolloutRecord[] {
    const header = this.#header;
    this.#header = [];
    return header;
  }
}
