import { redactText } from './redact.js';
import type { ErrorCode } from './error-codes.js';

const BRAND = Symbol.for('@modelwire/error');

/** Options common to every {@link ModelwireError}. */
export interface ModelwireErrorOptions {
  /** The underlying failure (ES2022 `cause`). Its message is not copied into this one. */
  cause?: unknown;
  /**
   * Whether repeating the same operation may succeed. Defaults to `false`; each subclass
   * documents its own default.
   */
  retryable?: boolean;
}

/**
 * The base class of every error Modelwire throws.
 *
 * - `code` is stable (see {@link ErrorCode}); compare on it, never on `message`.
 * - `retryable` says whether repeating the same operation may succeed.
 * - The message is redacted on construction: no `Bearer …` token or API key survives in it.
 * - `ModelwireError.isInstance(x)` works across duplicate installs of the package (it checks a
 *   `Symbol.for` brand, not the prototype chain).
 */
export class ModelwireError extends Error {
  /** Stable machine-readable code. */
  readonly code: ErrorCode;
  /** Whether repeating the same operation may succeed. */
  readonly retryable: boolean;
  declare readonly [BRAND]: true;

  constructor(code: ErrorCode, message: string, options: ModelwireErrorOptions = {}) {
    super(redactText(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  override get name(): string {
    return this.constructor.name;
  }

  /** True for any Modelwire error, including ones created by another copy of the package. */
  static isInstance(value: unknown): value is ModelwireError {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }

  /**
   * A plain, redacted representation for logs and telemetry. Subclasses add their structured
   * fields through {@link ModelwireError.details}.
   */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...this.details(),
      ...(this.cause instanceof Error ? { cause: { name: this.cause.name, message: redactText(this.cause.message) } } : {}),
    };
  }

  /** Structured, already-redacted fields that {@link ModelwireError.toJSON} includes. */
  protected details(): Record<string, unknown> {
    return {};
  }
}
