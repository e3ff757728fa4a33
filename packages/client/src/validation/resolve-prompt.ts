import type { Prompt, ResolvedPrompt, ResponseInputItem, ResponseItem } from '../types/prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import { InputItemArgumentSchema, PromptArgumentSchema, TurnContextArgumentSchema, validateArgument } from './validate-arguments.js';

/** Items already validated, by identity: a caller extending the same history array pays for its new items only. */
const validatedItems = new WeakSet<object>();

/**
 * Validates a prompt and a turn context (before any I/O) and returns the prompt with its input
 * as an item array: a string input is one user message (`{ role: 'user', content }`, the API's
 * easy input message), as the API itself reads it.
 *
 * Items seen before (same object) are not validated again, so the cost per request is the new
 * items, like the continuation check.
 *
 * @throws InvalidArgumentError with the field path of every problem (`prompt.input[3].role`).
 */
export function resolvePrompt(prompt: Prompt, turnContext: TurnContext): ResolvedPrompt {
  validateArgument(TurnContextArgumentSchema, 'turnContext', turnContext);
  if (prompt === null || typeof prompt !== 'object') validateArgument(PromptArgumentSchema, 'prompt', prompt);
  const input = prompt.input;
  // The settings first (with the items left out), then each item not validated before, so
  // that a bad item is reported with its own index.
  validateArgument(PromptArgumentSchema, 'prompt', { ...prompt, input: Array.isArray(input) ? [] : input });
  if (Array.isArray(input)) {
    (input as readonly unknown[]).forEach((item, index) => {
      if (typeof item !== 'object' || item === null || !validatedItems.has(item)) validateArgument(InputItemArgumentSchema, `prompt.input[${index}]`, item);
    });
  }
  if (typeof input === 'string') return { ...prompt, input: [{ type: 'message', role: 'user', content: input }] };
  for (const item of input) validatedItems.add(item);
  if (input.every((item) => typeof item.type === 'string')) return prompt as ResolvedPrompt;
  return { ...prompt, input: input.map(withMessageType) };
}

/** Easy input messages given a `type`, once per object (identity kept for the continuation check). */
const typedMessages = new WeakMap<object, ResponseItem>();

function withMessageType(item: ResponseInputItem): ResponseItem {
  if (typeof item.type === 'string') return item as ResponseItem;
  let typed = typedMessages.get(item);
  if (typed === undefined) {
    typed = { type: 'message', ...item } as ResponseItem;
    typedMessages.set(item, typed);
  }
  return typed;
}

/** The concatenated `output_text` of the assistant messages among `output`, in order. */
export function outputTextOf(output: readonly ResponseItem[]): string {
  let text = '';
  for (const item of output) {
    if (item.type !== 'message' || !Array.isArray(item['content'])) continue;
    for (const part of item['content'] as readonly { type?: unknown; text?: unknown }[]) {
      if (part.type === 'output_text' && typeof part.text === 'string') text += part.text;
    }
  }
  return text;
}
