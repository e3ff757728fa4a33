import { ModelClient } from '@modelwire/client';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationHistory } from '../history/conversation-history.js';
import { ToolRegistry } from '../tools/tool-registry.js';
import { SessionServices } from './session-services.js';

let server: ResponsesServer | undefined;
let services: SessionServices | undefined;
afterEach(async () => {
  await services?.close();
  await server?.close();
  services = undefined;
  server = undefined;
});

function clientFor(target: ResponsesServer): ModelClient {
  return new ModelClient({
    provider: { baseUrl: target.url, supportsWebSockets: true },
    auth: { getToken: () => 'test-token' },
    conversationId: 'conv-services',
    sessionSource: { kind: 'exec' },
  });
}

describe('SessionServices', () => {
  it('opens the WebSocket at construction, before any turn exists', async () => {
    server = await startResponsesServer();
    const auth = { getToken: () => 'test-token' };
    const history = new ConversationHistory();
    const tools = new ToolRegistry();
    services = new SessionServices({ client: clientFor(server), auth, history, tools });
    await services.preconnected;
    expect(server.recording.counters.handshakes).toBe(1);
    expect(server.recording.handshakes[0]?.headers['authorization']).toBe('Bearer test-token');
    expect(server.recording.requests).toEqual([]);
    expect(services.history).toBe(history);
    expect(services.tools).toBe(tools);
    expect(services.auth).toBe(auth);
  });

  it('can skip the pre-connect, and reports the fallback to HTTP exactly once', async () => {
    server = await startResponsesServer();
    services = new SessionServices({ client: clientFor(server), auth: { getToken: () => null }, preconnect: false });
    await services.preconnected;
    expect(server.recording.counters.handshakes).toBe(0);
    expect(services.takeFallbackReport()).toBeNull();
    const turn = services.client.newTurn();
    expect(turn.trySwitchToHttpFallback()).toBe(true);
    expect(services.takeFallbackReport()).toEqual({ reason: 'stream_retries_exhausted', remembered: false });
    expect(services.takeFallbackReport()).toBeNull();
    await turn.close();
  });

  it('closes the client once, however often it is asked', async () => {
    server = await startResponsesServer();
    services = new SessionServices({ client: clientFor(server), auth: { getToken: () => null } });
    await Promise.all([services.close(), services.close()]);
    expect(() => services?.client.newTurn()).toThrow(expect.objectContaining({ code: 'closed' }));
    await expect.poll(() => server?.recording.openConnections).toBe(0);
  });
});
