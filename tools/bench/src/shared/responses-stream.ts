// A generated, realistic Responses event stream for benchmarks: the event mix of an agent
// turn (reasoning summary, assistant text in small deltas with obfuscation padding, function
// calls with argument deltas), with correct sequence numbers and lifecycle events.

/** One Responses stream event as the server sends it (the JSON `type` plus its fields). */
export type RawEvent = { type: string; sequence_number: number } & Record<string, unknown>;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same stream. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['the', 'file', 'list', 'shows', 'a', 'package', 'with', 'tests', 'and', 'a', 'README', 'that', 'explains', 'how', 'to', 'run', 'them', 'é', '→', '日本'];

function text(random: () => number, words: number): string {
  let out = '';
  for (let i = 0; i < words; i += 1) out += `${i === 0 ? '' : ' '}${WORDS[Math.floor(random() * WORDS.length)]}`;
  return out;
}

function obfuscation(random: () => number): string {
  return Math.floor(random() * 1e12).toString(36).slice(0, 1 + Math.floor(random() * 8));
}

/**
 * Generates at least `eventCount` events: as many complete responses as needed, each
 * `created → in_progress → items → completed`.
 */
export function generateResponsesStream(eventCount: number, seed = 42): RawEvent[] {
  const random = seededRandom(seed);
  const events: RawEvent[] = [];
  let responseNumber = 0;
  while (events.length < eventCount) {
    responseNumber += 1;
    let sequence = 0;
    const push = (event: Record<string, unknown> & { type: string }): void => {
      events.push({ ...event, sequence_number: sequence } as RawEvent);
      sequence += 1;
    };
    const responseId = `resp_${responseNumber.toString(16).padStart(24, '0')}`;
    const snapshot = { id: responseId, object: 'response', created_at: 1_763_000_000 + responseNumber, status: 'in_progress', model: 'gpt-5.1-codex', output: [], usage: null };
    push({ type: 'response.created', response: snapshot });
    push({ type: 'response.in_progress', response: snapshot });
    let outputIndex = 0;
    const output: unknown[] = [];

    // Reasoning with a summary.
    const reasoningId = `rs_${responseNumber}_${outputIndex}`;
    push({ type: 'response.output_item.added', output_index: outputIndex, item: { id: reasoningId, type: 'reasoning', summary: [] } });
    push({ type: 'response.reasoning_summary_part.added', item_id: reasoningId, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' } });
    let summary = '';
    for (let i = 0; i < 20; i += 1) {
      const delta = ` ${text(random, 1 + Math.floor(random() * 2))}`;
      summary += delta;
      push({ type: 'response.reasoning_summary_text.delta', item_id: reasoningId, output_index: outputIndex, summary_index: 0, delta, obfuscation: obfuscation(random) });
    }
    push({ type: 'response.reasoning_summary_text.done', item_id: reasoningId, output_index: outputIndex, summary_index: 0, text: summary });
    push({ type: 'response.reasoning_summary_part.done', item_id: reasoningId, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text: summary } });
    const reasoningItem = { id: reasoningId, type: 'reasoning', summary: [{ type: 'summary_text', text: summary }], encrypted_content: 'gAAAA'.padEnd(600, 'x') };
    push({ type: 'response.output_item.done', output_index: outputIndex, item: reasoningItem });
    output.push(reasoningItem);
    outputIndex += 1;

    // Assistant message in small deltas.
    const messageId = `msg_${responseNumber}_${outputIndex}`;
    push({ type: 'response.output_item.added', output_index: outputIndex, item: { id: messageId, type: 'message', role: 'assistant', status: 'in_progress', content: [] } });
    push({ type: 'response.content_part.added', item_id: messageId, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    let answer = '';
    const deltas = 80 + Math.floor(random() * 80);
    for (let i = 0; i < deltas; i += 1) {
      const delta = `${i === 0 ? '' : ' '}${text(random, 1)}`;
      answer += delta;
      push({ type: 'response.output_text.delta', item_id: messageId, output_index: outputIndex, content_index: 0, delta, logprobs: [], obfuscation: obfuscation(random) });
    }
    push({ type: 'response.output_text.done', item_id: messageId, output_index: outputIndex, content_index: 0, text: answer, logprobs: [] });
    push({ type: 'response.content_part.done', item_id: messageId, output_index: outputIndex, content_index: 0, part: { type: 'output_text', text: answer, annotations: [] } });
    const messageItem = { id: messageId, type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: answer, annotations: [] }] };
    push({ type: 'response.output_item.done', output_index: outputIndex, item: messageItem });
    output.push(messageItem);
    outputIndex += 1;

    // A function call with streamed arguments.
    const callId = `call_${responseNumber}`;
    const functionId = `fc_${responseNumber}_${outputIndex}`;
    push({ type: 'response.output_item.added', output_index: outputIndex, item: { id: functionId, type: 'function_call', call_id: callId, name: 'shell', arguments: '', status: 'in_progress' } });
    const argumentsText = JSON.stringify({ command: ['ls', '-la', `src/${text(random, 1)}`], timeout_ms: 10_000 });
    for (let i = 0; i < argumentsText.length; i += 6) {
      push({ type: 'response.function_call_arguments.delta', item_id: functionId, output_index: outputIndex, delta: argumentsText.slice(i, i + 6), obfuscation: obfuscation(random) });
    }
    push({ type: 'response.function_call_arguments.done', item_id: functionId, output_index: outputIndex, arguments: argumentsText });
    const functionItem = { id: functionId, type: 'function_call', call_id: callId, name: 'shell', arguments: argumentsText, status: 'completed' };
    push({ type: 'response.output_item.done', output_index: outputIndex, item: functionItem });
    output.push(functionItem);

    const inputTokens = 2_000 + Math.floor(random() * 20_000);
    const outputTokens = 100 + Math.floor(random() * 900);
    push({
      type: 'response.completed',
      response: {
        ...snapshot,
        status: 'completed',
        output,
        usage: {
          input_tokens: inputTokens,
          input_tokens_details: { cached_tokens: Math.floor(inputTokens * 0.8) },
          output_tokens: outputTokens,
          output_tokens_details: { reasoning_tokens: Math.floor(outputTokens / 3) },
          total_tokens: inputTokens + outputTokens,
        },
      },
    });
  }
  return events;
}

/** Serialises events as an SSE body (`event:` + `data:` + blank line), as the HTTP path sends them. */
export function toSseText(events: readonly RawEvent[]): string {
  let out = '';
  for (const event of events) out += `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
  return out;
}

/** Cuts bytes into chunks of random sizes in `[minBytes, maxBytes]` (deterministic for a seed). */
export function chunkBytes(bytes: Uint8Array, minBytes: number, maxBytes: number, seed = 7): Uint8Array[] {
  const random = seededRandom(seed);
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const size = minBytes + Math.floor(random() * (maxBytes - minBytes + 1));
    chunks.push(bytes.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}
