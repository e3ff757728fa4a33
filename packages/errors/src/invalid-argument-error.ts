import { ErrorCode } from './error-codes.js';
import { ModelwireError } from './modelwire-error.js';

/** One problem found in a value passed by the caller. */
export interface InvalidArgumentIssue {
  /**
   * Where the problem is, as a dotted path from the argument's name: `provider.baseUrl`,
   * `prompt.input[2].role`. The argument's name alone when the whole value is wrong.
   */
  readonly path: string;
  /** What is wrong, in plain words (no secret: values are never quoted). */
  readonly message: string;
}

/**
 * A value passed by the caller (options, provider, turn context, prompt, tool definition) is
 * not valid. Thrown before any I/O, so nothing was sent. Not retryable: the same call fails
 * the same way.
 *
 * `issues` lists every problem found, each with its field path; `path` is the first one's.
 */
export class InvalidArgumentError extends ModelwireError {
  /** Every problem found, in order; never empty. */
  readonly issues: readonly InvalidArgumentIssue[];
  /** The path of the first issue (see {@link InvalidArgumentIssue.path}). */
  readonly path: string;

  constructor(issues: readonly InvalidArgumentIssue[] | InvalidArgumentIssue, options: { cause?: unknown } = {}) {
    const list = Array.isArray(issues) ? (issues as readonly InvalidArgumentIssue[]) : [issues as InvalidArgumentIssue];
    const shown = list.slice(0, 5).map((issue) => `${issue.path}: ${issue.message}`);
    if (list.length > 5) shown.push(`and ${list.length - 5} more`);
    super(ErrorCode.InvalidArgument, `invalid argument: ${shown.join('; ')}`, { cause: options.cause, retryable: false });
    this.issues = list;
    this.path = list[0]?.path ?? '';
  }

  protected override details(): Record<string, unknown> {
    return { issues: this.issues };
  }
}
