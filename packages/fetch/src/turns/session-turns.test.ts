import { ModelClient, type ResponseInputItem, type ResponseItem } from '@modelwire/client';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionTurns } from './session-turns.js';

const clients: ModelClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
});

/** A client that is never connected: turns are created without I/O. */
function client(): ModelClient {
  const created = new ModelClient({ provider: { baseUrl: 'http://127.0.0.1:9/v1', supportsWebSockets: false }, auth: 'none', conversationId: 'turns', sessionSource: { kind: 'exec' } });
  clients.push(created);
  return created;
}

const userMessage = (text: string): ResponseInputItem => ({ role: 'user', content: text });
const call = (id: string): ResponseItem => ({ id: `fc_${id}`, type: 'function_call', status: 'completed', call_id: `call_${id}`, name: 'shell', arguments: '{"command":"ls"}' });
const answer = (id: string, text: string): ResponseItem => ({ id: `msg_${id}`, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] });
const toolOutput = (id: string): ResponseInputItem => ({ type: 'function_call_output', call_id: `call_${id}`, output: 'README.md' });
/** What an SDK sends back for a server item: a fresh object, rebuilt without `id` and `status`. */
const echo = (item: ResponseItem): ResponseInputItem => {
  const { id: _id, status: _status, ...rest } = item as unknown as Record<string, unknown>;
  return JSON.parse(JSON.stringify(rest)) as ResponseInputItem;
};

describe('SessionTurns', () => {
  it('keeps a tool loop in one turn and hands the client its own items for the prefix', () => {
    const turns = new SessionTurns(client());
    const first = turns.begin([userMessage('run: ls')]);
    expect(first.newTurn).toBe('new_conversation');
    const output = [call('1')];
    first.complete(output);

    const sent = [userMessage('run: ls'), echo(output[0]!), toolOutput('1')];
    const second = turns.begin(sent);
    expect(second.newTurn).toBeNull();
    expect(second.turn).toBe(first.turn);
    expect(second.turnMetadata).toBe(first.turnMetadata);
    // The prefix is the objects the client sent and received; the new tail is the caller's.
    expect(second.input[0]).toBe(first.input[0]);
    expect(second.input[1]).toBe(output[0]);
    expect(second.input[2]).toBe(sent[2]);
  });

  it('finds the history a previous_response_id continues: the conversation whose last completed response it is, and no other', () => {
    const turns = new SessionTurns(client());
    const first = turns.begin([userMessage('hello')]);
    const output = [answer('1', 'hi')];
    first.complete(output, 'resp_1');
    expect(turns.historyBefore('resp_1')).toEqual([userMessage('hello'), output[0]]);
    const second = turns.begin([userMessage('hello'), echo(output[0]!), userMessage('again')]);
    second.complete([answer('2', 'hi again')], 'resp_2');
    // Only the last response of a conversation is one a request can continue from its history.
    expect(turns.historyBefore('resp_1')).toBeNull();
    expect(turns.historyBefore('resp_2')).toHaveLength(4);
    expect(turns.historyBefore('resp_unknown')).toBeNull();
    // A lease released without a response leaves the conversation where it was.
    turns.begin([userMessage('hello'), echo(output[0]!), userMessage('again'), echo(answer('2', 'hi again')), userMessage('third')]).release();
    expect(turns.historyBefore('resp_2')).toHaveLength(4);
  });

  it('starts a new turn, in the same conversation, for a user message after the answer', () => {
    const turns = new SessionTurns(client());
    const first = turns.begin([userMessage('hello')]);
    const output = [answer('1', 'hi')];
    first.complete(output);
    const next = turns.begin([userMessage('hello'), { role: 'assistant', content: 'hi' }, userMessage('and now?')]);
    expect(next.newTurn).toBe('user_message');
    expect(next.turn).not.toBe(first.turn);
    expect(next.turnMetadata.turn_id).not.toBe(first.turnMetadata.turn_id);
    expect(next.input[1]).toBe(output[0]);
    expect(turns.conversations).toBe(1);
  });

  it('starts a new turn after an idle gap, even in a tool loop', () => {
    let now = 0;
    const turns = new SessionTurns(client(), { turnIdleMs: 1000, now: () => now });
    const first = turns.begin([userMessage('run: ls')]);
    first.complete([call('1')]);
    now = 1001;
    const next = turns.begin([userMessage('run: ls'), echo(call('1')), toolOutput('1')]);
    expect(next.newTurn).toBe('idle');
    expect(next.input[1]).not.toBe(undefined);
  });

  it('starts a new conversation for an input that does not extend any response, and for a request while its conversation is busy', () => {
    const turns = new SessionTurns(client());
    const first = turns.begin([userMessage('one')]);
    first.complete([answer('1', 'first answer')]);
    const edited = turns.begin([userMessage('one'), { role: 'assistant', content: 'an edited answer' }, userMessage('two')]);
    expect(edited.newTurn).toBe('new_conversation');
    edited.release();
    const continued = turns.begin([userMessage('one'), { role: 'assistant', content: 'first answer' }, userMessage('two')]);
    expect(continued.newTurn).toBe('user_message');
    const concurrent = turns.begin([userMessage('one'), { role: 'assistant', content: 'first answer' }, userMessage('two')]);
    expect(concurrent.newTurn).toBe('new_conversation');
    expect(concurrent.turn).not.toBe(continued.turn);
  });

  it('leaves the conversation where it was after a failed request, so that a retry continues it', () => {
    const turns = new SessionTurns(client());
    const first = turns.begin([userMessage('run: ls')]);
    first.complete([call('1')]);
    const sent = [userMessage('run: ls'), echo(call('1')), toolOutput('1')];
    const failed = turns.begin(sent);
    failed.release();
    const retry = turns.begin(sent);
    expect(retry.newTurn).toBeNull();
    expect(retry.turn).toBe(first.turn);
    // A conversation whose first request failed is not kept.
    turns.begin([userMessage('fails at once')]).release();
    expect(turns.conversations).toBe(1);
  });

  it('follows at most maxConversations, forgetting the least recently used idle one', () => {
    const turns = new SessionTurns(client(), { maxConversations: 2 });
    for (const text of ['a', 'b', 'c']) turns.begin([userMessage(text)]).complete([answer(text, text)]);
    expect(turns.conversations).toBe(2);
    expect(turns.begin([userMessage('a'), answer('a', 'a'), userMessage('more')]).newTurn).toBe('new_conversation');
    expect(turns.begin([userMessage('c'), answer('c', 'c'), userMessage('more')]).newTurn).toBe('user_message');
  });
});
