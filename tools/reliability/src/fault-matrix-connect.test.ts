// Fault matrix, connection phase: refused upgrades, auth refresh, HTTP statuses, connect
// timeouts. Each cell runs a real session against the loopback server.
import type { AuthProvider } from '@modelwire/client';
import { describe, expect, it } from 'vitest';
import { runCell, submitAndRun, type FaultCell } from './harness/fault-cell.ts';

const BASIC = ['message', 'reasoning', 'message'];

/** Credentials whose first token the server refuses; `refresh()` switches to a fresh one. */
function refreshingAuth(): AuthProvider & { refreshes: number } {
  let token = 'matrix-token';
  const auth = {
    refreshes: 0,
    getToken: () => token,
    refresh: async () => {
      auth.refreshes += 1;
      token = 'matrix-token-refreshed';
      return true;
    },
  };
  return auth;
}

const cells: FaultCell[] = [
  (() => {
    const auth = refreshingAuth();
    return {
      name: 'websocket upgrade refused with 401, then the refreshed token is accepted',
      transport: 'websocket',
      auth,
      inject: (server) => server.faults.next({ kind: 'unauthorized-until-token-changes' }, { on: 'handshake' }),
      expect: { status: 'completed', retries: 0, requests: 1, handshakes: 2, historyTypes: BASIC },
      verify: (context) => {
        if (auth.refreshes !== 1) throw new Error(`expected one refresh, saw ${auth.refreshes}`);
        const statuses = context.server.recording.handshakes.map((handshake) => handshake.status);
        if (JSON.stringify(statuses) !== JSON.stringify([401, 101])) throw new Error(`handshake statuses ${JSON.stringify(statuses)}`);
      },
    } satisfies FaultCell;
  })(),
  (() => {
    const auth = refreshingAuth();
    return {
      name: 'http request refused with 401, then the refreshed token is accepted',
      transport: 'http',
      auth,
      inject: (server) => server.faults.next({ kind: 'unauthorized-until-token-changes' }, { on: 'http' }),
      expect: { status: 'completed', retries: 0, requests: 2, historyTypes: BASIC },
      verify: () => {
        if (auth.refreshes !== 1) throw new Error(`expected one refresh, saw ${auth.refreshes}`);
      },
    } satisfies FaultCell;
  })(),
  {
    name: 'http 401 without a way to refresh is a typed unauthorized error',
    transport: 'http',
    inject: (server) => server.faults.next({ kind: 'http-status', status: 401 }),
    expect: { status: 'failed', errorCode: 'unauthorized', requests: 1, historyTypes: ['message'] },
  },
  {
    name: 'websocket upgrade refused with 426 falls back to http for the session',
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'refuse-upgrade', status: 426 }),
    expect: { status: 'completed', retries: 0, fallback: 'upgrade_required', requests: 1, handshakes: 1, historyTypes: BASIC },
    verify: (context) => {
      const transports = context.server.recording.requests.map((request) => request.transport);
      if (transports.join() !== 'http') throw new Error(`requests went over ${transports.join()}`);
    },
  },
  {
    name: 'websocket upgrade refused with 429 and retry-after is retried after the delay',
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'refuse-upgrade', status: 429, headers: { 'retry-after': '1' } }),
    expect: { status: 'completed', retries: 0, requests: 1, handshakes: 2, historyTypes: BASIC },
  },
  {
    name: 'http 429 with retry-after is retried after the delay',
    transport: 'http',
    inject: (server) => server.faults.next({ kind: 'http-status', status: 429, headers: { 'retry-after': '1' } }),
    expect: { status: 'completed', retries: 0, requests: 2, historyTypes: BASIC },
  },
  {
    name: 'websocket upgrade refused with 500 is retried',
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'refuse-upgrade', status: 500 }),
    expect: { status: 'completed', retries: 0, requests: 1, handshakes: 2, historyTypes: BASIC },
  },
  {
    name: 'http 500 is retried',
    transport: 'http',
    inject: (server) => server.faults.next({ kind: 'http-status', status: 500 }),
    expect: { status: 'completed', retries: 0, requests: 2, historyTypes: BASIC },
  },
  {
    name: 'websocket connect timeout before the session ever connected: HTTP at once (websocket_connect_timeout), one dial',
    transport: 'websocket',
    inject: (server) => server.faults.next({ kind: 'delay-handshake', ms: 2_000 }),
    // The server records a handshake when it answers it: the delayed one is still held.
    expect: { status: 'completed', fallback: 'websocket_connect_timeout', requests: 1, handshakes: 0, historyTypes: BASIC },
    verify: (context) => {
      if (context.server.faults.pending.length !== 0) throw new Error('the delayed handshake never happened');
      expect(context.server.recording.requests.map((request) => request.transport)).toEqual(['http']);
    },
  },
  {
    name: 'websocket connect timeout after the session connected once counts as one failed attempt and the next connect succeeds',
    transport: 'websocket',
    // The first turn's socket is closed by the server right after its response: the next turn connects again.
    inject: (server) => server.faults.next({ kind: 'close-after-terminal' }),
    drive: async (context) => {
      const first = await submitAndRun(context, 'warm up');
      expect(first.status).toBe('completed');
      context.server.faults.next({ kind: 'delay-handshake', ms: 2_000 });
      return submitAndRun(context, 'hello');
    },
    // The delayed handshake is still held when the cell looks: the two answered are the first turn's and the retry's.
    expect: { status: 'completed', requests: 2, handshakes: 2, historyTypes: [...BASIC, ...BASIC] },
    verify: (context) => {
      if (context.server.faults.pending.length !== 0) throw new Error('the delayed handshake never happened');
      expect(context.server.recording.requests.map((request) => request.transport)).toEqual(['websocket', 'websocket']);
    },
  },
  {
    name: 'a failed pre-connect (500) costs the first turn nothing',
    transport: 'websocket',
    preconnect: true,
    inject: (server) => server.faults.next({ kind: 'refuse-upgrade', status: 500 }),
    expect: { status: 'completed', retries: 0, requests: 1, historyTypes: BASIC },
    verify: (context) => {
      const statuses = context.server.recording.handshakes.map((handshake) => handshake.status);
      if (JSON.stringify(statuses) !== JSON.stringify([500, 101])) throw new Error(`handshake statuses ${JSON.stringify(statuses)}`);
    },
  },
];

describe('fault matrix: connection phase', () => {
  for (const cell of cells) it(`${cell.transport}: ${cell.name}`, () => runCell(cell), 15_000);
});
