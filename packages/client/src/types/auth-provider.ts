/**
 * Where the client gets its bearer token. Session-scoped: one per `ModelClient`.
 *
 * The client asks for the token before every HTTP request and every WebSocket handshake (so a
 * provider that rotates tokens on its own is always read fresh), and calls `refresh()` at most
 * once per request when the server answers 401.
 */
export interface AuthProvider {
  /**
   * The current bearer token, without the `Bearer ` prefix. `null` sends no `Authorization`
   * header (useful for a local server that needs none). The token never appears in an error
   * message, log line or telemetry attribute.
   */
  getToken(signal: AbortSignal): Promise<string | null> | string | null;
  /**
   * Obtains a new token after the server refused the current one (HTTP 401 on a request or on
   * the WebSocket upgrade). Resolves `true` when a new token is available and the request is
   * worth repeating, `false` when nothing changed. Optional: without it a 401 is final.
   */
  refresh?(signal: AbortSignal): Promise<boolean>;
  /**
   * Extra credential-bearing headers (for example `ChatGPT-Account-ID`), read together with
   * the token. Their values are redacted like the token. Optional.
   */
  getHeaders?(signal: AbortSignal): Promise<Readonly<Record<string, string>>> | Readonly<Record<string, string>>;
}

/** An {@link AuthProvider} for a fixed API key (no refresh). */
export function staticTokenAuth(token: string | null): AuthProvider {
  return { getToken: () => token };
}
