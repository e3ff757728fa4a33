import { noopClientTelemetry, type ClientTelemetry } from '@modelwire/client';

/** What a turn tells the telemetry factory about itself. */
export interface TurnTelemetryScope {
  /** The model slug of the turn. */
  readonly model: string;
  /** The turn's id (the `turn_id` of its metadata). */
  readonly turnId: string;
}

/**
 * A turn's telemetry handle: the `ClientTelemetry` placed in the turn's `TurnContext`, plus an
 * optional `end` the session calls exactly once when the turn (or the compaction or
 * memory-trace call it was created for) is over, with the error when it failed. A turn span
 * ends there.
 */
export interface TurnTelemetryHandle extends ClientTelemetry {
  /** Called once at the end; `error` is set when the operation failed. Must not throw (errors are ignored). */
  end?(options: { readonly error?: unknown }): void;
}

/**
 * Creates the per-turn telemetry handle placed in each `TurnContext`. Session-scoped: called
 * once per turn (and once per compaction or memory-trace call made outside a turn).
 *
 * `@modelwire/otel` plugs in here without this package importing it:
 * `telemetry: (turn) => sessionTelemetry.forTurn(turn)` (its handles have `end`).
 */
export type TurnTelemetryFactory = (turn: TurnTelemetryScope) => TurnTelemetryHandle;

/** The default factory: every turn reports nothing. */
export const noopTurnTelemetry: TurnTelemetryFactory = () => noopClientTelemetry;

/** Calls the handle's `end` (if any) once, swallowing its errors: telemetry never breaks a turn. */
export function endTurnTelemetry(handle: ClientTelemetry, error?: unknown): void {
  try {
    (handle as TurnTelemetryHandle).end?.(error === undefined ? {} : { error });
  } catch {
    // Telemetry must not affect the session.
  }
}
