// The plaintext rule through the public client: the auth provider's extra headers are
// credentials whatever their names, so a session with them refuses a plain http:/ws: provider
// that is not loopback (naming provider.allowInsecure) before anything is sent, on both
// transports, and sends them to a loopback provider.
import { InsecureTransportError } from '@modelwire/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelClient } from '../client/model-client.js';
import { startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import type { AuthProvider } from '../types/auth-provider.js';

/** Credentials carried only by a header whose name does not look secret. */
const workspaceAuth: AuthProvider = { getToken: () => null, getHeaders: () => ({ 'X-Workspace-Credential': 'workspace-credential-7f3a' }) };

let setup: LoopbackSetup | undefined;
const clients: ModelClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await setup?.close();
  setup = undefined;
});

function remoteClient(supportsWebSockets: boolean): ModelClient {
  // `.invalid` never resolves: even a regression could not reach anything.
  const client = new ModelClient({
    provider: { baseUrl: 'http://models.example.invalid/v1', supportsWebSockets, requestMaxRetries: 0, streamMaxRetries: 0 },
    auth: workspaceAuth,
    conversationId: 'conv-plaintext',
    sessionSource: { kind: 'cli' },
  });
  clients.push(client);
  return client;
}

describe('auth headers count as credentials for the plaintext rule', () => {
  it.each([
    ['HTTP', false],
    ['WebSocket', true],
  ] as const)('refuses a remote http: provider on %s before sending, naming provider.allowInsecure', async (_transport, supportsWebSockets) => {
    const failure = await remoteClient(supportsWebSockets).newTurn().stream(prompt([userMessage('hi')]), turnContext()).result.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InsecureTransportError);
    expect((failure as Error).message).toContain('allowInsecure');
    expect((failure as Error).message).not.toContain('workspace-credential-7f3a');
  });

  it('sends them to a loopback provider over both transports', async () => {
    setup = await startLoopback({ auth: workspaceAuth });
    await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext()).result;
    expect(setup.server.recording.handshakes[0]?.headers['x-workspace-credential']).toBe('workspace-credential-7f3a');
  });
});
