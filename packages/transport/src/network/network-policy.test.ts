import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, type ModelwireError } from '@modelwire/errors';
import { NetworkPolicy } from './network-policy.js';

const PROXY = 'http://proxy.corp:3128';

function routed(policy: NetworkPolicy, target: string): string | null {
  return policy.proxyFor(target)?.address ?? null;
}

describe('NetworkPolicy: which proxy a target goes through', () => {
  it('reads HTTPS_PROXY for https/wss and HTTP_PROXY for http/ws, lower-case first', () => {
    const policy = new NetworkPolicy({
      environment: { HTTPS_PROXY: 'http://upper-secure:1', https_proxy: 'http://lower-secure:2', HTTP_PROXY: 'http://plain:3' },
    });
    expect(routed(policy, 'https://api.example.com/v1')).toBe('lower-secure:2');
    expect(routed(policy, 'wss://api.example.com/v1/responses')).toBe('lower-secure:2');
    expect(routed(policy, 'http://api.example.com/v1')).toBe('plain:3');
    expect(routed(policy, 'ws://api.example.com/v1/responses')).toBe('plain:3');
    expect(policy.proxyFor('https://api.example.com')?.source).toBe('https_proxy');
  });

  it('uses HTTP_PROXY for secure targets when no HTTPS_PROXY is set, and nothing when neither is', () => {
    expect(routed(new NetworkPolicy({ environment: { HTTP_PROXY: PROXY } }), 'https://api.example.com')).toBe('proxy.corp:3128');
    expect(routed(new NetworkPolicy({ environment: { HTTPS_PROXY: '  ' } }), 'https://api.example.com')).toBeNull();
    expect(new NetworkPolicy({ environment: {} }).route('https://api.example.com').reason).toBe('no proxy configured');
  });

  it('lets the proxy option win over the environment, and `false` disable both', () => {
    const environment = { HTTPS_PROXY: 'http://from-env:1' };
    expect(routed(new NetworkPolicy({ proxy: 'http://option:2', environment }), 'https://a.example')).toBe('option:2');
    expect(routed(new NetworkPolicy({ proxy: false, environment }), 'https://a.example')).toBeNull();
    expect(new NetworkPolicy({ proxy: false, environment }).route('https://a.example').reason).toBe('proxy disabled');
  });

  it('takes a scheme-less proxy as http:// and fills in the default port', () => {
    const policy = new NetworkPolicy({ proxy: 'proxy.corp:3128' });
    expect(policy.proxyFor('https://a.example')?.url.href).toBe('http://proxy.corp:3128/');
    expect(routed(new NetworkPolicy({ proxy: 'https://secure-proxy' }), 'https://a.example')).toBe('secure-proxy:443');
    expect(routed(new NetworkPolicy({ proxy: 'http://plain-proxy' }), 'https://a.example')).toBe('plain-proxy:80');
  });

  it('turns URL credentials into a Basic Proxy-Authorization and strips them from the URL', () => {
    const proxy = new NetworkPolicy({ proxy: 'http://al%40ice:s3cr%3At@proxy.corp:3128' }).proxyFor('https://a.example');
    expect(proxy?.authorization).toBe(`Basic ${Buffer.from('al@ice:s3cr:t').toString('base64')}`);
    expect(proxy?.url.href).toBe('http://proxy.corp:3128/');
    expect(JSON.stringify(proxy?.url)).not.toContain('s3cr');
  });

  it('refuses proxy schemes it cannot speak, naming the variable but never the value', () => {
    const attempt = (): NetworkPolicy => new NetworkPolicy({ environment: { HTTPS_PROXY: 'socks5://user:hunter2@proxy:1080' } });
    expect(attempt).toThrow(InvalidArgumentError);
    expect(attempt).toThrow(/HTTPS_PROXY: uses socks5:/);
    try {
      attempt();
    } catch (error) {
      expect(JSON.stringify((error as ModelwireError).toJSON())).not.toContain('hunter2');
      expect((error as ModelwireError).code).toBe('invalid_argument');
    }
    expect(() => new NetworkPolicy({ proxy: 'http://user:hunter2@[bad' })).toThrow(/proxy: is not a valid proxy URL/);
  });
});

describe('NetworkPolicy: NO_PROXY', () => {
  const policy = (noProxy: string): NetworkPolicy => new NetworkPolicy({ proxy: PROXY, noProxy });

  it('matches a host and its subdomains, with or without a leading dot or *.', () => {
    for (const entry of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.COM.']) {
      expect(routed(policy(entry), 'https://example.com/v1'), entry).toBeNull();
      expect(routed(policy(entry), 'https://api.example.com/v1'), entry).toBeNull();
      expect(routed(policy(entry), 'https://notexample.com/v1'), entry).toBe('proxy.corp:3128');
      expect(routed(policy(entry), 'https://example.com.evil.net/v1'), entry).toBe('proxy.corp:3128');
    }
  });

  it('honours ports (default ports included), IP addresses, bracketed IPv6 and `*`', () => {
    expect(routed(policy('api.example.com:8443'), 'https://api.example.com:8443')).toBeNull();
    expect(routed(policy('api.example.com:8443'), 'https://api.example.com')).toBe('proxy.corp:3128');
    expect(routed(policy('api.example.com:443'), 'wss://api.example.com/v1/responses')).toBeNull();
    expect(routed(policy('127.0.0.1'), 'http://127.0.0.1:1234/v1')).toBeNull();
    expect(routed(policy('[::1]:1234'), 'http://[::1]:1234/v1')).toBeNull();
    expect(routed(policy('[::1]:1234'), 'http://[::1]:9999/v1')).toBe('proxy.corp:3128');
    expect(routed(policy('*'), 'https://anything.example')).toBeNull();
    expect(policy('a.example, b.example').route('https://x.b.example').reason).toBe('NO_PROXY entry "b.example"');
  });

  it('reads NO_PROXY (lower-case first) from the environment, also with a proxy option', () => {
    const environment = { NO_PROXY: 'upper.example', no_proxy: 'lower.example' };
    expect(routed(new NetworkPolicy({ proxy: PROXY, environment }), 'https://lower.example')).toBeNull();
    expect(routed(new NetworkPolicy({ proxy: PROXY, environment }), 'https://upper.example')).toBe('proxy.corp:3128');
    expect(routed(new NetworkPolicy({ proxy: PROXY, noProxy: '', environment }), 'https://lower.example')).toBe('proxy.corp:3128');
  });

  it('bypasses exactly the hosts equal to an entry or below it (property)', () => {
    const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,8}[a-z0-9])?$/);
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 4 }), fc.array(label, { minLength: 1, maxLength: 4 }), (entryLabels, hostLabels) => {
        const entry = entryLabels.join('.');
        const host = hostLabels.join('.');
        const expectedBypass = host === entry || host.endsWith(`.${entry}`);
        expect(routed(policy(`other.invalid, ${entry}`), `https://${host}/v1`) === null).toBe(expectedBypass);
      }),
    );
  });
});

describe('NetworkPolicy: trusted certificates', () => {
  it('keeps Node’s default store (NODE_EXTRA_CA_CERTS included) and appends the extra CA', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const policy = new NetworkPolicy({ ca: pem });
    expect(policy.ca?.at(-1)).toBe(pem);
    expect(policy.ca?.length).toBeGreaterThan(100);
    expect(new NetworkPolicy({ ca: [Buffer.from(pem)] }).ca?.at(-1)).toBe(pem);
  });

  it('leaves TLS on Node’s default store when nothing is added', () => {
    expect(new NetworkPolicy({}).ca).toBeUndefined();
    expect(new NetworkPolicy({ ca: [] }).ca).toBeUndefined();
  });
});
