import { ErrorCode, ModelwireError } from '@modelwire/transport';

/**
 * What was wrong with a compaction's answer:
 * - `empty`: no output at all (no item, or an empty window for a non-empty history);
 * - `no_compaction_item`: output, but no `compaction` item in it;
 * - `multiple_compaction_items`: more than one `compaction` item (which one replaces the
 *   history is ambiguous);
 * - `malformed_item`: a `compaction` item without a usable `encrypted_content` (missing, not a
 *   string, or empty);
 * - `malformed_output`: an answer that is not a list of valid items (the legacy endpoint's body
 *   without an `output` array, or with an item that is not valid).
 */
export type CompactionFailureReason = 'empty' | 'no_compaction_item' | 'multiple_compaction_items' | 'malformed_item' | 'malformed_output';

/**
 * Which compaction produced the answer: `v2` (a streamed Responses request ending with
 * `compaction_trigger`) or `legacy` (`POST {base}/responses/compact`).
 */
export type CompactionMethod = 'v2' | 'legacy';

/**
 * A compaction completed on the wire but its answer cannot replace the history (code
 * `compaction_failed`). Never retryable: the same history gets the same answer. Whoever
 * compacts keeps the history exactly as it was.
 */
export class CompactionFailedError extends ModelwireError {
  /** What was wrong with the answer. */
  readonly reason: CompactionFailureReason;
  /** The compaction path that produced it. */
  readonly method: CompactionMethod;
  /** Items in the answer's output (0 for an empty or unreadable answer). */
  readonly outputItems: number;

  constructor(reason: CompactionFailureReason, method: CompactionMethod, outputItems: number, options: { cause?: unknown } = {}) {
    super(ErrorCode.CompactionFailed, `the ${method === 'v2' ? 'compaction request' : 'compaction endpoint'} answered without a usable compaction: ${describe(reason, outputItems)}`, {
      retryable: false,
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.reason = reason;
    this.method = method;
    this.outputItems = outputItems;
  }

  protected override details(): Record<string, unknown> {
    return { reason: this.reason, method: this.method, outputItems: this.outputItems };
  }
}

function describe(reason: CompactionFailureReason, outputItems: number): string {
  switch (reason) {
    case 'empty':
      return 'the output is empty';
    case 'no_compaction_item':
      return `none of its ${outputItems} output items is a compaction item`;
    case 'multiple_compaction_items':
      return `more than one of its ${outputItems} output items is a compaction item`;
    case 'malformed_item':
      return 'its compaction item has no usable encrypted_content';
    case 'malformed_output':
      return 'its output is not a list of valid items';
  }
}
