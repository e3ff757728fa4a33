import type { Server } from 'node:http';
import type { ModelClient } from '../client/model-client.js';

/**
 * The end of a test that ran a client against its own `node:http` server: closes the client,
 * then the server with every connection still open (either may be absent).
 */
export async function closeClientAndServer(client: ModelClient | undefined, server: Server | undefined): Promise<void> {
  await client?.close();
  if (server === undefined) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
