import { InsecureTransportError } from '../errors/insecure-transport-error.js';
import { InvalidHeaderError } from '../errors/invalid-header-error.js';
import { isSecretHeaderName } from '@modelwire/errors';

/** Request headers as the transport accepts them: names to single values (`undefined` = omitted). */
export type RequestHeaders = Readonly<Record<string, string | undefined>>;

/** RFC 9110 token characters, the only ones allowed in a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** CR, LF and NUL end or corrupt a header line: allowing them would allow header injection. */
const FORBIDDEN_VALUE_CHARACTERS = /[\r\n\0]/;

/**
 * Checks every header: names must be HTTP tokens, values must not contain CR, LF or NUL.
 * Returns a copy without `undefined` entries.
 *
 * @throws InvalidHeaderError naming the header (never quoting the value).
 */
export function validateHeaders(headers: RequestHeaders | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  if (headers === undefined) return result;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (!HEADER_NAME.test(name)) throw new InvalidHeaderError(name, 'the name is not a valid HTTP token');
    if (typeof value !== 'string') throw new InvalidHeaderError(name, 'the value is not a string');
    if (FORBIDDEN_VALUE_CHARACTERS.test(value)) throw new InvalidHeaderError(name, 'the value contains CR, LF or NUL');
    result[name] = value;
  }
  return result;
}

/**
 * True for loopback hosts: `localhost` (and `*.localhost`), 127.0.0.0/8, `::1` (in any
 * spelling, with or without brackets) and IPv4-mapped `::ffff:127.x.y.z`.
 */
export function isLoopbackHost(host: string): boolean {
  let name = host.toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
  if (mapped?.[1] !== undefined) name = mapped[1];
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  if (ipv4) return ipv4.slice(1).every((part) => Number(part) <= 255) && Number(ipv4[1]) === 127;
  if (name.includes(':')) return isIpv6Loopback(name);
  return false;
}

function isIpv6Loopback(address: string): boolean {
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const head = halves[0] === '' || halves[0] === undefined ? [] : halves[0].split(':');
  const tail = halves.length === 2 && halves[1] !== '' && halves[1] !== undefined ? halves[1].split(':') : [];
  const groups = halves.length === 2 ? [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail] : head;
  if (groups.length !== 8 || !groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return false;
  return groups.slice(0, 7).every((group) => Number.parseInt(group, 16) === 0) && Number.parseInt(groups[7] ?? '', 16) === 1;
}

/** True when the headers or the URL (`user:password@`) carry a credential. */
export function carriesCredentials(url: URL, headers: Readonly<Record<string, string>>): boolean {
  if (url.username !== '' || url.password !== '') return true;
  return Object.keys(headers).some((name) => isSecretHeaderName(name));
}

/**
 * Refuses to send credentials in plaintext: when the URL is `http:` or `ws:`, the host is not
 * loopback, credentials are present and `allowInsecure` is not true, it throws.
 *
 * @throws InsecureTransportError before anything is sent.
 */
export function assertSecureTransport(url: URL, headers: Readonly<Record<string, string>>, allowInsecure: boolean): void {
  if (allowInsecure) return;
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return;
  if (isLoopbackHost(url.hostname)) return;
  if (carriesCredentials(url, headers)) throw new InsecureTransportError(url.protocol, url.hostname);
}
