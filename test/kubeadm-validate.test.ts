import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, describe, expect, test } from 'vitest';
import { fillSecrets } from '../lib/bootstrap/host-config';
import { KUBEADM_CONFIG } from '../lib/bootstrap/kubeadm';
import type { Site } from '../lib/site/model';
import { SITES } from '../lib/site-files';
import { binaryPath, kubernetesComponent, kubernetesRelease } from '../lib/verify/components';
import { minorNumber } from '../lib/core/versions';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { userDataText, writtenFile, type UserData } from './support/bootstrap';
import { builtBinaries } from './support/tools';
import { fakeBootstrapToken, fakeCaCertHash, fakeCertificateKey, fakeEncryptionKey } from './support/fake-secrets';

/**
 * The real kubeadm is the referee of the kubeadm config each node's cloud-init writes: the kubeadm of
 * the site's Kubernetes release (the one npm run verify builds, `npm run verify -- --build` puts
 * `kubeadm` beside kube-apiserver in .build/tools/kubernetes-v<release>/). The committed files hold
 * the secrets as placeholders: each is checked as it boots, filled by the deploy-time step
 * (`npm run host-config`, fillSecrets) with throwaway values of the right shape.
 *
 * kubeadm 1.28 and later: `kubeadm config validate --config` (strict: an unknown field fails).
 * 1.26 and 1.27 have no `config validate` (cmd/kubeadm/app/cmd/config.go at v1.26.2/v1.27.3):
 * `kubeadm config migrate` reads, defaults and validates the same documents (initconfiguration.go
 * documentMapToInitConfiguration: ValidateInitConfiguration; joinconfiguration.go likewise), but only
 * warns on an unknown field; either way a warning fails here, as does the deprecation warning of an
 * old API version.
 */
const secrets = {
  KUBEADM_TOKEN: fakeBootstrapToken(),
  KUBEADM_CA_CERT_HASH: fakeCaCertHash(),
  KUBEADM_CERTIFICATE_KEY: fakeCertificateKey(),
  KUBEADM_ENCRYPTION_KEY: fakeEncryptionKey(),
};
const kubeadmOf = (site: Site): string => binaryPath(kubernetesComponent(kubernetesRelease(site)), 'kubeadm');
const { live, missing } = builtBinaries('kubeadm config validation', SITES.map(kubeadmOf));

const dir = mkdtempSync(join(tmpdir(), 'kubeadm-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether the site's kubeadm has `config validate` (1.28 and later). */
const hasValidate = (site: Site): boolean => minorNumber(site.kubernetes.version) >= minorNumber('1.28');

/**
 * What the site's kubeadm says of a node's kubeadm config as it boots (secrets filled), `change`d
 * first for the tests that must see it fail.
 */
function validate(
  site: Site,
  node: string,
  change: (config: string) => string = (c) => c,
): { status: number | null; stdout: string; stderr: string } {
  const filled = fillSecrets(userDataText(site, node), secrets, `${site.name}/${node}`);
  const file = join(dir, `${site.name}-${node}.yaml`);
  writeFileSync(file, change(writtenFile(load(filled) as UserData, KUBEADM_CONFIG)));
  const kubeadm = kubeadmOf(site);
  if (!existsSync(kubeadm)) throw new Error(`${kubeadm} is not built: run npm run verify -- --build`);
  const args = hasValidate(site)
    ? ['config', 'validate', '--config', file]
    : ['config', 'migrate', '--old-config', file, '--new-config', `${file}.migrated`];
  const out = spawnSync(kubeadm, args, { encoding: 'utf8', timeout: 30_000 });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

const nodes = SITES.flatMap((site) => site.nodes.map((n) => [`${site.name}/${n.name}`, site, n.name] as const));

describe.runIf(live)(
  "the site's own kubeadm accepts every node's kubeadm config, secrets filled as at boot, without a warning",
  () => {
    test.each(nodes)('%s', (_id, site, node) => {
      expect(validate(site, node)).toEqual({ status: 0, stdout: expect.any(String), stderr: '' });
    });
    test('the examples cover both API versions and both commands: poc on 1.26 (v1beta3, migrate), lab on 1.36 (v1beta4, validate)', () => {
      expect(validate(lab, 'lab-cp1').stdout).toBe('ok\n');
      expect(validate(poc, 'debian-cp').status).toBe(0);
      expect(readFileSync(join(dir, 'poc-debian-cp.yaml.migrated'), 'utf8')).toMatch(
        /^apiVersion: kubeadm\.k8s\.io\/v1beta3$/m,
      );
    });
    test('fails on what kubeadm refuses or warns about: v1beta3 on 1.36 (deprecated), an unknown field on 1.26 (a warning there), an invalid subnet', () => {
      expect(
        validate(lab, 'lab-ceph1', (c) => c.replaceAll('kubeadm.k8s.io/v1beta4', 'kubeadm.k8s.io/v1beta3')).stderr,
      ).toMatch(/deprecated API spec: "kubeadm.k8s.io\/v1beta3"/);
      expect(validate(poc, 'dnumworker1', (c) => c.replace('criSocket', 'criSockit')).stderr).toMatch(
        /strict decoding error: unknown field "nodeRegistration.criSockit"/,
      );
      expect(
        validate(poc, 'debian-cp', (c) => c.replace('podSubnet: 10.244.0.0/16', 'podSubnet: 10.244.0.0/33')).stderr,
      ).toMatch(/networking\.podSubnet: Invalid value/);
    });
  },
);
if (!live) {
  describe("the site's own kubeadm accepts every node's kubeadm config", () => {
    test.skip(`SKIPPED (not built: ${missing.join(', ')}; run npm run verify -- --build)`, () => undefined);
  });
}
