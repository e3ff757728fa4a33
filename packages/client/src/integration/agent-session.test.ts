import { afterEach, describe, expect, it } from 'vitest';
import { prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import { RecordingTelemetry, startLoopback, type LoopbackSetup } from '../__fixtures__/loopback-client.js';
import type { ResponseItem } from '../types/prompt.js';

let setup: LoopbackSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('an agent session end to end', () => {
  it('tool loops over several turns, a compaction in between, one socket, no sticky violation', async () => {
    setup = await startLoopback();
    const { client, server } = setup;
    await client.preconnect();
    const telemetry = new RecordingTelemetry();
    let history: ResponseItem[] = [];
    for (let turnNumber = 1; turnNumber <= 3; turnNumber += 1) {
      const context = turnContext({ turnMetadata: { turn_id: `turn-${turnNumber}` } }, telemetry);
      const turn = client.newTurn();
      history.push(userMessage(`run: ls dir-${turnNumber}`));
      // The tool loop: stream, run the tool calls, feed their outputs back, until a plain answer.
      for (let step = 0; step < 4; step += 1) {
        const result = await turn.stream(prompt(history), context).result;
        history.push(...result.output);
        const calls = result.output.filter((item) => item.type === 'function_call');
        if (calls.length === 0) break;
        for (const call of calls) history.push({ type: 'function_call_output', call_id: String(call['call_id']), output: 'a.txt b.txt' });
      }
      if (turnNumber === 2) {
        // Compaction replaces the history: the next request starts a new chain, in full.
        history = await client.compactConversationHistory(prompt(history), context);
        expect(history.at(-1)?.type).toBe('compaction');
      }
    }
    expect(server.recording.stickyViolations).toEqual([]);
    expect(server.recording.counters.handshakes).toBe(1);
    const modes = telemetry.decisions.map((decision) => (decision.mode === 'full' ? `full:${decision.reason}` : 'incremental'));
    expect(modes[0]).toBe('full:no_previous_response');
    expect(modes.filter((mode) => mode.startsWith('full'))).toEqual(['full:no_previous_response', 'full:input_not_extended']);
    expect(modes.filter((mode) => mode === 'incremental').length).toBeGreaterThanOrEqual(4);
    expect(telemetry.usage.length).toBe(telemetry.decisions.length);
  });
});
