import type { SessionServices } from '../client/session-services.js';
import { buildRequestFields } from '../request/request-fields.js';
import { wireInput } from '../request/wire-input.js';
import type { Prompt, ResponseItem } from '../types/prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import { resolvePrompt } from '../validation/resolve-prompt.js';
import { legacyWindowOf } from '../compaction/compaction-window.js';
import { postUnary } from './post-unary.js';

/**
 * How many stream idle timeouts the legacy compaction may take (the server computes the whole
 * summary before it answers a byte).
 */
export const COMPACT_TIMEOUT_IDLE_MULTIPLE = 4;

/**
 * `POST {base}/responses/compact` (PROTOCOL §3): the prompt's input, instructions and tools
 * with the turn's model, reasoning and verbosity (the prompt's `options.reasoning`, `.text` and
 * `.prompt_cache_key` applied; the endpoint takes no other request option; item ids the API
 * would refuse left out, as on `/responses`). Returns the new history window unchanged. The
 * prompt and turn context are validated first (before any I/O). Each attempt may take
 * {@link COMPACT_TIMEOUT_IDLE_MULTIPLE} × the provider's stream idle timeout (20 minutes by
 * default).
 *
 * @throws CompactionFailedError when the answer is not a usable window (see `legacyWindowOf`).
 */
export async function compactConversationHistory(services: SessionServices, original: Prompt, turn: TurnContext, signal: AbortSignal | undefined): Promise<ResponseItem[]> {
  const prompt = resolvePrompt(original, turn);
  if (prompt.input.length === 0) return [];
  const fields = buildRequestFields(prompt, turn, services.conversationId, services.verbosity);
  const body = {
    model: fields.model,
    input: wireInput(prompt.input),
    instructions: fields.instructions,
    tools: fields.tools,
    parallel_tool_calls: fields.parallel_tool_calls,
    ...(fields.reasoning === undefined ? {} : { reasoning: fields.reasoning }),
    ...(fields.text === undefined ? {} : { text: fields.text }),
    prompt_cache_key: fields.prompt_cache_key,
  };
  const answer = await postUnary(services, 'responses/compact', body, turn, signal, COMPACT_TIMEOUT_IDLE_MULTIPLE * services.provider.streamIdleTimeoutMs);
  return legacyWindowOf(answer);
}
