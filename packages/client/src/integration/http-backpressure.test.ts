// A caller that reads an HTTP/SSE stream more slowly than the server writes it: once it holds
// MAX_UNREAD_EVENTS unread events the client stops reading the response's body (the server's
// writes back up into TCP) and resumes when the caller has caught up to half. Measured at the
// client's own seam (a `WireHttp` wrapped around the default one, counting the payloads it hands
// over and its pause/resume calls) against a server on a real loopback socket.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { activeResources, settledLeaks } from '@modelwire/testing';
import { closeClientAndServer } from '../__fixtures__/close-client-and-server.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { ModelClient } from '../client/model-client.js';
import { MAX_UNREAD_EVENTS } from '../turn/event-queue.js';
import type { ResponseStream } from '../turn/response-stream.js';
import { resolveProvider, type Provider } from '../types/provider.js';
import { createTransportHttp } from '../wire/transport-http.js';
import type { WireHttp } from '../wire/wire-types.js';

/** Text of every delta: about 1 KiB per event, so that one socket read holds few events. */
const PADDING = 'y'.repeat(1_000);
/** The largest socket read the body can arrive in: a full readable buffer plus one more read. */
const READ_BYTES = 128 * 1024;

interface FastServer {
  readonly baseUrl: string;
  /** Responses the server could not finish (the client went away). */
  readonly cut: () => number;
  /** Resolves when every response served so far is over. */
  readonly settled: () => Promise<void>;
  readonly eventBytes: number;
}

let server: Server | undefined;
let client: ModelClient | undefined;

afterEach(async () => {
  await closeClientAndServer(client, server);
  server = undefined;
  client = undefined;
});

function sse(event: Record<string, unknown>): string {
  return `event: ${String(event['type'])}\ndata: ${JSON.stringify(event)}\n\n`;
}

function delta(index: number): string {
  return `${index}:${PADDING}`;
}

/** Answers every request with `deltas` text deltas, written as fast as TCP takes them. */
async function serveFast(deltas: number): Promise<FastServer> {
  let cut = 0;
  const over: Promise<void>[] = [];
  const write = async (response: ServerResponse, text: string): Promise<boolean> => {
    if (response.destroyed) return false;
    if (response.write(text)) return true;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        response.off('drain', done);
        response.off('close', done);
        resolve();
      };
      response.on('drain', done);
      response.on('close', done);
    });
    return !response.destroyed;
  };
  server = createServer((request, response) => {
    over.push(
      new Promise((resolve) =>
        response.on('close', () => {
          if (!response.writableFinished) cut += 1;
          resolve();
        }),
      ),
    );
    request.resume();
    request.on('end', () => {
      void (async () => {
        const id = 'resp_fast';
        const item = { id: 'msg_fast', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'done', annotations: [] }] };
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        let sequence = 0;
        const next = (event: Record<string, unknown>): string => sse({ ...event, sequence_number: sequence++ });
        if (!(await write(response, next({ type: 'response.created', response: { id, object: 'response', status: 'in_progress', output: [] } })))) return;
        for (let index = 0; index < deltas; index += 1) {
          if (!(await write(response, next({ type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: delta(index) })))) return;
        }
        if (!(await write(response, next({ type: 'response.output_item.done', output_index: 0, item })))) return;
        if (!(await write(response, next({ type: 'response.completed', response: { id, object: 'response', status: 'completed', output: [item], usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } })))) return;
        response.end();
      })();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    cut: () => cut,
    settled: async () => {
      await Promise.all(over);
    },
    eventBytes: sse({ type: 'response.output_text.delta', item_id: 'msg_fast', output_index: 0, content_index: 0, delta: delta(0), sequence_number: 0 }).length,
  };
}

/** What the client's HTTP side did, seen at the `WireHttp` seam. */
interface Probe {
  /** Payloads handed to the client so far in the current response (one event each here). */
  delivered: number;
  /** Events the caller took so far in the current response (maintained by {@link readAs}). */
  read: number;
  pauses: number;
  resumes: number;
  paused: boolean;
  /** The caller's unread events when each pause was asked for. */
  readonly unreadAtPause: number[];
  /** The caller's unread events when each resume was asked for (the event being taken counted as read). */
  readonly unreadAtResume: number[];
  ended: boolean;
}

function probedHttp(provider: Provider): { http: WireHttp; probe: Probe } {
  const real = createTransportHttp(resolveProvider(provider));
  const probe: Probe = { delivered: 0, read: 0, pauses: 0, resumes: 0, paused: false, unreadAtPause: [], unreadAtResume: [], ended: false };
  const http: WireHttp = {
    ...real,
    postStream: async (url, options) => {
      const stream = await real.postStream(url, options);
      probe.delivered = 0;
      probe.read = 0;
      probe.ended = false;
      return {
        ...stream,
        listen: (listener) =>
          stream.listen!({
            onData: (data) => {
              probe.delivered += 1;
              listener.onData(data);
            },
            onEnd: (error) => {
              probe.ended = true;
              listener.onEnd(error);
            },
          }),
        release: () => {
          probe.ended = true;
          stream.release!();
        },
        pause: () => {
          probe.pauses += 1;
          probe.paused = true;
          probe.unreadAtPause.push(probe.delivered - probe.read);
          stream.pause!();
        },
        resume: () => {
          probe.resumes += 1;
          probe.paused = false;
          // Asked from inside the caller's `next()`, before that event counts as read here.
          probe.unreadAtResume.push(probe.delivered - probe.read - 1);
          stream.resume!();
        },
      };
    },
  };
  return { http, probe };
}

/** Waits (polling, no deadline of its own: the test's timeout is the limit) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** A few turns of the event loop, for a client that would keep reading while paused to do so. */
async function letSocketsRun(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}

type CallerStep = { readonly kind: 'read'; readonly events: number } | { readonly kind: 'stall' };

interface Reading {
  /** Most events the caller held unread at any stall. */
  readonly maxUnread: number;
  /** Deltas in the order the caller got them (their indices). */
  readonly deltas: number[];
  readonly completed: boolean;
}

/**
 * Plays `steps` as the caller (read N events; stall until the client paused or the body is all
 * in), then reads the rest. At every stall the caller's unread events are counted.
 */
async function readAs(stream: ResponseStream, probe: Probe, fast: FastServer, steps: readonly CallerStep[]): Promise<Reading> {
  const iterator = stream[Symbol.asyncIterator]();
  let maxUnread = 0;
  const deltas: number[] = [];
  let completed = false;
  const take = async (): Promise<boolean> => {
    const next = await iterator.next();
    if (next.done === true) return false;
    const event = next.value;
    probe.read += 1;
    if (event.type === 'output_text_delta') deltas.push(Number(event.delta.slice(0, event.delta.indexOf(':'))));
    if (event.type === 'completed') completed = true;
    return true;
  };
  for (const step of steps) {
    if (step.kind === 'read') {
      for (let index = 0; index < step.events; index += 1) if (!(await take())) return { maxUnread, deltas, completed };
      continue;
    }
    // Until the client stopped reading (paused, or in pull mode stopped pulling at the bound) or has the whole body.
    await until(() => probe.paused || probe.ended || probe.delivered - probe.read >= MAX_UNREAD_EVENTS);
    await letSocketsRun();
    maxUnread = Math.max(maxUnread, probe.delivered - probe.read);
  }
  while (await take());
  return { maxUnread, deltas, completed };
}

function newClient(fast: FastServer, overrides: Partial<Provider> = {}): Probe {
  const provider: Provider = { baseUrl: fast.baseUrl, supportsWebSockets: false, requestMaxRetries: 0, ...overrides };
  const { http, probe } = probedHttp(provider);
  client = new ModelClient({ provider, auth: 'none', conversationId: 'conv-backpressure', sessionSource: { kind: 'cli' }, http });
  return probe;
}

function slackFor(fast: FastServer): number {
  return Math.ceil(READ_BYTES / fast.eventBytes) + 1;
}

describe('HTTP/SSE backpressure from a slow caller', () => {
  it('pauses the body at the bound, resumes at half, and delivers every event in order', async () => {
    const deltas = 12_000;
    const fast = await serveFast(deltas);
    const probe = newClient(fast);
    const stream = client!.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    const steps: CallerStep[] = [];
    for (let round = 0; round < 8; round += 1) steps.push({ kind: 'stall' }, { kind: 'read', events: 700 });
    const reading = await readAs(stream, probe, fast, steps);
    expect(reading.completed).toBe(true);
    expect(reading.deltas).toEqual(Array.from({ length: deltas }, (_, index) => index));
    expect((await stream.result).responseId).toBe('resp_fast');
    // Paused once per stall at exactly the bound, resumed at half; never more held than the bound
    // plus what one socket read carried.
    expect(probe.pauses).toBe(8);
    expect(probe.unreadAtPause).toEqual(Array.from({ length: 8 }, () => MAX_UNREAD_EVENTS));
    expect(probe.unreadAtResume).toEqual(Array.from({ length: 8 }, () => MAX_UNREAD_EVENTS / 2));
    expect(reading.maxUnread).toBeGreaterThanOrEqual(MAX_UNREAD_EVENTS);
    expect(reading.maxUnread).toBeLessThanOrEqual(MAX_UNREAD_EVENTS + slackFor(fast));
    expect(fast.cut()).toBe(0);
  });

  it('never pauses a caller that keeps up, nor one that only awaits the result', async () => {
    const fast = await serveFast(3_000);
    const probe = newClient(fast);
    const reading = await readAs(client!.newTurn().stream(prompt([userMessage('hi')]), turnContext()), probe, fast, []);
    expect(reading.deltas).toHaveLength(3_000);
    const result = await client!.newTurn().stream(prompt([userMessage('again')]), turnContext({ turnMetadata: { turn_id: 't2' } })).result;
    expect(result.responseId).toBe('resp_fast');
    // A caller iterating as events come takes each socket read's events before the next read.
    expect(probe.pauses).toBe(0);
  });

  it('does not time out while paused for the caller: the silence is not the server\'s', async () => {
    const fast = await serveFast(3_000);
    const probe = newClient(fast, { streamIdleTimeoutMs: 1_000 });
    // A warm connection first: the timeout also bounds the wait for headers.
    await client!.newTurn().stream(prompt([userMessage('warm')]), turnContext({ turnMetadata: { turn_id: 't0' } })).result;
    const stream = client!.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await until(() => probe.paused);
    // Several idle timeouts long with nothing read (each timer check in between sees a paused stream).
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    let deltas = 0;
    for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) if (next.value.type === 'output_text_delta') deltas += 1;
    expect(deltas).toBe(3_000);
    expect((await stream.result).responseId).toBe('resp_fast');
  });

  it('abort while paused: rejects with aborted, cuts the body, and leaves no socket or timer', async () => {
    const fast = await serveFast(20_000);
    const baseline = activeResources();
    const probe = newClient(fast);
    const stream = client!.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await until(() => probe.paused);
    stream.abort();
    await expect(stream.result).rejects.toMatchObject({ code: 'aborted' });
    // The events read before the abort are still handed over, then the iteration fails.
    const drainAll = async (): Promise<void> => {
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next());
    };
    await expect(drainAll()).rejects.toMatchObject({ code: 'aborted' });
    await fast.settled();
    expect(fast.cut()).toBe(1);
    await client!.close();
    expect(await settledLeaks(baseline)).toEqual([]);
  });

  it('stops pulling a custom WireHttp without push mode at the bound (its events iterable)', async () => {
    const deltas = 6_000;
    const fast = await serveFast(deltas);
    const provider: Provider = { baseUrl: fast.baseUrl, supportsWebSockets: false, requestMaxRetries: 0 };
    const real = createTransportHttp(resolveProvider(provider));
    const probe: Probe = { delivered: 0, read: 0, pauses: 0, resumes: 0, paused: false, unreadAtPause: [], unreadAtResume: [], ended: false };
    const iterableOnly: WireHttp = {
      ...real,
      postStream: async (url, options) => {
        const { status, headers, events } = await real.postStream(url, options);
        async function* counted(): AsyncGenerator<string> {
          for await (const data of events) {
            probe.delivered += 1;
            yield data;
          }
          probe.ended = true;
        }
        return { status, headers, events: counted() };
      },
    };
    client = new ModelClient({ provider, auth: 'none', conversationId: 'conv-backpressure', sessionSource: { kind: 'cli' }, http: iterableOnly });
    const stream = client.newTurn().stream(prompt([userMessage('hi')]), turnContext());
    const steps: CallerStep[] = [];
    for (let round = 0; round < 4; round += 1) steps.push({ kind: 'stall' }, { kind: 'read', events: 1_000 });
    const reading = await readAs(stream, probe, fast, steps);
    expect(reading.deltas).toEqual(Array.from({ length: deltas }, (_, index) => index));
    // Nothing is pulled past the payload that reached the bound.
    expect(reading.maxUnread).toBe(MAX_UNREAD_EVENTS);
    await real.close();
  });

  it('property: any interleaving of reads and stalls gets every event once, in order, within the bound', async () => {
    const deltas = 4_000;
    const fast = await serveFast(deltas);
    const probe = newClient(fast);
    const step = fc.oneof(fc.constant<CallerStep>({ kind: 'stall' }), fc.integer({ min: 1, max: 1_500 }).map<CallerStep>((events) => ({ kind: 'read', events })));
    let turn = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 8 }), async (steps) => {
        turn += 1;
        const pausesBefore = probe.pauses;
        const resumesBefore = probe.resumes;
        const stream = client!.newTurn().stream(prompt([userMessage(`turn ${turn}`)]), turnContext({ turnMetadata: { turn_id: `t${turn}` } }));
        const reading = await readAs(stream, probe, fast, steps);
        expect(reading.completed).toBe(true);
        expect(reading.deltas).toEqual(Array.from({ length: deltas }, (_, index) => index));
        expect(reading.maxUnread).toBeLessThanOrEqual(MAX_UNREAD_EVENTS + slackFor(fast));
        // Every pause came at the bound and every resume at half of it; none left paused.
        expect(probe.unreadAtPause.slice(pausesBefore)).toEqual(probe.unreadAtPause.slice(pausesBefore).map(() => MAX_UNREAD_EVENTS));
        expect(probe.unreadAtResume.slice(resumesBefore)).toEqual(probe.unreadAtResume.slice(resumesBefore).map(() => MAX_UNREAD_EVENTS / 2));
        expect(probe.resumes - resumesBefore).toBe(probe.pauses - pausesBefore);
        expect(probe.paused).toBe(false);
        await fast.settled();
      }),
      { numRuns: 12 },
    );
    expect(fast.cut()).toBe(0);
  });
});
