import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import type { ModelInfo, OutputSchema, ReasoningEffort, ReasoningSummary, SessionSource, Verbosity } from '@modelwire/client';
import { InvalidArgumentError } from '@modelwire/transport';
import { ConversationHistory } from '../history/conversation-history.js';
import { RecordFactory } from '../journal/journal-records.js';
import { interruptedOutputs, recordsBeforeTurn, replayRecords, type ReplayedSession } from '../journal/replay-journal.js';
import { SessionJournal } from '../journal/session-journal.js';
import { isPathReference, JsonlSessionStore } from '../store/jsonl/jsonl-session-store.js';
import type { SessionMetaPayload } from '../store/rollout-record.js';
import type { SessionStore, TornTail } from '../store/session-store.js';
import { openSession, sessionMetaPayload } from './create-session.js';
import type { ResumeReport } from './resume-report.js';
import type { CreateSessionOptions } from './session-options.js';
import type { Session } from './session.js';

/**
 * Options of {@link resumeSession}: the session options that are not stored (provider, auth,
 * tools with their handlers, telemetry, client switches) and overrides of the stored defaults.
 */
export interface ResumeSessionOptions extends Omit<CreateSessionOptions, 'conversationId' | 'history' | 'model' | 'instructions' | 'store'> {
  /** Overrides the stored default model. Default: the model the session was created with. */
  readonly model?: ModelInfo;
  /** Overrides the stored instructions. Default: the instructions the session was created with. */
  readonly instructions?: string;
  /**
   * The store holding the session. Default (for a file path): a `JsonlSessionStore` on the
   * file's directory with the default fsync policy. Required to resume by id.
   */
  readonly store?: SessionStore;
  /** Aborts reading the journal. */
  readonly signal?: AbortSignal;
}

/** Options of {@link forkSession}. */
export interface ForkSessionOptions extends ResumeSessionOptions {
  /**
   * How many turns of the source the fork keeps (0-based index of the first turn it drops):
   * `0` keeps only what came before the first turn, `n` keeps turns 0 … n−1. Default: every
   * turn. An integer from 0 to the source's number of turns.
   */
  readonly atTurn?: number;
}

/**
 * Continues a journaled session: reads its journal (a path, or an id with `options.store`),
 * drops a torn end (a crash during a write, reported in `session.resumeReport` and removed from
 * the journal), rebuilds the history (compactions applied) and the stored settings, gives each
 * tool call without an output the output `INTERRUPTED_TOOL_OUTPUT`, and appends to the same
 * journal from there. The new `ModelClient` has no previous response: the first request after a
 * resume is a full create.
 *
 * @throws SessionNotFoundError, JournalCorruptError; SessionConflictError when another process
 *   or worker holds or changed the session; InvalidArgumentError for an id without a store, or
 *   when the journal stores no model or instructions and `options` gives none.
 */
export async function resumeSession(reference: string, options: ResumeSessionOptions): Promise<Session> {
  const store = storeFor(reference, options.store);
  const opened = await store.open(reference, options.signal === undefined ? {} : { signal: options.signal });
  try {
    const replayed = replayRecords(opened.records, opened.location);
    const sessionOptions = restoredOptions(replayed.meta, options, opened.location);
    const journal = new SessionJournal(historyOf(replayed), opened.log);
    const interrupted = await repair(journal, opened.tornTail);
    await journal.sync();
    return openSession(sessionOptions, {
      conversationId: opened.sessionId,
      journal,
      resumeReport: report(opened.sessionId, opened.location, null, opened.tornTail, interrupted, replayed.turns, journal),
    });
  } catch (error) {
    await opened.log.close();
    throw error;
  }
}

/**
 * Starts a new session from a prefix of a journaled one: the source's records before turn
 * `atTurn` are copied into a new journal in the same store (new session id, `forked_from_id`
 * in its `session_meta`), unanswered tool calls get `INTERRUPTED_TOOL_OUTPUT`, and the session
 * continues from there. The source is only read: it is not locked and not changed.
 *
 * @throws like {@link resumeSession}; InvalidArgumentError for an `atTurn` outside 0 … the
 *   source's number of turns.
 */
export async function forkSession(reference: string, options: ForkSessionOptions): Promise<Session> {
  const { atTurn: requestedTurn, ...resumeOptions } = options;
  const store = storeFor(reference, options.store);
  const source = await store.read(reference, options.signal === undefined ? {} : { signal: options.signal });
  const sourceSession = replayRecords(source.records, source.location);
  const atTurn = requestedTurn ?? sourceSession.turns;
  if (!Number.isSafeInteger(atTurn) || atTurn < 0 || atTurn > sourceSession.turns) {
    throw new InvalidArgumentError({ path: 'atTurn', message: `must be an integer from 0 to ${sourceSession.turns} (the turns of ${source.location})` });
  }
  const sessionOptions = restoredOptions(sourceSession.meta, resumeOptions, source.location);
  const sessionId = randomUUID();
  const records = new RecordFactory();
  const header = [records.sessionMeta(sessionMetaPayload(sessionOptions, sessionId, records, { from: sourceSession.meta.id, atTurn })), ...recordsBeforeTurn(source.records, atTurn)];
  const log = store.create(sessionId);
  try {
    const replayed = replayRecords(header, log.location);
    const journal = new SessionJournal(historyOf(replayed), log, { header, records });
    const interrupted = await repair(journal, null);
    await journal.sync();
    return openSession(sessionOptions, {
      conversationId: sessionId,
      journal,
      resumeReport: report(sessionId, log.location, sourceSession.meta.id, source.tornTail, interrupted, replayed.turns, journal),
    });
  } catch (error) {
    await log.close();
    throw error;
  }
}

function storeFor(reference: string, store: SessionStore | undefined): SessionStore {
  if (store !== undefined) return store;
  if (typeof reference === 'string' && isPathReference(reference)) return new JsonlSessionStore({ directory: dirname(resolve(reference)) });
  throw new InvalidArgumentError({ path: 'store', message: 'is required to resume or fork by session id (the reference is not a journal path)' });
}

function historyOf(replayed: ReplayedSession): ConversationHistory {
  const history = new ConversationHistory(replayed.history);
  history.recordUsage(replayed.lastUsage ?? undefined);
  return history;
}

/**
 * Pairs the unanswered tool calls with the interrupted output and notes the resume, in one
 * atomic append (also the first write of a resumed session: a second writer that resumed the
 * same state conflicts here). Returns the repaired call ids.
 */
async function repair(journal: SessionJournal, tornTail: TornTail | null): Promise<string[]> {
  const outputs = interruptedOutputs(journal.history.items);
  const callIds = outputs.map((output) => String('call_id' in output ? output.call_id : ''));
  await journal.commit(outputs, [
    {
      type: 'session_resumed',
      torn_tail: tornTail === null ? null : { dropped_bytes: tornTail.droppedBytes, dropped_records: tornTail.droppedRecords },
      interrupted_call_ids: callIds,
    },
  ]);
  return callIds;
}

function report(sessionId: string, location: string, forkedFrom: string | null, tornTail: TornTail | null, interruptedCallIds: string[], turns: number, journal: SessionJournal): ResumeReport {
  return { sessionId, location, forkedFrom, tornTail, interruptedCallIds, turns, items: journal.history.length };
}

/** The session options: the stored defaults, overridden by what `options` sets. */
function restoredOptions(meta: SessionMetaPayload, options: ResumeSessionOptions, location: string): CreateSessionOptions {
  const { signal: _signal, store: _store, model, instructions, ...rest } = options;
  const stored = (meta.settings ?? {}) as Partial<SessionMetaPayload['settings']>;
  const storedModel = stored.model as Partial<ModelInfo> | undefined;
  const resolvedModel = model ?? (typeof storedModel?.slug === 'string' ? (storedModel as ModelInfo) : undefined);
  if (resolvedModel === undefined) throw new InvalidArgumentError({ path: 'model', message: `is required: the journal ${location} stores none` });
  const resolvedInstructions = instructions ?? (typeof meta.instructions === 'string' ? meta.instructions : undefined);
  if (resolvedInstructions === undefined) throw new InvalidArgumentError({ path: 'instructions', message: `is required: the journal ${location} stores none` });
  const storedSource: SessionSource | undefined =
    meta.source === 'subagent' && typeof meta.subagent === 'string'
      ? { kind: 'subagent', label: meta.subagent }
      : ['cli', 'ide', 'exec', 'mcp', 'unknown'].includes(meta.source)
        ? ({ kind: meta.source } as SessionSource)
        : undefined;
  const pick = <T>(own: T | undefined, fromStore: T | undefined): { value?: T } => (own !== undefined ? { value: own } : fromStore !== undefined ? { value: fromStore } : {});
  const defined = <K extends string, T>(key: K, choice: { value?: T }): Partial<Record<K, T>> => ('value' in choice ? ({ [key]: choice.value } as Record<K, T>) : {});
  return {
    ...rest,
    model: resolvedModel,
    instructions: resolvedInstructions,
    ...defined('sessionSource', pick(options.sessionSource, storedSource)),
    ...defined('reasoningEffort', pick<ReasoningEffort | null>(options.reasoningEffort, stored.reasoning_effort as ReasoningEffort | null | undefined)),
    ...defined('reasoningSummary', pick<ReasoningSummary>(options.reasoningSummary, stored.reasoning_summary as ReasoningSummary | undefined)),
    ...defined('verbosity', pick<Verbosity | null>(options.verbosity, stored.verbosity as Verbosity | null | undefined)),
    ...defined('webSearchEligible', pick(options.webSearchEligible, stored.web_search_eligible)),
    ...defined('serviceTier', pick(options.serviceTier, stored.service_tier)),
    ...defined('turnMetadata', pick(options.turnMetadata, stored.turn_metadata)),
    ...defined('parallelToolCalls', pick(options.parallelToolCalls, stored.parallel_tool_calls)),
    ...defined('outputSchema', pick<OutputSchema | null>(options.outputSchema, stored.output_schema as OutputSchema | null | undefined)),
  };
}
