import type { JSONObject, JSONValue, LanguageModelV4Usage, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ResponseUsage } from '@modelwire/client';

// Reading the server's events (JSON of any shape) into part fields.

export type Fields = Readonly<Record<string, unknown>>;
export const fieldsOf = (value: unknown): Fields => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {});
export const stringOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const numberOf = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
export const listOf = (value: unknown): readonly unknown[] => (Array.isArray(value) ? value : []);
/** A value for a JSON part field (`undefined` fields are dropped by the AI SDK's serialisation, as `@ai-sdk/openai`'s are). */
export const json = (value: unknown): JSONValue => value as JSONValue;
/** A string as the inside of a JSON string literal (for input deltas that build a JSON text). */
export const escapeJsonDelta = (text: string): string => JSON.stringify(text).slice(1, -1);

/** The provider metadata key of every part and result. */
export const PROVIDER_METADATA_KEY = 'modelwire';

export const metadata = (fields: Readonly<Record<string, JSONValue | undefined>>): SharedV4ProviderMetadata => ({ [PROVIDER_METADATA_KEY]: fields as JSONObject });

/** Ids of parts the server gives none (sources, approval calls): 16 random letters and digits. */
export function generateId(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => alphabet[byte % alphabet.length]).join('');
}

/** Token usage as the AI SDK reports it, from the server's `usage` object (cached and cache-write input, reasoning output). */
export function usageOf(usage: ResponseUsage | undefined, raw: JSONObject | undefined): LanguageModelV4Usage {
  const input = numberOf(raw?.['input_tokens']) ?? usage?.inputTokens;
  const output = numberOf(raw?.['output_tokens']) ?? usage?.outputTokens;
  if (input === undefined || output === undefined) {
    return { inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined }, outputTokens: { total: undefined, text: undefined, reasoning: undefined }, ...(raw === undefined ? {} : { raw }) };
  }
  const inputDetails = fieldsOf(raw?.['input_tokens_details']);
  const cached = numberOf(inputDetails['cached_tokens']) ?? (raw === undefined ? usage?.cachedInputTokens : undefined) ?? 0;
  const cacheWrite = numberOf(inputDetails['cache_write_tokens']);
  const reasoning = numberOf(fieldsOf(raw?.['output_tokens_details'])['reasoning_tokens']) ?? (raw === undefined ? usage?.reasoningOutputTokens : undefined) ?? 0;
  return {
    inputTokens: { total: input, noCache: input - cached - (cacheWrite ?? 0), cacheRead: cached, cacheWrite },
    outputTokens: { total: output, text: output - reasoning, reasoning },
    ...(raw === undefined ? {} : { raw }),
  };
}
