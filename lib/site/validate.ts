import type { SiteIssue } from './issues';
import { type PostgresClusterSpec, type Site, type SiteNode } from './model';
import { cidrContains, cidrsOverlap, ipToNumber, isIPv4, parseCidr, parseEndpoint, type Cidr } from './network';
import { quantityIssues, resourcesIssues } from './quantity-issues';
import { nodesWithRole, roleLabel } from './roles';
import { catalogOf } from './catalog';
import { validateCompatibility } from './compatibility';
import { resolveSite } from './resolve';
import { validateMirrors } from './mirrors';
import {
  clusterNameIssues,
  databaseNameIssues,
  dnsLabelIssues,
  isDnsSubdomain,
  namespaceIssues,
  providedClassIssues,
  userNameIssues,
} from './names';
import { minorNumber, minorOf } from '../core/versions';
import { upstreamFormatIssues } from './upstream-formats';
import { storageCapacityIssues } from './storage-capacity';

/**
 * What postgres-operator v1.9.0 parses (pkg/apis/acid.zalan.do/v1/marshal.go): a weekday on the start only. Its CRD's
 * pattern
 * also admits `Sun:01:00-Sun:04:00`, which the API server accepts and the operator then cannot read: it ignores the
 * whole cluster.
 */
const MAINTENANCE_WINDOW = /^((Mon|Tue|Wed|Thu|Fri|Sat|Sun):)?([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;

/** `1.26.2` → [1, 26, 2]; undefined when not `major.minor.patch`. */
function parseVersion(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** StorageClasses a Postgres cluster may use on this site. */
export function providedStorageClasses(site: Site): string[] {
  const { ceph } = resolveSite(site);
  return [...(ceph ? [ceph.blockStorageClass] : []), ...(site.externalStorageClasses ?? [])];
}

function dnsLabel(issues: SiteIssue[], path: string, value: string, what: string): void {
  issues.push(...dnsLabelIssues(path, value, what));
}

function quantity(issues: SiteIssue[], path: string, value: string): void {
  issues.push(...quantityIssues(path, value));
}

function validateKubernetes(site: Site, issues: SiteIssue[]): { pod?: Cidr; svc?: Cidr } {
  const k = site.kubernetes;
  const v = parseVersion(k.version);
  const { train, versions } = catalogOf(site);
  const supported = versions.kubernetesSchemas.map(minorOf);
  if (!v)
    issues.push({
      path: 'kubernetes.version',
      message: `'${k.version}' is not a version: write major.minor.patch, e.g. '1.26.2'`,
    });
  else if (!supported.includes(`${v[0]}.${v[1]}`)) {
    issues.push({
      path: 'kubernetes.version',
      message: `Kubernetes ${v[0]}.${v[1]} has no pinned schemas on train ${train.name}: use one of ${supported.join(', ')} or pin its schema in lib/site/trains/${train.name}.ts`,
    });
  }
  if (!parseEndpoint(k.controlPlaneEndpoint)) {
    issues.push({
      path: 'kubernetes.controlPlaneEndpoint',
      message: `'${k.controlPlaneEndpoint}' is not host[:port]: use an IPv4 address or DNS name, e.g. '10.10.10.30' or '10.10.10.30:6443'`,
    });
  }
  const pod = parseCidr(k.podSubnet);
  if (!pod)
    issues.push({
      path: 'kubernetes.podSubnet',
      message: `'${k.podSubnet}' is not an IPv4 CIDR with zero host bits, e.g. '10.244.0.0/16'`,
    });
  const svcValue = resolveSite(site).serviceSubnet;
  const svc = parseCidr(svcValue);
  if (!svc)
    issues.push({
      path: 'kubernetes.serviceSubnet',
      message: `'${svcValue}' is not an IPv4 CIDR with zero host bits, e.g. '10.96.0.0/12'`,
    });
  if (pod && svc && cidrsOverlap(pod, svc)) {
    issues.push({
      path: 'kubernetes.serviceSubnet',
      message: `service subnet ${svcValue} overlaps the pod subnet ${k.podSubnet}: choose disjoint ranges`,
    });
  }
  return { pod, svc };
}

/**
 * The API server endpoint nodes join: with one control plane, its address (or a DNS name for
 * it); with several, a load-balanced address (a VIP or a DNS name) that is not any node's, since
 * an endpoint that is one node's address dies with that node.
 */
function endpointIssues(site: Site, controlPlanes: readonly SiteNode[]): SiteIssue[] {
  const endpoint = parseEndpoint(site.kubernetes.controlPlaneEndpoint);
  if (!endpoint || !isIPv4(endpoint.host) || controlPlanes.length === 0) return []; // a DNS name cannot be checked offline
  const path = 'kubernetes.controlPlaneEndpoint';
  const owner = site.nodes.find((n) => n.address === endpoint.host);
  if (controlPlanes.length === 1) {
    const cp = controlPlanes[0];
    if (endpoint.host === cp.address) return [];
    return [
      {
        path,
        message: `${endpoint.host} is not the address of the control plane '${cp.name}' (${cp.address})${owner ? `, it is '${owner.name}''s` : ''}: kubeadm join would reach no API server; use ${cp.address}:${endpoint.port}`,
      },
    ];
  }
  if (!owner) return [];
  return [
    {
      path,
      message: `${endpoint.host} is the address of node '${owner.name}': with ${controlPlanes.length} control planes the endpoint must be a load-balanced address (a VIP or a DNS name in front of ${controlPlanes.map((n) => n.name).join(', ')}), or the cluster is down when that node is`,
    },
  ];
}

function validateNode(
  site: Site,
  node: SiteNode,
  i: number,
  issues: SiteIssue[],
  nets: { pod?: Cidr; svc?: Cidr },
): void {
  const p = `nodes[${i}]`;
  dnsLabel(issues, `${p}.name`, node.name, 'node name');
  if (!isIPv4(node.address))
    issues.push({ path: `${p}.address`, message: `'${node.address}' is not an IPv4 address, e.g. '10.10.10.31'` });
  else {
    for (const [net, field] of [
      [nets.pod, 'podSubnet'],
      [nets.svc, 'serviceSubnet'],
    ] as const) {
      if (net && cidrContains(net, ipToNumber(node.address))) {
        issues.push({
          path: `${p}.address`,
          message: `${node.address} lies inside kubernetes.${field}: node and cluster networks must not overlap`,
        });
      }
    }
  }
  node.roles.forEach((role, r) => {
    if (node.roles.indexOf(role) !== r)
      issues.push({ path: `${p}.roles[${r}]`, message: `role '${role}' is listed twice` });
  });
  if (node.roles.includes('storage') && node.roles.includes('s3')) {
    issues.push({
      path: `${p}.roles`,
      message: `roles 'storage' and 's3' both set the node label '${roleLabel('storage').key}' (${roleLabel('storage').value} vs ${roleLabel('s3').value}): give each node only one of them`,
    });
  }
  if (!Number.isInteger(node.cpu) || node.cpu < 1)
    issues.push({ path: `${p}.cpu`, message: `${node.cpu} is not a whole number of cores >= 1` });
  quantity(issues, `${p}.memory`, node.memory);
  const devices = new Set<string>();
  (node.disks ?? []).forEach((disk, d) => {
    if (!/^\/dev\/[A-Za-z0-9._/:-]+$/.test(disk.device))
      issues.push({
        path: `${p}.disks[${d}].device`,
        message: `'${disk.device}' is not a device path: use '/dev/vdb' or '/dev/disk/by-id/...'`,
      });
    if (devices.has(disk.device))
      issues.push({
        path: `${p}.disks[${d}].device`,
        message: `device '${disk.device}' is listed twice on node '${node.name}'`,
      });
    devices.add(disk.device);
    quantity(issues, `${p}.disks[${d}].size`, disk.size);
  });
  if (node.kubeletVersion !== undefined) {
    const kv = parseVersion(node.kubeletVersion);
    const cp = parseVersion(site.kubernetes.version);
    if (!kv)
      issues.push({
        path: `${p}.kubeletVersion`,
        message: `'${node.kubeletVersion}' is not a version: write major.minor.patch`,
      });
    else if (
      cp &&
      (kv[0] > cp[0] || (kv[0] === cp[0] && kv[1] > cp[1]) || (kv[0] === cp[0] && kv[1] === cp[1] && kv[2] > cp[2]))
    ) {
      issues.push({
        path: `${p}.kubeletVersion`,
        message: `kubelet ${node.kubeletVersion} is newer than the control plane ${site.kubernetes.version}; the kubelet must never be newer than the API server: upgrade the control plane first or pin ${site.kubernetes.version}`,
      });
    } else if (cp && kv[0] === cp[0] && cp[1] - kv[1] > 2) {
      issues.push({
        path: `${p}.kubeletVersion`,
        message: `kubelet ${node.kubeletVersion} is more than two minors older than the control plane ${site.kubernetes.version}: upgrade the node first`,
      });
    }
  }
}

/**
 * One cluster's own fields (postgres.clusters[i]): names, instances against the postgres nodes, volume, users, windows.
 */
export function validatePostgresCluster(site: Site, pg: PostgresClusterSpec, i: number, issues: SiteIssue[]): void {
  const p = `postgres.clusters[${i}]`;
  dnsLabel(issues, `${p}.teamId`, pg.teamId, 'team id');
  issues.push(...clusterNameIssues(`${p}.name`, pg.name, pg.teamId));
  if (pg.namespace !== undefined) issues.push(...namespaceIssues(`${p}.namespace`, pg.namespace));
  const eligible = nodesWithRole(site, 'postgres').length;
  if (!Number.isInteger(pg.numberOfInstances) || pg.numberOfInstances < 1) {
    issues.push({ path: `${p}.numberOfInstances`, message: `${pg.numberOfInstances} is not a whole number >= 1` });
  } else if (pg.numberOfInstances > eligible) {
    issues.push({
      path: `${p}.numberOfInstances`,
      message: `${pg.numberOfInstances} instances need as many nodes with role 'postgres' (label ${roleLabel('postgres').key}=${roleLabel('postgres').value}), the site has ${eligible}: add nodes or lower numberOfInstances`,
    });
  }
  quantity(issues, `${p}.volume.size`, pg.volume.size);
  const classes = providedStorageClasses(site);
  issues.push(
    ...providedClassIssues(
      `${p}.volume.storageClass`,
      pg.volume.storageClass,
      classes,
      "enable Ceph for 'rook-ceph-block' or list it in externalStorageClasses",
    ),
  );
  for (const user of Object.keys(pg.users ?? {})) issues.push(...userNameIssues(`${p}.users.${user}`, user));
  for (const [db, owner] of Object.entries(pg.databases ?? {})) {
    issues.push(...databaseNameIssues(`${p}.databases.${db}`, db));
    if (!(owner in (pg.users ?? {})))
      issues.push({
        path: `${p}.databases.${db}`,
        message: `owner '${owner}' is not in users: declare it in users or pick a declared owner`,
      });
  }
  if (pg.resources) issues.push(...resourcesIssues(`${p}.resources`, pg.resources));
  const sc = pg.securityContext;
  if (sc && (sc.runAsUser === 0 || sc.runAsGroup === 0)) {
    issues.push({
      path: `${p}.securityContext`,
      message: "Spilo must not run as root (uid/gid 0): use the image's postgres user, 101/103",
    });
  }
  (pg.maintenanceWindows ?? []).forEach((w, m) => {
    if (!MAINTENANCE_WINDOW.test(w))
      issues.push({
        path: `${p}.maintenanceWindows[${m}]`,
        message: `'${w}' is not a window the operator reads: write 'HH:MM-HH:MM' or 'Sat:00:00-04:00' (UTC; a weekday on the start only)`,
      });
  });
}

/**
 * The rules across the whole site (names, Kubernetes networks, nodes, control planes, storage
 * classes, mirrors, version compatibility), on a well-formed site; each component adds its own
 * (lib/components/validate.ts runs them all).
 */
export function siteRules(site: Site): SiteIssue[] {
  const issues: SiteIssue[] = [];
  dnsLabel(issues, 'name', site.name, 'site name');
  const nets = validateKubernetes(site, issues);
  if (!/^(https:\/\/|ssh:\/\/|git@)\S+$/.test(site.gitops.repoURL)) {
    issues.push({
      path: 'gitops.repoURL',
      message: `'${site.gitops.repoURL}' is not a Git URL ArgoCD can clone: use https://…, ssh://… or git@host:org/repo.git`,
    });
  }
  if (!/^[A-Za-z0-9._/-]+$/.test(site.gitops.targetRevision)) {
    issues.push({
      path: 'gitops.targetRevision',
      message: `'${site.gitops.targetRevision}' is not a branch or tag name, e.g. 'poc-argocd'`,
    });
  }
  if (
    site.gitops.signedCommits?.mode === 'strict' &&
    minorNumber(catalogOf(site).versions.argocd) < minorNumber('3.5')
  ) {
    issues.push({
      path: 'gitops.signedCommits.mode',
      message: `'strict' needs ArgoCD 3.5's sourceIntegrity; ArgoCD ${catalogOf(site).versions.argocd} of train '${catalogOf(site).train.name}' verifies the tracked commit only: drop mode (it is 'head' there) or move the site to the 'current' train`,
    });
  }
  const names = site.nodes.map((n) => n.name);
  const addresses = site.nodes.map((n) => n.address);
  site.nodes.forEach((node, i) => {
    if (names.indexOf(node.name) !== i)
      issues.push({
        path: `nodes[${i}].name`,
        message: `duplicate node name '${node.name}' (also nodes[${names.indexOf(node.name)}]): names must be unique`,
      });
    if (addresses.indexOf(node.address) !== i)
      issues.push({
        path: `nodes[${i}].address`,
        message: `address ${node.address} is already used by '${site.nodes[addresses.indexOf(node.address)].name}': give each node its own address`,
      });
    validateNode(site, node, i, issues, nets);
  });
  const controlPlanes = nodesWithRole(site, 'control-plane');
  if (controlPlanes.length === 0) {
    issues.push({
      path: 'nodes',
      message: "no node has role 'control-plane': kubeadm needs one to initialise the cluster",
    });
  } else if (controlPlanes.length % 2 === 0) {
    issues.push({
      path: 'nodes',
      message: `${controlPlanes.length} control-plane nodes run ${controlPlanes.length} stacked etcd members, which lose quorum when ${controlPlanes.length / 2} fail(s) (etcd: "An etcd cluster needs a majority of nodes, a quorum, to agree on updates"; for n members the quorum is n/2+1, so an even member adds no fault tolerance): use 1, 3 or 5 control planes`,
    });
  }
  issues.push(...endpointIssues(site, controlPlanes));
  const classes: [string, string][] = [
    ...(site.ceph?.blockStorageClass !== undefined
      ? [['ceph.blockStorageClass', site.ceph.blockStorageClass] as [string, string]]
      : []),
    ...(site.externalStorageClasses ?? []).map((c, i): [string, string] => [`externalStorageClasses[${i}]`, c]),
  ];
  for (const [path, name] of classes) {
    if (!isDnsSubdomain(name))
      issues.push({
        path,
        message: `'${name}' is not a StorageClass name (a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', at most 253 characters)`,
      });
  }
  issues.push(...validateMirrors(site.mirrors));
  issues.push(...validateCompatibility(site));
  issues.push(...upstreamFormatIssues(site));
  issues.push(...storageCapacityIssues(site));
  return issues;
}
