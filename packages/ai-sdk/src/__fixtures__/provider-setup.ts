// A loopback Responses server and a Modelwire provider pointed at it, and the AI SDK's own
// OpenAI provider (`createOpenAI`, plain HTTP) for the anchor runs.
import { createOpenAI } from '@ai-sdk/openai';
import { staticTokenAuth, type ModelClientOptions } from '@modelwire/client';
import { startResponsesServer, type ResponsesServer, type ResponsesServerOptions } from '@modelwire/testing';
import type { LanguageModel } from 'ai';
import { createModelwire, type ModelwireProvider, type ModelwireProviderSettings } from '../create-modelwire.js';

/** A loopback server and a provider over it; `close()` closes both (provider first). */
export interface ProviderSetup {
  readonly server: ResponsesServer;
  readonly provider: ModelwireProvider;
  close(): Promise<void>;
}

/** Client options pointing at `server` (WebSocket on unless `provider` overrides it). */
export function clientOptionsFor(server: ResponsesServer, provider: Partial<ModelClientOptions['provider']> = {}): Omit<ModelClientOptions, 'conversationId' | 'sessionSource'> {
  return { provider: { baseUrl: server.url, supportsWebSockets: true, ...provider }, auth: staticTokenAuth('sk-test'), random: () => 0.5 };
}

/** Starts a loopback server and a provider over it, its WebSocket connected. */
export async function startProvider(serverOptions: ResponsesServerOptions = {}, provider: Partial<ModelClientOptions['provider']> = {}, settings: ModelwireProviderSettings = {}): Promise<ProviderSetup> {
  const server = await startResponsesServer({ tokenDelayMs: 0, ...serverOptions });
  const modelwire = createModelwire(clientOptionsFor(server, provider), settings);
  await modelwire.client.preconnect();
  return {
    server,
    provider: modelwire,
    close: async () => {
      await modelwire.close();
      await server.close();
    },
  };
}

/** The AI SDK's own Responses model over plain HTTP to `server` (what users have before switching). */
export function openAiModel(server: ResponsesServer, modelId: string): LanguageModel {
  return createOpenAI({ apiKey: 'sk-test', baseURL: server.url }).responses(modelId);
}
