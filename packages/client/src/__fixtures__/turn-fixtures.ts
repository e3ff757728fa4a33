import { InvalidArgumentError } from '@modelwire/errors';
import { expect } from 'vitest';
import { noopClientTelemetry, type ClientTelemetry } from '../telemetry/client-telemetry.js';
import type { Prompt, ResponseItem } from '../types/prompt.js';
import type { TurnContext } from '../types/turn-context.js';

/** A turn context for a reasoning model with verbosity support. */
export function turnContext(overrides: Partial<TurnContext> = {}, telemetry: ClientTelemetry = noopClientTelemetry): TurnContext {
  return {
    model: { slug: 'gpt-test', supportsReasoning: true, supportsVerbosity: true, contextWindow: 272_000 },
    reasoningEffort: 'medium',
    reasoningSummary: 'auto',
    verbosity: 'low',
    webSearchEligible: true,
    turnMetadata: { turn_id: 'turn-1' },
    telemetry,
    ...overrides,
  };
}

export function userMessage(text: string): ResponseItem {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

export function assistantMessage(text: string): ResponseItem {
  return { type: 'message', id: `msg_${text}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] };
}

export const TOOLS = [{ type: 'function', name: 'shell', description: 'run', parameters: { type: 'object', properties: {} }, strict: false }] as const;

export function prompt(input: Prompt['input'], overrides: Partial<Prompt> = {}): Prompt {
  return { input, instructions: 'be brief', tools: TOOLS, parallelToolCalls: false, ...overrides };
}

/** The path of the `InvalidArgumentError` `run` throws (any other throw fails the test); `undefined` when it does not throw. */
export function invalidArgumentPath(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return (error as InvalidArgumentError).path;
  }
  return undefined;
}
