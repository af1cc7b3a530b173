import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { AUDIT_POLICY, ENCRYPTION_CONFIG } from '../lib/bootstrap/control-plane-hardening';
import { fillSecrets } from '../lib/bootstrap/host-config';
import type { Site } from '../lib/site/model';
import { binaryPath, kubernetesComponent, kubernetesRelease } from '../lib/verify/components';
import { selfSigned } from '../lib/verify/pki';
import { freePort } from '../lib/verify/processes';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { userDataText, writtenFile, type UserData } from './support/bootstrap';
import { fakeBootstrapToken, fakeCertificateKey, fakeEncryptionKey } from './support/fake-secrets';
import { builtBinaries } from './support/tools';

/**
 * The real kube-apiserver of each train reads the encryption configuration and the audit policy that
 * every control plane's cloud-init writes (key filled as host-config fills it). It loads both before it
 * reaches etcd: a file it refuses stops it within a second with the reason; ours keep it running (here,
 * waiting for an etcd that does not exist). What this does not prove: Secrets actually stored encrypted
 * (that needs etcd and the API server's storage, as npm run verify runs them).
 */
const sites: readonly Site[] = [poc, lab];
const apiServerOf = (site: Site) => binaryPath(kubernetesComponent(kubernetesRelease(site)), 'kube-apiserver');
const { live } = builtBinaries('control plane hardening', sites.map(apiServerOf));
const dir = mkdtempSync(join(tmpdir(), 'cp-hardening-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the API server with the files; resolves with its exit code, or 'running' after `seconds`. */
async function apiServer(site: Site, files: { encryption: string; audit: string }, seconds: number) {
  const port = await freePort();
  const at = mkdtempSync(join(dir, `${site.name}-`));
  selfSigned(at, 'sa.key', 'sa.crt', '/CN=sa');
  writeFileSync(join(at, 'enc.yaml'), files.encryption);
  writeFileSync(join(at, 'audit.yaml'), files.audit);
  const child = spawn(
    apiServerOf(site),
    [
      '--etcd-servers=http://127.0.0.1:1',
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(at, 'certs')}`,
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(at, 'sa.crt')}`,
      `--service-account-signing-key-file=${join(at, 'sa.key')}`,
      `--encryption-provider-config=${join(at, 'enc.yaml')}`,
      `--audit-policy-file=${join(at, 'audit.yaml')}`,
      `--audit-log-path=${join(at, 'audit.log')}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: false },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise<{ result: number | 'running'; stderr: string }>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ result: 'running', stderr });
    }, seconds * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ result: code ?? -1, stderr });
    });
  });
}

function renderedFiles(site: Site) {
  const cp = site.nodes.find((n) => n.roles.includes('control-plane'))!.name;
  const filled = fillSecrets(
    userDataText(site, cp),
    {
      KUBEADM_TOKEN: fakeBootstrapToken(),
      KUBEADM_CERTIFICATE_KEY: fakeCertificateKey(),
      KUBEADM_ENCRYPTION_KEY: fakeEncryptionKey(),
    },
    cp,
  );
  const ud = load(filled) as UserData;
  return { encryption: writtenFile(ud, ENCRYPTION_CONFIG), audit: writtenFile(ud, AUDIT_POLICY) };
}

describe.skipIf(!live).each(sites)("the real kube-apiserver of $name's release", (site) => {
  test('accepts the encryption configuration and the audit policy the control planes write', async () => {
    const { result, stderr } = await apiServer(site, renderedFiles(site), 6);
    expect(stderr).not.toMatch(/encryption|audit/i);
    expect(result).toBe('running');
  }, 30_000);
  test('fails at once on an encryption configuration it cannot read (so the test above can fail)', async () => {
    const files = renderedFiles(site);
    const { result, stderr } = await apiServer(
      site,
      { ...files, encryption: files.encryption.replace('secretbox', 'secretbax') },
      6,
    );
    expect(result).not.toBe('running');
    // 1.26: 'provider does not contain any of the expected providers'; 1.36 decodes strictly: 'unknown field'
    expect(stderr).toMatch(/error while parsing file: .*(expected providers|unknown field .*secretbax)/);
  }, 30_000);
});
