import { NoSuchModelError, type LanguageModelV4, type ProviderV4 } from '@ai-sdk/provider';
import { InvalidArgumentError, ModelClient, modelInfoFor, noopClientTelemetry, type ClientTelemetry, type ModelClientOptions, type ModelInfo, type TurnMetadata } from '@modelwire/client';
import { passThroughModelInfo, SessionTurns, type SessionTurnsOptions } from '@modelwire/fetch';
import { ModelwireLanguageModel } from './model/modelwire-language-model.js';
import { CallArguments } from './prompt/call-arguments.js';

/**
 * `ModelClientOptions` with the values an AI SDK user rarely has at hand made optional:
 * `conversationId` (default: a random UUID, one per provider) and `sessionSource` (default
 * `{ kind: 'exec' }`).
 */
export type ModelwireProviderClientOptions = Omit<ModelClientOptions, 'conversationId' | 'sessionSource'> & Partial<Pick<ModelClientOptions, 'conversationId' | 'sessionSource'>>;

/** Options of {@link createModelwire}. */
export interface ModelwireProviderSettings extends SessionTurnsOptions {
  /**
   * Open the session's WebSocket at once, so the first call goes out without a handshake.
   * Default `true` (a failed pre-connect costs nothing; the first call connects itself).
   */
  readonly preconnect?: boolean;
  /**
   * Where the client reports the calls (attempts, connects, continuation decisions, fallback,
   * token usage): one handle, or a function giving the handle of a turn. Default none.
   */
  readonly telemetry?: ClientTelemetry | ((turn: TurnMetadata) => ClientTelemetry);
  /**
   * What the client knows of a model: whether it reasons (the request then asks for
   * `reasoning` and the encrypted reasoning content, which the next step sends back) and
   * takes `text.verbosity`. Default: the client's table of known models (`modelInfoFor`,
   * extend it with `registerModel`), else no reasoning and no verbosity unless the call asks
   * (`reasoning`, `providerOptions.modelwire.reasoningEffort` / `reasoningSummary`).
   */
  readonly modelInfo?: (modelId: string) => ModelInfo;
}

/**
 * The AI SDK provider: call it (or `.responses(id)`, `.languageModel(id)`) with a model id to
 * get a `LanguageModelV4` for `generateText`, `streamText` and the rest of the AI SDK. One
 * provider is one agent session: its `ModelClient` keeps the session's WebSocket, and
 * `close()` (or `await using`) ends it.
 */
export interface ModelwireProvider extends ProviderV4, AsyncDisposable {
  (modelId: string): LanguageModelV4;
  /** A Responses model (the only kind this provider has). */
  responses(modelId: string): LanguageModelV4;
  languageModel(modelId: string): LanguageModelV4;
  /** The session's client. */
  readonly client: ModelClient;
  /** How calls are grouped into conversations and turns. */
  readonly turns: SessionTurns;
  /** Closes the client if the provider created it. Calls made afterwards fail with a `closed` error. */
  close(): Promise<void>;
}

const isClient = (value: ModelClient | ModelwireProviderClientOptions): value is ModelClient => value instanceof ModelClient;

/** The client's table of known models, else a model without reasoning or verbosity. */
function defaultModelInfo(modelId: string): ModelInfo {
  try {
    return modelInfoFor(modelId);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return passThroughModelInfo(modelId);
    throw error;
  }
}

/**
 * Creates the AI SDK provider of one agent session, backed by a `ModelClient` (given, or
 * created from `clientOrOptions`). Replace `createOpenAI()` with it and pass its models where
 * the AI SDK takes a model: every step of a tool loop then streams over the session's
 * pre-connected WebSocket and, when its prompt extends the previous step's prompt and output,
 * sends only the new items; failures below the AI SDK are retried and fall back as for any
 * Modelwire caller.
 *
 * A **turn** (what the sticky-routing token `x-codex-turn-state` and `turn_id` span) is a user
 * message and the tool loop that follows it: a call starts a new turn when its prompt
 * continues no earlier call, when its new messages hold a user message, or when it comes more
 * than `turnIdleMs` after the previous response ended; tool results continue the turn.
 */
export function createModelwire(clientOrOptions: ModelClient | ModelwireProviderClientOptions, settings: ModelwireProviderSettings = {}): ModelwireProvider {
  const owned = !isClient(clientOrOptions);
  const client = isClient(clientOrOptions) ? clientOrOptions : new ModelClient({ conversationId: crypto.randomUUID(), sessionSource: { kind: 'exec' }, ...clientOrOptions });
  const telemetry = settings.telemetry ?? noopClientTelemetry;
  const session = {
    client,
    turns: new SessionTurns(client, settings),
    callArguments: new CallArguments(),
    modelInfo: settings.modelInfo ?? defaultModelInfo,
    telemetryFor: (turn: TurnMetadata): ClientTelemetry => (typeof telemetry === 'function' ? telemetry(turn) : telemetry),
  };
  if (settings.preconnect ?? true) void client.preconnect();
  const languageModel = (modelId: string): LanguageModelV4 => {
    if (typeof modelId !== 'string' || modelId.length === 0) throw new InvalidArgumentError({ path: 'modelId', message: 'must be a non-empty string' });
    return new ModelwireLanguageModel(modelId, session);
  };
  const close = async (): Promise<void> => {
    if (owned) await client.close();
  };
  const provider = ((modelId: string) => languageModel(modelId)) as ModelwireProvider;
  Object.defineProperties(provider, {
    specificationVersion: { value: 'v4', enumerable: true },
    responses: { value: languageModel },
    languageModel: { value: languageModel },
    embeddingModel: {
      value: (modelId: string) => {
        throw new NoSuchModelError({ modelId, modelType: 'embeddingModel', message: 'the Modelwire provider has Responses models only' });
      },
    },
    imageModel: {
      value: (modelId: string) => {
        throw new NoSuchModelError({ modelId, modelType: 'imageModel', message: 'the Modelwire provider has Responses models only' });
      },
    },
    client: { value: client, enumerable: true },
    turns: { value: session.turns, enumerable: true },
    close: { value: close },
    [Symbol.asyncDispose]: { value: close },
  });
  return provider;
}
