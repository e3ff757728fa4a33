import type { LanguageModelV4CallOptions, LanguageModelV4FunctionTool, SharedV4Warning } from '@ai-sdk/provider';
import type { ModelInfo, Prompt, RequestOptions, ResponseInputItem, ToolSpec } from '@modelwire/client';
import type { CallArguments } from '../prompt/call-arguments.js';
import { convertPrompt } from '../prompt/convert-prompt.js';
import { PROVIDER_OPTION_NAMESPACES, readProviderOptions, type ModelwireProviderOptions } from './provider-options.js';
import { addProviderTool, ProviderToolNames, toolChoiceOf } from './provider-tools.js';

/** A call of the AI SDK as what a `ModelClientSession` streams. */
export interface CallRequest {
  /** The prompt: the full input (the client decides what goes out) and the call's settings. */
  readonly prompt: Prompt & { readonly input: readonly ResponseInputItem[] };
  /** The call's provider options, read. */
  readonly providerOptions: ModelwireProviderOptions;
  /** The call's provider tools: the names the caller gave them, by wire type. */
  readonly providerToolNames: ProviderToolNames;
  readonly warnings: SharedV4Warning[];
}

/** The AI SDK's call settings that the Responses API has no field for. */
const UNSUPPORTED_SETTINGS = ['topK', 'presencePenalty', 'frequencyPenalty', 'seed', 'stopSequences'] as const;

function functionTool(tool: LanguageModelV4FunctionTool): ToolSpec {
  return { type: 'function', name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: tool.inputSchema, strict: tool.strict ?? false };
}

function toolsOf(tools: LanguageModelV4CallOptions['tools'], warnings: SharedV4Warning[]): { specs: ToolSpec[]; providerToolNames: ProviderToolNames } {
  const specs: ToolSpec[] = [];
  const providerToolNames = new ProviderToolNames();
  for (const tool of tools ?? []) {
    if (tool.type === 'function') {
      specs.push(functionTool(tool));
      for (const namespace of PROVIDER_OPTION_NAMESPACES) {
        const options = Object.keys(tool.providerOptions?.[namespace] ?? {});
        if (options.length > 0) warnings.push({ type: 'unsupported', feature: `providerOptions.${namespace} of tool ${tool.name}`, details: `${options.join(', ')}: function tool options are not implemented by the Modelwire provider; not sent` });
      }
    } else addProviderTool(tool, specs, providerToolNames, warnings);
  }
  return { specs, providerToolNames };
}

/**
 * `include`: the caller's, plus what `@ai-sdk/openai` asks for its provider tools (the sources
 * of a web search, the outputs of the code interpreter).
 */
function includeOf(given: readonly string[] | undefined, names: ProviderToolNames): readonly string[] | undefined {
  const include = [...(given ?? [])];
  const add = (key: string): void => {
    if (!include.includes(key)) include.push(key);
  };
  if (names.has('web_search') || names.has('web_search_preview')) add('web_search_call.action.sources');
  if (names.has('code_interpreter')) add('code_interpreter_call.outputs');
  return include.length === 0 && given === undefined ? undefined : include;
}

/** The call's `reasoning` setting as `reasoning.effort` (`max` is the API's `xhigh`). */
function effortOf(reasoning: LanguageModelV4CallOptions['reasoning'], warnings: SharedV4Warning[]): string | undefined {
  if (reasoning === undefined || reasoning === 'provider-default') return undefined;
  if (reasoning === 'max') {
    warnings.push({ type: 'compatibility', feature: 'reasoning', details: 'reasoning "max" is sent as effort "xhigh"' });
    return 'xhigh';
  }
  return reasoning;
}

/**
 * Turns the AI SDK's call options into a prompt: the converted messages, tools, tool choice,
 * and the settings as request options (`max_output_tokens`, `temperature`, `top_p`,
 * `text.format`, `reasoning`, the provider options). Settings the Responses API has no field
 * for (`topK`, `presencePenalty`, `frequencyPenalty`, `seed`, `stopSequences`), per-call
 * `headers` (the client authenticates and sets the session's headers) and provider tools this
 * provider does not know are not sent, each with an `unsupported` warning.
 */
export function callRequest(options: LanguageModelV4CallOptions, callArguments: CallArguments, model: ModelInfo): CallRequest {
  const warnings: SharedV4Warning[] = [];
  const provider = readProviderOptions(options.providerOptions, warnings);
  for (const setting of UNSUPPORTED_SETTINGS) {
    if (options[setting] !== undefined) warnings.push({ type: 'unsupported', feature: setting, details: 'the Responses API has no such setting; not sent' });
  }
  // The AI SDK adds its own `user-agent` to every call: not the caller's setting.
  if (Object.entries(options.headers ?? {}).some(([name, value]) => value !== undefined && name.toLowerCase() !== 'user-agent')) {
    warnings.push({ type: 'unsupported', feature: 'headers', details: 'per-call headers are not sent: the ModelClient authenticates and sends the session headers (set provider.headers on the client)' });
  }
  const { specs, providerToolNames } = toolsOf(options.tools, warnings);
  const input = convertPrompt(options.prompt, { systemRole: model.supportsReasoning ? 'developer' : 'system', callArguments, toolNames: providerToolNames }, warnings);
  const toolChoice = toolChoiceOf(options.toolChoice, providerToolNames);
  const include = includeOf(provider.include, providerToolNames);
  const effort = provider.reasoningEffort ?? effortOf(options.reasoning, warnings);
  const format = options.responseFormat;
  const text = {
    ...(provider.textVerbosity === undefined ? {} : { verbosity: provider.textVerbosity }),
    ...(format?.type === 'json'
      ? {
          format:
            format.schema === undefined
              ? { type: 'json_object' }
              : { type: 'json_schema', name: format.name ?? 'response', ...(format.description === undefined ? {} : { description: format.description }), schema: format.schema, strict: provider.strictJsonSchema ?? true },
        }
      : {}),
  };
  const requestOptions: Record<string, unknown> = {
    ...(options.maxOutputTokens === undefined ? {} : { max_output_tokens: options.maxOutputTokens }),
    ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
    ...(options.topP === undefined ? {} : { top_p: options.topP }),
    ...(effort === undefined && provider.reasoningSummary === undefined
      ? {}
      : { reasoning: { ...(effort === undefined ? {} : { effort }), ...(provider.reasoningSummary === undefined ? {} : { summary: provider.reasoningSummary }) } }),
    ...(Object.keys(text).length === 0 ? {} : { text }),
    ...(provider.store === undefined ? {} : { store: provider.store }),
    ...(provider.user === undefined ? {} : { user: provider.user }),
    ...(provider.safetyIdentifier === undefined ? {} : { safety_identifier: provider.safetyIdentifier }),
    ...(provider.metadata === undefined ? {} : { metadata: provider.metadata }),
    ...(provider.serviceTier === undefined ? {} : { service_tier: provider.serviceTier }),
    ...(provider.maxToolCalls === undefined ? {} : { max_tool_calls: provider.maxToolCalls }),
    ...(provider.truncation === undefined ? {} : { truncation: provider.truncation }),
    ...(provider.promptCacheKey === undefined ? {} : { prompt_cache_key: provider.promptCacheKey }),
    ...(provider.promptCacheRetention === undefined ? {} : { prompt_cache_retention: provider.promptCacheRetention }),
    ...(include === undefined ? {} : { include }),
  };
  const prompt = {
    input,
    instructions: provider.instructions ?? '',
    tools: specs,
    parallelToolCalls: provider.parallelToolCalls ?? true,
    ...(toolChoice === undefined ? {} : { toolChoice }),
    options: requestOptions as RequestOptions,
  };
  return { prompt, providerOptions: provider, providerToolNames, warnings };
}
