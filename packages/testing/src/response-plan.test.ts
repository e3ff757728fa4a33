import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideDefaultOutput } from './default-model.js';
import { planModelResponse } from './response-plan.js';
import { actionsFor } from './response-actions.js';

const user = (text: string): Record<string, unknown> => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const shell = { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } };

describe('default model', () => {
  it('calls the shell-like tool with arguments shaped after its parameters', () => {
    const [call] = decideDefaultOutput({ tools: [{ type: 'function', name: 'other' }, shell] }, [user('exec: git status')], {});
    expect(call).toMatchObject({ kind: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd: 'git status' }) });
  });

  it('answers in text when no function tool is declared', () => {
    expect(decideDefaultOutput({}, [user('run: ls')], {})).toEqual([{ kind: 'message', text: 'You said: run: ls' }]);
  });

  it('quotes the output of the matching function call', () => {
    const input = [user('run: ls'), { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: 'x.txt' }];
    const [message] = decideDefaultOutput({}, input, {});
    expect(message).toEqual({ kind: 'message', text: 'shell returned:\nx.txt\nDone.' });
  });

  it('repeats the call for `run N times:` until N tool outputs follow the user message, then answers', () => {
    const input: Record<string, unknown>[] = [user('earlier'), user('run 3 times: ls')];
    const callIds: string[] = [];
    for (let step = 0; step < 3; step += 1) {
      const [call] = decideDefaultOutput({ tools: [shell] }, input, {});
      expect(call).toMatchObject({ kind: 'function_call', name: 'exec_command', arguments: JSON.stringify({ cmd: 'ls' }) });
      const callId = call?.kind === 'function_call' ? call.callId : '';
      callIds.push(callId);
      input.push({ type: 'function_call', call_id: callId, name: 'exec_command', arguments: '{}' }, { type: 'function_call_output', call_id: callId, output: `out ${step}` });
    }
    expect(new Set(callIds).size).toBe(3);
    expect(decideDefaultOutput({ tools: [shell] }, input, {})).toEqual([{ kind: 'message', text: 'exec_command returned:\nout 2\nDone.' }]);
    // A new user message starts counting again.
    expect(decideDefaultOutput({ tools: [shell] }, [...input, user('run 2 times: pwd')], {})[0]).toMatchObject({ kind: 'function_call' });
  });

  it('adds a reasoning item, with a summary and encrypted content only when asked', () => {
    const withSummary = decideDefaultOutput({ reasoning: { effort: 'low', summary: 'auto' }, include: ['reasoning.encrypted_content'] }, [user('hi')], {});
    expect(withSummary[0]).toMatchObject({ kind: 'reasoning', encrypted: true });
    expect(withSummary[0]?.kind === 'reasoning' && withSummary[0].summary).toBeTruthy();
    const without = decideDefaultOutput({ reasoning: { effort: 'low' } }, [user('hi')], {});
    expect(without[0]).toEqual({ kind: 'reasoning', summary: undefined, encrypted: false });
  });

  it('pads or cuts answers to answerChars', () => {
    const [long] = decideDefaultOutput({}, [user('hi')], { answerChars: 500 });
    expect(long?.kind === 'message' && long.text.length).toBe(500);
    const [short] = decideDefaultOutput({}, [user('hello there')], { answerChars: 5 });
    expect(short).toEqual({ kind: 'message', text: 'You s' });
  });
});

describe('response plan', () => {
  it('deltas rebuild the text, sequence numbers are contiguous, and faults cut at the right event', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 1, max: 9 }), fc.nat(60), (text, deltaChars, afterEvents) => {
        const plan = planModelResponse({
          responseId: 'resp_x',
          model: 'm',
          outputs: [{ kind: 'message', text }],
          deltaChars,
          contextBytes: 10,
          cachedBytes: 0,
          createdAt: 0,
        });
        const events = plan.events.map((planned) => planned.event);
        expect(events.map((event) => event['sequence_number'])).toEqual(events.map((_, index) => index));
        const deltas = events.filter((event) => event['type'] === 'response.output_text.delta').map((event) => event['delta']);
        expect(deltas.join('')).toBe(text);
        expect(events.at(-1)?.['type']).toBe('response.completed');
        const cut = actionsFor(plan, { kind: 'error', code: 'server_error', afterEvents }, false);
        const kept = Math.min(afterEvents, events.length);
        expect(cut).toHaveLength(kept + 1);
        expect(cut.at(-1)).toMatchObject({ type: 'event', event: { type: 'error', sequence_number: kept } });
      }),
    );
  });
});
