import { randomUUID } from 'node:crypto';
import type { TurnContext } from '@modelwire/client';
import type { TurnTelemetryFactory } from '../services/turn-telemetry-factory.js';
import type { TurnSettings } from './turn-settings.js';

/**
 * Builds the `TurnContext` of one turn: the settings, turn metadata with a fresh `turn_id`,
 * and the turn's own telemetry handle from the factory. The same context object is then
 * passed to every stream, compaction and memory-trace call of that turn.
 *
 * @param turnId defaults to a new random UUID.
 */
export function buildTurnContext(settings: TurnSettings, telemetry: TurnTelemetryFactory, turnId: string = randomUUID()): TurnContext {
  return {
    model: settings.model,
    reasoningEffort: settings.reasoningEffort,
    reasoningSummary: settings.reasoningSummary,
    verbosity: settings.verbosity,
    ...(settings.webSearchEligible === undefined ? {} : { webSearchEligible: settings.webSearchEligible }),
    ...(settings.serviceTier === undefined ? {} : { serviceTier: settings.serviceTier }),
    turnMetadata: { ...settings.metadata, turn_id: turnId },
    telemetry: telemetry({ model: settings.model.slug, turnId }),
  };
}
