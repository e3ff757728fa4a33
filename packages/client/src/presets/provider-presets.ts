import { InvalidArgumentError } from '@modelwire/errors';
import { isLoopbackHost } from '@modelwire/transport';
import type { Provider } from '../types/provider.js';

/** The providers with a preset. */
export type ProviderPresetId = 'openai' | 'azure-openai' | 'xai' | 'chatgpt-codex' | 'lm-studio' | 'vllm' | 'ollama';

/**
 * One row of {@link providerPresets}: where a provider lives and what it can do. Capabilities
 * drive the client: `supportsWebSockets` (WebSocket mode or HTTP/SSE only),
 * `supportsContinuation` (`previous_response_id` on the WebSocket), `supportsLanes` (several
 * responses at once on one socket, on `stream_id` lanes),
 * `instructionsWithPreviousResponse` and `supportsCompactionTrigger` (compaction v2 or the
 * legacy `/responses/compact` endpoint).
 */
export interface ProviderPreset {
  /** The preset's id (also `Provider.name` of the providers built from it). */
  readonly id: ProviderPresetId;
  /** Human-readable name. */
  readonly title: string;
  /**
   * Base URL of the Responses API. `{resource}` (Azure) is replaced by the `resource` option
   * of {@link providerFromPreset}. Local servers default to their usual loopback port.
   */
  readonly baseUrl: string;
  readonly supportsWebSockets: boolean;
  readonly supportsContinuation: boolean;
  /** Several responses at once on one socket on named lanes (`stream_id`); see `Provider.supportsLanes`. */
  readonly supportsLanes: boolean;
  readonly instructionsWithPreviousResponse: boolean;
  /**
   * Compaction v2 (a streamed request ending with `compaction_trigger`) instead of the legacy
   * `POST /responses/compact`; see `Provider.supportsCompactionTrigger`.
   */
  readonly supportsCompactionTrigger: boolean;
  /** How the credential is sent by default (`'api-key'`: Azure key authentication). */
  readonly authHeader: 'bearer' | 'api-key';
  /**
   * A server on the user's machine or LAN, spoken to over plain HTTP: a base URL whose host is
   * not loopback needs `allowInsecure: true` (plaintext across a network is an explicit choice).
   */
  readonly local: boolean;
  /** The environment variable that conventionally holds the key (for tools such as the doctor), if any. */
  readonly apiKeyVariable: string | null;
  /** Where the facts come from and what is uncertain. */
  readonly notes: string;
}

/**
 * Provider presets as data: one row per provider. Built with {@link providerFromPreset}; the
 * client README documents each row, and each is tested against the loopback server configured
 * to behave like that provider (`LOOPBACK_PROVIDER_RULES` in `./testing`).
 */
export const providerPresets: Readonly<Record<ProviderPresetId, ProviderPreset>> = {
  openai: {
    id: 'openai',
    title: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    supportsWebSockets: true,
    supportsContinuation: true,
    supportsLanes: true,
    instructionsWithPreviousResponse: true,
    supportsCompactionTrigger: true,
    authHeader: 'bearer',
    local: false,
    apiKeyVariable: 'OPENAI_API_KEY',
    notes:
      'WebSocket mode on /v1/responses; continuation from the latest response of the socket. Compaction v2 (a streamed request ending with `compaction_trigger`, the default of the Codex CLI); `/v1/responses/compact` is still served.',
  },
  'azure-openai': {
    id: 'azure-openai',
    title: 'Azure OpenAI',
    baseUrl: 'https://{resource}.openai.azure.com/openai/v1',
    supportsWebSockets: true,
    supportsContinuation: true,
    supportsLanes: false,
    instructionsWithPreviousResponse: true,
    supportsCompactionTrigger: true,
    authHeader: 'api-key',
    local: false,
    apiKeyVariable: 'AZURE_OPENAI_API_KEY',
    notes:
      'The v1 API (no api-version); `model` is the deployment name. Key authentication sends `api-key`; for Entra ID pass `authHeader: "bearer"` and an AuthProvider returning tokens for the https://ai.azure.com/.default scope. WebSocket mode on /openai/v1/responses is reported by third parties, not yet in Microsoft’s reference: if the upgrade is refused with 426 the session falls back to HTTP. Compaction v2 as on OpenAI (the Codex CLI uses it for Azure endpoints too; not in Microsoft’s reference): pass `supportsCompactionTrigger: false` to use `/responses/compact` instead.',
  },
  xai: {
    id: 'xai',
    title: 'xAI',
    baseUrl: 'https://api.x.ai/v1',
    supportsWebSockets: true,
    supportsContinuation: false,
    supportsLanes: false,
    instructionsWithPreviousResponse: false,
    supportsCompactionTrigger: false,
    authHeader: 'bearer',
    local: false,
    apiKeyVariable: 'XAI_API_KEY',
    notes:
      'xAI documents that `instructions` cannot be used with `previous_response_id`, and keeps only stored responses for continuation; the client sends `store: false`, so continuation is off. WebSocket mode on xAI comes from one third-party report (uncertain); a refused upgrade falls back to HTTP. Compaction through `/responses/compact` (third-party reports only; `compaction_trigger` is not known to be accepted).',
  },
  'chatgpt-codex': {
    id: 'chatgpt-codex',
    title: 'ChatGPT Codex backend',
    baseUrl: 'https://chatgpt.com/backend-api/codex',
    supportsWebSockets: true,
    supportsContinuation: true,
    supportsLanes: false,
    instructionsWithPreviousResponse: true,
    supportsCompactionTrigger: true,
    authHeader: 'bearer',
    local: false,
    apiKeyVariable: null,
    notes:
      'Reverse-engineered, not a public API: `previous_response_id` only over the WebSocket (HTTP answers 400 "Unsupported parameter"), `store: true` refused. Auth is a ChatGPT access token plus `ChatGPT-Account-ID` (return it from AuthProvider.getHeaders). Compaction v2 only: the backend is reported to have retired `/responses/compact`.',
  },
  'lm-studio': {
    id: 'lm-studio',
    title: 'LM Studio',
    baseUrl: 'http://localhost:1234/v1',
    supportsWebSockets: false,
    supportsContinuation: false,
    supportsLanes: false,
    instructionsWithPreviousResponse: true,
    supportsCompactionTrigger: false,
    authHeader: 'bearer',
    local: true,
    apiKeyVariable: null,
    notes: '/v1/responses since LM Studio 0.3.29, HTTP/SSE only. Its stateful mode needs stored responses; the client sends full requests. Neither compaction path is documented: compaction fails with a typed error unless the server adds one.',
  },
  vllm: {
    id: 'vllm',
    title: 'vLLM',
    baseUrl: 'http://localhost:8000/v1',
    supportsWebSockets: false,
    supportsContinuation: false,
    supportsLanes: false,
    instructionsWithPreviousResponse: true,
    supportsCompactionTrigger: false,
    authHeader: 'bearer',
    local: true,
    apiKeyVariable: null,
    notes: 'OpenAI-compatible server with /v1/responses over HTTP/SSE; `--api-key` makes it check a bearer token. Neither compaction path is documented: compaction fails with a typed error unless the server adds one.',
  },
  ollama: {
    id: 'ollama',
    title: 'Ollama',
    baseUrl: 'http://localhost:11434/v1',
    supportsWebSockets: false,
    supportsContinuation: false,
    supportsLanes: false,
    instructionsWithPreviousResponse: true,
    supportsCompactionTrigger: false,
    authHeader: 'bearer',
    local: true,
    apiKeyVariable: null,
    notes: '/v1/responses since Ollama 0.13.3, stateless only, HTTP/SSE only; no key needed locally (pass `auth: "none"`). Compaction through `/responses/compact`, which newer Ollama versions are reported to serve (uncertain).',
  },
};

/**
 * Options of {@link providerFromPreset}: anything of a {@link Provider}, plus the preset's own
 * inputs. For a local preset, `allowInsecure: true` is also what allows a non-loopback
 * `http:` base URL (a server on the LAN); without it such a URL throws, since requests would
 * cross the network in plaintext.
 */
export interface ProviderPresetOptions extends Partial<Provider> {
  /** Azure: the resource name that fills `{resource}` in the base URL. Ignored when `baseUrl` is given. */
  readonly resource?: string;
}

/**
 * Thrown by {@link providerFromPreset} for an unknown id, a missing resource or a plaintext LAN
 * URL without opt-in: an `InvalidArgumentError` (code `invalid_argument`, not retryable) whose
 * `path` names the argument at fault (`id`, `resource`, `baseUrl`).
 */
export class ProviderPresetError extends InvalidArgumentError {
  constructor(path: string, message: string) {
    super({ path, message });
  }
}

/**
 * A {@link Provider} built from a preset: the row's base URL and capabilities, then whatever
 * `options` override (a different base URL, budgets, headers, proxy, CA, or a capability).
 *
 * @throws ProviderPresetError for an unknown id, an Azure preset without `resource` or
 *   `baseUrl`, or a local preset pointed at a non-loopback `http:` host without
 *   `allowInsecure: true`.
 */
export function providerFromPreset(id: ProviderPresetId, options: ProviderPresetOptions = {}): Provider {
  const preset = (providerPresets as Partial<Record<string, ProviderPreset>>)[id];
  if (preset === undefined) throw new ProviderPresetError('id', `unknown provider preset "${String(id)}"; known: ${Object.keys(providerPresets).join(', ')}`);
  const { resource, ...overrides } = options;
  let baseUrl = overrides.baseUrl ?? preset.baseUrl;
  if (overrides.baseUrl === undefined && baseUrl.includes('{resource}')) {
    if (resource === undefined || !/^[a-z0-9][a-z0-9-]{0,62}$/i.test(resource)) {
      throw new ProviderPresetError('resource', `the ${preset.title} preset needs \`resource\` (the resource name, letters, digits and dashes) or a \`baseUrl\``);
    }
    baseUrl = baseUrl.replace('{resource}', resource.toLowerCase());
  }
  if (preset.local && overrides.allowInsecure !== true) {
    const url = new URL(baseUrl);
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      throw new ProviderPresetError(
        'baseUrl',
        `${preset.title} at ${url.host} would be reached over plain http across the network; pass allowInsecure: true to accept that, or use https`,
      );
    }
  }
  return {
    name: preset.id,
    supportsWebSockets: preset.supportsWebSockets,
    supportsContinuation: preset.supportsContinuation,
    supportsLanes: preset.supportsLanes,
    instructionsWithPreviousResponse: preset.instructionsWithPreviousResponse,
    supportsCompactionTrigger: preset.supportsCompactionTrigger,
    authHeader: preset.authHeader,
    ...overrides,
    baseUrl,
  };
}
