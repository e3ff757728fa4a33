import { withItemType, type ResponseInputItem, type ResponseItem } from '@modelwire/protocol';
import type { Prompt, ResolvedPrompt } from '../types/prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import { InputItemArgumentSchema, PromptArgumentSchema, TurnContextArgumentSchema, validateArgument } from './validate-arguments.js';

/** Items already validated, by identity: a caller extending the same history array pays for its new items only. */
const validatedItems = new WeakSet<object>();

/**
 * Turn contexts validated before, each with the values its validation read: a turn's requests
 * pass the same object, which is then checked by comparing a dozen values instead of running
 * the schema again (any value changed since, and it is validated again).
 */
const validatedTurnContexts = new WeakMap<object, readonly unknown[]>();

/**
 * Prompt settings (everything but the items) validated before, by their tools array (shared by
 * a turn's requests): the values their validation read, the tool objects included. The tool,
 * `toolChoice`, `outputSchema` and `options` objects count by identity, like items.
 */
const validatedSettings = new WeakMap<object, readonly unknown[]>();

/** Runs `validate` unless `key` was validated before with exactly `values` (`null`: always validate). */
function validateOnce(memo: WeakMap<object, readonly unknown[]>, key: unknown, values: readonly unknown[] | null, validate: () => void): void {
  if (values === null || typeof key !== 'object' || key === null) {
    validate();
    return;
  }
  const seen = memo.get(key);
  if (seen !== undefined && sameValues(seen, values)) return;
  validate();
  memo.set(key, values);
}

function sameValues(left: readonly unknown[], right: readonly unknown[]): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index += 1) if (left[index] !== right[index]) return false;
  return true;
}

/** Every value `TurnContextArgumentSchema` reads, or `null` when its shape is off (then the schema reports it). */
function turnContextValues(turnContext: TurnContext): readonly unknown[] | null {
  if (turnContext === null || typeof turnContext !== 'object') return null;
  const { model, turnMetadata } = turnContext;
  if (model === null || typeof model !== 'object' || turnMetadata === null || typeof turnMetadata !== 'object') return null;
  return [
    model,
    model.slug,
    model.supportsReasoning,
    model.supportsVerbosity,
    model.contextWindow,
    turnContext.reasoningEffort,
    turnContext.reasoningSummary,
    turnContext.verbosity,
    turnContext.webSearchEligible,
    turnMetadata,
    turnMetadata.turn_id,
    turnContext.serviceTier,
    turnContext.telemetry,
  ];
}

/** Every value `PromptArgumentSchema` reads of the settings (the input only as its kind), or `null` to validate anyway. */
function settingsValues(prompt: Prompt): readonly unknown[] | null {
  const { input, tools } = prompt;
  if (!Array.isArray(tools) || (typeof input !== 'string' && !Array.isArray(input))) return null;
  return [typeof input, prompt.instructions, prompt.parallelToolCalls, prompt.toolChoice, prompt.outputSchema, prompt.compactThreshold, prompt.options, tools.length, ...(tools as readonly unknown[])];
}

/**
 * Validates a prompt and a turn context (before any I/O) and returns the prompt with its input
 * as an item array: a string input is one user message (`{ type: 'message', role: 'user',
 * content }`), as the API itself reads it; an easy input message or an item reference without
 * `type` gets its `type` spelled out.
 *
 * Items seen before (same object) are not validated again, so the cost per request is the new
 * items, like the continuation check; nor is a turn context or a prompt's settings seen before
 * with the same values (the usual case within a turn).
 *
 * @throws InvalidArgumentError with the field path of every problem (`prompt.input[3].role`).
 */
export function resolvePrompt(prompt: Prompt, turnContext: TurnContext): ResolvedPrompt {
  validateOnce(validatedTurnContexts, turnContext, turnContextValues(turnContext), () => validateArgument(TurnContextArgumentSchema, 'turnContext', turnContext));
  if (prompt === null || typeof prompt !== 'object') validateArgument(PromptArgumentSchema, 'prompt', prompt);
  const input = prompt.input;
  // The settings first (with the items left out), then each item not validated before, so
  // that a bad item is reported with its own index.
  validateOnce(validatedSettings, prompt.tools, settingsValues(prompt), () => validateArgument(PromptArgumentSchema, 'prompt', { ...prompt, input: Array.isArray(input) ? [] : input }));
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
