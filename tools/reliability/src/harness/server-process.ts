// The loopback Responses server in a child Node process, so that memory measured in the test
// process is the client's alone. Run directly with `--child`, this file is the child: it starts
// the server (the built `@modelwire/testing`) and answers requests over IPC.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startResponsesServer, type Fault, type FaultMatch } from '@modelwire/testing';

/** What the child reports about what it saw. */
export interface ServerProcessCounters {
  readonly handshakes: number;
  readonly requests: number;
  readonly openConnections: number;
  /** Frames an idle flood sent (written to the socket before it closed). */
  readonly floodFrames: number;
}

/** A loopback server running in a child process. */
export interface ServerProcess {
  /** HTTP base URL (`http://127.0.0.1:PORT/v1`). */
  readonly url: string;
  /** Queues a fault in the child's server (as `server.faults.next`). */
  nextFault(fault: Fault, match?: FaultMatch): Promise<void>;
  counters(): Promise<ServerProcessCounters>;
  /** Closes the server and waits for the child to exit. */
  close(): Promise<void>;
}

type Command = { readonly type: 'fault'; readonly fault: Fault; readonly match: FaultMatch } | { readonly type: 'counters' } | { readonly type: 'close' };
type Request = Command & { readonly id: number };
type Reply = { readonly type: 'ready'; readonly url: string } | { readonly type: 'reply'; readonly id: number; readonly counters?: ServerProcessCounters };

/** Starts the server in a child process (needs the built packages). */
export async function startServerProcess(): Promise<ServerProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: Reply) => (message.type === 'ready' ? resolve(message.url) : reject(new Error('unexpected first message'))));
    child.once('exit', (code) => reject(new Error(`the server process exited (${code}) before it was ready`)));
  });
  let nextId = 0;
  const ask = (request: Command): Promise<Reply> =>
    new Promise((resolve) => {
      const id = (nextId += 1);
      const onMessage = (message: Reply): void => {
        if (message.type !== 'reply' || message.id !== id) return;
        child.off('message', onMessage);
        resolve(message);
      };
      child.on('message', onMessage);
      child.send({ ...request, id });
    });
  return {
    url: ready,
    nextFault: async (fault, match = {}) => {
      await ask({ type: 'fault', fault, match });
    },
    counters: async () => {
      const reply = await ask({ type: 'counters' });
      if (reply.type !== 'reply' || reply.counters === undefined) throw new Error('no counters from the server process');
      return reply.counters;
    },
    close: async () => {
      await ask({ type: 'close' });
      await exited;
    },
  };
}

async function runChild(): Promise<void> {
  const server = await startResponsesServer();
  const send = (reply: Reply): void => {
    process.send?.(reply);
  };
  process.on('message', (request: Request) => {
    if (request.type === 'fault') {
      server.faults.next(request.fault, request.match);
      send({ type: 'reply', id: request.id });
    } else if (request.type === 'counters') {
      const { recording } = server;
      send({
        type: 'reply',
        id: request.id,
        counters: { handshakes: recording.counters.handshakes, requests: recording.requests.length, openConnections: recording.openConnections, floodFrames: recording.events.filter((event) => 'flood' in event.event).length },
      });
    } else {
      void server.close().then(() => {
        send({ type: 'reply', id: request.id });
        process.disconnect();
      });
    }
  });
  send({ type: 'ready', url: server.url });
}

if (import.meta.main && process.argv[2] === '--child') await runChild();
