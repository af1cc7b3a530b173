import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The certificates and keys of a throwaway control plane, made with openssl in its temp folder. */
export interface Pki {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** An admin client in `system:masters`: every component and the harness use it. */
  readonly adminCert: string;
  readonly adminKey: string;
  /** Service-account token signing key pair. */
  readonly saKey: string;
  readonly saPub: string;
}

const openssl = (dir: string, args: readonly string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

/** A self-signed P-256 certificate valid for two days (a throwaway run's CA, the PostgreSQL stand-in's server). */
export function selfSigned(dir: string, keyFile: string, certFile: string, subject: string): void {
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '2',
    '-subj',
    subject,
  ]);
}

function signed(dir: string, name: string, subject: string, extensions: string): void {
  openssl(dir, [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    subject,
  ]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-out',
    `${name}.crt`,
    '-extfile',
    `${name}.ext`,
  ]);
}

/** The run's PKI; the API server's certificate also names `serviceIp`, the `kubernetes` Service's address pods use. */
/**
 * A server certificate signed by the run's CA (in `dir`, made by makePki) for these DNS names and IPs: what a cluster's
 * CA would sign for an in-cluster service (MinIO's auto-cert). Returns the certificate and key files.
 */
export function serverCertificate(
  dir: string,
  name: string,
  dns: readonly string[],
  ips: readonly string[],
): { cert: string; key: string } {
  const sans = [...dns.map((d) => `DNS:${d}`), ...ips.map((i) => `IP:${i}`)].join(',');
  signed(dir, name, `/CN=${dns[0] ?? name}`, `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
  return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
}

export function makePki(dir: string, serviceIp?: string): Pki {
  selfSigned(dir, 'ca.key', 'ca.crt', '/CN=verify-ca');
  signed(
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    `subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc${serviceIp ? `,IP:${serviceIp}` : ''}\nextendedKeyUsage=serverAuth\n`,
  );
  signed(dir, 'admin', '/O=system:masters/CN=verify-admin', 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
  const at = (f: string) => join(dir, f);
  return {
    ca: at('ca.crt'),
    serverCert: at('apiserver.crt'),
    serverKey: at('apiserver.key'),
    adminCert: at('admin.crt'),
    adminKey: at('admin.key'),
    saKey: at('sa.key'),
    saPub: at('sa.pub'),
  };
}

/** A kubeconfig for the admin client. */
export function kubeconfig(pki: Pki, server: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'verify',
    clusters: [{ name: 'verify', cluster: { server, 'certificate-authority': pki.ca } }],
    users: [{ name: 'admin', user: { 'client-certificate': pki.adminCert, 'client-key': pki.adminKey } }],
    contexts: [{ name: 'verify', context: { cluster: 'verify', user: 'admin' } }],
  });
}
