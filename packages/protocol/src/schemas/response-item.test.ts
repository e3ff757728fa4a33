import { describe, expect, it } from 'vitest';
import { ResponseInputItemSchema, ResponseItemSchema } from './response-item.js';
import { CreateResponseRequestSchema } from './create-response-request.js';
import { ResponseCreateMessageSchema } from './websocket-client-messages.js';
import { CompactResponseSchema, TraceSummarizeRequestSchema } from './unary-bodies.js';

describe('ResponseItemSchema', () => {
  it('accepts every known item type and keeps fields it does not model', () => {
    const items = [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      { type: 'message', role: 'assistant', id: 'msg_1', phase: 'final_answer', content: [{ type: 'output_text', text: 'ok', annotations: [] }, { type: 'refusal', refusal: 'no' }] },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'gAAA', future_field: 1 },
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"a":1}' },
      { type: 'function_call_output', call_id: 'c1', output: 'done' },
      { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'done' }] },
      { type: 'custom_tool_call', call_id: 'c2', name: 'apply_patch', input: '*** Begin Patch' },
      { type: 'custom_tool_call_output', call_id: 'c2', output: 'ok' },
      { type: 'local_shell_call', call_id: 'c3', status: 'completed', action: { type: 'exec', command: ['ls'], env: {}, timeout_ms: 1000 } },
      { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'x' } },
      { type: 'compaction', id: 'cmp_1', encrypted_content: 'blob' },
      { type: 'compaction_trigger' },
      { type: 'item_reference', id: 'msg_0' },
    ];
    for (const item of items) {
      const parsed = ResponseItemSchema.safeParse(item);
      expect(parsed.success, JSON.stringify(item)).toBe(true);
      expect(parsed.data).toEqual(item);
    }
  });

  it('carries unknown item types through unchanged', () => {
    const item = { type: 'image_generation_call', id: 'ig_1', result: 'base64', nested: { deep: [1, 2] } };
    const parsed = ResponseItemSchema.parse(item);
    expect(parsed).toEqual(item);
  });

  it('checks the fields the client reads on shell, apply_patch and approval items', () => {
    const valid = [
      { type: 'local_shell_call_output', id: 'c3', output: '{"stdout":"ok"}' },
      { type: 'shell_call', call_id: 's1', action: { commands: ['ls', 'pwd'], timeout_ms: null } },
      { type: 'shell_call_output', call_id: 's1', output: [{ stdout: 'a', stderr: '', outcome: { type: 'exit', exit_code: 0 } }] },
      { type: 'apply_patch_call', call_id: 'p1', status: 'completed', operation: { type: 'delete_file', path: 'a.txt' } },
      { type: 'apply_patch_call_output', call_id: 'p1', status: 'failed', output: 'no such file' },
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true },
    ];
    for (const item of valid) expect(ResponseItemSchema.parse(item), item.type).toEqual(item);
    const invalid = [
      { type: 'shell_call', action: { commands: ['ls'] } },
      { type: 'shell_call', call_id: 's1', action: { commands: 'ls' } },
      { type: 'apply_patch_call', call_id: 'p1', operation: { type: 'delete_file' } },
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: 'yes' },
    ];
    for (const item of invalid) expect(ResponseItemSchema.safeParse(item).success, JSON.stringify(item)).toBe(false);
  });

  it('rejects roles the API does not accept', () => {
    expect(ResponseItemSchema.safeParse({ type: 'message', role: 'tool', content: 'x' }).success).toBe(false);
    expect(ResponseInputItemSchema.safeParse({ role: 'moderator', content: 'x' }).success).toBe(false);
  });

  it('accepts the input forms without a type: easy messages and item references', () => {
    for (const item of [{ role: 'user', content: 'hi' }, { role: 'assistant', content: [{ type: 'input_text', text: 'earlier' }], phase: 'final_answer' }, { id: 'msg_1' }, { id: 'msg_1', type: null }]) {
      expect(ResponseInputItemSchema.parse(item)).toEqual(item);
    }
    expect(ResponseInputItemSchema.safeParse({ content: 'no role' }).success).toBe(false);
  });

  it('rejects a known item type with a missing required field', () => {
    expect(ResponseItemSchema.safeParse({ type: 'function_call', name: 'shell', arguments: '{}' }).success).toBe(false);
    expect(ResponseItemSchema.safeParse({ type: 'function_call', call_id: 'c', name: 'shell', arguments: { a: 1 } }).success).toBe(false);
    expect(ResponseItemSchema.safeParse({ type: 'message', role: 'user', content: [{ type: 'input_text' }] }).success).toBe(false);
  });
});

describe('request bodies', () => {
  const base = {
    model: 'gpt-5.1-codex',
    instructions: 'be brief',
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
    tools: [{ type: 'function', name: 'shell', parameters: { type: 'object' }, strict: false }, { type: 'web_search' }],
    tool_choice: 'auto',
    parallel_tool_calls: true,
    reasoning: { effort: 'medium', summary: 'auto' },
    include: ['reasoning.encrypted_content'],
    store: false,
    prompt_cache_key: 'conv_1',
    text: { verbosity: 'low', format: { type: 'json_schema', name: 'out', schema: { type: 'object' }, strict: true } },
  };

  it('accepts a full HTTP create body', () => {
    expect(CreateResponseRequestSchema.parse({ ...base, stream: true })).toEqual({ ...base, stream: true });
  });

  it('accepts every typed request option, string input and easy messages', () => {
    const body = {
      ...base,
      input: [{ role: 'user', content: 'hi' }],
      max_output_tokens: 512,
      max_tool_calls: 3,
      metadata: { team: 'search' },
      temperature: 0.2,
      top_p: 0.9,
      top_logprobs: 5,
      truncation: 'auto',
      safety_identifier: 'user-hash',
      user: 'legacy',
      prompt_cache_retention: '24h',
      conversation: { id: 'conv_1' },
      prompt: { id: 'pmpt_1', variables: { name: 'x' } },
      background: true,
      stream: true,
    };
    expect(CreateResponseRequestSchema.parse(body)).toEqual(body);
    expect(CreateResponseRequestSchema.parse({ model: 'm', input: 'hi' }).input).toBe('hi');
  });

  it('rejects request options out of the API ranges', () => {
    const bad = [
      { temperature: 2.5 },
      { top_p: -0.1 },
      { top_logprobs: 21 },
      { max_output_tokens: 15 },
      { max_tool_calls: 1.5 },
      { truncation: 'sometimes' },
      { metadata: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v'])) },
      { metadata: { ['k'.repeat(65)]: 'v' } },
      { metadata: { k: 'v'.repeat(513) } },
      { safety_identifier: 'x'.repeat(129) },
    ];
    for (const fields of bad) expect(CreateResponseRequestSchema.safeParse({ ...base, ...fields }).success, JSON.stringify(fields).slice(0, 60)).toBe(false);
  });

  it('rejects background on the WebSocket', () => {
    expect(ResponseCreateMessageSchema.safeParse({ ...base, type: 'response.create', background: true }).success).toBe(false);
    expect(ResponseCreateMessageSchema.safeParse({ ...base, type: 'response.create' }).success).toBe(true);
  });

  it('accepts a WebSocket response.create with continuation, metadata, warm-up and a lane', () => {
    const message = { ...base, type: 'response.create', previous_response_id: 'resp_1', client_metadata: { 'x-codex-turn-metadata': '{"turn_id":"t"}' }, generate: false, stream_id: 'lane_1.a-b' };
    expect(ResponseCreateMessageSchema.parse(message)).toEqual(message);
  });

  it('rejects invalid lane names', () => {
    for (const streamId of ['', 'a b', 'x'.repeat(257), 'é']) {
      expect(ResponseCreateMessageSchema.safeParse({ ...base, type: 'response.create', stream_id: streamId }).success).toBe(false);
    }
    expect(ResponseCreateMessageSchema.safeParse({ ...base, type: 'response.create', stream_id: 'x'.repeat(256) }).success).toBe(true);
  });

  it('validates compact and trace-summarise bodies', () => {
    expect(CompactResponseSchema.parse({ output: [{ type: 'compaction', encrypted_content: 'b' }] }).output).toHaveLength(1);
    expect(TraceSummarizeRequestSchema.safeParse({ model: 'm', traces: [{ id: 't', metadata: { source_path: '/x' }, items: [] }], reasoning: { effort: 'low' } }).success).toBe(true);
    expect(TraceSummarizeRequestSchema.safeParse({ model: 'm', traces: [{ id: 't', items: [] }] }).success).toBe(false);
  });
});
