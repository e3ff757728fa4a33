/** What replaces a secret in any text, header value or attribute. */
export const REDACTED = '[redacted]';

/** Header names whose values are credentials and never leave the process unredacted. */
const SECRET_HEADER_PATTERN = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api-key|openai-api-key|chatgpt-account-id)$|(^|[-_])(api[-_]?key|token|secret|password)([-_]|$)/i;

/** `Bearer <token>`, `Basic <token>` and OpenAI-style keys (`sk-…`, `sess-…`) inside free text. */
const SECRET_TEXT_PATTERN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+|\b(sk|sess|rk)-[A-Za-z0-9_-]{8,}/g;

/** Whether a header of this name carries a credential. Case-insensitive. */
export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADER_PATTERN.test(name);
}

/**
 * Replaces credentials found in free text: `Bearer …`/`Basic …` tokens and OpenAI-style keys.
 * Extra literal secrets (the session's actual API key, for example) can be passed and are
 * replaced wherever they appear.
 */
export function redactText(text: string, extraSecrets: readonly string[] = []): string {
  const result = text.replace(SECRET_TEXT_PATTERN, (match, scheme: string | undefined) =>
    scheme ? `${scheme} ${REDACTED}` : REDACTED,
  );
  return redactLiteralSecrets(result, extraSecrets);
}

/** Literal secrets shorter than this are ignored: they would match ordinary text. */
export const MIN_SECRET_LENGTH = 4;

/** Replaces every occurrence of each literal secret (of at least {@link MIN_SECRET_LENGTH} characters) in `text`. */
export function redactLiteralSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && result.includes(secret)) result = result.split(secret).join(REDACTED);
  }
  return result;
}

/** A header map as accepted by {@link redactHeaders}. */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Returns a copy of `headers` with every credential-bearing value replaced by
 * {@link REDACTED}; other values have embedded `Bearer …` strings removed as well.
 */
export function redactHeaders(headers: HeaderRecord): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const joined = typeof value === 'string' ? value : value.join(', ');
    result[name] = isSecretHeaderName(name) ? REDACTED : redactText(joined);
  }
  return result;
}
