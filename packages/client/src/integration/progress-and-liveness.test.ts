// The stream idle timeout measures progress (Responses events of known types), never mere
// liveness: SSE comments, blank keep-alive lines, events of unknown types and WebSocket pings
// do not keep a silent response alive; the API's own `keepalive` events do, so a model that
// works for longer than the timeout without output is not cut while the server says it works.
import type { NoiseKind } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

type Transport = 'http' | 'websocket';

/** Noise that proves nothing about the response, per transport. */
const NOISE: readonly { readonly transport: Transport; readonly noise: NoiseKind }[] = [
  { transport: 'http', noise: 'sse-comment' },
  { transport: 'http', noise: 'unknown-event' },
  { transport: 'websocket', noise: 'unknown-event' },
  { transport: 'websocket', noise: 'ping' },
];

describe('the stream idle timeout counts progress, not liveness', () => {
  for (const { transport, noise } of NOISE) {
    it(`a response that sends only ${noise} noise fails with idle_timeout (${transport})`, async () => {
      setup = await startLoopback({ providerOverrides: { supportsWebSockets: transport === 'websocket', streamIdleTimeoutMs: 300, requestMaxRetries: 0 } });
      const { server, client } = setup;
      server.faults.next({ kind: 'noise', noise, everyMs: 10 }, { on: transport });
      const telemetry = new RecordingTelemetry();
      const error = await client
        .newTurn()
        .stream(prompt([userMessage('hi')]), turnContext({}, telemetry))
        .result.then(() => undefined, (caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'idle_timeout', retryable: true, timeoutMs: 300 });
      // The noise did flow (the connection was alive all along), and nothing else did.
      const sent = server.recording.events.filter((event) => event.requestIndex === 0).map((event) => (event.event as { type?: string }).type);
      if (noise === 'unknown-event') expect(sent.filter((type) => type === 'noise.unknown').length).toBeGreaterThan(3);
      expect(sent).not.toContain('response.completed');
      if (transport === 'websocket') expect(telemetry.fallbacks).toEqual([]);
    });
  }

  for (const transport of ['http', 'websocket'] as const) {
    it(`the API's keepalive events keep a silent response alive well past the timeout (${transport})`, async () => {
      setup = await startLoopback({ providerOverrides: { supportsWebSockets: transport === 'websocket', streamIdleTimeoutMs: 600, requestMaxRetries: 0 } });
      const { server, client } = setup;
      // The model "thinks" for 1.5 s, two and a half idle timeouts, sending only keepalives.
      server.faults.next({ kind: 'noise', noise: 'keepalive', everyMs: 20, forMs: 1_500 }, { on: transport });
      const result = await client.newTurn().stream(prompt([userMessage('think hard')]), turnContext()).result;
      expect(result.outputText).toBe('You said: think hard');
      const sent = server.recording.events.filter((event) => event.requestIndex === 0).map((event) => (event.event as { type?: string }).type);
      expect(sent.filter((type) => type === 'keepalive').length).toBeGreaterThan(10);
    });
  }
});
