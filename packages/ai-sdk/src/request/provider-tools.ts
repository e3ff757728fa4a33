import type { LanguageModelV4CallOptions, LanguageModelV4ProviderTool, SharedV4Warning } from '@ai-sdk/provider';
import { InvalidArgumentError, type ToolChoice, type ToolSpec } from '@modelwire/client';

type Fields = Readonly<Record<string, unknown>>;
type Entry = Record<string, unknown>;

const fieldsOf = (value: unknown): Fields => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Fields) : {});

/** Drops `undefined` fields (they are not sent). */
function defined(entry: Entry): Entry {
  return Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
}

/** A nested object converted by `convert`, or `undefined` when absent. */
function nested(value: unknown, convert: (fields: Fields) => Entry): Entry | undefined {
  return value === undefined || value === null ? undefined : defined(convert(fieldsOf(value)));
}

function networkPolicy(policy: Fields): Entry {
  return policy['type'] === 'disabled' ? { type: 'disabled' } : { type: 'allowlist', allowed_domains: policy['allowedDomains'], domain_secrets: policy['domainSecrets'] };
}

function skillReferenceId(skill: Fields): unknown {
  const reference = fieldsOf(skill['providerReference']);
  return reference['modelwire'] ?? reference['openai'] ?? Object.values(reference)[0];
}

function shellEnvironment(environment: Fields): Entry {
  switch (environment['type']) {
    case 'containerReference':
      return { type: 'container_reference', container_id: environment['containerId'] };
    case 'containerAuto': {
      const skills = Array.isArray(environment['skills']) ? (environment['skills'] as unknown[]).map(fieldsOf) : undefined;
      return defined({
        type: 'container_auto',
        file_ids: environment['fileIds'],
        memory_limit: environment['memoryLimit'],
        network_policy: nested(environment['networkPolicy'], networkPolicy),
        skills: skills?.map((skill) =>
          skill['type'] === 'skillReference'
            ? { type: 'skill_reference', skill_id: skillReferenceId(skill), version: skill['version'] ?? 'latest' }
            : { type: 'inline', name: skill['name'], description: skill['description'], source: { type: 'base64', media_type: fieldsOf(skill['source'])['mediaType'], data: fieldsOf(skill['source'])['data'] } },
        ),
      });
    }
    default:
      return defined({ type: 'local', skills: environment['skills'] });
  }
}

function codeInterpreterContainer(container: unknown): unknown {
  if (container === undefined || container === null) return { type: 'auto' };
  if (typeof container === 'string') return container;
  const fields = fieldsOf(container);
  return defined({ type: 'auto', file_ids: fields['fileIds'], memory_limit: fields['memoryLimit'], network_policy: nested(fields['networkPolicy'], networkPolicy) });
}

function mcpApproval(requireApproval: unknown): unknown {
  if (requireApproval === undefined || requireApproval === null) return 'never';
  if (typeof requireApproval === 'string') return requireApproval;
  const never = fieldsOf(requireApproval)['never'];
  return never === undefined || never === null ? 'never' : { never: defined({ tool_names: fieldsOf(never)['toolNames'] }) };
}

/**
 * The Responses `tools[]` entry of each provider tool, from the tool's AI SDK arguments
 * (camel case) as `@ai-sdk/openai` 4 sends them: by the type after the namespace.
 */
const TOOL_ENTRIES: Readonly<Record<string, (args: Fields, name: string) => Entry>> = {
  file_search: (args) =>
    defined({
      type: 'file_search',
      vector_store_ids: args['vectorStoreIds'],
      max_num_results: args['maxNumResults'],
      ranking_options: nested(args['ranking'], (ranking) => ({ ranker: ranking['ranker'], score_threshold: ranking['scoreThreshold'] })),
      filters: args['filters'],
    }),
  local_shell: () => ({ type: 'local_shell' }),
  shell: (args) => defined({ type: 'shell', environment: nested(args['environment'], shellEnvironment) }),
  apply_patch: () => ({ type: 'apply_patch' }),
  computer: () => ({ type: 'computer' }),
  web_search_preview: (args) => defined({ type: 'web_search_preview', search_context_size: args['searchContextSize'], user_location: args['userLocation'] }),
  web_search: (args) =>
    defined({
      type: 'web_search',
      filters: nested(args['filters'], (filters) => ({ allowed_domains: filters['allowedDomains'], blocked_domains: filters['blockedDomains'] })),
      external_web_access: args['externalWebAccess'],
      search_context_size: args['searchContextSize'],
      user_location: args['userLocation'],
    }),
  code_interpreter: (args) => ({ type: 'code_interpreter', container: codeInterpreterContainer(args['container']) }),
  image_generation: (args) =>
    defined({
      type: 'image_generation',
      action: args['action'],
      background: args['background'],
      input_fidelity: args['inputFidelity'],
      input_image_mask: nested(args['inputImageMask'], (mask) => ({ file_id: mask['fileId'], image_url: mask['imageUrl'] })),
      model: args['model'],
      moderation: args['moderation'],
      partial_images: args['partialImages'],
      quality: args['quality'],
      output_compression: args['outputCompression'],
      output_format: args['outputFormat'],
      size: args['size'],
    }),
  mcp: (args) =>
    defined({
      type: 'mcp',
      server_label: args['serverLabel'],
      allowed_tools: Array.isArray(args['allowedTools']) ? args['allowedTools'] : nested(args['allowedTools'], (allowed) => ({ read_only: allowed['readOnly'], tool_names: allowed['toolNames'] })),
      authorization: args['authorization'],
      connector_id: args['connectorId'],
      headers: args['headers'],
      require_approval: mcpApproval(args['requireApproval']),
      server_description: args['serverDescription'],
      server_url: args['serverUrl'],
      tunnel_id: args['tunnelId'],
    }),
  custom: (args, name) => defined({ type: 'custom', name, description: args['description'], async: args['async'], format: args['format'] }),
  programmatic_tool_calling: () => ({ type: 'programmatic_tool_calling' }),
  tool_search: (args) => defined({ type: 'tool_search', execution: args['execution'], description: args['description'], parameters: args['parameters'] }),
};

/** Provider tools whose `tool_choice` names their type (`{ type: 'file_search' }`). */
const CHOICE_BY_TYPE: ReadonlySet<string> = new Set(['code_interpreter', 'file_search', 'image_generation', 'web_search_preview', 'web_search', 'mcp', 'apply_patch', 'computer', 'programmatic_tool_calling']);

/** The provider tools of one call: by wire type, the names the caller gave them. */
export class ProviderToolNames {
  /** Caller's tool name by wire type (`shell` → the key of the caller's `tools`). */
  readonly #byType = new Map<string, string>();
  /** Wire type by caller's tool name. */
  readonly #typeOf = new Map<string, string>();
  /** Names of the custom (grammar) tools. */
  readonly custom = new Set<string>();
  /** The environment type of the shell tool (`containerAuto`, `containerReference`: the server runs the commands). */
  shellEnvironment: string | undefined;

  add(type: string, name: string): void {
    if (type === 'custom') {
      this.custom.add(name);
      return;
    }
    this.#byType.set(type, name);
    this.#typeOf.set(name, type);
  }

  /** Whether the caller declared a provider tool of this wire type. */
  has(type: string): boolean {
    return this.#byType.has(type);
  }

  /** The caller's name of the tool of wire type `type` (the type itself when undeclared). */
  nameOf(type: string): string {
    return this.#byType.get(type) ?? type;
  }

  /** The wire type of the caller's tool `name`, or the name itself when it is not a provider tool. */
  typeOf(name: string): string {
    return this.#typeOf.get(name) ?? name;
  }

  /** Whether the server runs the shell tool's commands (a container environment). */
  get shellRunsOnServer(): boolean {
    return this.shellEnvironment === 'containerAuto' || this.shellEnvironment === 'containerReference';
  }
}

/** The wire type of a provider tool (`openai.file_search` or `modelwire.file_search` → `file_search`), or `null` for one this provider does not know. */
function providerToolType(tool: LanguageModelV4ProviderTool): string | null {
  const dot = tool.id.indexOf('.');
  const namespace = tool.id.slice(0, dot);
  const type = tool.id.slice(dot + 1);
  if (dot < 0 || (namespace !== 'modelwire' && namespace !== 'openai') || !Object.hasOwn(TOOL_ENTRIES, type)) return null;
  return type;
}

/**
 * Adds one provider tool's `tools[]` entry to `specs` (and its name to `names`); an unknown one
 * is left out with an `unsupported` warning.
 *
 * @throws InvalidArgumentError when the tool's arguments are not an object.
 */
export function addProviderTool(tool: LanguageModelV4ProviderTool, specs: ToolSpec[], names: ProviderToolNames, warnings: SharedV4Warning[]): void {
  const type = providerToolType(tool);
  const convert = type === null ? undefined : TOOL_ENTRIES[type];
  if (type === null || convert === undefined) {
    warnings.push({ type: 'unsupported', feature: `provider tool ${tool.id}`, details: 'the Modelwire provider does not know this provider tool; it is not sent' });
    return;
  }
  const args: unknown = tool.args ?? {};
  if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new InvalidArgumentError({ path: `tools.${tool.name}.args`, message: 'must be an object' });
  specs.push(convert(args as Fields, tool.name) as unknown as ToolSpec);
  names.add(type, tool.name);
  if (type === 'shell') names.shellEnvironment = stringOrUndefined(fieldsOf(fieldsOf(args)['environment'])['type']);
}

const stringOrUndefined = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** `tool_choice` for the call's choice: a provider tool by its type, a custom tool by name, else a function. */
export function toolChoiceOf(choice: LanguageModelV4CallOptions['toolChoice'], names: ProviderToolNames): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice.type !== 'tool') return choice.type;
  const type = names.typeOf(choice.toolName);
  if (CHOICE_BY_TYPE.has(type)) return { type } as ToolChoice;
  if (names.custom.has(choice.toolName)) return { type: 'custom', name: choice.toolName } as unknown as ToolChoice;
  return { type: 'function', name: type };
}
