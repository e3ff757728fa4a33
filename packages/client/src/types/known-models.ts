import { InvalidArgumentError } from '@modelwire/errors';
import { noopClientTelemetry, type ClientTelemetry } from '../telemetry/client-telemetry.js';
import type { ModelInfo } from './model-info.js';
import type { ReasoningEffort, ReasoningSummary, TurnContext, TurnMetadata, Verbosity } from './turn-context.js';

/**
 * Capabilities of models this package knows, by slug. Extend it with `registerModel` (or pass a
 * full `ModelInfo` to {@link turnContextFor}) for models it does not list: the table only saves
 * typing, it does not restrict which models can be used.
 */
const knownModels = new Map<string, ModelInfo>();

function known(slug: string, supportsReasoning: boolean, supportsVerbosity: boolean, contextWindow: number | null): void {
  knownModels.set(slug, { slug, supportsReasoning, supportsVerbosity, contextWindow });
}

// Reasoning models with verbosity (GPT-5 family).
for (const slug of ['gpt-5', 'gpt-5-mini', 'gpt-5-nano', 'gpt-5.1', 'gpt-5.2']) known(slug, true, true, 400_000);
for (const slug of ['gpt-5-codex', 'gpt-5.1-codex', 'gpt-5.1-codex-mini', 'gpt-5.2-codex']) known(slug, true, true, 272_000);
// Reasoning models without verbosity.
for (const slug of ['o3', 'o4-mini', 'o3-mini']) known(slug, true, false, 200_000);
// Models without reasoning.
for (const slug of ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4.1-nano']) known(slug, false, false, 1_047_576);
for (const slug of ['gpt-4o', 'gpt-4o-mini']) known(slug, false, false, 128_000);

/** Adds (or replaces) a model in the table {@link modelInfoFor} and {@link turnContextFor} read. */
export function registerModel(info: ModelInfo): void {
  knownModels.set(info.slug, { ...info });
}

/**
 * The `ModelInfo` of a known slug.
 * @throws InvalidArgumentError (`model`) for a slug the table does not list: pass a `ModelInfo`
 *   (or `registerModel` it) so that reasoning and verbosity are sent only where supported.
 */
export function modelInfoFor(slug: string): ModelInfo {
  const info = knownModels.get(slug);
  if (info === undefined) {
    throw new InvalidArgumentError({ path: 'model', message: `unknown model slug ${JSON.stringify(slug)}: pass a ModelInfo or registerModel() it` });
  }
  return info;
}

/** Optional values of {@link turnContextFor}; everything has a default. */
export interface TurnContextDefaults {
  /** Default `null` (the server's default effort). Ignored for models without reasoning. */
  readonly reasoningEffort?: ReasoningEffort | null;
  /** Default `'auto'`. Ignored for models without reasoning. */
  readonly reasoningSummary?: ReasoningSummary;
  /** Default: the session's verbosity (`undefined`). */
  readonly verbosity?: Verbosity | null;
  readonly webSearchEligible?: boolean;
  readonly serviceTier?: string;
  /** Default `{ turn_id: crypto.randomUUID() }`: a new turn id. */
  readonly turnMetadata?: TurnMetadata;
  /** Default `noopClientTelemetry`. */
  readonly telemetry?: ClientTelemetry;
}

/**
 * A `TurnContext` from a model slug of the known-models table, or from a `ModelInfo`, with
 * defaults for everything else: no reasoning fields are needed for models without reasoning,
 * and telemetry is optional. Create one per turn (each gets a new turn id).
 */
export function turnContextFor(model: string | ModelInfo, defaults: TurnContextDefaults = {}): TurnContext {
  const info = typeof model === 'string' ? modelInfoFor(model) : model;
  return {
    model: info,
    reasoningEffort: defaults.reasoningEffort ?? null,
    reasoningSummary: defaults.reasoningSummary ?? 'auto',
    ...(defaults.verbosity === undefined ? {} : { verbosity: defaults.verbosity }),
    ...(defaults.webSearchEligible === undefined ? {} : { webSearchEligible: defaults.webSearchEligible }),
    ...(defaults.serviceTier === undefined ? {} : { serviceTier: defaults.serviceTier }),
    turnMetadata: defaults.turnMetadata ?? { turn_id: crypto.randomUUID() },
    telemetry: defaults.telemetry ?? noopClientTelemetry,
  };
}
