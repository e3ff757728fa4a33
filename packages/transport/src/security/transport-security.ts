import { lookup as dnsCallbackLookup, promises as dns, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { ConnectError } from '../errors/connection-errors.js';
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
 * True for loopback hosts by their spelling alone: `localhost` (and `*.localhost`),
 * 127.0.0.0/8, `::1` (in any spelling, with or without brackets) and IPv4-mapped
 * `::ffff:127.x.y.z`. Names are not resolved: the plaintext rule of the transports
 * ({@link resolvePlaintextTarget}) resolves `localhost` names and pins the connection to
 * the answer; use this only where nothing secret is sent on the strength of it.
 */
export function isLoopbackHost(host: string): boolean {
  return isLocalhostName(host) || isLoopbackAddress(host);
}

/** True for `localhost` and `*.localhost` (any case, trailing dot allowed): names that ought to resolve to loopback. */
export function isLocalhostName(host: string): boolean {
  let name = host.toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  return name === 'localhost' || name.endsWith('.localhost');
}

/** True for a literal loopback IP address: 127.0.0.0/8, `::1` in any spelling (brackets allowed), `::ffff:127.x.y.z`. */
export function isLoopbackAddress(host: string): boolean {
  let name = host.toLowerCase();
  if (name.startsWith('[') && name.endsWith(']')) name = name.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(name);
  if (mapped?.[1] !== undefined) name = mapped[1];
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name);
  if (ipv4) return ipv4.slice(1).every((part) => Number(part) <= 255) && Number(ipv4[1]) === 127;
  if (name.includes(':')) return isIpv6Loopback(name);
  return false;
}

/** The `lookup` option of `net.connect` (and of undici's `connect` and `ws`'s client options). */
export type PinnedLookup = (
  hostname: string,
  options: { family?: number | string | undefined; all?: boolean | undefined },
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

function dnsLookupAll(hostname: string, options: { family?: number | string | undefined; all?: boolean | undefined }, callback: Parameters<PinnedLookup>[2]): void {
  dnsCallbackLookup(hostname, options as LookupAllOptions, callback as never);
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

/**
 * True when the URL (`user:password@`) or the headers carry a credential: a header whose name
 * says so (`authorization`, `api-key`, `cookie`, `*-token` …) or one named in
 * `credentialHeaders` (for example every header an auth provider returned), any case.
 */
export function carriesCredentials(url: URL, headers: Readonly<Record<string, string>>, credentialHeaders: readonly string[] = []): boolean {
  if (url.username !== '' || url.password !== '') return true;
  const named = new Set(credentialHeaders.map((name) => name.toLowerCase()));
  return Object.keys(headers).some((name) => isSecretHeaderName(name) || named.has(name.toLowerCase()));
}

/**
 * Refuses to send credentials in plaintext, by the URL's spelling alone: when the URL is
 * `http:` or `ws:`, the host is not a literal loopback address, credentials are present and
 * `allowInsecure` is not true, it throws. `localhost` names are refused here (they are not
 * resolved); the transports use {@link resolvePlaintextTarget}, which resolves them.
 *
 * @throws InsecureTransportError before anything is sent.
 */
export function assertSecureTransport(url: URL, headers: Readonly<Record<string, string>>, allowInsecure: boolean, credentialHeaders: readonly string[] = []): void {
  if (allowInsecure) return;
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return;
  if (isLoopbackAddress(url.hostname)) return;
  if (carriesCredentials(url, headers, credentialHeaders)) throw new InsecureTransportError(url.protocol, url.hostname);
}

/** Resolves a host name to every address it has (as `dns.lookup(name, { all: true })`). Injectable for tests. */
export type HostResolver = (hostname: string) => Promise<readonly LookupAddress[]>;

/** The system resolver (`dns.promises.lookup` with `all: true`, as `net.connect` resolves). */
export const systemHostResolver: HostResolver = (hostname) => dns.lookup(hostname, { all: true });

/** How {@link resolvePlaintextTarget} decides. */
export interface PlaintextTargetOptions {
  /** Send credentials in plaintext to any host (the caller's explicit opt-out). */
  readonly allowInsecure: boolean;
  /** Names of headers that carry credentials although their names do not say so (an auth provider's extra headers). */
  readonly credentialHeaders?: readonly string[] | undefined;
  /**
   * Whether the connection can be pinned to the resolved addresses: `false` when it goes
   * through a proxy (which resolves the name itself) or an injected dispatcher. A `localhost`
   * name then never counts as loopback.
   */
  readonly canPin: boolean;
  /** Resolves `localhost` names. Default {@link systemHostResolver}. */
  readonly resolveHost?: HostResolver | undefined;
}

/**
 * The plaintext rule of both transports. Credentials (see {@link carriesCredentials}) may go
 * over `http:`/`ws:` only to loopback: a literal loopback address, or a `localhost` /
 * `*.localhost` name whose every resolved address is loopback. In that last case it returns
 * those addresses, and the caller must connect to them and nothing else (so a DNS answer
 * cannot change between this check and the connect); otherwise it returns `undefined`.
 *
 * @throws InsecureTransportError before anything is sent, naming `allowInsecure`.
 * @throws ConnectError when a `localhost` name does not resolve (nothing was sent).
 */
export async function resolvePlaintextTarget(
  url: URL,
  headers: Readonly<Record<string, string>>,
  options: PlaintextTargetOptions,
): Promise<readonly LookupAddress[] | undefined> {
  if (options.allowInsecure) return undefined;
  if (url.protocol !== 'http:' && url.protocol !== 'ws:') return undefined;
  if (isLoopbackAddress(url.hostname)) return undefined;
  if (!carriesCredentials(url, headers, options.credentialHeaders)) return undefined;
  if (!isLocalhostName(url.hostname)) throw new InsecureTransportError(url.protocol, url.hostname);
  if (!options.canPin) throw new InsecureTransportError(url.protocol, url.hostname, 'a localhost name counts as loopback only on a direct connection, not through a proxy or an injected dispatcher');
  const resolve = options.resolveHost ?? systemHostResolver;
  let addresses: readonly LookupAddress[];
  try {
    addresses = await resolve(url.hostname);
  } catch (error) {
    throw new ConnectError(`could not resolve ${url.hostname}`, { cause: error });
  }
  if (addresses.length === 0) throw new ConnectError(`could not resolve ${url.hostname}`);
  if (!addresses.every((entry) => isLoopbackAddress(entry.address))) {
    throw new InsecureTransportError(url.protocol, url.hostname, 'it resolves to an address that is not loopback');
  }
  return addresses;
}

/**
 * A `lookup` for `net.connect` that answers the addresses `pinsFor(hostname)` gives (those the
 * plaintext rule checked), and resolves names without pins normally.
 */
export function pinnedLookup(pinsFor: (hostname: string) => readonly LookupAddress[] | undefined): PinnedLookup {
  return (hostname, options, callback) => {
    const pinned = pinsFor(hostname.toLowerCase());
    if (pinned === undefined || pinned.length === 0) {
      dnsLookupAll(hostname, options, callback);
      return;
    }
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const matching = family === 0 ? pinned : pinned.filter((entry) => entry.family === family);
    const answer = matching.length > 0 ? matching : pinned;
    const [first] = answer;
    if (options.all === true || first === undefined) callback(null, [...answer]);
    else callback(null, first.address, first.family);
  };
}
