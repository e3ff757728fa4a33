import type { ModelInfo, ReasoningEffort, ReasoningSummary, Verbosity } from '@modelwire/client';

/**
 * The per-turn model settings. The session holds defaults; `submit(input, overrides)` may
 * change any of them for one turn.
 */
export interface TurnSettings {
  /** The model (slug and capabilities; `contextWindow` drives automatic compaction). */
  readonly model: ModelInfo;
  /** Reasoning effort; `null` leaves it to the server. */
  readonly reasoningEffort: ReasoningEffort | null;
  /** Reasoning summary mode; `"none"` streams no summary. */
  readonly reasoningSummary: ReasoningSummary;
  /** Output verbosity; `null` sends none. */
  readonly verbosity: Verbosity | null;
  /** Web-search eligibility sent per request; `undefined` sends nothing. */
  readonly webSearchEligible: boolean | undefined;
  /** Service tier; `undefined` sends none. */
  readonly serviceTier: string | undefined;
  /**
   * Extra JSON fields of the turn metadata (`x-codex-turn-metadata`), next to the generated
   * `turn_id` (which they cannot override).
   */
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** Per-turn overrides accepted by `submit`: any subset of {@link TurnSettings}. */
export type TurnOverrides = Partial<TurnSettings>;

/** Applies overrides (fields set to `undefined` keep the default). */
export function mergeTurnSettings(defaults: TurnSettings, overrides: TurnOverrides | undefined): TurnSettings {
  if (overrides === undefined) return defaults;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  return merged as unknown as TurnSettings;
}
