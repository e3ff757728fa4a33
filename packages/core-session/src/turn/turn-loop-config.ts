import type { OutputSchema, Prompt, RequestOptions } from '@modelwire/client';
import type { BackoffOptions } from '@modelwire/transport';
import type { ResolvedAutoCompaction } from '../compaction/auto-compaction.js';
import type { ToolRegistry } from '../tools/tool-registry.js';

/** Default {@link TurnLoopConfig.maxToolRounds}: generous for real agents, a bound for a looping model. */
export const DEFAULT_MAX_TOOL_ROUNDS = 256;

/** Session-scoped settings of the turn loop (resolved from the session options). */
export interface TurnLoopConfig {
  /** System instructions, sent on every request. */
  readonly instructions: string;
  /** Whether the model may call several tools in one response. */
  readonly parallelToolCalls: boolean;
  /** Structured output of the final message; `null` for free text. */
  readonly outputSchema: OutputSchema | null;
  /** Further request body fields of every request (`Prompt.options`); `undefined` for none. */
  readonly requestOptions: RequestOptions | undefined;
  /** Default limit of one tool call, in milliseconds. */
  readonly toolTimeoutMs: number;
  /** Most rounds of tool calls per turn (`Infinity`: no bound). */
  readonly maxToolRounds: number;
  /** Automatic compaction policy. */
  readonly autoCompaction: ResolvedAutoCompaction;
  /** Backoff between stream retries without a server hint. */
  readonly backoff: BackoffOptions;
}

/** The request settings of the session (everything of a `Prompt` but its input). */
export function promptSettings(config: TurnLoopConfig, tools: ToolRegistry): Omit<Prompt, 'input'> {
  return {
    instructions: config.instructions,
    tools: tools.specs(),
    parallelToolCalls: config.parallelToolCalls,
    ...(config.outputSchema === null ? {} : { outputSchema: config.outputSchema }),
    ...(config.requestOptions === undefined ? {} : { options: config.requestOptions }),
  };
}
