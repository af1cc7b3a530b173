import type { Site } from './model';
import { catalogOf } from './catalog';
import type { VersionKey } from './trains/train';
import { cidrContains, ipToNumber, isIPv4, parseCidr, parseEndpoint } from './network';
import type { SiteIssue } from './issues';

/**
 * Values the tools downstream refuse although the schema takes any string: a version override that is not a tag of
 * its project's scheme (the image or package would not exist, and the pull fails on every node long after the merge),
 * a per-cluster Spilo image outside Spilo's naming, and a control-plane virtual IP outside the nodes' network (kube-vip
 * answers ARP for it on the control planes' interface: an address of another network is never reached).
 */

/** Each project's tag scheme, as its releases name them (the trains' pins follow them). */
const TAG_SCHEMES: Partial<
  Record<VersionKey, { readonly pattern: RegExp; readonly example: string; readonly source: string }>
> = {
  // zalando/spilo tags: 3.0-p1, 4.1-p2 (<x.y>-p<n>); the image name carries the PostgreSQL major: spilo-15
  spilo: { pattern: /^\d+\.\d+-p\d+$/, example: '4.1-p2', source: 'zalando/spilo release tags, <x.y>-p<n>' },
  spiloMajor: { pattern: /^\d+$/, example: '18', source: 'zalando/spilo images spilo-<PostgreSQL major>' },
  postgresOperator: {
    pattern: /^v\d+\.\d+\.\d+$/,
    example: 'v2.0.1',
    source: 'zalando/postgres-operator tags, vX.Y.Z',
  },
  rook: { pattern: /^v\d+\.\d+\.\d+$/, example: 'v1.20.6', source: 'rook/rook tags, vX.Y.Z' },
  ceph: { pattern: /^v\d+\.\d+\.\d+(-\d+)?$/, example: 'v20.2.4', source: 'quay.io/ceph/ceph tags, vX.Y.Z' },
  certManager: { pattern: /^v\d+\.\d+\.\d+$/, example: 'v1.21.1', source: 'cert-manager/cert-manager tags, vX.Y.Z' },
  kubePrometheus: {
    pattern: /^v\d+\.\d+\.\d+$/,
    example: 'v0.18.0',
    source: 'prometheus-operator/kube-prometheus tags',
  },
  metallb: { pattern: /^v\d+\.\d+\.\d+$/, example: 'v0.16.1', source: 'metallb/metallb tags, vX.Y.Z' },
  kubeVip: { pattern: /^v\d+\.\d+\.\d+$/, example: 'v1.2.3', source: 'kube-vip/kube-vip tags, vX.Y.Z' },
  postgresExporter: {
    pattern: /^v\d+\.\d+\.\d+$/,
    example: 'v0.20.1',
    source: 'prometheus-community/postgres_exporter tags',
  },
  argocd: { pattern: /^v\d+\.\d+\.\d+$/, example: 'v3.5.1', source: 'argoproj/argo-cd tags, vX.Y.Z' },
  flannel: { pattern: /^v\d+\.\d+\.\d+$/, example: 'v0.28.9', source: 'flannel-io/flannel tags, vX.Y.Z' },
  minio: {
    pattern: /^RELEASE\.\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/,
    example: 'RELEASE.2025-04-08T15-41-24Z',
    source: 'minio/minio tags',
  },
  containerdPackage: {
    pattern: /^\d+\.\d+\.\d+-\d+$/,
    example: '2.3.2-1',
    source: "Docker's containerd.io Debian package revisions",
  },
};

/** A Spilo image: `<registry>/spilo-<major>:<x.y>-p<n>`. */
const SPILO_IMAGE = /\/spilo-(\d+):(\d+\.\d+-p\d+)$/;

export function upstreamFormatIssues(site: Site): SiteIssue[] {
  const issues: SiteIssue[] = [];
  const { train } = catalogOf(site);
  for (const [key, value] of Object.entries(site.versions ?? {}) as [VersionKey, string | undefined][]) {
    const scheme = TAG_SCHEMES[key];
    if (value === undefined || !scheme || scheme.pattern.test(value)) continue;
    issues.push({
      path: `versions.${key}`,
      message: `'${value}' is not a ${key} tag (${scheme.source}, e.g. '${scheme.example}'; the train pins '${String(train.versions[key])}'): no such image or package exists, every pull would fail`,
    });
  }
  site.postgres.clusters.forEach((c, i) => {
    if (c.dockerImage === undefined || !/spilo/.test(c.dockerImage) || SPILO_IMAGE.test(c.dockerImage)) return;
    issues.push({
      path: `postgres.clusters[${i}].dockerImage`,
      message: `'${c.dockerImage}' is not a Spilo image name: Spilo publishes <registry>/spilo-<PostgreSQL major>:<x.y>-p<n>, e.g. 'ghcr.io/zalando/spilo-${c.version}:4.1-p2'`,
    });
  });
  issues.push(...virtualIpIssues(site));
  return issues;
}

/** A virtual IP (no node's address) must lie in the nodes' network, when the site declares it (loadBalancers.network). */
function virtualIpIssues(site: Site): SiteIssue[] {
  const host = parseEndpoint(site.kubernetes.controlPlaneEndpoint)?.host;
  const net = site.loadBalancers ? parseCidr(site.loadBalancers.network) : undefined;
  if (!host || !isIPv4(host) || !net || site.nodes.some((n) => n.address === host)) return [];
  if (cidrContains(net, ipToNumber(host))) return [];
  return [
    {
      path: 'kubernetes.controlPlaneEndpoint',
      message: `virtual IP ${host} is outside the nodes' network ${site.loadBalancers!.network}: kube-vip announces it by ARP on the control planes' interface, where no client of another network reaches it; pick a free address of ${site.loadBalancers!.network}`,
    },
  ];
}
