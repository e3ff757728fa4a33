import { HttpClient, type HttpStreamResponse, type NetworkPolicy, type PostOptions } from '@modelwire/transport';
import type { ResolvedProvider } from '../types/provider.js';
import type { WireHttp, WirePostOptions } from './wire-types.js';

async function* dataOf(response: HttpStreamResponse): AsyncGenerator<string, void, undefined> {
  try {
    for await (const event of response.events) yield event.data;
  } finally {
    response.cancel();
  }
}

/** The transport options both POST kinds share (their timeouts differ in name only). */
function postOptions(options: WirePostOptions): PostOptions {
  return {
    headers: options.headers,
    body: options.body,
    signal: options.signal,
    compression: options.compress ? 'zstd' : 'none',
    ...(options.credentialHeaders === undefined ? {} : { credentialHeaders: options.credentialHeaders }),
  };
}

/**
 * The default HTTP side: the transport package's session-scoped `HttpClient` (one undici pool
 * with keep-alive for the whole session), with the provider's connect and idle timeouts and
 * the session's proxy and TLS policy.
 */
export function createTransportHttp(provider: ResolvedProvider, network?: NetworkPolicy): WireHttp {
  const client = new HttpClient({
    connectTimeoutMs: provider.connectTimeoutMs,
    idleTimeoutMs: provider.streamIdleTimeoutMs,
    allowInsecure: provider.allowInsecure,
    ...(network === undefined ? {} : { network }),
  });
  return {
    async postStream(url, options) {
      const response = await client.postStream(url, { ...postOptions(options), idleTimeoutMs: options.idleTimeoutMs });
      return {
        status: response.status,
        headers: response.headers,
        events: dataOf(response),
        listen: (listener) => response.listen({ onEvent: (event) => listener.onData(event.data), onEnd: (error) => listener.onEnd(error) }),
        release: () => response.release(),
        cancel: () => response.cancel(),
        pause: () => response.pause(),
        resume: () => response.resume(),
      };
    },
    async postJson(url, options) {
      const response = await client.postJson(url, { ...postOptions(options), timeoutMs: options.idleTimeoutMs });
      return { status: response.status, headers: response.headers, body: response.body };
    },
    close: () => client.close(),
  };
}
