// Each provider preset against the loopback server configured to behave like that provider.
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingTelemetry } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { ModelClient } from '../client/model-client.js';
import { LOOPBACK_PROVIDER_RULES, startResponsesServer, type ProviderRules, type ResponsesServer } from '@modelwire/testing';
import type { AuthProvider } from '../types/auth-provider.js';
import type { ResponseItem } from '../types/prompt.js';
import type { Provider } from '../types/provider.js';
import { InvalidArgumentError } from '@modelwire/errors';
import { ProviderPresetError, providerFromPreset, providerPresets } from './provider-presets.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

interface Session {
  readonly server: ResponsesServer;
  readonly client: ModelClient;
  readonly telemetry: RecordingTelemetry;
  /** Runs `count` exchanges in one turn (each appends the output and a new user message). */
  exchanges(count: number): Promise<void>;
  bodies(): Record<string, unknown>[];
}

async function session(rules: ProviderRules, provider: (server: ResponsesServer) => Provider, auth: AuthProvider | 'none' = { getToken: () => 'sk-preset-test' }): Promise<Session> {
  const server = await startResponsesServer({ providerRules: rules });
  const client = new ModelClient({ provider: provider(server), auth, conversationId: 'conv-preset', sessionSource: { kind: 'cli' }, environment: {}, random: () => 0.5 });
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  const telemetry = new RecordingTelemetry();
  const turn = client.newTurn();
  const history: ResponseItem[] = [];
  return {
    server,
    client,
    telemetry,
    async exchanges(count) {
      for (let index = 0; index < count; index += 1) {
        history.push(userMessage(`message ${index}`));
        const result = await turn.stream(prompt(history), turnContext({}, telemetry)).result;
        history.push(...result.output);
      }
    },
    bodies: () => server.recording.requests.map((request) => request.body as Record<string, unknown>),
  };
}

describe('provider presets as data', () => {
  it('has one documented row per provider, with the capabilities the client reads', () => {
    expect(Object.keys(providerPresets)).toEqual(['openai', 'azure-openai', 'xai', 'chatgpt-codex', 'lm-studio', 'vllm', 'ollama']);
    for (const preset of Object.values(providerPresets)) {
      expect(preset.notes.length).toBeGreaterThan(20);
      // HTTP-only presets never continue (the client sends store:false; HTTP has no socket cache).
      if (!preset.supportsWebSockets) expect(preset.supportsContinuation).toBe(false);
      if (preset.local) expect(preset.baseUrl).toMatch(/^http:\/\/localhost:\d+\/v1$/);
    }
  });

  it('OpenAI: WebSocket mode, incremental continuation with instructions', async () => {
    const openai = await session(LOOPBACK_PROVIDER_RULES.openai, (server) => providerFromPreset('openai', { baseUrl: server.url }));
    await openai.exchanges(2);
    expect(openai.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'websocket']);
    expect(openai.bodies()[1]).toMatchObject({ previous_response_id: expect.any(String), instructions: 'be brief' });
    expect(openai.telemetry.decisions.map((decision) => decision.mode)).toEqual(['full', 'incremental']);
    expect(openai.server.recording.handshakes[0]?.headers['authorization']).toBe('Bearer sk-preset-test');
  });

  it('Azure OpenAI: /openai/v1 base from the resource name, api-key header, WebSocket mode with continuation', async () => {
    expect(providerFromPreset('azure-openai', { resource: 'My-Resource' }).baseUrl).toBe('https://my-resource.openai.azure.com/openai/v1');
    expect(() => providerFromPreset('azure-openai')).toThrow(ProviderPresetError);
    expect(() => providerFromPreset('azure-openai', { resource: 'evil.com/x' })).toThrow(/needs `resource`/);

    const azure = await session(LOOPBACK_PROVIDER_RULES['azure-openai'], (server) => providerFromPreset('azure-openai', { baseUrl: server.url.replace(/\/v1$/, '/openai/v1') }), {
      getToken: () => 'azure-key-123',
    });
    await azure.exchanges(2);
    const handshake = azure.server.recording.handshakes[0];
    expect(handshake?.status).toBe(101);
    expect(handshake?.headers['api-key']).toBe('azure-key-123');
    expect(handshake?.headers['authorization']).toBeUndefined();
    expect(azure.bodies()[1]?.['previous_response_id']).toEqual(expect.any(String));
    // Unary calls go to the same base, with the same header.
    await azure.client.compactConversationHistory(prompt([userMessage('compact me')]), turnContext());
    const compact = azure.server.recording.requests.at(-1);
    expect(compact?.transport).toBe('http');
    expect(compact?.headers['api-key']).toBe('azure-key-123');
  });

  it('Azure OpenAI with Entra ID: a bearer token provider instead of the key', async () => {
    let issued = 0;
    const entra: AuthProvider = { getToken: () => `entra-token-${++issued}` };
    const azure = await session(
      LOOPBACK_PROVIDER_RULES['azure-openai'],
      (server) => providerFromPreset('azure-openai', { baseUrl: server.url.replace(/\/v1$/, '/openai/v1'), authHeader: 'bearer' }),
      entra,
    );
    await azure.exchanges(1);
    expect(azure.server.recording.handshakes[0]?.headers['authorization']).toBe('Bearer entra-token-1');
    expect(azure.server.recording.handshakes[0]?.headers['api-key']).toBeUndefined();
  });

  it('the Azure-like server refuses what the real one would: the wrong path, no credentials', async () => {
    const wrongPath = await session(LOOPBACK_PROVIDER_RULES['azure-openai'], (server) => providerFromPreset('azure-openai', { baseUrl: server.url, requestMaxRetries: 0 }));
    await expect(wrongPath.exchanges(1)).rejects.toMatchObject({ status: 404 });
    const anonymous = await session(
      LOOPBACK_PROVIDER_RULES['azure-openai'],
      (server) => providerFromPreset('azure-openai', { baseUrl: server.url.replace(/\/v1$/, '/openai/v1'), requestMaxRetries: 0 }),
      'none',
    );
    await expect(anonymous.exchanges(1)).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('xAI: WebSocket mode, continuation off: every request full with its instructions, no warm-up', async () => {
    const xai = await session(LOOPBACK_PROVIDER_RULES.xai, (server) => providerFromPreset('xai', { baseUrl: server.url }));
    expect(await xai.client.newTurn().prewarm(prompt([userMessage('warm')]), turnContext())).toBeNull();
    await xai.exchanges(3);
    expect(xai.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'websocket', 'websocket']);
    for (const body of xai.bodies()) {
      expect(body['previous_response_id']).toBeUndefined();
      expect(body['instructions']).toBe('be brief');
      expect(body['generate']).toBeUndefined();
    }
    expect(xai.telemetry.decisions.map((decision) => (decision.mode === 'full' ? decision.reason : decision.mode))).toEqual([
      'continuation_unsupported',
      'continuation_unsupported',
      'continuation_unsupported',
    ]);
  });

  it('instructionsWithPreviousResponse: false leaves instructions out of incremental requests only', async () => {
    const rules: ProviderRules = { credentials: 'bearer', instructionsWithPreviousResponse: false };
    const careful = await session(rules, (server) => ({ baseUrl: server.url, supportsWebSockets: true, instructionsWithPreviousResponse: false }));
    await careful.exchanges(2);
    expect(careful.bodies()[0]?.['instructions']).toBe('be brief');
    expect(careful.bodies()[1]?.['previous_response_id']).toEqual(expect.any(String));
    expect('instructions' in (careful.bodies()[1] ?? {})).toBe(false);
    // The same server refuses a client that sends both: the capability is what makes it work.
    const careless = await session(rules, (server) => ({ baseUrl: server.url, supportsWebSockets: true, requestMaxRetries: 0 }));
    await expect(careless.exchanges(2)).rejects.toMatchObject({ message: expect.stringContaining('instructions cannot be used together with previous_response_id') });
  });

  it('ChatGPT Codex backend: continuation on the WebSocket; full requests over HTTP after the fallback', async () => {
    const codex = await session(LOOPBACK_PROVIDER_RULES['chatgpt-codex'], (server) => providerFromPreset('chatgpt-codex', { baseUrl: server.url }));
    await codex.exchanges(2);
    expect(codex.bodies()[1]?.['previous_response_id']).toEqual(expect.any(String));
    expect(codex.client.newTurn().trySwitchToHttpFallback()).toBe(true);
    await codex.exchanges(1);
    const last = codex.server.recording.requests.at(-1);
    expect(last?.transport).toBe('http');
    expect((last?.body as Record<string, unknown>)['previous_response_id']).toBeUndefined();
    expect((last?.body as Record<string, unknown>)['store']).toBe(false);
    // The Codex-like server refuses previous_response_id over HTTP, as the backend does.
    const refused = await fetch(`${codex.server.url}/responses`, {
      method: 'POST',
      headers: { authorization: 'Bearer x', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', input: [], previous_response_id: 'resp_1', store: false }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Unsupported parameter: previous_response_id');
  });

  it.each(['lm-studio', 'vllm', 'ollama'] as const)('%s: HTTP/SSE only, no continuation, no key needed', async (id) => {
    const local = await session(LOOPBACK_PROVIDER_RULES['local-compatible'], (server) => providerFromPreset(id, { baseUrl: server.url }), 'none');
    await local.client.preconnect();
    await local.exchanges(2);
    expect(local.server.recording.counters.handshakes).toBe(0);
    expect(local.server.recording.requests.map((request) => request.transport)).toEqual(['http', 'http']);
    expect(local.bodies().map((body) => body['previous_response_id'])).toEqual([undefined, undefined]);
    expect(local.server.recording.requests[0]?.headers['authorization']).toBeUndefined();
  });

  it('local presets: plaintext across the network needs the explicit insecure opt-in', () => {
    expect(providerFromPreset('ollama').baseUrl).toBe('http://localhost:11434/v1');
    expect(() => providerFromPreset('lm-studio', { baseUrl: 'http://192.168.1.20:1234/v1' })).toThrow(ProviderPresetError);
    expect(() => providerFromPreset('lm-studio', { baseUrl: 'http://192.168.1.20:1234/v1' })).toThrow(/allowInsecure: true/);
    expect(providerFromPreset('vllm', { baseUrl: 'http://192.168.1.20:8000/v1', allowInsecure: true })).toMatchObject({ allowInsecure: true, supportsWebSockets: false });
    expect(providerFromPreset('vllm', { baseUrl: 'https://vllm.internal.example/v1' }).baseUrl).toBe('https://vllm.internal.example/v1');
    expect(() => providerFromPreset('nope' as 'openai')).toThrow(/unknown provider preset "nope"/);
  });

  it('refuses bad preset arguments with InvalidArgumentError naming the argument', () => {
    const caught = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const cases = [
      [() => providerFromPreset('nope' as 'openai'), 'id'],
      [() => providerFromPreset('azure-openai'), 'resource'],
      [() => providerFromPreset('ollama', { baseUrl: 'http://192.168.1.20:11434/v1' }), 'baseUrl'],
    ] as const;
    for (const [run, path] of cases) {
      const error = caught(run);
      expect(error).toBeInstanceOf(ProviderPresetError);
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect(InvalidArgumentError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ name: 'ProviderPresetError', code: 'invalid_argument', retryable: false, path });
    }
  });
});
