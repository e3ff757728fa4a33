// Values that used to break every request of a session: an upper-case URL scheme, turn
// metadata outside Latin-1, and a sticky-routing token that is no valid header value.
import fc from 'fast-check';
import { startResponsesServer } from '@modelwire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelClient } from '../client/model-client.js';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import { headerSafeJson } from '../request/request-headers.js';
import { MAX_STICKY_TOKEN_LENGTH, stickyTokenProblem, type StickyTokenProblem } from '../turn/sticky-routing-token.js';
import { resolveProvider } from '../types/provider.js';
import type { StickyTokenIgnoredRecord } from '../telemetry/client-telemetry.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

type Transport = 'http' | 'websocket';
const TRANSPORTS: readonly Transport[] = ['websocket', 'http'];

interface RecordedRequest {
  readonly transport: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/** A per-request value as the server received it: HTTP header, or WebSocket `client_metadata` entry. */
function perRequestValue(request: RecordedRequest | undefined, name: string): unknown {
  if (request === undefined) return undefined;
  if (request.transport === 'http') return request.headers[name];
  return ((request.body as Record<string, unknown>)['client_metadata'] as Record<string, unknown> | undefined)?.[name];
}

/** Any string, lone surrogates, controls and astral characters included. */
const anyString = fc.string({ unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code))) });
/** JSON-like values whose strings (and keys) may hold any of those characters. */
const anyJson = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, anyString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(anyString, tie('value'), { maxKeys: 4 })),
})).value;
const anyMetadata = fc.record({ turn_id: anyString.filter((text) => text.length > 0), extra: fc.dictionary(anyString, anyJson, { maxKeys: 4 }) });

/** What JSON makes of `value` (lone surrogates survive as escapes; `-0` becomes `0`). */
const viaJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

describe('the URL scheme is case-insensitive', () => {
  it('resolves HTTPS:// to https:// (and so to wss://), keeping the rest as written', () => {
    expect(resolveProvider({ baseUrl: 'HTTPS://Api.Example.com/V1/' }).baseUrl).toBe('https://Api.Example.com/V1');
    expect(resolveProvider({ baseUrl: 'Http://127.0.0.1:8080/v1' }).baseUrl).toBe('http://127.0.0.1:8080/v1');
  });

  for (const transport of TRANSPORTS) {
    it(`an upper-case scheme works over ${transport}, without falling back`, async () => {
      const server = await startResponsesServer();
      const upper = server.url.replace(/^http:/, 'HTTP:');
      expect(upper).toMatch(/^HTTP:\/\//);
      setup = { server, client: new ModelClient({ provider: { baseUrl: upper, supportsWebSockets: transport === 'websocket' }, auth: { getToken: () => 'test-token' }, conversationId: 'conv-scheme', sessionSource: { kind: 'cli' } }), close: async () => {
        await setup?.client.close();
        await server.close();
      } };
      const telemetry = new RecordingTelemetry();
      const result = await setup.client.newTurn().stream(prompt([userMessage('hi')]), turnContext({}, telemetry)).result;
      expect(result.transport).toBe(transport);
      expect(telemetry.fallbacks).toEqual([]);
      expect(server.recording.requests.map((request) => request.transport)).toEqual([transport]);
    });
  }
});

describe('turn metadata of any Unicode', () => {
  it('is printable ASCII JSON that parses back to the same object (property)', () => {
    fc.assert(
      fc.property(anyMetadata, (metadata) => {
        const text = headerSafeJson(metadata);
        expect(text).toMatch(/^[\x20-\x7e]*$/);
        expect(JSON.parse(text)).toEqual(viaJson(metadata));
      }),
      { numRuns: 1_000 },
    );
  });

  for (const transport of TRANSPORTS) {
    it(`reaches the server over ${transport} as valid header text meaning the same object (property, real sockets)`, async () => {
      setup = await startLoopback({ providerOverrides: { supportsWebSockets: transport === 'websocket' } });
      const { server, client } = setup;
      await fc.assert(
        fc.asyncProperty(anyMetadata, async ({ turn_id, extra }) => {
          const turnMetadata = { ...extra, turn_id };
          const before = server.recording.requests.length;
          const result = await client.newTurn().stream(prompt([userMessage('hi')]), turnContext({ turnMetadata })).result;
          expect(result.transport).toBe(transport);
          const sent = perRequestValue(server.recording.requests[before], 'x-codex-turn-metadata');
          expect(typeof sent).toBe('string');
          expect(sent as string).toMatch(/^[\x20-\x7e]*$/);
          expect(JSON.parse(sent as string)).toEqual(viaJson(turnMetadata));
        }),
        { numRuns: 40 },
      );
    });
  }

  it('is the same text on both transports', async () => {
    setup = await startLoopback();
    const { server, client } = setup;
    const turnMetadata = { turn_id: 'tour-été-東京-🚀', note: 'ÿ\u0100\u2028\ud800', emoji: '👩‍👩‍👧' };
    const turn = client.newTurn();
    const context = turnContext({ turnMetadata });
    await turn.stream(prompt([userMessage('hi')]), context).result;
    expect(turn.trySwitchToHttpFallback()).toBe(true);
    await turn.stream(prompt([userMessage('hi')]), context).result;
    const [overSocket, overHttp] = server.recording.requests;
    expect([overSocket?.transport, overHttp?.transport]).toEqual(['websocket', 'http']);
    const socketText = perRequestValue(overSocket, 'x-codex-turn-metadata');
    expect(perRequestValue(overHttp, 'x-codex-turn-metadata')).toBe(socketText);
    expect(JSON.parse(socketText as string)).toEqual(viaJson(turnMetadata));
  });
});

const snapshot = (id: string, status: string, extra: Record<string, unknown> = {}) => ({ id, object: 'response', status, model: 'gpt-test', output: [], usage: null, ...extra });

/** A scripted response whose `response.metadata` event offers `token` as the sticky-routing token. */
function offering(token: string, id: string): { events: Record<string, unknown>[] } {
  const message = { type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'ok', annotations: [] }] };
  return {
    events: [
      { type: 'response.metadata', headers: { 'x-codex-turn-state': token } },
      { type: 'response.created', response: snapshot(id, 'in_progress') },
      { type: 'response.output_item.done', output_index: 0, item: message },
      { type: 'response.completed', response: snapshot(id, 'completed', { output: [message] }) },
    ],
  };
}

const INVALID_TOKENS: readonly { readonly token: string; readonly problem: StickyTokenProblem }[] = [
  { token: 'ts_a\r\nx-injected: 1', problem: 'control_character' },
  { token: 'ts_\u0000', problem: 'control_character' },
  { token: 'ts_\u007f', problem: 'control_character' },
  { token: 'ts_токен', problem: 'non_latin1' },
  { token: 'ts_🚀', problem: 'non_latin1' },
  { token: ' ts_padded', problem: 'surrounding_whitespace' },
  { token: `ts_${'x'.repeat(MAX_STICKY_TOKEN_LENGTH)}`, problem: 'too_long' },
];

describe('a sticky-routing token that is not a valid header value', () => {
  it('is recognised for each problem; Latin-1 and inner spaces are valid', () => {
    for (const { token, problem } of INVALID_TOKENS) expect(stickyTokenProblem(token)).toBe(problem);
    expect(stickyTokenProblem('ts_café au lait')).toBeUndefined();
    expect(stickyTokenProblem('x'.repeat(MAX_STICKY_TOKEN_LENGTH))).toBeUndefined();
  });

  for (const transport of TRANSPORTS) {
    it(`is ignored and reported, never sent; a valid token offered later is replayed (${transport})`, async () => {
      setup = await startLoopback({ providerOverrides: { supportsWebSockets: transport === 'websocket' } }, { issueTurnState: false });
      const { server, client } = setup;
      for (const [round, { token, problem }] of INVALID_TOKENS.entries()) {
        const telemetry = new RecordingTelemetry();
        const ignored: StickyTokenIgnoredRecord[] = [];
        const context = turnContext({}, Object.assign(telemetry, { onStickyTokenIgnored: (record: StickyTokenIgnoredRecord) => ignored.push(record) }));
        const turn = client.newTurn();
        const before = server.recording.requests.length;
        // Response ids are unique per socket: a finished id seen again is a stale frame.
        server.script.next(offering(token, `resp_bad_${round}`));
        server.script.next(offering('ts_good', `resp_good_${round}`));
        server.script.next(offering('ts_later', `resp_last_${round}`));
        const first = turn.stream(prompt([userMessage('one')]), context);
        const seen: string[] = [];
        for await (const event of first) if (event.type === 'turn_state') seen.push(event.turnState);
        await turn.stream(prompt([userMessage('two')]), context).result;
        await turn.stream(prompt([userMessage('three')]), context).result;
        expect(ignored).toEqual([{ problem, length: token.length }]);
        expect(seen).toEqual([]);
        const requests = server.recording.requests.slice(before);
        expect(requests.map((request) => request.transport)).toEqual([transport, transport, transport]);
        expect(requests.map((request) => perRequestValue(request, 'x-codex-turn-state'))).toEqual([undefined, undefined, 'ts_good']);
        expect(turn.turnState).toBe('ts_good');
      }
    });
  }
});
