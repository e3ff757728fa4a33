import { CompactResponseSchema } from '@modelwire/protocol';
import { ErrorCode, ModelwireError } from '@modelwire/transport';
import type { SessionServices } from '../client/session-services.js';
import { buildRequestFields } from '../request/request-fields.js';
import { wireInput } from '../request/wire-input.js';
import type { Prompt, ResponseItem } from '../types/prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import { resolvePrompt } from '../validation/resolve-prompt.js';
import { postUnary } from './post-unary.js';

/**
 * `POST {base}/responses/compact` (PROTOCOL §3): the prompt's input, instructions and tools
 * with the turn's model, reasoning and verbosity (the prompt's `options.reasoning`, `.text` and
 * `.prompt_cache_key` applied; the endpoint takes no other request option; item ids the API
 * would refuse left out, as on `/responses`). Returns the new history window unchanged. The prompt and turn context are validated first (before any I/O).
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
  const answer = await postUnary(services, 'responses/compact', body, turn, signal);
  const parsed = CompactResponseSchema.safeParse(answer);
  if (!parsed.success) throw new ModelwireError(ErrorCode.DecodeFailed, 'the compaction answer has no valid `output` array');
  return parsed.data.output as ResponseItem[];
}
