import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server: point a client at its port, then take the
 * "network" down (every relayed connection is cut and the port refuses new ones) and bring it
 * back up on the same port. For tests of outages and of waiting for the network.
 */
export interface NetworkRelay {
  /** The relay's port (the same while it is down and after it is up again). */
  readonly port: number;
  /** Whether the port accepts connections. */
  readonly isUp: boolean;
  /** Cuts every relayed connection and stops listening (the port refuses connections). */
  down(): Promise<void>;
  /** Listens again on the same port. No-op when up. */
  up(): Promise<void>;
  /** Same as {@link NetworkRelay.down}; nothing stays open. */
  close(): Promise<void>;
}

/** Starts a relay to `127.0.0.1:targetPort`, up. */
export async function startNetworkRelay(targetPort: number): Promise<NetworkRelay> {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const up = async (): Promise<void> => {
    if (server !== null) return;
    const listening = createServer((client) => {
      const upstream = connect(targetPort, '127.0.0.1');
      track(client);
      track(upstream);
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      listening.once('error', reject);
      listening.listen(port, '127.0.0.1', () => {
        listening.off('error', reject);
        resolve();
      });
    });
    port = (listening.address() as AddressInfo).port;
    server = listening;
  };
  const down = async (): Promise<void> => {
    const current = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    if (current !== null) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await up();
  return {
    get port() {
      return port;
    },
    get isUp() {
      return server !== null;
    },
    down,
    up,
    close: down,
  };
}
