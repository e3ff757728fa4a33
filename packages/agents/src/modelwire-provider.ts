import { ModelClient, noopClientTelemetry, type ClientTelemetry, type TurnMetadata } from '@modelwire/client';
import { SessionTurns, type ModelwireClientOptions, type SessionTurnsOptions } from '@modelwire/fetch';
import { getDefaultModel, getDefaultOpenAIClient, OpenAIResponsesModel, type Model, type ModelProvider, type ModelRequest, type ModelResponse, type ModelRetryAdvice, type ModelRetryAdviceRequest, type StreamEvent } from '@openai/agents';
import OpenAI from 'openai';
import { SessionResponses } from './session-responses.js';

/** Options of {@link ModelwireProvider}. */
export interface ModelwireProviderOptions extends SessionTurnsOptions {
  /**
   * Open the session's WebSocket at once, so that the first model call goes out without a
   * handshake. Default `true` (a failed pre-connect costs nothing; the first call connects itself).
   */
  readonly preconnect?: boolean;
  /**
   * Where the client reports the model calls (attempts, connects, continuation decisions,
   * fallback, token usage): one handle for all of them, or a function giving the handle of a
   * turn (called per model call with the turn's metadata). Default none.
   */
  readonly telemetry?: ClientTelemetry | ((turn: TurnMetadata) => ClientTelemetry);
  /**
   * The OpenAI client for the model calls the session cannot serve (a `previousResponseId` of
   * a response the session did not produce, `background: true`, a request the client's
   * validation refuses): they go over this client's HTTP path, as without the provider.
   * Default: the SDK's default client (`setDefaultOpenAIClient`), else
   * `new OpenAI({ baseURL: provider.baseUrl })` (which reads `OPENAI_API_KEY`), created when
   * the first such call comes.
   */
  readonly openai?: OpenAI;
}

const isClient = (value: ModelClient | ModelwireClientOptions): value is ModelClient => value instanceof ModelClient;

/**
 * An `@openai/agents` model: `OpenAIResponsesModel` (the SDK's own Responses model: its item
 * conversion, tools, handoffs, settings, usage and tracing) over the session's
 * {@link SessionResponses} instead of an OpenAI client's HTTP path.
 */
export class ModelwireModel implements Model {
  /** A prompt template may pick the model, as with the SDK's Responses model. */
  readonly supportsPromptModelSelection = true;
  /** The model name sent as `model`. */
  readonly name: string;
  readonly #model: OpenAIResponsesModel;

  constructor(responses: SessionResponses, name: string, baseURL: string) {
    this.name = name;
    // `OpenAIResponsesModel` calls `responses.create(body, { signal, headers })` and reads
    // `baseURL` (whether response ids may go to traces); nothing else of the client.
    const client = { baseURL, apiKey: '', organization: null, project: null, responses: { create: (body: Readonly<Record<string, unknown>>, options?: { signal?: AbortSignal | null }) => responses.create(body, options) } };
    this.#model = new OpenAIResponsesModel(client as unknown as OpenAI, name);
  }

  getResponse(request: ModelRequest): Promise<ModelResponse> {
    return this.#model.getResponse(request);
  }

  getStreamedResponse(request: ModelRequest): AsyncIterable<StreamEvent> {
    return this.#model.getStreamedResponse(request);
  }

  getRetryAdvice(args: ModelRetryAdviceRequest): ModelRetryAdvice | undefined | Promise<ModelRetryAdvice | undefined> {
    return this.#model.getRetryAdvice(args);
  }
}

/**
 * An `@openai/agents` `ModelProvider` whose models run on one session-scoped Modelwire
 * `ModelClient`: the session's WebSocket is opened when the provider is created, every model
 * call of the agents that use the provider goes over it, and a call whose input extends the
 * previous call's input and output (the next step of a tool loop, a handoff, the next user
 * message) sends only the new items. Fallback to HTTP, retries before any output and the
 * sticky-routing token of a turn are the client's.
 *
 * Use it where the SDK takes a provider: `setDefaultModelProvider(provider)` for every agent,
 * or `new Runner({ modelProvider: provider })` for one runner. One provider is one session:
 * give each agent session (each end user) its own, and `close()` it (or `await using`) at the end.
 *
 * A **turn** (what the sticky-routing token and `turn_id` span) is a user message and every
 * model call that follows it until the next one: the tool loop of one `run()`, handoffs
 * included. A call starts a new turn when its input continues no earlier call, brings a new
 * user message, or comes more than `turnIdleMs` after the previous call ended.
 */
export class ModelwireProvider implements ModelProvider, AsyncDisposable {
  /** The session's client. */
  readonly client: ModelClient;
  /** How model calls are grouped into conversations and turns. */
  readonly turns: SessionTurns;
  /** The Responses calls of the session (what the models call). */
  readonly responses: SessionResponses;
  readonly #owned: boolean;
  readonly #models = new Map<string, ModelwireModel>();

  /**
   * @param clientOrOptions a `ModelClient` (its owner closes it), or `ModelClientOptions` with
   *   `conversationId` (default a random UUID) and `sessionSource` (default `{ kind: 'exec' }`)
   *   optional: the provider then owns the client and `close()` closes it.
   */
  constructor(clientOrOptions: ModelClient | ModelwireClientOptions, options: ModelwireProviderOptions = {}) {
    this.#owned = !isClient(clientOrOptions);
    this.client = isClient(clientOrOptions) ? clientOrOptions : new ModelClient({ conversationId: crypto.randomUUID(), sessionSource: { kind: 'exec' }, ...clientOrOptions });
    this.turns = new SessionTurns(this.client, options);
    const telemetry = options.telemetry ?? noopClientTelemetry;
    const baseURL = this.client.provider.baseUrl;
    this.responses = new SessionResponses({
      client: this.client,
      turns: this.turns,
      telemetryFor: (turn) => (typeof telemetry === 'function' ? telemetry(turn) : telemetry),
      passThrough: () => options.openai ?? getDefaultOpenAIClient() ?? new OpenAI({ baseURL }),
    });
    if (options.preconnect ?? true) void this.client.preconnect();
  }

  /** The model `modelName` (default: the SDK's default model, `getDefaultModel()`), on this session. */
  getModel(modelName?: string): ModelwireModel {
    const name = modelName || getDefaultModel();
    let model = this.#models.get(name);
    if (model === undefined) {
      model = new ModelwireModel(this.responses, name, this.client.provider.baseUrl);
      this.#models.set(name, model);
    }
    return model;
  }

  /** Closes the client if the provider created it. Model calls made afterwards fail with a `closed` error. */
  async close(): Promise<void> {
    if (this.#owned) await this.client.close();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
