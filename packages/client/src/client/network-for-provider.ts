import { NetworkPolicy, type Environment } from '@modelwire/transport';
import type { ResolvedProvider } from '../types/provider.js';

/**
 * The session's one proxy and TLS policy, from the provider's `proxy`, `noProxy` and `ca`
 * and the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `NO_PROXY`, `NODE_EXTRA_CA_CERTS`). The
 * HTTP client and the WebSocket connector share it, and so does the doctor.
 */
export function networkPolicyFor(provider: ResolvedProvider, environment: Environment): NetworkPolicy {
  return new NetworkPolicy({
    environment,
    ...(provider.proxy === undefined ? {} : { proxy: provider.proxy }),
    ...(provider.noProxy === undefined ? {} : { noProxy: provider.noProxy }),
    ...(provider.ca === undefined ? {} : { ca: provider.ca }),
  });
}
