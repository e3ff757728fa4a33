import { ErrorCode, ModelwireError } from '@modelwire/transport';

/**
 * A turn reached its bound of tool rounds (`maxToolRounds`): after `limit` rounds of tool calls
 * the model asked for tools once more. Those calls were not run; each got an output saying so,
 * committed with the response that made them, so the history stays valid and the next turn can
 * go on from it. Code `tool_round_limit`, not retryable.
 */
export class ToolRoundLimitError extends ModelwireError {
  /** The bound that was reached (`maxToolRounds`). */
  readonly limit: number;
  /** The calls of the response past the bound (answered, not run). */
  readonly unrunCalls: number;

  constructor(limit: number, unrunCalls: number) {
    super(ErrorCode.ToolRoundLimit, `the turn reached its limit of ${limit} tool round${limit === 1 ? '' : 's'} (maxToolRounds); the model's ${unrunCalls} further tool call${unrunCalls === 1 ? ' was' : 's were'} not run`, { retryable: false });
    this.limit = limit;
    this.unrunCalls = unrunCalls;
  }
}
