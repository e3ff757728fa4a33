import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server: point a client at its port, then take the
 * "network" down (every relayed connection is cut and the port refuses new ones) and bring it
 * back up on the same port. For tests of outages and of waiting for the network, and (with
 * {@link NetworkRelay.holdUpgrades}) of a middlebox that black-holes WebSocket upgrades while
 * HTTP to the same port goes through.
 */
export interface NetworkRelay {
  /** The relay's port (the same while it is down and after it is up again). */
  readonly port: number;
  /** Whether the port accepts connections. */
  readonly isUp: boolean;
  /**
   * Hold every WebSocket upgrade: the connection is accepted and its request read, but never
   * answered nor relayed (until the relay goes down); other requests are relayed. Default `false`.
   */
  holdUpgrades: boolean;
  /** WebSocket upgrades held so far (each one a dial the client paid its connect timeout for). */
  readonly heldUpgrades: number;
  /** Connections accepted so far (relayed or held). */
  readonly accepted: number;
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
  let holdUpgrades = false;
  let heldUpgrades = 0;
  let accepted = 0;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const up = async (): Promise<void> => {
    if (server !== null) return;
    const listening = createServer((client) => {
      accepted += 1;
      track(client);
      const relay = (): void => {
        const upstream = connect(targetPort, '127.0.0.1');
        track(upstream);
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      };
      if (!holdUpgrades) {
        relay();
        return;
      }
      // Look at the request head before anything is relayed: an upgrade is held, unanswered.
      client.once('data', (first: Buffer) => {
        if (/\r\nupgrade:\s*websocket/i.test(first.toString('latin1'))) {
          heldUpgrades += 1;
          return;
        }
        client.unshift(first);
        relay();
      });
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
    get holdUpgrades() {
      return holdUpgrades;
    },
    set holdUpgrades(value: boolean) {
      holdUpgrades = value;
    },
    get heldUpgrades() {
      return heldUpgrades;
    },
    get accepted() {
      return accepted;
    },
    down,
    up,
    close: down,
  };
}
