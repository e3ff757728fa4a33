import { afterEach, describe, expect, it } from 'vitest';
import { startResponsesServer, type ResponsesServer } from './index.js';
import { RawSocket, userMessage } from './__fixtures__/test-clients.js';

const countOf = (name: string): number => process.getActiveResourcesInfo().filter((resource) => resource === name).length;

async function settle(check: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 100 && !check(); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 10));
}

let server: ResponsesServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('startResponsesServer', () => {
  it('listens on 127.0.0.1 with /v1 URLs', async () => {
    server = await startResponsesServer();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
    expect(server.wsUrl).toBe(`ws://127.0.0.1:${server.port}/v1/responses`);
  });

  it('close() ends stalled HTTP streams, open sockets and pending delays, leaving no handle', async () => {
    await settle(() => countOf('TCPServerWrap') === 0);
    const serversBefore = countOf('TCPServerWrap');
    const socketsBefore = countOf('TCPSocketWrap');
    const target = await startResponsesServer({ tokenDelayMs: 60_000 });
    const socket = await RawSocket.open(target.wsUrl);
    socket.send({ type: 'response.create', model: 'gpt-test', input: [userMessage('slow')] });
    target.faults.next({ kind: 'delay-handshake', ms: 60_000 });
    const delayed = RawSocket.open(target.wsUrl).catch(() => 'refused');
    target.faults.next({ kind: 'stall' }, { on: 'http' });
    const controller = new AbortController();
    const stalled = await fetch(`${target.url}/responses`, {
      method: 'POST',
      body: JSON.stringify({ model: 'gpt-test', stream: true, input: [] }),
      signal: controller.signal,
    });
    const body = stalled.text().catch(() => 'cut');
    await socket.until((frames) => frames.length >= 3);
    await settle(() => target.recording.handshakes.length === 2);
    expect(target.recording.openConnections).toBeGreaterThan(0);

    await target.close();
    expect(await socket.closed).toBe(1006);
    expect(await delayed).toBe('refused');
    expect(await body).toBe('cut');
    await target.close();
    await settle(() => countOf('TCPSocketWrap') <= socketsBefore && target.recording.openConnections === 0);
    expect(countOf('TCPServerWrap')).toBeLessThanOrEqual(serversBefore);
    expect(countOf('TCPSocketWrap')).toBeLessThanOrEqual(socketsBefore);
    expect(target.recording.openConnections).toBe(0);
    await expect(fetch(`${target.url}/responses`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('supports await using', async () => {
    let port: number;
    {
      await using target = await startResponsesServer();
      port = target.port;
    }
    await expect(fetch(`http://127.0.0.1:${port}/v1/responses`, { method: 'POST', body: '{}' })).rejects.toThrow();
  });

  it('counts handshakes, requests per transport and bytes, and resets', async () => {
    server = await startResponsesServer();
    const body = JSON.stringify({ model: 'gpt-test', stream: true, input: [userMessage('count me')] });
    await (await fetch(`${server.url}/responses`, { method: 'POST', body })).text();
    const socket = await RawSocket.open(server.wsUrl);
    await socket.request({ model: 'gpt-test', input: [userMessage('count me')] });
    await socket.close();
    const { counters } = server.recording;
    expect(counters.handshakes).toBe(1);
    expect(counters.requests).toEqual({ http: 1, websocket: 1 });
    expect(counters.bytesReceived).toBe(server.recording.requests[0]!.wireBytes + server.recording.requests[1]!.wireBytes);
    expect(counters.bytesSent).toBeGreaterThan(0);
    expect(server.recording.events.every((event) => event.requestIndex === 0 || event.requestIndex === 1)).toBe(true);
    server.recording.reset();
    expect(server.recording.counters.requests).toEqual({ http: 0, websocket: 0 });
    expect(server.recording.requests).toEqual([]);
  });
});
