import { ErrorCode, HttpStatusError, ModelwireError } from '@modelwire/transport';

/**
 * Whether a failed WebSocket connect means "this network does
 * not let WebSockets through" rather than a failure HTTP would share: the proxy refused the
 * tunnel (`CONNECT`), or the upgrade sent through it got a status other than 101 (a filtering
 * middlebox answers it itself). 401 (credentials, refreshed once) and 429 (rate limit) are the
 * provider's own answers and keep their usual handling (and without a proxy in the path, any
 * refused upgrade keeps its usual handling too). When HTTP is refused as well, the HTTP
 * request reports it.
 */
export function isRefusedByProxy(error: unknown, viaProxy: boolean): boolean {
  if (ModelwireError.isInstance(error) && error.code === ErrorCode.ProxyRefused) return true;
  return viaProxy && error instanceof HttpStatusError && error.status !== 401 && error.status !== 429;
}
