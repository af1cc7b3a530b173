import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { AUDIT_POLICY, ENCRYPTION_CONFIG } from '../lib/bootstrap/control-plane-hardening';
import { fillSecrets } from '../lib/bootstrap/host-config';
import { KUBEADM_CONFIG, KUBEADM_PATCHES } from '../lib/bootstrap/kubeadm';
import type { Site } from '../lib/site/model';
import { binaryPath, kubernetesComponent, kubernetesRelease } from '../lib/verify/components';
import { selfSigned } from '../lib/verify/pki';
import { freePort } from '../lib/verify/processes';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { userDataText, writtenFile, type UserData } from './support/bootstrap';
import { fakeBootstrapToken, fakeCaCertHash, fakeCertificateKey, fakeEncryptionKey } from './support/fake-secrets';
import { builtBinaries } from './support/tools';
import { TMPFS } from './support/mounts';
import { withSite } from './support/render';

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

/**
 * The scheduler and controller manager as kubeadm itself writes their static Pods from a control plane's cloud-init
 * (`kubeadm init phase control-plane <component> --dry-run`, with the node's patches; `init phase etcd local` for
 * etcd): bound to loopback (CIS 1.3.7, 1.4.2), or on a monitored site to the node's own address with their probes
 * following it, never to every address; etcd's metrics on loopback. kubeadm writes its dry-run manifests under
 * /etc/kubernetes/tmp and reads the patches from /etc/kubernetes/patches: both live on a tmpfs over /etc in a user
 * and mount namespace of their own (no root, nothing left on the host).
 */
const kubeadmOf = (site: Site) => binaryPath(kubernetesComponent(kubernetesRelease(site)), 'kubeadm');

function staticPods(site: Site, node: string): Record<string, any> {
  const ud = load(
    fillSecrets(
      userDataText(site, node),
      {
        KUBEADM_TOKEN: fakeBootstrapToken(),
        KUBEADM_CA_CERT_HASH: fakeCaCertHash(),
        KUBEADM_CERTIFICATE_KEY: fakeCertificateKey(),
        KUBEADM_ENCRYPTION_KEY: fakeEncryptionKey(),
      },
      `${site.name}/${node}`,
    ),
  ) as UserData;
  const at = mkdtempSync(join(dir, `${site.name}-pods-`));
  mkdirSync(join(at, 'patches'));
  mkdirSync(join(at, 'out'));
  writeFileSync(join(at, 'kubeadm.yaml'), writtenFile(ud, KUBEADM_CONFIG));
  for (const f of ud.write_files.filter((w) => w.path.startsWith(`${KUBEADM_PATCHES}/`)))
    writeFileSync(join(at, 'patches', f.path.slice(KUBEADM_PATCHES.length + 1)), f.content);
  const kubeadm = `${kubeadmOf(site)} init phase`;
  const config = `--config ${join(at, 'kubeadm.yaml')} --dry-run`;
  const script = [
    'set -e',
    'mount -t tmpfs none /etc',
    `mkdir -p ${KUBEADM_PATCHES}`,
    `cp -r ${join(at, 'patches')}/. ${KUBEADM_PATCHES}/`,
    `${kubeadm} control-plane controller-manager ${config} >/dev/null`,
    `${kubeadm} control-plane scheduler ${config} >/dev/null`,
    `${kubeadm} etcd local ${config} >/dev/null`,
    `cp /etc/kubernetes/tmp/*/*.yaml ${join(at, 'out')}/`,
  ].join('\n');
  const r = spawnSync('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kubeadm dry-run failed: ${r.stderr}`);
  const pod = (name: string) => load(readFileSync(join(at, 'out', `${name}.yaml`), 'utf8')) as any;
  return Object.fromEntries(['kube-controller-manager', 'kube-scheduler', 'etcd'].map((n) => [n, pod(n)]));
}

/** A flag's value as the component reads it: the last occurrence wins. */
const flag = (pod: any, name: string) =>
  (pod.spec.containers[0].command as string[])
    .filter((a) => a.startsWith(`--${name}=`))
    .pop()
    ?.split('=')[1];
const probeHosts = (pod: any) =>
  [pod.spec.containers[0].livenessProbe, pod.spec.containers[0].startupProbe].map((p) => p.httpGet.host);

describe.each([
  [poc, 'debian-cp', '10.10.10.30'],
  [lab, 'lab-cp1', '10.20.0.10'],
] as const)("the static Pods kubeadm of $name's release writes from its first control plane", (site, node, address) => {
  const { live } = builtBinaries('kubeadm static Pods', [kubeadmOf(site)]);
  test.runIf(live && TMPFS.run)(
    "monitored: scheduler and controller manager on the node's own address (probes too), no profiling; etcd metrics on loopback",
    () => {
      TMPFS.require();
      const pods = staticPods(site, node);
      for (const c of ['kube-controller-manager', 'kube-scheduler']) {
        expect(flag(pods[c], 'bind-address'), c).toBe(address);
        expect(probeHosts(pods[c]), c).toEqual([address, address]);
        expect(flag(pods[c], 'profiling'), c).toBe('false');
      }
      expect(flag(pods.etcd, 'listen-metrics-urls')).toBe('http://127.0.0.1:2381');
    },
  );
  test.runIf(live && TMPFS.run)('unmonitored: both on loopback, probes on loopback (CIS 1.3.7, 1.4.2)', () => {
    TMPFS.require();
    const pods = staticPods(
      withSite(site, (s) => delete s.monitoring),
      node,
    );
    for (const c of ['kube-controller-manager', 'kube-scheduler']) {
      expect(flag(pods[c], 'bind-address'), c).toBe('127.0.0.1');
      expect(probeHosts(pods[c]), c).toEqual(['127.0.0.1', '127.0.0.1']);
    }
  });
});
