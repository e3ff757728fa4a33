// Request options (`Prompt.options`) over real sockets, through the loopback server: every typed
// field reaches the wire as given on both transports, `extraBody` too; changing any of them forces
// a full request on the WebSocket; `background` goes over HTTP; bad options fail before any I/O.
import { InvalidArgumentError } from '@modelwire/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import type { RequestOptions } from '../types/request-options.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

/** Every typed option, with values the API accepts. */
const EVERY_OPTION = {
  max_output_tokens: 2048,
  temperature: 0.3,
  top_p: 0.9,
  top_logprobs: 3,
  max_tool_calls: 4,
  metadata: { team: 'search', run: '42' },
  store: true,
  truncation: 'auto',
  safety_identifier: 'user-7f3a',
  user: 'legacy-user',
  prompt_cache_key: 'custom-cache-key',
  prompt_cache_retention: '24h',
  prompt_cache_options: { mode: 'implicit', ttl: '30m' },
  include: ['message.output_text.logprobs', 'reasoning.encrypted_content'],
  text: { verbosity: 'high' },
  reasoning: { effort: 'high', context: 'all_turns' },
  context_management: [{ type: 'compaction', compact_threshold: 200_000 }],
  service_tier: 'flex',
  stream_options: { include_obfuscation: false },
  prompt: { id: 'pmpt_1', version: '2', variables: { city: 'Paris' } },
  moderation: { model: 'omni-moderation-latest', policy: { input: { mode: 'score' } } },
  image: { context_compression: 'auto' },
  access_programs: { cyber: 'standard' },
} as const satisfies RequestOptions;

/** What the body carries for {@link EVERY_OPTION}: the options, merged with the client's own values. */
const EXPECTED_BODY_FIELDS = {
  ...EVERY_OPTION,
  // The client's own include first, each value once.
  include: ['reasoning.encrypted_content', 'message.output_text.logprobs'],
  // The turn's summary stays; the option replaced the effort and added context.
  reasoning: { effort: 'high', summary: 'auto', context: 'all_turns' },
  // The turn's verbosity was low: the option replaced it.
  text: { verbosity: 'high' },
};

function bodyOf(request: { body: unknown } | undefined): Record<string, unknown> {
  return (request?.body ?? {}) as Record<string, unknown>;
}

describe('request options on the wire', () => {
  it.each([
    ['websocket', true],
    ['http', false],
  ] as const)('reach the %s body as given, next to the client fields', async (transport, webSockets) => {
    setup = await startLoopback({ enableWebSockets: webSockets });
    const result = await setup.client.newTurn().stream(prompt([userMessage('hi')], { options: EVERY_OPTION }), turnContext()).result;
    expect(result.transport).toBe(transport);
    const request = setup.server.recording.requests.at(-1);
    expect(request?.transport).toBe(transport);
    const body = bodyOf(request);
    expect(body).toMatchObject(EXPECTED_BODY_FIELDS);
    expect(body).toMatchObject({ model: 'gpt-test', instructions: 'be brief', tool_choice: 'auto', parallel_tool_calls: false });
  });

  it.each([
    ['websocket', true],
    ['http', false],
  ] as const)('extraBody fields reach the %s body as given (the server, like the API, refuses one it does not know)', async (transport, webSockets) => {
    setup = await startLoopback({ enableWebSockets: webSockets, providerOverrides: { requestMaxRetries: 0 } });
    const stream = setup.client.newTurn().stream(prompt([userMessage('hi')], { options: { extraBody: { future_field: { nested: [1, 2] } } } }), turnContext());
    await expect(stream.result).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining("Unknown parameter: 'future_field'") });
    const request = setup.server.recording.requests.at(-1);
    expect(request?.transport).toBe(transport);
    expect(bodyOf(request)).toMatchObject({ future_field: { nested: [1, 2] }, model: 'gpt-test' });
    expect(bodyOf(request)).not.toHaveProperty('extraBody');
  });

  it('without options, sends the client defaults and none of the optional fields', async () => {
    setup = await startLoopback();
    await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    const body = bodyOf(setup.server.recording.requests.at(-1));
    expect(body).toMatchObject({ store: false, prompt_cache_key: 'conv-test', include: ['reasoning.encrypted_content'] });
    for (const field of ['max_output_tokens', 'temperature', 'top_p', 'metadata', 'truncation', 'safety_identifier', 'conversation', 'background', 'service_tier']) {
      expect(body, field).not.toHaveProperty(field);
    }
  });

  it('sends reasoning set by the options for a model whose capabilities say it has none', async () => {
    setup = await startLoopback();
    const plain = turnContext({ model: { slug: 'plain-model', supportsReasoning: false, supportsVerbosity: false, contextWindow: null } });
    await setup.client.newTurn().stream(prompt([userMessage('hi')]), plain).result;
    expect(bodyOf(setup.server.recording.requests.at(-1))).not.toHaveProperty('reasoning');
    await setup.client.newTurn().stream(prompt([userMessage('hi')], { options: { reasoning: { effort: 'low' } } }), plain).result;
    expect(bodyOf(setup.server.recording.requests.at(-1))).toMatchObject({ reasoning: { effort: 'low' }, include: ['reasoning.encrypted_content'] });
  });
});

describe('request options and incremental continuation', () => {
  /** One variation per option: a value that differs from {@link EVERY_OPTION}. */
  const CHANGES: readonly (readonly [string, RequestOptions])[] = [
    ['max_output_tokens', { max_output_tokens: 1024 }],
    ['temperature', { temperature: 0.4 }],
    ['top_p', { top_p: 0.5 }],
    ['metadata', { metadata: { team: 'search', run: '43' } }],
    ['store', { store: false }],
    ['truncation', { truncation: 'disabled' }],
    ['safety_identifier', { safety_identifier: 'user-other' }],
    ['prompt_cache_key', { prompt_cache_key: 'other-key' }],
    ['include', { include: ['message.output_text.logprobs'] }],
    ['text', { text: { verbosity: 'medium' } }],
    ['reasoning', { reasoning: { effort: 'low' } }],
    ['service_tier', { service_tier: 'priority' }],
  ];

  it.each(CHANGES)('changing %s forces a full response.create, then continues incrementally again', async (_, change) => {
    setup = await startLoopback();
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    const base: RequestOptions = { max_output_tokens: 2048, temperature: 0.3, top_p: 0.9, metadata: { team: 'search', run: '42' }, store: true, truncation: 'auto', safety_identifier: 'user-7f3a', service_tier: 'flex' };
    const history: ResponseItem[] = [];
    let sentLength = 0;
    const exchange = async (text: string, options: RequestOptions): Promise<void> => {
      history.push(userMessage(text));
      sentLength = history.length;
      const result = await turn.stream(prompt(history, { options }), turnContext({}, telemetry)).result;
      history.push(...result.output);
    };
    await exchange('one', base);
    await exchange('two', base);
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'incremental' });
    const changed = { ...base, ...change };
    await exchange('three', changed);
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'full', reason: 'request_changed' });
    const requests = setup.server.recording.requests;
    expect(bodyOf(requests.at(-1))).not.toHaveProperty('previous_response_id');
    expect((bodyOf(requests.at(-1))['input'] as unknown[]).length).toBe(sentLength);
    await exchange('four', changed);
    expect(telemetry.decisions.at(-1)).toMatchObject({ mode: 'incremental', sentItems: 1 });
  });

  it('sends every request naming a stored conversation in full', async () => {
    setup = await startLoopback();
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    const history: ResponseItem[] = [];
    for (const text of ['one', 'two', 'three']) {
      history.push(userMessage(text));
      const result = await turn.stream(prompt(history, { options: { conversation: 'conv_stored_1', store: true } }), turnContext({}, telemetry)).result;
      history.push(...result.output);
    }
    expect(telemetry.decisions.map((decision) => (decision.mode === 'full' ? decision.reason : decision.mode))).toEqual(['no_previous_response', 'conversation', 'conversation']);
    for (const request of setup.server.recording.requests) {
      expect(bodyOf(request)).toMatchObject({ conversation: 'conv_stored_1' });
      expect(bodyOf(request)).not.toHaveProperty('previous_response_id');
    }
  });
});

describe('background', () => {
  it('goes over HTTP on a WebSocket session, leaving the socket and its continuation alone', async () => {
    setup = await startLoopback();
    const telemetry = new RecordingTelemetry();
    const turn = setup.client.newTurn();
    const history: ResponseItem[] = [userMessage('one')];
    const first = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    history.push(...first.output);
    const background = await turn.stream(prompt([userMessage('long job')], { options: { background: true, store: true } }), turnContext({}, telemetry)).result;
    expect(background.transport).toBe('http');
    const request = setup.server.recording.requests.at(-1);
    expect(request?.transport).toBe('http');
    expect(bodyOf(request)).toMatchObject({ background: true, store: true, stream: true });
    // The session still uses the WebSocket, and the chain of the first exchange is intact.
    history.push(userMessage('two'));
    const next = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
    expect(next).toMatchObject({ transport: 'websocket', incremental: true });
    expect(telemetry.fallbacks).toEqual([]);
  });

  it('skips a warm-up (null) instead of sending it', async () => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    await expect(turn.prewarm(prompt([userMessage('hi')], { options: { background: true } }), turnContext())).resolves.toBeNull();
    expect(setup.server.recording.requests).toEqual([]);
  });
});

describe('invalid request options', () => {
  const cases: readonly (readonly [string, RequestOptions, string])[] = [
    ['temperature out of range', { temperature: 3 }, 'prompt.options.temperature'],
    ['top_p out of range', { top_p: 1.5 }, 'prompt.options.top_p'],
    ['fractional max_output_tokens', { max_output_tokens: 100.5 }, 'prompt.options.max_output_tokens'],
    ['max_output_tokens below the minimum of 16', { max_output_tokens: 8 }, 'prompt.options.max_output_tokens'],
    ['top_logprobs above 20', { top_logprobs: 21 }, 'prompt.options.top_logprobs'],
    ['too many metadata keys', { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])) }, 'prompt.options.metadata'],
    ['a metadata value too long', { metadata: { note: 'x'.repeat(513) } }, 'prompt.options.metadata.note'],
    ['an unknown truncation', { truncation: 'sometimes' as never }, 'prompt.options.truncation'],
    ['an unknown include', { include: [''] as never }, 'prompt.options.include[0]'],
    ['a misspelt option', { max_tokens: 5 } as never, 'prompt.options'],
    ['a bad json_schema name', { text: { format: { type: 'json_schema', name: 'has space', schema: {} } } }, 'prompt.options.text.format'],
    ['a reserved extraBody field', { extraBody: { stream: false } }, 'prompt.options.extraBody.stream'],
    ['a typed field in extraBody', { extraBody: { temperature: 1 } }, 'prompt.options.extraBody.temperature'],
    ['a non-JSON extraBody value', { extraBody: { big: 10n } }, 'prompt.options.extraBody.big'],
  ];

  it.each(cases)('%s is an InvalidArgumentError with its field path, before any I/O', async (_, options, path) => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    let caught: unknown;
    try {
      turn.stream(prompt([userMessage('hi')], { options }), turnContext());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError);
    expect((caught as InvalidArgumentError).path.startsWith(path), (caught as Error).message).toBe(true);
    expect(setup.server.recording.requests).toEqual([]);
    expect(setup.server.recording.counters.handshakes).toBe(0);
  });

  it('a text format next to an output schema, or context_management next to compactThreshold, is a conflict', async () => {
    setup = await startLoopback();
    const turn = setup.client.newTurn();
    const schema = { name: 'out', schema: { type: 'object' } };
    expect(() => turn.stream(prompt([userMessage('hi')], { outputSchema: schema, options: { text: { format: { type: 'text' } } } }), turnContext())).toThrow(
      expect.objectContaining({ path: 'prompt.options.text.format' }),
    );
    expect(() => turn.stream(prompt([userMessage('hi')], { compactThreshold: 5000, options: { context_management: [{ type: 'compaction' }] } }), turnContext())).toThrow(
      expect.objectContaining({ path: 'prompt.options.context_management' }),
    );
    expect(setup.server.recording.requests).toEqual([]);
  });
});
