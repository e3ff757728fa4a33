import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, scriptedResponse, startSession, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import { describeThrown, MAX_THROWN_DESCRIPTION_CHARS } from './describe-thrown.js';
import { runToolCall } from './run-tool-call.js';
import { toolCallsOf, type ToolCall } from './tool-call.js';
import type { ToolDefinition } from './tool-definition.js';
import { ToolRegistry } from './tool-registry.js';

/** Values whose every reading throws: what a careless or hostile handler may throw. */
function hostileValues(): Record<string, () => unknown> {
  const throwing = (): never => {
    throw new Error('reading me throws');
  };
  const errorWithThrowingMessage = new Error('hidden');
  Object.defineProperty(errorWithThrowingMessage, 'message', { get: throwing });
  const revocable = Proxy.revocable({}, {});
  revocable.revoke();
  const everyTrapThrows = new Proxy({}, { get: throwing, getPrototypeOf: throwing, has: throwing, ownKeys: throwing, getOwnPropertyDescriptor: throwing });
  return {
    'a null-prototype object': () => Object.create(null) as unknown,
    'an Error whose message getter throws': () => errorWithThrowingMessage,
    'an object whose toString throws': () => ({ toString: throwing }),
    'an object whose Symbol.toPrimitive throws': () => ({ [Symbol.toPrimitive]: throwing }),
    'a Symbol': () => Symbol('thrown'),
    'a Proxy whose every trap throws': () => everyTrapThrows,
    'a revoked Proxy': () => revocable.proxy,
    'undefined': () => undefined,
    'null': () => null,
    'a BigInt': () => 10n,
    'a function': () => throwing,
  };
}

/**
 * Arbitrary thrown values: anything fast-check builds, plus the hostile ones above. Each comes
 * wrapped in a function (fast-check itself inspects generated values, which a revoked Proxy
 * does not survive).
 */
const thrownValue = fc.oneof(
  fc
    .anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true, withBoxedValues: true, withTypedArray: true, withSparseArray: true })
    .map((value) => () => value),
  fc.constantFrom(...Object.values(hostileValues())),
  fc.string().map((message) => () => new Error(message)),
);

function callOf(name: string, callId = 'call_1'): ToolCall {
  const [call] = toolCallsOf([{ type: 'function_call', call_id: callId, name, arguments: '{}' }]);
  return call as ToolCall;
}

describe('describeThrown', () => {
  it('describes any value without throwing, as text of bounded length', () => {
    fc.assert(
      fc.property(thrownValue, (make) => {
        const text = describeThrown(make());
        expect(typeof text).toBe('string');
        expect(text.length).toBeLessThanOrEqual(MAX_THROWN_DESCRIPTION_CHARS + 1);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps what can be read: an Error message, a string, a Symbol description', () => {
    expect(describeThrown(new Error('disk full'))).toBe('disk full');
    expect(describeThrown('plain text')).toBe('plain text');
    expect(describeThrown(Symbol('why'))).toBe('Symbol(why)');
    expect(describeThrown(Object.create(null))).toBe('an unreadable value [object Object]');
    expect(describeThrown(hostileValues()['a revoked Proxy']?.())).toBe('an unreadable object');
  });
});

describe('a handler that throws any value', () => {
  it('gets a failure output for its call, never an aborted turn (property)', async () => {
    await fc.assert(
      fc.asyncProperty(thrownValue, fc.boolean(), async (make, asynchronous) => {
        const value = make();
        const tool: ToolDefinition = {
          kind: 'function',
          name: 'hostile',
          description: 'throws',
          parameters: { type: 'object', properties: {} },
          handler: asynchronous ? () => Promise.reject(value) : () => { throw value; },
        };
        const outcome = await runToolCall(callOf('hostile'), new ToolRegistry([tool]), { turnId: 't', signal: new AbortController().signal, defaultTimeoutMs: 5_000 });
        expect(outcome.success).toBe(false);
        expect(outcome.output).toMatch(/^tool "hostile" failed: /s);
      }),
      { numRuns: 300 },
    );
  });
});

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('hostile throws over the wire', () => {
  for (const webSocket of [true, false]) {
    it(`every hostile value becomes its call's failure output and the turn completes (${webSocket ? 'WebSocket' : 'HTTP'})`, async () => {
      const values = Object.entries(hostileValues());
      const tools: ToolDefinition[] = values.map(([, make], index) => ({
        kind: 'function',
        name: `hostile_${index}`,
        description: 'throws',
        parameters: { type: 'object', properties: {} },
        handler: () => {
          throw make();
        },
      }));
      setup = await startSession({ webSocket, tools, parallelToolCalls: true });
      setup.server.script.next(
        scriptedResponse(
          'resp_hostile',
          values.map((_, index) => ({ type: 'function_call', id: `fc_${index}`, call_id: `call_${index}`, name: `hostile_${index}`, arguments: '{}', status: 'completed' })),
        ),
      );
      const handle = setup.session.submit('throw everything');
      const { events } = await collect(handle);
      const result = await handle.result;
      expect(events.at(-1)?.type).toBe('turn_completed');
      const finished = events.filter((event) => event.type === 'tool_call_finished');
      expect(finished).toHaveLength(values.length);
      expect(finished.every((event) => !event.success)).toBe(true);
      const outputs = result.items.filter((item) => item.type === 'function_call_output');
      expect(outputs.map((item) => item.call_id)).toEqual(values.map((_, index) => `call_${index}`));
      for (const [index, item] of outputs.entries()) expect(item.output).toMatch(new RegExp(`^tool "hostile_${index}" failed: `));
      // The follow-up request carried every output (the server validated it as the API does).
      const followUp = setup.server.recording.requests[1]?.body as { input: { type: string }[] };
      expect(followUp.input.filter((item) => item.type === 'function_call_output')).toHaveLength(values.length);
    });
  }
});
