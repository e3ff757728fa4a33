import { randomUUID } from 'node:crypto';
import { ModelClient } from '@modelwire/client';
import { InvalidArgumentError } from '@modelwire/transport';
import { resolveAutoCompaction } from '../compaction/auto-compaction.js';
import { ConversationHistory } from '../history/conversation-history.js';
import { RecordFactory } from '../journal/journal-records.js';
import { SessionJournal } from '../journal/session-journal.js';
import { SessionServices } from '../services/session-services.js';
import { assertSessionId } from '../store/session-id.js';
import type { SessionMetaPayload } from '../store/rollout-record.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { DEFAULT_TOOL_TIMEOUT_MS } from '../tools/run-tool-call.js';
import { DEFAULT_MAX_TOOL_ROUNDS, type TurnLoopConfig } from '../turn/turn-loop-config.js';
import type { TurnSettings } from '../turn/turn-settings.js';
import type { ResumeReport } from './resume-report.js';
import type { CreateSessionOptions } from './session-options.js';
import { Session } from './session.js';

/**
 * Creates a session: the `ModelClient` (once, for the whole session), whose WebSocket
 * pre-connect starts right here, before any turn exists; the services around it; and the
 * default turn settings. With a `store`, the session is journaled from its first commit on.
 *
 * @throws InvalidArgumentError (with the field path) for an invalid `toolTimeoutMs`, `maxToolRounds`,
 *   `autoCompaction`, tool definition (`tools[2].name`) or, with a `store`, a `conversationId`
 *   that is not a valid session id, and the client's own validation
 *   errors for an invalid provider or client option; all before any I/O.
 */
export function createSession(options: CreateSessionOptions): Session {
  const conversationId = options.conversationId ?? randomUUID();
  const history = new ConversationHistory(options.history ?? []);
  if (options.store === undefined) return openSession(options, { conversationId, journal: new SessionJournal(history) });
  assertSessionId(conversationId, 'conversationId');
  const records = new RecordFactory();
  const meta = sessionMetaPayload(options, conversationId, records);
  const header = [records.sessionMeta(meta), ...records.items(options.history ?? [])];
  return openSession(options, { conversationId, journal: new SessionJournal(history, options.store.create(conversationId), { header, records }) });
}

/** How {@link openSession} builds the session around its history. */
export interface SessionOrigin {
  readonly conversationId: string;
  /** The journal (with its history) the session commits through. */
  readonly journal: SessionJournal;
  /** Set by resume and fork. */
  readonly resumeReport?: ResumeReport;
}

/** @internal Builds a session (new, resumed or forked) around a journal. */
export function openSession(options: CreateSessionOptions, origin: SessionOrigin): Session {
  const autoCompaction = resolveAutoCompaction(options.autoCompaction);
  const toolTimeoutMs = options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  if (!Number.isFinite(toolTimeoutMs) || toolTimeoutMs <= 0) throw new InvalidArgumentError({ path: 'toolTimeoutMs', message: 'must be a positive number of milliseconds' });
  const maxToolRounds = options.maxToolRounds ?? DEFAULT_MAX_TOOL_ROUNDS;
  if (maxToolRounds !== Infinity && (!Number.isInteger(maxToolRounds) || maxToolRounds < 0)) {
    throw new InvalidArgumentError({ path: 'maxToolRounds', message: 'must be a non-negative integer or Infinity' });
  }
  const tools = options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools ?? []);
  const client = new ModelClient({
    ...options.client,
    provider: options.provider,
    auth: options.auth,
    conversationId: origin.conversationId,
    sessionSource: options.sessionSource ?? { kind: 'exec' },
  });
  const services = new SessionServices({
    client,
    auth: options.auth,
    tools,
    journal: origin.journal,
    preconnect: options.preconnect ?? true,
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
  });
  const random = options.client?.random;
  const config: TurnLoopConfig = {
    instructions: options.instructions,
    parallelToolCalls: options.parallelToolCalls ?? false,
    outputSchema: options.outputSchema ?? null,
    requestOptions: options.requestOptions,
    toolTimeoutMs,
    maxToolRounds,
    autoCompaction,
    backoff: { ...(random === undefined ? {} : { random }), ...options.retryBackoff },
  };
  const session = new Session(services, config, sessionDefaults(options), { id: origin.conversationId, resumeReport: origin.resumeReport ?? null });
  if (options.prewarm === true) session.prewarm().catch(() => undefined);
  return session;
}

/** The default turn settings of a session's options. */
function sessionDefaults(options: CreateSessionOptions): TurnSettings {
  return {
    model: options.model,
    reasoningEffort: options.reasoningEffort ?? null,
    reasoningSummary: options.reasoningSummary ?? 'auto',
    verbosity: options.verbosity ?? null,
    webSearchEligible: options.webSearchEligible,
    serviceTier: options.serviceTier,
    metadata: options.turnMetadata ?? {},
  };
}

/**
 * The `session_meta` payload of a new session: its id, source, instructions and default
 * settings. Never a credential, URL or header (the provider and auth are not stored).
 */
export function sessionMetaPayload(options: CreateSessionOptions, sessionId: string, records: RecordFactory, fork?: { readonly from: string; readonly atTurn: number }): SessionMetaPayload {
  const defaults = sessionDefaults(options);
  const source = options.sessionSource ?? { kind: 'exec' };
  return {
    id: sessionId,
    timestamp: records.timestamp(),
    originator: 'modelwire',
    source: source.kind,
    ...(source.kind === 'subagent' ? { subagent: source.label } : {}),
    instructions: options.instructions,
    settings: {
      model: { ...defaults.model },
      reasoning_effort: defaults.reasoningEffort,
      reasoning_summary: defaults.reasoningSummary,
      verbosity: defaults.verbosity,
      ...(defaults.webSearchEligible === undefined ? {} : { web_search_eligible: defaults.webSearchEligible }),
      ...(defaults.serviceTier === undefined ? {} : { service_tier: defaults.serviceTier }),
      turn_metadata: defaults.metadata,
      parallel_tool_calls: options.parallelToolCalls ?? false,
      output_schema: options.outputSchema === undefined || options.outputSchema === null ? null : { ...options.outputSchema },
    },
    ...(fork === undefined ? {} : { forked_from_id: fork.from, forked_at_turn: fork.atTurn }),
  };
}
