import { withItemType, type ResponseInputItem, type ResponseItem } from '@modelwire/protocol';
import type { Prompt, ResolvedPrompt } from '../types/prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import { InputItemArgumentSchema, PromptArgumentSchema, TurnContextArgumentSchema, validateArgument } from './validate-arguments.js';

/** Items already validated, by identity: a caller extending the same history array pays for its new items only. */
const validatedItems = new WeakSet<object>();

/**
 * Validates a prompt and a turn context (before any I/O) and returns the prompt with its input
 * as an item array: a string input is one user message (`{ type: 'message', role: 'user',
 * content }`), as the API itself reads it; an easy input message or an item reference without
 * `type` gets its `type` spelled out.
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
  return { ...prompt, input: input.map(typedItem) };
}

/** Items given a `type`, once per object (identity kept for the continuation check). */
const typedItems = new WeakMap<object, ResponseItem>();

function typedItem(item: ResponseInputItem): ResponseItem {
  if (typeof item.type === 'string') return item as ResponseItem;
  let typed = typedItems.get(item);
  if (typed === undefined) {
    typed = withItemType(item);
    typedItems.set(item, typed);
  }
  return typed;
}

/** The concatenated `output_text` of the assistant messages among `output`, in order. */
export function outputTextOf(output: readonly ResponseItem[]): string {
  let text = '';
  for (const item of output) {
    if (item.type !== 'message' || item.role !== 'assistant' || typeof item.content === 'string') continue;
    for (const part of item.content) {
      if (part.type === 'output_text') text += part.text;
    }
  }
  return text;
}
