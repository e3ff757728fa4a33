import { ConnectionClosedError, type ModelwireError } from '@modelwire/transport';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noopClientTelemetry } from '../telemetry/client-telemetry.js';
import type { WireSocket } from '../wire/wire-types.js';
import { ResponsesConnection } from './responses-connection.js';
import { SessionSocket } from './session-socket.js';

/** An in-memory socket: pings succeed unless `pingFails`; close records itself. */
class FakeSocket implements WireSocket {
  readonly upgradeHeaders = {};
  isOpen = true;
  pingFails = false;
  pings = 0;
  #onClose: (error: ModelwireError) => void = () => undefined;
  send(): void {}
  listen(_onFrame: (text: string) => void, onClose: (error: ModelwireError) => void): void {
    this.#onClose = onClose;
  }
  async ping(): Promise<void> {
    this.pings += 1;
    if (this.pingFails) throw new Error('no pong');
  }
  async close(): Promise<void> {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.#onClose(new ConnectionClosedError({ closeCode: 1000 }));
  }
}

const socketsOf = new WeakMap<ResponsesConnection, FakeSocket>();

function setup(health: Partial<{ maxAgeMs: number; healthCheckAfterIdleMs: number; pongTimeoutMs: number }> = {}) {
  let now = 0;
  const clock = { now: () => now };
  const sockets: FakeSocket[] = [];
  let failNext = false;
  const holder = new SessionSocket(
    async (_signal, replacesEarlier) => {
      if (failNext) {
        failNext = false;
        throw new Error('refused');
      }
      const socket = new FakeSocket();
      sockets.push(socket);
      const connection = new ResponsesConnection(socket, clock, { connectMs: 0, replacesEarlierConnection: replacesEarlier });
      socketsOf.set(connection, socket);
      return connection;
    },
    { maxAgeMs: 1000, healthCheckAfterIdleMs: 100, pongTimeoutMs: 10, ...health },
  );
  return { holder, sockets, advance: (ms: number) => (now += ms), failNextConnect: () => (failNext = true) };
}

const signal = new AbortController().signal;

describe('SessionSocket', () => {
  it('reuses the released socket; pings it only after the idle threshold', async () => {
    const { holder, sockets, advance } = setup();
    const first = await holder.acquire(signal);
    holder.release(first.connection);
    const second = await holder.acquire(signal);
    expect(second).toEqual({ connection: first.connection, reused: true, lane: '' });
    expect(sockets[0]?.pings).toBe(0);
    holder.release(second.connection);
    advance(150);
    const third = await holder.acquire(signal);
    expect(third.connection).toBe(first.connection);
    expect(sockets[0]?.pings).toBe(1);
  });

  it('replaces a socket that fails its ping, one that closed, and one past its age', async () => {
    const { holder, sockets, advance } = setup();
    const first = await holder.acquire(signal);
    holder.release(first.connection);
    sockets[0]!.pingFails = true;
    advance(150);
    const second = await holder.acquire(signal);
    expect(second.reused).toBe(false);
    expect(sockets[0]?.isOpen).toBe(false);
    holder.release(second.connection);
    await sockets[1]!.close();
    const third = await holder.acquire(signal);
    expect(third.connection).not.toBe(second.connection);
    holder.release(third.connection);
    advance(1000);
    const fourth = await holder.acquire(signal);
    expect(fourth.connection).not.toBe(third.connection);
    expect(sockets).toHaveLength(4);
  });

  it('never lends a socket still carrying a response', async () => {
    const { holder } = setup();
    const first = await holder.acquire(signal);
    first.connection.start({ lane: '', message: '{}', sink: { onFrame: () => undefined }, signal, idleTimeoutMs: 60_000, telemetry: noopClientTelemetry });
    holder.release(first.connection);
    const second = await holder.acquire(signal);
    expect(second.connection).not.toBe(first.connection);
  });

  it('adopts a pre-connect, swallows a failed one, and closes everything on close()', async () => {
    const { holder, sockets, failNextConnect } = setup();
    failNextConnect();
    await holder.preconnect();
    const first = await holder.acquire(signal);
    expect(first.reused).toBe(false);
    holder.release(first.connection);
    await holder.close();
    expect(sockets.every((socket) => !socket.isOpen)).toBe(true);
    await expect(holder.acquire(signal)).rejects.toMatchObject({ code: 'closed' });
  });

  it('shares one socket being opened among concurrent requests, each on its own lane; one giving up does not fail the others', async () => {
    const sockets: FakeSocket[] = [];
    const pending: { resolve: () => void; signal: AbortSignal }[] = [];
    const holder = new SessionSocket(
      (connectSignal) =>
        new Promise<ResponsesConnection>((resolve, reject) => {
          const entry = {
            signal: connectSignal,
            resolve: () => {
              const socket = new FakeSocket();
              sockets.push(socket);
              resolve(new ResponsesConnection(socket, { now: () => 0 }, { connectMs: 0, replacesEarlierConnection: false }));
            },
          };
          connectSignal.addEventListener('abort', () => reject(connectSignal.reason), { once: true });
          pending.push(entry);
        }),
      { maxAgeMs: 1000, healthCheckAfterIdleMs: 100, pongTimeoutMs: 10 },
    );
    const giveUp = new AbortController();
    const first = holder.acquire(giveUp.signal);
    const second = holder.acquire(signal);
    const third = holder.acquire(signal, { lane: 'named' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(pending).toHaveLength(1);
    giveUp.abort(new Error('gave up'));
    await expect(first).rejects.toThrow();
    // The opening request's abort cancelled its handshake; the others open again, together.
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(pending).toHaveLength(2);
    pending[1]!.resolve();
    const [b, c] = await Promise.all([second, third]);
    expect(b.connection).toBe(c.connection);
    expect([b.lane, c.lane].sort()).toEqual(['', 'named']);
    expect(sockets).toHaveLength(1);
    holder.release(b.connection, b.lane);
    holder.release(c.connection, c.lane);
    await holder.close();
    expect(sockets[0]?.isOpen).toBe(false);
  });

  it('acquireOpen lends at once exactly what acquire would lend, and otherwise leaves the choice to it', async () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('acquire' as const), lane: fc.constantFrom(undefined, '', 'named') }),
      fc.record({ kind: fc.constant('release' as const), index: fc.nat(3) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(0, 50, 150, 1000) }),
      fc.record({ kind: fc.constant('closeSocket' as const), index: fc.nat(3) }),
      fc.record({ kind: fc.constant('pingFails' as const), index: fc.nat(3) }),
      fc.record({ kind: fc.constant('abortedAcquire' as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 25 }), async (operations) => {
        // Two identical pools driven alike: one lends through acquireOpen first, the other through acquire only.
        const pools = [setup(), setup()];
        const held = pools.map(() => [] as { connection: ResponsesConnection; lane: string }[]);
        const aborted = AbortSignal.abort(new Error('gave up'));
        for (const step of operations) {
          const outcomes: unknown[] = [];
          for (const [index, pool] of pools.entries()) {
            const { holder, sockets } = pool;
            const mine = held[index]!;
            if (step.kind === 'acquire' || step.kind === 'abortedAcquire') {
              const stepSignal = step.kind === 'abortedAcquire' ? aborted : signal;
              const wish = step.kind === 'acquire' && step.lane !== undefined ? { lane: step.lane } : {};
              const atOnce = index === 0 ? holder.acquireOpen(stepSignal, wish) : null;
              // What it lent at once is an open socket already in the pool, never pinged first.
              if (atOnce !== null) expect(atOnce.reused).toBe(true);
              const outcome = await (atOnce === null ? holder.acquire(stepSignal, wish) : Promise.resolve(atOnce)).then(
                (acquired) => {
                  mine.push(acquired);
                  return { socket: sockets.findIndex((socket) => socketOf(acquired.connection) === socket), reused: acquired.reused, lane: acquired.lane };
                },
                (error: unknown) => ({ failed: (error as { code?: unknown }).code ?? String(error) }),
              );
              outcomes.push(outcome);
            } else if (step.kind === 'release') {
              const lent = mine.splice(step.index % Math.max(1, mine.length), 1)[0];
              if (lent !== undefined) holder.release(lent.connection, lent.lane);
            } else if (step.kind === 'advance') {
              pool.advance(step.ms);
            } else if (step.kind === 'closeSocket') {
              await sockets[step.index]?.close();
            } else {
              const socket = sockets[step.index];
              if (socket !== undefined) socket.pingFails = true;
            }
            outcomes.push(sockets.map((socket) => [socket.isOpen, socket.pings]));
          }
          expect(outcomes.slice(0, outcomes.length / 2)).toEqual(outcomes.slice(outcomes.length / 2));
        }
        for (const pool of pools) await pool.holder.close();
      }),
      { numRuns: 150 },
    );
  });
});

/** The fake socket under a connection (the pools' sockets are compared by position). */
function socketOf(connection: ResponsesConnection): FakeSocket | undefined {
  return socketsOf.get(connection);
}
