import { describe, expect, test } from 'vitest';
import { validateSite } from '../lib/components/validate';
import { installPackagesStep } from '../lib/bootstrap/packages';
import { catalogOf } from '../lib/site/catalog';
import { TRAINS } from '../lib/site/trains';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { withSite } from './support/render';

/** poc on its own patch release 1.26.5, with the Debian version `packageVersion` (none: the train's pins). */
const patched = (packageVersion?: string, version = '1.26.5') =>
  withSite(poc, (s) => {
    s.kubernetes.version = version;
    if (packageVersion !== undefined) s.kubernetes.packageVersion = packageVersion;
  });

/** The issues of a site under `kubernetes.`, as `path: message`. */
const kubernetesIssues = (site: typeof poc) =>
  validateSite(site)
    .filter((i) => i.path.startsWith('kubernetes.'))
    .map((i) => `${i.path}: ${i.message}`);

describe("a site's own Kubernetes patch release (kubernetes.packageVersion)", () => {
  test('is installed on every node of that site only; the shared train is not edited', () => {
    const site = patched('1.26.5-1.1');
    expect(kubernetesIssues(site)).toEqual([]);
    for (const node of site.nodes)
      expect(installPackagesStep(site, node).script).toContain(
        'kubelet=1.26.5-1.1 kubeadm=1.26.5-1.1 kubectl=1.26.5-1.1',
      );
    expect(TRAINS['runbook-2023'].versions.kubernetesPackages['1.26.5']).toBeUndefined();
    expect(catalogOf(lab).versions.kubernetesPackages['1.26.5']).toBeUndefined();
  });

  test('without it, a release the train pins no packages for is refused with both fixes', () => {
    expect(kubernetesIssues(patched())).toEqual([
      expect.stringMatching(
        /^kubernetes\.version: Kubernetes 1\.26\.5 has no pinned Debian packages on train runbook-2023 .*: set kubernetes\.packageVersion: '1\.26\.5-1\.1' \(this site only\), or add '1\.26\.5': '1\.26\.5-1\.1' to kubernetesPackages in lib\/site\/trains\/runbook-2023\.ts \(every site of the train\)/,
      ),
    ]);
  });

  test("apt.kubernetes.io's retired '-00' revision scheme is refused", () => {
    expect(kubernetesIssues(patched('1.26.5-00'))).toEqual([
      "kubernetes.packageVersion: '1.26.5-00' is a revision of apt.kubernetes.io, a repository that is gone; the nodes install from pkgs.k8s.io, whose revisions are '<release>-<n>.<m>': write '1.26.5-1.1' (check it with 'apt-cache madison kubeadm')",
    ]);
  });

  test('a package of another release than kubernetes.version is refused', () => {
    expect(kubernetesIssues(patched('1.26.4-1.1'))).toEqual([
      "kubernetes.packageVersion: '1.26.4-1.1' installs Kubernetes 1.26.4, not the site's kubernetes.version 1.26.5: write '1.26.5-1.1' (check it with 'apt-cache madison kubeadm'), or set kubernetes.version to 1.26.4",
    ]);
  });

  test('a value outside the scheme is refused', () => {
    expect(kubernetesIssues(patched('v1.26.5'))).toEqual([
      "kubernetes.packageVersion: 'v1.26.5' is not a pkgs.k8s.io package version (<release>-<n>.<m>): write '1.26.5-1.1' (check it with 'apt-cache madison kubeadm')",
    ]);
  });

  test("a patch of a minor the site's train does not serve is refused", () => {
    expect(kubernetesIssues(patched('1.28.4-1.1', '1.28.4'))).toContain(
      'kubernetes.version: Kubernetes 1.28 has no pinned schemas on train runbook-2023: use one of 1.26, 1.27 or pin its schema in lib/site/trains/runbook-2023.ts',
    );
  });
});
