import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import type { Environment } from './network-policy.js';

/** PEM certificates as accepted by the `ca` options: one PEM text (possibly a bundle), bytes, or a list of them. */
export type CertificateInput = string | Uint8Array | readonly (string | Uint8Array)[];

/**
 * The certificate list to pass as `ca` to TLS when the caller added certificates: Node's
 * default trust store (the bundled roots, the system store under `--use-system-ca`, and the
 * file named by `NODE_EXTRA_CA_CERTS`) followed by the extra ones. Node replaces its default
 * store with whatever `ca` holds, so the extra certificates must come with the defaults or
 * every public host would stop verifying.
 *
 * `undefined` when nothing was added: TLS then uses Node's default store untouched.
 */
export function trustedCertificates(extra: CertificateInput | undefined, environment: Environment): readonly string[] | undefined {
  if (extra === undefined) return undefined;
  const added = (Array.isArray(extra) ? (extra as readonly (string | Uint8Array)[]) : [extra as string | Uint8Array]).map((certificate) =>
    typeof certificate === 'string' ? certificate : Buffer.from(certificate).toString('utf8'),
  );
  if (added.length === 0) return undefined;
  return [...defaultCertificates(environment), ...added];
}

/** Node's default CA list; before Node 22.15 (no `tls.getCACertificates`), the bundled roots plus `NODE_EXTRA_CA_CERTS`. */
function defaultCertificates(environment: Environment): readonly string[] {
  const getCACertificates = (tls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates;
  if (getCACertificates !== undefined) return getCACertificates('default');
  const roots = [...tls.rootCertificates];
  const extraFile = environment['NODE_EXTRA_CA_CERTS'];
  if (extraFile !== undefined && extraFile !== '') {
    try {
      roots.push(readFileSync(extraFile, 'utf8'));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS; so do we (by ignoring it).
    }
  }
  return roots;
}
