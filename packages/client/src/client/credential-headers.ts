/**
 * The credential headers of a request or handshake: the token as `Authorization: Bearer …`
 * or, for `'api-key'` providers, as `api-key: …`, plus the auth provider's extra headers
 * (lower-case names). No token (`null` or empty) sends none.
 */
export function credentialHeaders(scheme: 'bearer' | 'api-key', token: string | null, extra: Readonly<Record<string, string>>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
  if (typeof token === 'string' && token.length > 0) {
    if (scheme === 'api-key') headers['api-key'] = token;
    else headers.authorization = `Bearer ${token}`;
  }
  return headers;
}
