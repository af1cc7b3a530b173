import type { Site } from './model';
import type { SiteIssue } from './issues';

/**
 * pkgs.k8s.io's Debian versions of kubelet, kubeadm and kubectl: the Kubernetes release, then the
 * package revision of its build service (`1.26.5-1.1`). apt.kubernetes.io's `-00` revisions are gone
 * with that repository (frozen on 2023-09-13, kubernetes/website:content/en/blog/_posts/2023-08-31-legacy-package-repository-deprecation).
 */
const REVISION = /^(\d+\.\d+\.\d+)-(\d+\.\d+|00)$/;

/** The Debian version a site gives for its own patch release, checked against pkgs.k8s.io's scheme and the release. */
export function validatePackageVersion(site: Site): SiteIssue[] {
  const { version, packageVersion } = site.kubernetes;
  if (packageVersion === undefined) return [];
  const path = 'kubernetes.packageVersion';
  const fix = `write '${version}-1.1' (check it with 'apt-cache madison kubeadm')`;
  const m = REVISION.exec(packageVersion);
  if (!m)
    return [{ path, message: `'${packageVersion}' is not a pkgs.k8s.io package version (<release>-<n>.<m>): ${fix}` }];
  if (m[2] === '00')
    return [
      {
        path,
        message: `'${packageVersion}' is a revision of apt.kubernetes.io, a repository that is gone; the nodes install from pkgs.k8s.io, whose revisions are '<release>-<n>.<m>': ${fix}`,
      },
    ];
  if (m[1] !== version)
    return [
      {
        path,
        message: `'${packageVersion}' installs Kubernetes ${m[1]}, not the site's kubernetes.version ${version}: ${fix}, or set kubernetes.version to ${m[1]}`,
      },
    ];
  return [];
}
