// resolvePrompt skips the schema for a turn context or prompt settings seen before with the same
// values; any value changed since (in place, on the same objects) is validated again.
import { describe, expect, it } from 'vitest';
import { invalidArgumentPath, prompt, turnContext, userMessage } from '../__fixtures__/turn-fixtures.js';
import type { Prompt } from '../types/prompt.js';
import type { TurnContext } from '../types/turn-context.js';
import { resolvePrompt } from './resolve-prompt.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

describe('resolvePrompt on the later requests of a turn', () => {
  it('validates a turn context again when one of its values changed in place', () => {
    const context = turnContext() as Mutable<TurnContext>;
    const settings = prompt([userMessage('hi')]);
    resolvePrompt(settings, context);
    resolvePrompt(settings, context);
    context.reasoningEffort = 'extreme' as TurnContext['reasoningEffort'];
    expect(invalidArgumentPath(() => resolvePrompt(settings, context))).toBe('turnContext.reasoningEffort');
    context.reasoningEffort = 'high';
    resolvePrompt(settings, context);
    (context.model as Mutable<TurnContext['model']>).slug = '';
    expect(invalidArgumentPath(() => resolvePrompt(settings, context))).toBe('turnContext.model.slug');
  });

  it('validates prompt settings again when a value or a tool of the same array changed', () => {
    const context = turnContext();
    const tools: Prompt['tools'][number][] = [{ type: 'function', name: 'shell', parameters: { type: 'object', properties: {} }, strict: false }];
    resolvePrompt(prompt([userMessage('a')], { tools }), context);
    expect(invalidArgumentPath(() => resolvePrompt(prompt([userMessage('b')], { tools, parallelToolCalls: 'yes' as unknown as boolean }), context))).toBe('prompt.parallelToolCalls');
    tools.push({ type: 'function', name: 'not a name', parameters: { type: 'object', properties: {} }, strict: false });
    expect(invalidArgumentPath(() => resolvePrompt(prompt([userMessage('c')], { tools }), context))).toBe('prompt.tools[1].name');
    tools[1] = { type: 'function', name: 'ok', parameters: { type: 'object', properties: {} }, strict: false };
    resolvePrompt(prompt([userMessage('d')], { tools }), context);
    tools[0] = { type: 'function', name: 'bad name', parameters: { type: 'object', properties: {} }, strict: false };
    expect(invalidArgumentPath(() => resolvePrompt(prompt([userMessage('e')], { tools }), context))).toBe('prompt.tools[0].name');
  });

  it('never remembers a failed validation as a success', () => {
    const context = { ...turnContext(), reasoningSummary: 'sometimes' } as unknown as TurnContext;
    const settings = prompt([userMessage('hi')]);
    expect(invalidArgumentPath(() => resolvePrompt(settings, context))).toBe('turnContext.reasoningSummary');
    expect(invalidArgumentPath(() => resolvePrompt(settings, context))).toBe('turnContext.reasoningSummary');
  });
});
