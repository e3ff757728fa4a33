import { HttpClient, type HttpStreamResponse } from '@modelwire/transport';
import type { ResolvedProvider } from '../types/provider.js';
import type { WireHttp } from './wire-types.js';

async function* dataOf(response: HttpStreamResponse): AsyncGenerator<string, void, undefined> {
  try {
    for await (const event of response.events) yield event.data;
  } finally {
    response.cancel();
  }
}

/**
 * The default HTTP side: the transport package's session-scoped `HttpClient` (one undici pool
 * with keep-alive for the whole session), with the provider's connect and idle timeouts.
 */
export function createTransportHttp(provider: ResolvedProvider): WireHttp {
  const client = new HttpClient({ connectTimeoutMs: provider.connectTimeoutMs, idleTimeoutMs: provider.streamIdleTimeoutMs });
  return {
    async postStream(url, options) {
      const response = await client.postStream(url, {
        headers: options.headers,
        body: options.body,
        signal: options.signal,
        compression: options.compress ? 'zstd' : 'none',
        idleTimeoutMs: options.idleTimeoutMs,
      });
      return { status: response.status, headers: response.headers, events: dataOf(response) };
    },
    async postJson(url, options) {
      const response = await client.postJson(url, {
        headers: options.headers,
        body: options.body,
        signal: options.signal,
        compression: options.compress ? 'zstd' : 'none',
        timeoutMs: options.idleTimeoutMs,
      });
      return { status: response.status, headers: response.headers, body: response.body };
    },
    close: () => client.close(),
  };
}
