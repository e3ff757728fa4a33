/**
 * What the loopback server accepts, per provider: the path prefix, the credential header, WebSocket
 * mode, and the request shapes a provider refuses. One named set per provider preset of the
 * client (`LOOPBACK_PROVIDER_RULES`), so each preset is tested against a server that behaves like
 * its provider, refusals included.
 */
import { bearerToken, headerValue, isRecord } from './request-body.js';

/** The rules of one provider. Every field is optional; the default accepts what OpenAI accepts. */
export interface ProviderRules {
  /** Every endpoint lives under this path (e.g. `/openai/v1`); others answer 404. Default `/v1`, as on the API. */
  readonly pathPrefix?: string;
  /**
   * Which credential a request must carry, or 401: `'bearer'` (`Authorization: Bearer …`),
   * `'api-key-or-bearer'` (Azure: an `api-key` header, or a bearer token such as an Entra ID
   * one), `'none'` (not checked). Default `'none'`.
   */
  readonly credentials?: 'bearer' | 'api-key-or-bearer' | 'none';
  /** Whether WebSocket mode exists; `false` answers an upgrade with 404, as a server without it does. Default `true`. */
  readonly websockets?: boolean;
  /** Whether `instructions` may come with `previous_response_id`; `false` answers 400 (xAI). Default `true`. */
  readonly instructionsWithPreviousResponse?: boolean;
  /** Whether HTTP accepts `previous_response_id`; `false` answers 400 "Unsupported parameter" (Codex backend). Default `true`. */
  readonly previousResponseOverHttp?: boolean;
  /**
   * Whether a response created with `store: false` can be continued; `false` answers
   * `previous_response_not_found` to any `previous_response_id` of such a response (xAI keeps
   * only stored responses). Default `true` (WebSocket mode keeps the latest response of the
   * connection in memory).
   */
  readonly unstoredContinuation?: boolean;
  /** Whether `store: true` is refused with 400 (Codex backend). Default `false`. */
  readonly rejectStore?: boolean;
  /**
   * Whether compaction v2 exists: `false` answers a request carrying a `compaction_trigger`
   * item with 400 `invalid_value`, as a server that does not know the item type. Default `true`.
   */
  readonly compactionTrigger?: boolean;
  /** Whether `POST …/responses/compact` exists; `false` answers 404 (a backend that retired it). Default `true`. */
  readonly compactEndpoint?: boolean;
}

/** The rules behind each client provider preset (same names as `providerPresets`). */
export const LOOPBACK_PROVIDER_RULES = {
  openai: { credentials: 'bearer' },
  'azure-openai': { pathPrefix: '/openai/v1', credentials: 'api-key-or-bearer' },
  xai: { credentials: 'bearer', instructionsWithPreviousResponse: false, unstoredContinuation: false, compactionTrigger: false },
  'chatgpt-codex': { credentials: 'bearer', previousResponseOverHttp: false, rejectStore: true, compactEndpoint: false },
  'local-compatible': { credentials: 'none', websockets: false, unstoredContinuation: false, compactionTrigger: false },
} as const satisfies Record<string, ProviderRules>;

/** A refusal: the HTTP status and the Responses error code and message. */
export interface ProviderRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** Path and credential checks shared by requests and upgrades. */
function refuseConnection(rules: ProviderRules, path: string, headers: Headers): ProviderRefusal | undefined {
  if (rules.pathPrefix !== undefined && !path.startsWith(`${rules.pathPrefix}/`)) {
    return { status: 404, code: 'not_found', message: `No route for ${path}.` };
  }
  const credentials = rules.credentials ?? 'none';
  const bearer = bearerToken(headers);
  const apiKey = headerValue(headers, 'api-key');
  const authorised =
    credentials === 'none' || (bearer !== undefined && bearer !== '') || (credentials === 'api-key-or-bearer' && apiKey !== undefined && apiKey !== '');
  if (!authorised) {
    const expected = credentials === 'bearer' ? 'an Authorization: Bearer header' : 'an api-key header or a bearer token';
    return { status: 401, code: 'invalid_api_key', message: `Missing credentials: expected ${expected}.` };
  }
  return undefined;
}

/** The refusal of a WebSocket upgrade to `path`, if the rules refuse it. */
export function refuseUpgradeByRules(rules: ProviderRules, path: string, headers: Headers): ProviderRefusal | undefined {
  if (rules.websockets === false) return { status: 404, code: 'not_found', message: `No WebSocket endpoint at ${path}.` };
  return refuseConnection(rules, path, headers);
}

/**
 * The refusal of a request, if the rules refuse it. `path` is `undefined` for a frame on an
 * accepted WebSocket (its path and credentials were checked at the upgrade); `previous` tells
 * whether the response named by `previous_response_id` was stored (`undefined`: unknown).
 */
export function refuseRequestByRules(
  rules: ProviderRules,
  transport: 'http' | 'websocket',
  path: string | undefined,
  headers: Headers,
  body: unknown,
  previous?: { readonly stored: boolean },
): ProviderRefusal | undefined {
  if (path !== undefined) {
    const refused = refuseConnection(rules, path, headers);
    if (refused !== undefined) return refused;
    if (rules.compactEndpoint === false && path.endsWith('/responses/compact')) return { status: 404, code: 'not_found', message: `No route for ${path}.` };
  }
  if (!isRecord(body)) return undefined;
  if (rules.compactionTrigger === false && Array.isArray(body['input'])) {
    const index = body['input'].findIndex((item) => isRecord(item) && item['type'] === 'compaction_trigger');
    if (index >= 0) return { status: 400, code: 'invalid_value', message: `Invalid value for 'input[${index}].type': 'compaction_trigger' is not supported.` };
  }
  const previousId = body['previous_response_id'];
  const hasPrevious = typeof previousId === 'string';
  if (hasPrevious && transport === 'http' && rules.previousResponseOverHttp === false) {
    return { status: 400, code: 'invalid_request', message: 'Unsupported parameter: previous_response_id' };
  }
  if (rules.rejectStore === true && body['store'] === true) {
    return { status: 400, code: 'invalid_request', message: 'Store must be set to false' };
  }
  if (hasPrevious && rules.instructionsWithPreviousResponse === false && typeof body['instructions'] === 'string' && body['instructions'] !== '') {
    return { status: 400, code: 'invalid_request', message: 'instructions cannot be used together with previous_response_id' };
  }
  if (hasPrevious && rules.unstoredContinuation === false && previous?.stored !== true) {
    return { status: 400, code: 'previous_response_not_found', message: `Previous response with id '${previousId}' not found.` };
  }
  return undefined;
}
