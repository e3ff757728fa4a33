import type { SharedV4ProviderOptions, SharedV4Warning } from '@ai-sdk/provider';
import { InvalidArgumentError } from '@modelwire/client';

/**
 * The provider options a call reads, under `providerOptions.modelwire` and, for code moving
 * from `@ai-sdk/openai`, under `providerOptions.openai` (the same names; `modelwire` wins where
 * both set one).
 */
export interface ModelwireProviderOptions {
  /** `reasoning.effort` (overrides the call's `reasoning`). */
  readonly reasoningEffort?: string;
  /** `reasoning.summary`: `auto`, `concise` or `detailed`. */
  readonly reasoningSummary?: string;
  /** `store`. Default: the client's (`false`: reasoning comes back encrypted and is sent back in full). */
  readonly store?: boolean;
  /** `parallel_tool_calls`. Default `true`. */
  readonly parallelToolCalls?: boolean;
  /** `instructions` (default `''`: the prompt's system messages are input messages, as `@ai-sdk/openai` sends them). */
  readonly instructions?: string;
  /** `user`, `safety_identifier`, `metadata`, `service_tier`, `max_tool_calls`, `truncation`, `prompt_cache_key`, `prompt_cache_retention`, `include`, `text.verbosity` (`textVerbosity`). */
  readonly user?: string;
  readonly safetyIdentifier?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly serviceTier?: string;
  readonly maxToolCalls?: number;
  readonly truncation?: 'auto' | 'disabled';
  readonly promptCacheKey?: string;
  readonly promptCacheRetention?: 'in_memory' | '24h';
  readonly include?: readonly string[];
  readonly textVerbosity?: 'low' | 'medium' | 'high';
  /** `strict` of a JSON response format with a schema. Default `true`. */
  readonly strictJsonSchema?: boolean;
}

type Check = (value: unknown) => boolean;
const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isCount: Check = (value) => Number.isInteger(value) && (value as number) > 0;
const oneOf =
  (...values: string[]): Check =>
  (value) =>
    typeof value === 'string' && values.includes(value);
const isStringRecord: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === 'string');
const isStringList: Check = (value) => Array.isArray(value) && value.every((entry) => typeof entry === 'string');

const CHECKS: Readonly<Record<keyof ModelwireProviderOptions, readonly [Check, string]>> = {
  reasoningEffort: [oneOf('none', 'minimal', 'low', 'medium', 'high', 'xhigh'), 'one of none, minimal, low, medium, high, xhigh'],
  reasoningSummary: [oneOf('auto', 'concise', 'detailed'), 'one of auto, concise, detailed'],
  store: [isBoolean, 'a boolean'],
  parallelToolCalls: [isBoolean, 'a boolean'],
  instructions: [isString, 'a string'],
  user: [isString, 'a string'],
  safetyIdentifier: [isString, 'a string'],
  metadata: [isStringRecord, 'an object of strings'],
  serviceTier: [isString, 'a string'],
  maxToolCalls: [isCount, 'a positive integer'],
  truncation: [oneOf('auto', 'disabled'), 'auto or disabled'],
  promptCacheKey: [isString, 'a string'],
  promptCacheRetention: [oneOf('in_memory', '24h'), 'in_memory or 24h'],
  include: [isStringList, 'an array of strings'],
  textVerbosity: [oneOf('low', 'medium', 'high'), 'one of low, medium, high'],
  strictJsonSchema: [isBoolean, 'a boolean'],
};

/** The namespaces provider options are read from, the first winning. */
export const PROVIDER_OPTION_NAMESPACES = ['modelwire', 'openai'] as const;

/**
 * Reads the call's provider options. A known option of the wrong type is an
 * `InvalidArgumentError` naming its path; an unknown one (an `@ai-sdk/openai` option this
 * provider does not implement) is left out with an `unsupported` warning.
 */
export function readProviderOptions(providerOptions: SharedV4ProviderOptions | undefined, warnings: SharedV4Warning[]): ModelwireProviderOptions {
  const result: Record<string, unknown> = {};
  for (const namespace of [...PROVIDER_OPTION_NAMESPACES].reverse()) {
    const options = providerOptions?.[namespace];
    if (options === undefined) continue;
    for (const [key, value] of Object.entries(options)) {
      if (value === undefined || value === null) continue;
      const check = (CHECKS as Readonly<Record<string, readonly [Check, string]>>)[key];
      if (check === undefined) {
        warnings.push({ type: 'unsupported', feature: `providerOptions.${namespace}.${key}`, details: 'not implemented by the Modelwire provider; the option is not sent' });
        continue;
      }
      if (!check[0](value)) throw new InvalidArgumentError({ path: `providerOptions.${namespace}.${key}`, message: `must be ${check[1]}` });
      result[key] = value;
    }
  }
  return result as ModelwireProviderOptions;
}

/** The options of one prompt part (`providerOptions.modelwire`, else `.openai`), for item ids and encrypted reasoning. */
export function partOptions(providerOptions: SharedV4ProviderOptions | undefined): Readonly<Record<string, unknown>> {
  for (const namespace of PROVIDER_OPTION_NAMESPACES) {
    const options = providerOptions?.[namespace];
    if (options !== undefined) return options;
  }
  return {};
}
