// One realistic event of every known type, as the server sends it (JSON-ready objects).

const usage = { input_tokens: 1200, input_tokens_details: { cached_tokens: 1000 }, output_tokens: 300, output_tokens_details: { reasoning_tokens: 100 }, total_tokens: 1500 };
const snapshot = { id: 'resp_1', object: 'response', created_at: 1_763_000_000, status: 'in_progress', model: 'gpt-5.1-codex', output: [], usage: null };
const reasoningItem = { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Looking' }], encrypted_content: 'gAAAA' };
const functionItem = { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}', status: 'completed' };

/** Every known stream event type with a valid example payload. */
export const KNOWN_EVENT_EXAMPLES: Record<string, Record<string, unknown>> = {
  'response.created': { type: 'response.created', sequence_number: 0, response: snapshot },
  'response.in_progress': { type: 'response.in_progress', sequence_number: 1, response: snapshot },
  'response.queued': { type: 'response.queued', sequence_number: 1, response: { ...snapshot, status: 'queued' } },
  'response.completed': { type: 'response.completed', sequence_number: 9, response: { ...snapshot, status: 'completed', output: [reasoningItem, functionItem], usage } },
  'response.incomplete': { type: 'response.incomplete', sequence_number: 9, response: { ...snapshot, status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } } },
  'response.failed': { type: 'response.failed', sequence_number: 9, response: { ...snapshot, status: 'failed', error: { code: 'server_error', message: 'boom' } } },
  error: { type: 'error', sequence_number: 2, error: { type: 'invalid_request_error', code: 'context_length_exceeded', message: 'too long', param: 'input' } },
  'response.output_item.added': { type: 'response.output_item.added', sequence_number: 2, output_index: 0, item: { id: 'rs_1', type: 'reasoning', summary: [] } },
  'response.output_item.done': { type: 'response.output_item.done', sequence_number: 3, output_index: 1, item: functionItem },
  'response.content_part.added': { type: 'response.content_part.added', sequence_number: 4, item_id: 'msg_1', output_index: 1, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } },
  'response.content_part.done': { type: 'response.content_part.done', sequence_number: 4, item_id: 'msg_1', output_index: 1, content_index: 0, part: { type: 'output_text', text: 'hi', annotations: [] } },
  'response.output_text.delta': { type: 'response.output_text.delta', sequence_number: 5, item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'Hel', logprobs: [], obfuscation: 'x1' },
  'response.output_text.done': { type: 'response.output_text.done', sequence_number: 6, item_id: 'msg_1', output_index: 1, content_index: 0, text: 'Hello' },
  'response.refusal.delta': { type: 'response.refusal.delta', sequence_number: 5, item_id: 'msg_1', output_index: 1, content_index: 0, delta: 'No' },
  'response.refusal.done': { type: 'response.refusal.done', sequence_number: 6, item_id: 'msg_1', output_index: 1, content_index: 0, refusal: 'No.' },
  'response.reasoning_text.delta': { type: 'response.reasoning_text.delta', sequence_number: 5, item_id: 'rs_1', output_index: 0, content_index: 0, delta: 'think' },
  'response.reasoning_text.done': { type: 'response.reasoning_text.done', sequence_number: 6, item_id: 'rs_1', output_index: 0, content_index: 0, text: 'thinking' },
  'response.reasoning_summary_part.added': { type: 'response.reasoning_summary_part.added', sequence_number: 3, item_id: 'rs_1', output_index: 0, summary_index: 1, part: { type: 'summary_text', text: '' } },
  'response.reasoning_summary_part.done': { type: 'response.reasoning_summary_part.done', sequence_number: 3, item_id: 'rs_1', output_index: 0, summary_index: 1, part: { type: 'summary_text', text: 'Look' } },
  'response.reasoning_summary_text.delta': { type: 'response.reasoning_summary_text.delta', sequence_number: 4, item_id: 'rs_1', output_index: 0, summary_index: 1, delta: 'Look', obfuscation: 'ab' },
  'response.reasoning_summary_text.done': { type: 'response.reasoning_summary_text.done', sequence_number: 4, item_id: 'rs_1', output_index: 0, summary_index: 1, text: 'Looking' },
  'response.function_call_arguments.delta': { type: 'response.function_call_arguments.delta', sequence_number: 7, item_id: 'fc_1', output_index: 2, delta: '{"comm' },
  'response.function_call_arguments.done': { type: 'response.function_call_arguments.done', sequence_number: 8, item_id: 'fc_1', output_index: 2, arguments: '{"command":["ls"]}' },
  'response.custom_tool_call_input.delta': { type: 'response.custom_tool_call_input.delta', sequence_number: 7, item_id: 'ct_1', output_index: 2, delta: '*** Begin' },
  'response.custom_tool_call_input.done': { type: 'response.custom_tool_call_input.done', sequence_number: 8, item_id: 'ct_1', output_index: 2, input: '*** Begin Patch' },
  'response.metadata': { type: 'response.metadata', headers: { 'x-codex-turn-state': 'ts-1', 'openai-model': 'gpt-5.1-codex-max', 'x-models-etag': 'W/"abc"' } },
  'codex.response.metadata': { type: 'codex.response.metadata', headers: { 'x-codex-turn-state': 'ts-2', 'x-models-etag': 'W/"def"' } },
  'codex.rate_limits': {
    type: 'codex.rate_limits',
    plan_type: 'pro',
    rate_limits: { allowed: true, limit_reached: false, primary: { used_percent: 12.5, window_minutes: 300, reset_at: 1_790_000_000 }, secondary: { used_percent: 40, window_minutes: 10080, reset_at: null } },
    credits: { has_credits: true, unlimited: false, balance: '12.50' },
  },
  'responsesapi.websocket_timing': { type: 'responsesapi.websocket_timing', queue_ms: 3, first_token_ms: 120 },
};
