import { fingerprintRequestFields } from '../continuation/continuation-tracker.js';
import type { Prompt } from '../types/prompt.js';
import type { TurnContext, Verbosity } from '../types/turn-context.js';
import { buildRequestFields, type RequestFields } from './request-fields.js';

/** The non-input fields of a request and their fingerprint (for the continuation check). */
export interface FieldsAndFingerprint {
  readonly fields: RequestFields;
  readonly fingerprint: string;
}

interface Built extends FieldsAndFingerprint {
  /** The values {@link buildRequestFields} read to build them. */
  readonly values: readonly unknown[];
}

/**
 * Fields built before, by the prompt's tools array (shared by the requests of a turn and of a
 * tool loop): the fields and their fingerprint are reused while every value they were built from
 * is the same. The tools array counts by identity, as in the fingerprint itself.
 */
const built = new WeakMap<object, Built>();

/**
 * The request fields of `prompt` and `turn` ({@link buildRequestFields}) and their fingerprint
 * (`fingerprintRequestFields`), built once for a run of requests with the same settings: a
 * request whose prompt and turn context repeat the previous one's primitive settings (and the
 * same tools array) gets the same objects, without building them or serialising them for the
 * fingerprint again. Prompts with `options`, an `outputSchema` or an object `toolChoice` are
 * built every time: those objects could have been changed in place since.
 *
 * @throws InvalidArgumentError as {@link buildRequestFields} does.
 */
export function requestFieldsOf(prompt: Prompt, turn: TurnContext, conversationId: string, sessionVerbosity: Verbosity | undefined): FieldsAndFingerprint {
  const values = reusableValues(prompt, turn, conversationId, sessionVerbosity);
  const tools = prompt.tools as unknown;
  if (values !== null) {
    const seen = built.get(tools as object);
    if (seen !== undefined && sameValues(seen.values, values)) return seen;
  }
  const fields = buildRequestFields(prompt, turn, conversationId, sessionVerbosity);
  const result: Built = { fields, fingerprint: fingerprintRequestFields(fields), values: values ?? [] };
  if (values !== null) built.set(tools as object, result);
  return result;
}

/**
 * Every value {@link buildRequestFields} reads, when they are all primitives (besides the tools
 * array, the key); `null` when the fields must be built (options or an object among them, or a
 * shape the builder reports).
 */
function reusableValues(prompt: Prompt, turn: TurnContext, conversationId: string, sessionVerbosity: Verbosity | undefined): readonly unknown[] | null {
  if (typeof prompt !== 'object' || prompt === null || !Array.isArray(prompt.tools)) return null;
  if (prompt.options !== undefined || prompt.outputSchema != null || (prompt.toolChoice !== undefined && typeof prompt.toolChoice !== 'string')) return null;
  if (typeof turn !== 'object' || turn === null) return null;
  const model = turn.model;
  if (typeof model !== 'object' || model === null) return null;
  return [
    prompt.instructions,
    prompt.parallelToolCalls,
    prompt.toolChoice,
    prompt.outputSchema,
    prompt.compactThreshold,
    model.slug,
    model.supportsReasoning,
    model.supportsVerbosity,
    turn.reasoningEffort,
    turn.reasoningSummary,
    turn.verbosity,
    turn.serviceTier,
    conversationId,
    sessionVerbosity,
  ];
}

function sameValues(left: readonly unknown[], right: readonly unknown[]): boolean {
  if (left.length !== right.length) return false;
  for (let index = 0; index < left.length; index += 1) if (left[index] !== right[index]) return false;
  return true;
}
