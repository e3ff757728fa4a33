import { describe, expect, it } from 'vitest';
import { InsecureTransportError } from '../errors/insecure-transport-error.js';
import { InvalidHeaderError } from '../errors/invalid-header-error.js';
import { assertSecureTransport, isLocalhostName, isLoopbackAddress, isLoopbackHost, validateHeaders } from './transport-security.js';

describe('isLoopbackHost', () => {
  it.each(['localhost', 'LOCALHOST', 'api.localhost', '127.0.0.1', '127.255.0.9', '[::1]', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['example.com', '128.0.0.1', '10.0.0.1', '127.0.0.256', '::2', '[::]', '0.0.0.0', 'localhost.example.com', '127.0.0.1.nip.io'])('%s is not loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('assertSecureTransport', () => {
  const auth = { authorization: 'Bearer sk-test-123456789' };
  it('refuses credentials over http:/ws: to a non-loopback host', () => {
    expect(() => assertSecureTransport(new URL('http://api.example.com/v1'), auth, false)).toThrow(InsecureTransportError);
    expect(() => assertSecureTransport(new URL('ws://api.example.com/v1'), { 'x-api-key': 'k' }, false)).toThrow(InsecureTransportError);
    expect(() => assertSecureTransport(new URL('http://user:pw@api.example.com/'), {}, false)).toThrow(InsecureTransportError);
  });
  it('counts headers named as credentials, in any case, and never exempts a localhost name it cannot resolve', () => {
    const tenant = { 'x-tenant-key-id': 't' };
    expect(() => assertSecureTransport(new URL('http://api.example.com/v1'), tenant, false)).not.toThrow();
    expect(() => assertSecureTransport(new URL('http://api.example.com/v1'), tenant, false, ['X-Tenant-Key-Id'])).toThrow(InsecureTransportError);
    expect(() => assertSecureTransport(new URL('http://models.localhost:8080/v1'), auth, false)).toThrow(InsecureTransportError);
    expect(isLocalhostName('Models.LOCALHOST.')).toBe(true);
    expect(isLoopbackAddress('models.localhost')).toBe(false);
  });
  it('allows https, loopback, no credentials, or an explicit opt-out', () => {
    expect(() => assertSecureTransport(new URL('https://api.example.com/v1'), auth, false)).not.toThrow();
    expect(() => assertSecureTransport(new URL('http://127.0.0.1:8080/v1'), auth, false)).not.toThrow();
    expect(() => assertSecureTransport(new URL('ws://[::1]:8080/v1'), auth, false)).not.toThrow();
    expect(() => assertSecureTransport(new URL('http://api.example.com/v1'), { accept: 'text/event-stream' }, false)).not.toThrow();
    expect(() => assertSecureTransport(new URL('http://api.example.com/v1'), auth, true)).not.toThrow();
  });
});

describe('validateHeaders', () => {
  it('rejects CR, LF and NUL in values and bad names', () => {
    expect(() => validateHeaders({ 'x-a': 'ok\r\nx-injected: 1' })).toThrow(InvalidHeaderError);
    expect(() => validateHeaders({ 'x-a': 'line\nbreak' })).toThrow(InvalidHeaderError);
    expect(() => validateHeaders({ 'x-a': 'cr\ronly' })).toThrow(InvalidHeaderError);
    expect(() => validateHeaders({ 'bad name': 'v' })).toThrow(InvalidHeaderError);
  });
  it('drops undefined values and keeps the rest', () => {
    expect(validateHeaders({ a: '1', b: undefined })).toEqual({ a: '1' });
  });
});
