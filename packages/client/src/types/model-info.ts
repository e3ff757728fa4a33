/**
 * What the client needs to know about a model to build a valid request. Travels inside the
 * {@link TurnContext} because the model may change from one turn to the next.
 */
export interface ModelInfo {
  /** The model slug sent as `model`, e.g. `"gpt-5.1-codex"`. */
  readonly slug: string;
  /**
   * Whether the model accepts the `reasoning` field. When `false` the request carries neither
   * `reasoning` nor `include: ["reasoning.encrypted_content"]`.
   */
  readonly supportsReasoning: boolean;
  /**
   * Whether the model accepts `text.verbosity`. When `false` verbosity is never sent, even when
   * the turn asks for it.
   */
  readonly supportsVerbosity: boolean;
  /** Context window in tokens; `null` when unknown. Informational (compaction thresholds). */
  readonly contextWindow: number | null;
}
