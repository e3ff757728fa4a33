// The loopback server of the soak with its fault injector, either in this process or in a child
// process (so that the soak's RSS figures are the client's alone). Run directly, this file is
// the child: it starts the server and answers `harvest` and `close` messages over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startResponsesServer, type ResponsesServer } from '@modelwire/testing';
import { createFaultInjector, seededRandom } from './soak-faults.ts';

/** What the server recorded since the previous harvest (the recording is then emptied). */
export interface SoakHarvest {
  readonly stickyViolations: number;
  /** The first few violations since the last harvest, as `kind transport turn request-index`. */
  readonly stickySamples: readonly string[];
  readonly requests: number;
  readonly handshakes: number;
}

/** What the server reports when it closes. */
export interface SoakServerSummary {
  /** Connections still open when every client had closed (after up to 3 s). */
  readonly openConnections: number;
  /** Faults injected, by name. */
  readonly injected: Readonly<Record<string, number>>;
  /** Handshakes and requests the injector saw. */
  readonly targets: { readonly handshakes: number; readonly requests: number };
  /** RSS of the server's process at the end, when it ran in a child process. */
  readonly serverRssBytes: number | undefined;
}

/** The soak's server, wherever it runs. */
export interface SoakServer {
  /** HTTP base URL (`http://127.0.0.1:PORT/v1`). */
  readonly url: string;
  /** Sticky violations and counters since the last harvest; empties the recording. Call only while nothing is in flight. */
  harvest(): Promise<SoakHarvest>;
  /** Waits for the clients' connections to go, then closes the server (and ends the child). */
  close(): Promise<SoakServerSummary>;
}

async function openConnectionsAfter(server: ResponsesServer, waitMs: number): Promise<number> {
  const deadline = Date.now() + waitMs;
  while (server.recording.openConnections > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
  return server.recording.openConnections;
}

function harvestOf(server: ResponsesServer): SoakHarvest {
  const recording = server.recording;
  const harvest = {
    stickyViolations: recording.stickyViolations.length,
    stickySamples: recording.stickyViolations.slice(0, 3).map((violation) => `${violation.kind} ${violation.transport} turn ${violation.turnId.slice(0, 8)} request ${violation.requestIndex} (expected ${violation.expected === undefined ? 'none' : 'a token'}, received ${violation.received === undefined ? 'none' : violation.received === violation.expected ? 'it' : 'another'})`),
    requests: recording.counters.requests.http + recording.counters.requests.websocket,
    handshakes: recording.counters.handshakes,
  };
  recording.reset();
  return harvest;
}

/** Starts the server in this process. */
export async function startInProcessSoakServer(faultRate: number, seed: number): Promise<SoakServer> {
  const server = await startResponsesServer({ tokenDelayMs: 0 });
  const injector = createFaultInjector(faultRate, seededRandom(seed));
  server.faults.use(injector.rule);
  return {
    url: server.url,
    harvest: async () => harvestOf(server),
    close: async () => {
      const openConnections = await openConnectionsAfter(server, 3_000);
      await server.close();
      return { openConnections, injected: Object.fromEntries(injector.injected), targets: { ...injector.targets }, serverRssBytes: undefined };
    },
  };
}

type ChildMessage = { type: 'ready'; url: string } | ({ type: 'harvested' } & SoakHarvest) | ({ type: 'closed' } & SoakServerSummary);

/** Starts the server in a child Node process (this file, run directly). Needs the built packages. */
export async function startChildProcessSoakServer(faultRate: number, seed: number): Promise<SoakServer> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child', String(faultRate), String(seed)], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = <T extends ChildMessage['type']>(type: T): Promise<Extract<ChildMessage, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ChildMessage): void => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      const onExit = (code: number | null): void => reject(new Error(`the soak server exited (${code}) before sending ${type}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  const ready = await next('ready');
  return {
    url: ready.url,
    harvest: async () => {
      const answer = next('harvested');
      child.send({ type: 'harvest' });
      const { type: _type, ...harvest } = await answer;
      return harvest;
    },
    close: async () => {
      const answer = next('closed');
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'close' });
      const { type: _type, ...summary } = await answer;
      await exited;
      return summary;
    },
  };
}

async function runChild(faultRate: number, seed: number): Promise<void> {
  const server = await startResponsesServer({ tokenDelayMs: 0 });
  const injector = createFaultInjector(faultRate, seededRandom(seed));
  server.faults.use(injector.rule);
  const send = (message: ChildMessage): void => {
    process.send?.(message);
  };
  process.on('message', (message: { type: string }) => {
    if (message.type === 'harvest') {
      send({ type: 'harvested', ...harvestOf(server) });
    } else if (message.type === 'close') {
      void (async () => {
        const openConnections = await openConnectionsAfter(server, 3_000);
        await server.close();
        send({ type: 'closed', openConnections, injected: Object.fromEntries(injector.injected), targets: { ...injector.targets }, serverRssBytes: process.memoryUsage.rss() });
        process.disconnect();
      })();
    }
  });
  send({ type: 'ready', url: server.url });
}

if (import.meta.main && process.argv[2] === '--child') await runChild(Number(process.argv[3]), Number(process.argv[4]));
