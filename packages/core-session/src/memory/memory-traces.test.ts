import type { ResponseItem } from '@modelwire/client';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSession, turnIdOf, userMessage, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import { parseTraceText } from './parse-trace-text.js';
import { traceItemOf } from './trace-items.js';

let directory = '';
let setup: SessionSetup | undefined;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'modelwire-traces-'));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

const assistant: ResponseItem = { type: 'message', id: 'msg_done', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'done', annotations: [] }] };
const call = { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":"ls"}' };
const reasoning = { type: 'reasoning', summary: [], encrypted_content: 'opaque' };

/** A session log: metadata and UI records around wrapped items, CRLF line ends, a BOM. */
function sessionLog(): string {
  const lines = [
    { type: 'session_meta', payload: { id: 'abc', cwd: '/repo' } },
    { type: 'response_item', payload: userMessage('list the files') },
    { type: 'turn_context', payload: { model: 'gpt-test' } },
    { type: 'response_item', payload: call },
    { type: 'event_msg', payload: { type: 'agent_message', message: 'working' } },
    { type: 'response_item', payload: { type: 'message', role: 'tool', content: [] } },
    { type: 'response_item', payload: assistant },
  ].map((line) => JSON.stringify(line));
  return `\uFEFF${lines.join('\r\n')}\r\n\r\n`;
}

describe('trace parsing', () => {
  it('unwraps response_item records, skips other records and foreign roles, strips the BOM', () => {
    expect(parseTraceText(sessionLog(), 'log.jsonl')).toEqual([userMessage('list the files'), call, assistant]);
  });

  it('reads JSON documents: an array, an object with items, one record', () => {
    expect(parseTraceText(JSON.stringify([reasoning, { type: 'response_item', payload: assistant }]), 'a.json')).toEqual([reasoning, assistant]);
    expect(parseTraceText(`\uFEFF${JSON.stringify({ items: [call] })}`, 'b.json')).toEqual([call]);
    expect(parseTraceText(JSON.stringify(assistant), 'c.json')).toEqual([assistant]);
    expect(parseTraceText('  \n', 'empty.json')).toEqual([]);
  });

  it('names the file and line of invalid JSONL', () => {
    const text = `${JSON.stringify(assistant)}\n{"type": "message",\n`;
    expect(() => parseTraceText(text, '/tmp/broken.jsonl')).toThrow(expect.objectContaining({ code: 'decode_failed', message: expect.stringContaining('/tmp/broken.jsonl: line 2') }));
  });

  it('keeps messages of the four conversation roles and every other item type', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.boolean(), (role, type, wrapped) => {
        const item = { type, role };
        const record = wrapped ? { type: 'response_item', payload: item } : item;
        const kept = traceItemOf(record);
        const shouldKeep = type !== 'message' || ['user', 'assistant', 'system', 'developer'].includes(role);
        expect(kept).toEqual(shouldKeep ? item : null);
      }),
    );
  });

  it('is independent of line endings', () => {
    const items = [userMessage('a'), assistant, call];
    fc.assert(
      fc.property(fc.array(fc.constantFrom('\n', '\r\n'), { minLength: 3, maxLength: 3 }), fc.boolean(), (endings, bom) => {
        const text = (bom ? '\uFEFF' : '') + items.map((item, index) => JSON.stringify(item) + endings[index]).join('');
        expect(parseTraceText(text, 'x.jsonl')).toEqual(items);
      }),
    );
  });
});

describe('session.summarizeMemoryTraces', () => {
  it('reads trace files and returns one summary per trace, in order', async () => {
    const log = join(directory, 'rollout.jsonl');
    const doc = join(directory, 'notes.json');
    await writeFile(log, sessionLog(), 'utf8');
    await writeFile(doc, JSON.stringify([reasoning, assistant]), 'utf8');
    setup = await startSession({ reasoningEffort: 'low' });
    const { session, server } = setup;
    const summaries = await session.summarizeMemoryTraces([log, doc]);
    expect(summaries).toEqual([
      { id: 'trace_1', traceSummary: 'Trace trace_1: 3 items.', memorySummary: 'Remember trace trace_1.' },
      { id: 'trace_2', traceSummary: 'Trace trace_2: 2 items.', memorySummary: 'Remember trace trace_2.' },
    ]);
    const request = server.recording.requests.find((entry) => entry.endpoint === 'trace_summarize');
    expect(request?.body).toEqual({
      model: 'gpt-test',
      reasoning: { effort: 'low' },
      traces: [
        { id: 'trace_1', metadata: { source_path: log }, items: [userMessage('list the files'), call, assistant] },
        { id: 'trace_2', metadata: { source_path: doc }, items: [reasoning, assistant] },
      ],
    });
    expect(turnIdOf(request ?? { headers: {}, body: undefined })).toEqual(expect.any(String));
    // Summarising does not touch the conversation.
    expect(session.history).toEqual([]);
  });

  it('accepts prepared traces and per-call settings', async () => {
    setup = await startSession();
    const { session, server } = setup;
    const summaries = await session.summarizeMemoryTraces([{ id: 'mine', sourcePath: 'memory://1', items: [assistant] }], { reasoningEffort: 'high' });
    expect(summaries.map((summary) => summary.id)).toEqual(['mine']);
    expect((server.recording.requests[0]?.body as { reasoning?: unknown }).reasoning).toEqual({ effort: 'high' });
  });

  it('reports a missing file as a typed error without calling the server', async () => {
    setup = await startSession();
    const { session, server } = setup;
    await expect(session.summarizeMemoryTraces([join(directory, 'missing.jsonl')])).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(server.recording.requests).toEqual([]);
  });
});
