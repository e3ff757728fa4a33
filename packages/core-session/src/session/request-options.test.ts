// Session-wide request options and easy input through a session, over real sockets.
import { InvalidArgumentError } from '@modelwire/client';
import { afterEach, describe, expect, it } from 'vitest';
import { startSession, type SessionSetup } from '../__fixtures__/session-fixtures.js';

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('session request options', () => {
  it.each([
    ['websocket', true],
    ['http', false],
  ] as const)('go with every request of every turn (%s), and easy input messages are typed in history', async (_, webSocket) => {
    setup = await startSession({ webSocket, requestOptions: { max_output_tokens: 4096, temperature: 0.1, metadata: { agent: 'test' }, safety_identifier: 'user-1' } });
    await setup.session.submit([{ role: 'user', content: 'first' }]).result;
    await setup.session.submit('second').result;
    const bodies = setup.server.recording.requests.filter((request) => request.endpoint === 'responses').map((request) => request.body as Record<string, unknown>);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) expect(body).toMatchObject({ max_output_tokens: 4096, temperature: 0.1, metadata: { agent: 'test' }, safety_identifier: 'user-1' });
    expect(setup.session.history[0]).toEqual({ type: 'message', role: 'user', content: 'first' });
  });

  it('an invalid option fails the turn with an InvalidArgumentError naming the option, before any request', async () => {
    setup = await startSession({ requestOptions: { temperature: 9 } });
    await expect(setup.session.submit('hi').result).rejects.toSatisfy((error: unknown) => InvalidArgumentError.isInstance(error) && (error as InvalidArgumentError).path === 'prompt.options.temperature');
    expect(setup.server.recording.requests.filter((request) => request.endpoint === 'responses')).toEqual([]);
  });
});
