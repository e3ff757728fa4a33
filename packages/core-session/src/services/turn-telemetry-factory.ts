import { noopClientTelemetry, type ClientTelemetry } from '@modelwire/client';

/** What a turn tells the telemetry factory about itself. */
export interface TurnTelemetryScope {
  /** The model slug of the turn. */
  readonly model: string;
  /** The turn's id (the `turn_id` of its metadata). */
  readonly turnId: string;
}

/**
 * Creates the per-turn telemetry handle placed in each `TurnContext`. Session-scoped: called
 * once per turn (and once per compaction or memory-trace call made outside a turn).
 *
 * `@modelwire/otel` plugs in here without this package importing it:
 * `(turn) => sessionTelemetry.forTurn(turn)`.
 */
export type TurnTelemetryFactory = (turn: TurnTelemetryScope) => ClientTelemetry;

/** The default factory: every turn reports nothing. */
export const noopTurnTelemetry: TurnTelemetryFactory = () => noopClientTelemetry;
