import { InvalidArgumentError, redactText } from '@modelwire/transport';

/** Default cap on string attribute values, in UTF-16 code units. */
export const DEFAULT_MAX_ATTRIBUTE_LENGTH = 1024;

/** Appended to a value cut at the length cap. */
const ELLIPSIS = '…';

/**
 * Makes a string safe to export: credentials removed (`Bearer …`, `sk-…` keys and the
 * configured literal secrets, via `redactText`), then cut to the length cap. Redaction runs
 * before the cut so that a secret can never be exported half-cut past the pattern.
 */
export class AttributeSanitizer {
  readonly #maxLength: number;
  readonly #secrets: readonly string[];

  /**
   * @param maxLength Longest value kept, in UTF-16 code units (at least 16).
   * @param secrets Literal secrets (the session's API key, for example) replaced wherever they appear.
   */
  constructor(maxLength: number, secrets: readonly string[]) {
    if (!Number.isInteger(maxLength) || maxLength < 16) throw new InvalidArgumentError({ path: 'maxAttributeLength', message: 'must be an integer ≥ 16' });
    this.#maxLength = maxLength;
    this.#secrets = secrets.filter((secret) => typeof secret === 'string' && secret.length > 0);
  }

  /** The cap, in UTF-16 code units. */
  get maxLength(): number {
    return this.#maxLength;
  }

  /** Redacts and caps one value. */
  text(value: string): string {
    const redacted = redactText(value, this.#secrets);
    return redacted.length <= this.#maxLength ? redacted : redacted.slice(0, this.#maxLength - ELLIPSIS.length) + ELLIPSIS;
  }

  /** Serialises any value as JSON (strings as they are), then redacts and caps it. */
  json(value: unknown): string {
    if (typeof value === 'string') return this.text(value);
    let serialised: string;
    try {
      serialised = JSON.stringify(value) ?? String(value);
    } catch {
      serialised = '[unserialisable]';
    }
    return this.text(serialised);
  }
}
