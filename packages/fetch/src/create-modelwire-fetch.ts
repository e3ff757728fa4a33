import { ModelClient, noopClientTelemetry, type ClientTelemetry, type ModelClientOptions, type TurnMetadata } from '@modelwire/client';
import { requestFromResponsesBody } from './request/responses-body.js';
import { serveJson, serveStream, type ServeContext } from './serve/serve-responses.js';
import { SessionTurns, type SessionTurnsOptions } from './turns/session-turns.js';

/** The signature of WHATWG `fetch`, as the SDKs take it. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * `ModelClientOptions` with the values an SDK user rarely has at hand made optional:
 * `conversationId` (default: a random UUID, one per adapter) and `sessionSource` (default
 * `{ kind: 'exec' }`).
 */
export type ModelwireClientOptions = Omit<ModelClientOptions, 'conversationId' | 'sessionSource'> &
  Partial<Pick<ModelClientOptions, 'conversationId' | 'sessionSource'>>;

/** Options of {@link createModelwireFetch}. */
export interface ModelwireFetchOptions extends SessionTurnsOptions {
  /**
   * Where every request that is not `POST {baseUrl}/responses` goes, unchanged (and a
   * `/responses` request whose body the adapter cannot serve). Default: the platform's
   * `globalThis.fetch` as it is when the adapter is created, which is what the SDKs call
   * without the adapter (Node's built-in fetch: it takes the platform's `FormData`, `Blob` and
   * `Request` objects, so file uploads behave as before).
   */
  readonly fetch?: FetchFunction;
  /**
   * Open the session's WebSocket at once, so the first request goes out without a handshake.
   * Default `true` (a failed pre-connect costs nothing; the first request connects itself).
   */
  readonly preconnect?: boolean;
  /**
   * Where the client reports the served requests (attempts, connects, continuation decisions,
   * fallback, token usage): one handle for all of them, or a function giving the handle of a
   * turn (called per request with the turn's metadata; `turn_id` tells turns apart). Default none.
   */
  readonly telemetry?: ClientTelemetry | ((turn: TurnMetadata) => ClientTelemetry);
}

/**
 * The fetch returned by {@link createModelwireFetch}: a WHATWG `fetch` plus the session it
 * serves. `close()` (or `await using`) closes the `ModelClient` when the adapter created it;
 * a client passed in stays open (its owner closes it).
 */
export interface ModelwireFetch extends FetchFunction, AsyncDisposable {
  /** The session's client. */
  readonly client: ModelClient;
  /** How requests are grouped into conversations and turns. */
  readonly turns: SessionTurns;
  /** Closes the client if the adapter created it. Requests served afterwards fail with a `closed` error. */
  close(): Promise<void>;
}

const isClient = (value: ModelClient | ModelwireClientOptions): value is ModelClient => value instanceof ModelClient;

/**
 * A WHATWG `fetch` that serves `POST {baseUrl}/responses` through a session-scoped
 * `ModelClient` and passes every other request through unchanged. Give it to an SDK that
 * accepts a custom fetch: `new OpenAI({ fetch })`, `createOpenAI({ fetch })`, or the `OpenAI`
 * client of `@openai/agents`.
 *
 * A served request goes over the session's pre-connected WebSocket (HTTP/SSE after a
 * session-wide fallback), continues the previous response with only the new items when the
 * SDK's full input extends that response's input and output (decided by the client), and is
 * retried, falls back and keeps its turn's sticky-routing token as the client does for any
 * caller. A request continues the turn of the previous one while it only adds tool outputs;
 * a user message or an idle gap starts a new turn (see `SessionTurns`). The SDK gets back what
 * the API would send: an SSE stream event for event (renumbered `sequence_number`), the JSON
 * response, or the API's error status and body.
 *
 * `baseUrl` matching is exact: point the SDK at the provider's base URL (`baseURL` of the
 * SDK equal to `provider.baseUrl`). Requests to other URLs pass through.
 */
export function createModelwireFetch(clientOrOptions: ModelClient | ModelwireClientOptions, options: ModelwireFetchOptions = {}): ModelwireFetch {
  const owned = !isClient(clientOrOptions);
  const client = isClient(clientOrOptions)
    ? clientOrOptions
    : new ModelClient({ conversationId: crypto.randomUUID(), sessionSource: { kind: 'exec' }, ...clientOrOptions });
  const passThroughFetch: FetchFunction = options.fetch ?? globalThis.fetch.bind(globalThis);
  const turns = new SessionTurns(client, options);
  const telemetry = options.telemetry ?? noopClientTelemetry;
  const telemetryFor = (turn: TurnMetadata): ClientTelemetry => (typeof telemetry === 'function' ? telemetry(turn) : telemetry);
  const responsesUrl = `${client.provider.baseUrl.replace(/\/+$/, '')}/responses`;
  if (options.preconnect ?? true) void client.preconnect();

  const served = async (input: string | URL | Request, init: RequestInit | undefined): Promise<Response> => {
    const bodyText = await readBodyText(input, init);
    let parsed: unknown;
    try {
      parsed = bodyText === null ? undefined : JSON.parse(bodyText);
    } catch {
      parsed = undefined;
    }
    const outcome = requestFromResponsesBody(parsed);
    if (!outcome.ok) return passThroughFetch(input, init);
    const request = outcome.request;
    const lease = turns.begin(request.prompt.input);
    const context: ServeContext = {
      client,
      request: { ...request, prompt: { ...request.prompt, input: lease.input } },
      lease,
      signal: signalOf(input, init),
      telemetry: telemetryFor(lease.turnMetadata),
      passThrough: () => passThroughFetch(input, init),
    };
    return request.stream ? serveStream(context) : serveJson(context);
  };

  const modelwireFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    if (!isResponsesCreate(input, init, responsesUrl)) return passThroughFetch(input, init);
    return served(input, init);
  }) as ModelwireFetch;
  const close = async (): Promise<void> => {
    if (owned) await client.close();
  };
  Object.defineProperties(modelwireFetch, {
    client: { value: client, enumerable: true },
    turns: { value: turns, enumerable: true },
    close: { value: close },
    [Symbol.asyncDispose]: { value: close },
  });
  return modelwireFetch;
}

function urlOf(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

function methodOf(input: string | URL | Request, init: RequestInit | undefined): string {
  return (init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')).toUpperCase();
}

/** Whether the request is `POST {baseUrl}/responses` (no query string, a trailing slash allowed). */
function isResponsesCreate(input: string | URL | Request, init: RequestInit | undefined, responsesUrl: string): boolean {
  if (methodOf(input, init) !== 'POST') return false;
  let url: URL;
  try {
    url = new URL(urlOf(input));
  } catch {
    return false;
  }
  if (url.search !== '' || url.hash !== '') return false;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}` === responsesUrl;
}

function signalOf(input: string | URL | Request, init: RequestInit | undefined): AbortSignal | undefined {
  return init?.signal ?? (typeof input === 'object' && 'signal' in input ? input.signal : undefined);
}

const decoder = new TextDecoder();

/**
 * The request body as text, read without consuming what a pass-through would send: a string,
 * bytes or a `Blob` body in `init`, or a clone of a `Request`. `null` for a body that cannot be
 * read without consuming it (a stream, form data): such a request passes through.
 */
async function readBodyText(input: string | URL | Request, init: RequestInit | undefined): Promise<string | null> {
  const body = init?.body;
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return decoder.decode(body);
  if (ArrayBuffer.isView(body)) return decoder.decode(body);
  if (body instanceof Blob) return body.text();
  if ((body === undefined || body === null) && typeof input === 'object' && !(input instanceof URL) && input.body !== null) return input.clone().text();
  return null;
}
