// A throw-away certificate authority and a server certificate for 127.0.0.1 / localhost,
// generated fresh in memory for each test file (no private key is ever written to disk).
// `selfsigned` builds the X.509 structures: Node's crypto makes keys but not certificates.
import { generate } from 'selfsigned';

/** A test CA and a server certificate it signed. */
export interface TestCertificates {
  /** The CA certificate (PEM): what a client must trust. */
  readonly ca: string;
  /** Server certificate (PEM) for `localhost`, `127.0.0.1` and `::1`. */
  readonly cert: string;
  /** Its private key (PEM). */
  readonly key: string;
}

/** Generates a CA and a loopback server certificate signed by it (EC P-256: fast to make). */
export async function generateTestCertificates(): Promise<TestCertificates> {
  const ca = await generate([{ name: 'commonName', value: 'Modelwire Test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { ca: ca.cert, cert: server.cert, key: server.private };
}
