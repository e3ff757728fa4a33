import type { RawResponseEvent } from '@modelwire/client';
import { describe, expect, it } from 'vitest';
import { ResponseRelay, type SseSink } from './response-relay.js';

const event = (type: string, sequence: number, fields: Record<string, unknown> = {}): RawResponseEvent => ({ type, ...fields, sequence_number: sequence });

/** A sink that keeps the SSE text, split back into event objects. */
function collecting(): SseSink & { events: RawResponseEvent[]; text: string } {
  const sink = {
    events: [] as RawResponseEvent[],
    text: '',
    write(text: string) {
      sink.text += text;
      const match = /^event: (.+)\ndata: (.+)\n\n$/.exec(text);
      if (match === null) throw new Error(`not one SSE event: ${JSON.stringify(text)}`);
      const parsed = JSON.parse(match[2]!) as RawResponseEvent;
      expect(parsed.type).toBe(match[1]);
      sink.events.push(parsed);
    },
    ready: () => Promise.resolve(),
  };
  return sink;
}

describe('ResponseRelay', () => {
  it('hands an EventSink the same events as objects: WebSocket-only ones left out, a repeated start dropped, sequence numbers renumbered', () => {
    const events: RawResponseEvent[] = [];
    const relay = new ResponseRelay({ event: (item) => events.push(item), ready: () => Promise.resolve() });
    relay.offer({ type: 'response.metadata', headers: { 'x-request-id': 'req_1' } });
    relay.offer(event('response.created', 4, { response: { id: 'r1' } }));
    relay.newAttempt();
    relay.offer(event('response.created', 0, { response: { id: 'r2' } }));
    relay.offer(event('response.output_text.delta', 1, { delta: 'hi' }));
    expect(events).toEqual([event('response.created', 0, { response: { id: 'r1' } }), event('response.output_text.delta', 1, { delta: 'hi' })]);
    expect(relay.headers).toEqual({ 'x-request-id': 'req_1' });
  });

  it('writes the events as SSE, as sent, and leaves out the WebSocket-only ones (keeping their headers)', () => {
    const sink = collecting();
    let started = 0;
    const relay = new ResponseRelay(sink, () => (started += 1));
    relay.offer({ type: 'codex.rate_limits', rate_limits: {} });
    relay.offer({ type: 'response.metadata', headers: { 'x-request-id': 'req_1', 'openai-model': 'gpt-4.1', 'x-codex-turn-state': 'secret-ish' } });
    const sent = [event('response.created', 0, { response: { id: 'r1' } }), event('response.output_text.delta', 1, { delta: 'hi' }), event('response.completed', 2, { response: { id: 'r1' } })];
    for (const item of sent) relay.offer(item);
    expect(sink.events).toEqual(sent);
    expect(sink.text.startsWith('event: response.created\ndata: {"type":"response.created",')).toBe(true);
    expect(started).toBe(1);
    expect(relay.headers).toEqual({ 'x-request-id': 'req_1', 'openai-model': 'gpt-4.1' });
    expect(relay.terminalWritten).toBe(true);
    relay.offer(event('response.output_text.delta', 3, { delta: 'stale' }));
    expect(sink.events).toHaveLength(3);
  });

  it('holds a failure before output, forgets it when the request goes on, and renumbers a second attempt without repeating its start', () => {
    const sink = collecting();
    const relay = new ResponseRelay(sink);
    relay.offer(event('error', 0, { error: { code: 'server_error' } }));
    expect(relay.started).toBe(false);
    relay.offer(event('response.created', 0, { response: { id: 'r1' } }));
    relay.offer(event('response.in_progress', 1, { response: { id: 'r1' } }));
    expect(relay.heldFailure).toBeNull();
    relay.offer(event('response.failed', 2, { response: { id: 'r1', error: { code: 'server_error' } } }));
    expect(relay.heldFailure?.type).toBe('response.failed');
    relay.newAttempt();
    relay.offer(event('response.created', 0, { response: { id: 'r2' } }));
    relay.offer(event('response.in_progress', 1, { response: { id: 'r2' } }));
    relay.offer(event('response.output_text.delta', 2, { delta: 'hi' }));
    relay.offer(event('error', 3, { error: { code: 'server_error' } }));
    expect(sink.events.map((written) => [written.type, written['sequence_number']])).toEqual([
      ['response.created', 0],
      ['response.in_progress', 1],
      ['response.output_text.delta', 2],
      ['error', 3],
    ]);
    expect(relay.producedOutput).toBe(true);
    expect(relay.terminalWritten).toBe(true);
  });

  it('passes keepalive heartbeats without numbering them and without counting them as output', () => {
    const sink = collecting();
    const relay = new ResponseRelay(sink);
    relay.offer(event('response.created', 0));
    relay.offer({ type: 'keepalive' });
    relay.offer({ type: 'noise.unknown' });
    expect(relay.producedOutput).toBe(false);
    relay.offer(event('response.output_text.delta', 1, { delta: 'hi' }));
    expect(sink.events).toEqual([event('response.created', 0), { type: 'keepalive' }, { type: 'noise.unknown' }, event('response.output_text.delta', 1, { delta: 'hi' })]);
    expect(relay.producedOutput).toBe(true);
  });

  it('writes a held failure when the adapter gives up after the response started', () => {
    const sink = collecting();
    const relay = new ResponseRelay(sink);
    relay.offer(event('response.created', 0, { response: { id: 'r1' } }));
    relay.offer(event('response.failed', 1, { response: { id: 'r1', error: { code: 'server_error' } } }));
    expect(sink.events).toHaveLength(1);
    expect(relay.writeHeld()).toBe(true);
    expect(sink.events.map((written) => written.type)).toEqual(['response.created', 'response.failed']);
    expect(relay.writeHeld()).toBe(false);
  });

  it('keeps the answer and a failure of a buffered (non-streaming) request without writing anything', () => {
    const relay = new ResponseRelay(null);
    relay.offer(event('response.created', 0));
    relay.offer(event('response.incomplete', 5, { response: { id: 'r1', status: 'incomplete' } }));
    expect(relay.started).toBe(false);
    expect(relay.producedOutput).toBe(false);
    expect(relay.answer?.type).toBe('response.incomplete');
    relay.newAttempt();
    expect(relay.answer).toBeNull();
    relay.offer(event('error', 0, { status: 429, error: { code: 'rate_limit_exceeded' } }));
    expect(relay.heldFailure?.['status']).toBe(429);
  });
});
