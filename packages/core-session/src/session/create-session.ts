import { randomUUID } from 'node:crypto';
import { ModelClient } from '@modelwire/client';
import { InvalidArgumentError } from '@modelwire/transport';
import { resolveAutoCompaction } from '../compaction/auto-compaction.js';
import { ConversationHistory } from '../history/conversation-history.js';
import { SessionServices } from '../services/session-services.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { DEFAULT_TOOL_TIMEOUT_MS } from '../tools/run-tool-call.js';
import type { TurnLoopConfig } from '../turn/turn-loop-config.js';
import type { TurnSettings } from '../turn/turn-settings.js';
import type { CreateSessionOptions } from './session-options.js';
import { Session } from './session.js';

/**
 * Creates a session: the `ModelClient` (once, for the whole session), whose WebSocket
 * pre-connect starts right here, before any turn exists; the services around it; and the
 * default turn settings.
 *
 * @throws InvalidArgumentError (with the field path) for an invalid `toolTimeoutMs`,
 *   `autoCompaction` or tool definition (`tools[2].name`), and the client's own validation
 *   errors for an invalid provider or client option; all before any I/O.
 */
export function createSession(options: CreateSessionOptions): Session {
  const autoCompaction = resolveAutoCompaction(options.autoCompaction);
  const toolTimeoutMs = options.toolTimeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  if (!Number.isFinite(toolTimeoutMs) || toolTimeoutMs <= 0) throw new InvalidArgumentError({ path: 'toolTimeoutMs', message: 'must be a positive number of milliseconds' });
  const tools = options.tools instanceof ToolRegistry ? options.tools : new ToolRegistry(options.tools ?? []);
  const client = new ModelClient({
    ...options.client,
    provider: options.provider,
    auth: options.auth,
    conversationId: options.conversationId ?? randomUUID(),
    sessionSource: options.sessionSource ?? { kind: 'exec' },
  });
  const services = new SessionServices({
    client,
    auth: options.auth,
    tools,
    history: new ConversationHistory(options.history ?? []),
    preconnect: options.preconnect ?? true,
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
  });
  const random = options.client?.random;
  const config: TurnLoopConfig = {
    instructions: options.instructions,
    parallelToolCalls: options.parallelToolCalls ?? false,
    outputSchema: options.outputSchema ?? null,
    toolTimeoutMs,
    autoCompaction,
    backoff: { ...(random === undefined ? {} : { random }), ...options.retryBackoff },
  };
  const defaults: TurnSettings = {
    model: options.model,
    reasoningEffort: options.reasoningEffort ?? null,
    reasoningSummary: options.reasoningSummary ?? 'auto',
    verbosity: options.verbosity ?? null,
    webSearchEligible: options.webSearchEligible,
    serviceTier: options.serviceTier,
    metadata: options.turnMetadata ?? {},
  };
  const session = new Session(services, config, defaults);
  if (options.prewarm === true) session.prewarm().catch(() => undefined);
  return session;
}
