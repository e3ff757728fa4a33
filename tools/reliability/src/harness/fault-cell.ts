import type { AuthProvider, Provider } from '@modelwire/client';
import type { ResponsesServer, ResponsesServerOptions } from '@modelwire/testing';
import type { CreateSessionOptions, Session } from '@modelwire/core-session';
import { expect } from 'vitest';
import { historyProblems } from './history-check.ts';
import { startLoopbackSession, type LoopbackSession, type TransportChoice } from './loopback-session.ts';
import { activeResources, leakedResources } from './open-handles.ts';
import { shellTool } from './shell-tool.ts';
import { runTurn, type TurnOutcome } from './turn-outcome.ts';

/** What a cell expects of the faulted turn. */
export interface CellExpectation {
  /** How the turn ended. */
  readonly status: 'completed' | 'failed';
  /** `retrying` events the turn emitted (stream retries of the turn loop). */
  readonly retries?: number;
  /** The `transport_fallback` reason; `null` asserts no fallback. Default `null`. */
  readonly fallback?: string | null;
  /** The `code` of the error of a failed turn. */
  readonly errorCode?: string;
  /** The class of the error of a failed turn. */
  readonly errorName?: string;
  /** Responses requests the server received during the faulted turn. */
  readonly requests?: number;
  /** WebSocket handshakes the server saw during the faulted turn (refused ones included). */
  readonly handshakes?: number;
  /** The item types of the history after the faulted turn. */
  readonly historyTypes?: readonly string[];
  /** Tool handler runs during the faulted turn. */
  readonly toolRuns?: number;
  /** The final message of a completed turn. */
  readonly finalMessage?: string | RegExp;
}

/** The live pieces a cell can inspect or drive. */
export interface CellContext {
  readonly server: ResponsesServer;
  readonly session: Session;
  /** Commands the shell tool ran. */
  readonly toolCalls: string[];
  /** Every user input submitted so far, in order. */
  readonly inputs: string[];
}

/** One cell of the fault matrix: a transport, a fault, and the outcome the caller must see. */
export interface FaultCell {
  readonly name: string;
  readonly transport: TransportChoice;
  /** The user input of the faulted turn. Default `"hello"`; `run: …` makes a tool loop. */
  readonly input?: string;
  readonly server?: ResponsesServerOptions;
  readonly provider?: Partial<Provider>;
  readonly auth?: AuthProvider;
  readonly session?: Partial<Omit<CreateSessionOptions, 'provider' | 'auth'>>;
  readonly preconnect?: boolean;
  /** The base URL the session is given, from the server's (e.g. with an upper-case scheme). */
  readonly baseUrl?: (serverUrl: string) => string;
  /** The shell tool's behaviour (default: answers at once). */
  readonly runTool?: (command: string, signal: AbortSignal) => Promise<string>;
  /** Injects the fault. */
  readonly inject?: (server: ResponsesServer) => void;
  /** Drives the faulted turn; default: submit `input` and read the turn. */
  readonly drive?: (context: CellContext) => Promise<TurnOutcome>;
  readonly expect: CellExpectation;
  /** Further assertions on the outcome. */
  readonly verify?: (context: CellContext, outcome: TurnOutcome) => void | Promise<void>;
  /** Tool calls may stay without output (a turn stopped between call and output). Default `false`. */
  readonly allowOpenCalls?: boolean;
}

/** Submits `input`, records it as a user input, and reads the turn. */
export function submitAndRun(context: CellContext, input: string, signal?: AbortSignal): Promise<TurnOutcome> {
  context.inputs.push(input);
  return runTurn(context.session.submit(input, signal === undefined ? {} : { signal }));
}

/**
 * Runs one cell over real sockets and asserts: the outcome the cell expects; a history with no
 * lost or duplicated item; zero sticky-routing violations; that the session still completes a
 * turn afterwards; that `session.close()` leaves no server connection open; and that no process
 * handle outlives the case.
 */
export async function runCell(cell: FaultCell): Promise<void> {
  const baseline = activeResources();
  const toolCalls: string[] = [];
  let loop: LoopbackSession | undefined;
  try {
    loop = await startLoopbackSession({
      transport: cell.transport,
      ...(cell.server === undefined ? {} : { server: cell.server }),
      ...(cell.provider === undefined ? {} : { provider: cell.provider }),
      ...(cell.auth === undefined ? {} : { auth: cell.auth }),
      ...(cell.preconnect === undefined ? {} : { preconnect: cell.preconnect }),
      ...(cell.baseUrl === undefined ? {} : { baseUrl: cell.baseUrl }),
      session: { tools: [shellTool(toolCalls, cell.runTool)], ...cell.session },
    });
    const { server, session } = loop;
    const context: CellContext = { server, session, toolCalls, inputs: [] };
    cell.inject?.(server);
    const outcome = await (cell.drive ?? ((ctx) => submitAndRun(ctx, cell.input ?? 'hello')))(context);
    assertOutcome(cell, context, outcome);
    await cell.verify?.(context, outcome);
    expect(historyProblems(session.history, context.inputs, { allowOpenCalls: cell.allowOpenCalls === true })).toEqual([]);
    expect(server.recording.stickyViolations).toEqual([]);

    // The session goes on: the next turn completes without a fault and loses nothing.
    server.faults.clear();
    const after = await submitAndRun(context, 'still there?');
    expect(after.error).toBeUndefined();
    expect(after.finalMessage).toMatch(/^You said: still there\?/);
    expect(historyProblems(session.history, context.inputs, { allowOpenCalls: cell.allowOpenCalls === true })).toEqual([]);
    expect(server.recording.stickyViolations).toEqual([]);

    await session.close();
    await expect.poll(() => server.recording.openConnections, { timeout: 2_000, interval: 10 }).toBe(0);
  } finally {
    await loop?.close();
  }
  expect(await leakedResources(baseline)).toEqual([]);
}

function assertOutcome(cell: FaultCell, context: CellContext, outcome: TurnOutcome): void {
  const expected = cell.expect;
  const summary = { status: outcome.status, error: outcome.error === undefined ? undefined : `${outcome.error.name}: ${(outcome.error as { code?: string }).code}` };
  expect(summary.status, JSON.stringify(summary)).toBe(expected.status);
  if (expected.status === 'completed') expect(outcome.error).toBeUndefined();
  if (expected.retries !== undefined) expect(outcome.retries).toBe(expected.retries);
  expect(outcome.fallback ?? null).toBe(expected.fallback ?? null);
  if (expected.errorCode !== undefined) expect((outcome.error as { code?: unknown } | undefined)?.code).toBe(expected.errorCode);
  if (expected.errorName !== undefined) expect(outcome.error?.name).toBe(expected.errorName);
  const responses = context.server.recording.requests.filter((request) => request.endpoint === 'responses');
  if (expected.requests !== undefined) expect(responses.length).toBe(expected.requests);
  if (expected.handshakes !== undefined) expect(context.server.recording.handshakes.length).toBe(expected.handshakes);
  if (expected.historyTypes !== undefined) expect(context.session.history.map((item) => item.type)).toEqual(expected.historyTypes);
  if (expected.toolRuns !== undefined) expect(context.toolCalls.length).toBe(expected.toolRuns);
  if (expected.finalMessage !== undefined) {
    if (typeof expected.finalMessage === 'string') expect(outcome.finalMessage).toBe(expected.finalMessage);
    else expect(outcome.finalMessage).toMatch(expected.finalMessage);
  }
}
