import type { LanguageModelV4, LanguageModelV4CallOptions, LanguageModelV4Citation, LanguageModelV4Prompt, LanguageModelV4Content, LanguageModelV4GenerateResult, LanguageModelV4StreamPart, LanguageModelV4StreamResult, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ClientTelemetry, ModelClient, ModelInfo, TurnContext, TurnMetadata } from '@modelwire/client';
import { linkedAbortController, streamAttempts, type AttemptOutcome, type SessionTurns } from '@modelwire/fetch';
import type { CallArguments } from '../prompt/call-arguments.js';
import { callRequest } from '../request/call-request.js';
import { partOptions } from '../request/provider-options.js';
import { StreamParts, type PartSink } from '../stream/stream-parts.js';
import { callError } from './call-error.js';

/** What every model of one provider shares: the session. */
export interface ProviderSession {
  readonly client: ModelClient;
  readonly turns: SessionTurns;
  readonly callArguments: CallArguments;
  readonly modelInfo: (modelId: string) => ModelInfo;
  readonly telemetryFor: (turn: TurnMetadata) => ClientTelemetry;
}

/** Parts a stream queues for a slow reader before the request stops being read. */
const STREAM_HIGH_WATER_MARK = 256;

/** URLs the API fetches itself (images and PDFs by `http(s)` URL): the AI SDK does not download them. */
const SUPPORTED_URLS: Record<string, RegExp[]> = { 'image/*': [/^https?:\/\/.*$/], 'application/pdf': [/^https?:\/\/.*$/] };

/** `{baseUrl}/responses` for errors and telemetry, without credentials a base URL may carry. */
function responsesUrl(baseUrl: string): string {
  try {
    const url = new URL(`${baseUrl.replace(/\/+$/, '')}/responses`);
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return '/responses';
  }
}

/**
 * The tool call ids a prompt gave MCP approval requests, by approval request id (the
 * `approvalRequestId` of its tool calls): the MCP call the approval lets run keeps that id.
 */
function approvalCallsOf(prompt: LanguageModelV4Prompt): ReadonlyMap<string, string> {
  const calls = new Map<string, string>();
  for (const message of prompt) {
    if (message.role !== 'assistant') continue;
    for (const part of message.content) {
      if (part.type !== 'tool-call') continue;
      const approvalId = partOptions(part.providerOptions)['approvalRequestId'];
      if (typeof approvalId === 'string') calls.set(approvalId, part.toolCallId);
    }
  }
  return calls;
}

/**
 * A Responses model of the AI SDK (`LanguageModelV4`) backed by the session's `ModelClient`:
 * every call streams through the client (the pre-connected WebSocket, or HTTP/SSE after a
 * session-wide fallback); a step whose prompt extends the previous step's prompt and output
 * goes out incrementally (only the new items), as the client decides for any caller.
 */
export class ModelwireLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4';
  readonly provider = 'modelwire.responses';
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = SUPPORTED_URLS;
  readonly #session: ProviderSession;

  constructor(modelId: string, session: ProviderSession) {
    this.modelId = modelId;
    this.#session = session;
  }

  /**
   * Streams one call. Resolves once the response started (`response.created`), with the
   * stream of parts; rejects before that with an `APICallError` as the AI SDK raises for the
   * API's answer (status, body, headers), with the abort reason when `abortSignal` fired, with
   * `InvalidArgumentError` for a prompt the client refuses, or `UnsupportedFunctionalityError`
   * for a part the API cannot take. A failure after the start is an `error` part followed by
   * a `finish` with reason `error`; an abort after the start errors the stream with the reason.
   */
  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    return this.#stream(options);
  }

  #stream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const session = this.#session;
    const model = session.modelInfo(this.modelId);
    const call = callRequest(options, session.callArguments, model);
    const lease = session.turns.begin(call.prompt.input);
    const prompt = { ...call.prompt, input: lease.input };
    const requestBody = { model: this.modelId, instructions: prompt.instructions, input: prompt.input, tools: prompt.tools, ...prompt.options };
    const url = responsesUrl(session.client.provider.baseUrl);
    const telemetry = session.telemetryFor(lease.turnMetadata);
    const turnContext: TurnContext = { model, reasoningEffort: null, reasoningSummary: 'none', verbosity: null, turnMetadata: lease.turnMetadata, telemetry };
    const { controller: abort, dispose } = linkedAbortController(options.abortSignal);

    let body!: ReadableStreamDefaultController<LanguageModelV4StreamPart>;
    let wanted: (() => void) | null = null;
    const wake = (): void => {
      const resolve = wanted;
      wanted = null;
      resolve?.();
    };
    const stream = new ReadableStream<LanguageModelV4StreamPart>(
      {
        start: (controller) => {
          body = controller;
          controller.enqueue({ type: 'stream-start', warnings: call.warnings });
        },
        pull: wake,
        cancel: (reason) => {
          abort.abort(reason);
          wake();
        },
      },
      { highWaterMark: STREAM_HIGH_WATER_MARK },
    );
    const sink: PartSink = {
      enqueue: (part) => body.enqueue(part),
      ready: () => ((body.desiredSize ?? 1) > 0 || abort.signal.aborted ? Promise.resolve() : new Promise<void>((resolve) => (wanted = resolve))),
    };

    return new Promise<LanguageModelV4StreamResult>((resolve, reject) => {
      const parts = new StreamParts(sink, {
        callArguments: session.callArguments,
        providerToolNames: call.providerToolNames,
        store: call.providerOptions.store ?? false,
        approvalCalls: approvalCallsOf(options.prompt),
        includeRaw: options.includeRawChunks === true,
        onStart: () => resolve({ stream, request: { url, body: requestBody } }),
      });
      const settle = (outcome: AttemptOutcome): void => {
        dispose();
        if (outcome.kind === 'completed') lease.complete(outcome.result.output);
        else lease.release();
        if (abort.signal.aborted) {
          if (parts.started) body.error(abort.signal.reason);
          else reject(abort.signal.reason);
          return;
        }
        switch (outcome.kind) {
          case 'refused':
            reject(outcome.error);
            return;
          case 'completed':
          case 'ended':
            parts.begin();
            if (!parts.started) {
              reject(callError(new Error('the response ended without starting'), null, false, url, requestBody));
              return;
            }
            body.enqueue(parts.finish(outcome.kind === 'completed' ? outcome.result.usage : undefined, outcome.kind === 'completed' ? outcome.result.responseId : undefined));
            body.close();
            return;
          case 'failed': {
            const error = callError(outcome.error, parts.heldFailure, outcome.retried, url, requestBody);
            if (!parts.started) {
              reject(error);
              return;
            }
            body.enqueue({ type: 'error', error });
            body.enqueue(parts.failedFinish());
            body.close();
            return;
          }
        }
      };
      streamAttempts({ client: session.client, turn: lease.turn, prompt, turnContext, telemetry, signal: abort.signal }, parts).then(settle, (unexpected: unknown) => {
        // Not a request failure (those are outcomes): a bug. Nothing may hang on it.
        dispose();
        lease.release();
        if (parts.started) body.error(unexpected);
        else reject(unexpected);
      });
    });
  }

  /** One call, not streamed for the caller: the parts of {@link doStream} gathered into the result. */
  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { stream, request } = await this.doStream(options);
    const content: LanguageModelV4Content[] = [];
    const blocks = new Map<string, { text: string; providerMetadata?: SharedV4ProviderMetadata; citations?: LanguageModelV4Citation[] }>();
    let result: Omit<LanguageModelV4GenerateResult, 'content'> | undefined;
    let warnings: LanguageModelV4GenerateResult['warnings'] = [];
    let response: NonNullable<LanguageModelV4GenerateResult['response']> = {};
    const reader = stream.getReader();
    try {
      for (;;) {
        const { done, value: part } = await reader.read();
        if (done) break;
        switch (part.type) {
          case 'stream-start':
            warnings = part.warnings;
            break;
          case 'response-metadata':
            response = { ...(part.id === undefined ? {} : { id: part.id }), ...(part.modelId === undefined ? {} : { modelId: part.modelId }), ...(part.timestamp === undefined ? {} : { timestamp: part.timestamp }) };
            break;
          case 'text-start':
          case 'reasoning-start': {
            const block = { type: part.type === 'text-start' ? ('text' as const) : ('reasoning' as const), text: '', ...(part.providerMetadata === undefined ? {} : { providerMetadata: part.providerMetadata }) };
            blocks.set(`${block.type}:${part.id}`, block);
            content.push(block);
            break;
          }
          case 'text-delta':
          case 'reasoning-delta': {
            const block = blocks.get(`${part.type === 'text-delta' ? 'text' : 'reasoning'}:${part.id}`);
            if (block !== undefined) block.text += part.delta;
            break;
          }
          case 'text-end':
          case 'reasoning-end': {
            const key = `${part.type === 'text-end' ? 'text' : 'reasoning'}:${part.id}`;
            const block = blocks.get(key);
            if (block !== undefined && part.providerMetadata !== undefined) block.providerMetadata = part.providerMetadata;
            if (block !== undefined && part.type === 'text-end' && part.citations !== undefined) block.citations = part.citations;
            blocks.delete(key);
            break;
          }
          case 'tool-call':
          case 'tool-result':
          case 'tool-approval-request':
          case 'source':
          case 'custom':
            content.push(part);
            break;
          case 'error':
            throw part.error;
          case 'finish':
            result = { finishReason: part.finishReason, usage: part.usage, ...(part.providerMetadata === undefined ? {} : { providerMetadata: part.providerMetadata }), warnings, request: request ?? {}, response };
            break;
          default:
            break;
        }
      }
    } finally {
      reader.releaseLock();
    }
    if (result === undefined) throw new Error('the response ended without a finish');
    return { content, ...result, warnings };
  }
}
