import { EXPOSABLE, Exposable, LoadBalancersSpec } from './schema/load-balancers';
import type { PostgresClusterSpec, Site } from './model';
import { cidrContains, ipToNumber, isIPv4, parseCidr, parseEndpoint, type Cidr } from './network';
import type { SiteIssue } from './issues';
import { ANY_SOURCE } from './acknowledge';

/** The operator's LoadBalancer flags of a cluster, in the order it creates the Services. */
const CLUSTER_LB_FLAGS = [
  'enableMasterLoadBalancer',
  'enableReplicaLoadBalancer',
  'enableMasterPoolerLoadBalancer',
  'enableReplicaPoolerLoadBalancer',
] as const;

/** The UIs a site exposes. */
export const exposedOf = (lb: LoadBalancersSpec | undefined): Exposable[] =>
  EXPOSABLE.filter((e) => lb?.expose?.[e] === true);

/** LoadBalancer Services a cluster asks the operator for. */
const clusterLoadBalancers = (pg: PostgresClusterSpec): number => CLUSTER_LB_FLAGS.filter((f) => pg[f] === true).length;

/** `a.b.c.d-e.f.g.h` or a CIDR, as an inclusive numeric range. */
function parsePoolEntry(entry: string): { first: number; last: number } | undefined {
  const range = /^([\d.]+)-([\d.]+)$/.exec(entry);
  if (range) {
    if (!isIPv4(range[1]) || !isIPv4(range[2])) return undefined;
    const [first, last] = [ipToNumber(range[1]), ipToNumber(range[2])];
    return first <= last ? { first, last } : undefined;
  }
  const cidr = parseCidr(entry);
  return cidr ? { first: cidr.base, last: cidr.base + 2 ** (32 - cidr.prefix) - 1 } : undefined;
}

const numberToIp = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
const inside = (net: Cidr, r: { first: number; last: number }) =>
  cidrContains(net, r.first) && cidrContains(net, r.last);

/**
 * Source ranges: IPv4 CIDRs, none admitting every address (`/0`, a security review's finding) unless the site
 * acknowledges it for `what`; an acknowledgement for a list without such a range is refused, so none outlives it.
 */
function cidrListIssues(site: Site, path: string, what: string, ranges: readonly string[] | undefined): SiteIssue[] {
  const issues: SiteIssue[] = (ranges ?? []).flatMap((r, i) =>
    parseCidr(r)
      ? []
      : [{ path: `${path}[${i}]`, message: `'${r}' is not an IPv4 CIDR with zero host bits, e.g. '10.20.0.0/24'` }],
  );
  const change = `any source address for ${what}`;
  const ack = (site.acknowledge ?? []).findIndex((a) => ANY_SOURCE.test(a.change) && a.change === change);
  const open = (ranges ?? []).findIndex((r) => parseCidr(r)?.prefix === 0);
  if (open >= 0 && ack < 0) {
    issues.push({
      path: `${path}[${open}]`,
      message: `'${ranges?.[open]}' admits every address, the internet included: list the client networks (e.g. '10.20.0.0/24'), or acknowledge it in review: acknowledge: [{ change: '${change}', reason: '<why>' }]`,
    });
  }
  if (open < 0 && ack >= 0) {
    issues.push({
      path: `acknowledge[${ack}].change`,
      message: `'${change}' no longer applies (${path} admits no /0 range): remove this entry`,
    });
  }
  return issues;
}

/**
 * The per-cluster flags: a load balancer implementation to serve them, explicit source ranges, the pooler they front.
 */
export function validateClusterLoadBalancers(site: Site, pg: PostgresClusterSpec, path: string): SiteIssue[] {
  const issues: SiteIssue[] = cidrListIssues(
    site,
    `${path}.allowedSourceRanges`,
    `postgres cluster ${pg.name}`,
    pg.allowedSourceRanges,
  );
  const flags = CLUSTER_LB_FLAGS.filter((f) => pg[f] === true);
  if (flags.length === 0) return issues;
  if (!site.loadBalancers) {
    issues.push({
      path: `${path}.${flags[0]}`,
      message:
        'a LoadBalancer Service needs a load balancer implementation, and a self-managed cluster has none (EXTERNAL-IP stays <pending>): add loadBalancers (MetalLB and its address pool)',
    });
  }
  if ((pg.allowedSourceRanges ?? []).length === 0) {
    issues.push({
      path: `${path}.allowedSourceRanges`,
      message: `${flags.join(', ')} need the client networks that may connect: the operator turns an empty list into 127.0.0.1/32 (reachable by nobody); list CIDRs, e.g. ['10.20.0.0/24']`,
    });
  }
  if (pg.enableMasterPoolerLoadBalancer && !pg.enableConnectionPooler) {
    issues.push({
      path: `${path}.enableMasterPoolerLoadBalancer`,
      message: 'there is no primary pooler to put behind it: set enableConnectionPooler: true or drop it',
    });
  }
  if (pg.enableReplicaPoolerLoadBalancer && !pg.enableReplicaConnectionPooler) {
    issues.push({
      path: `${path}.enableReplicaPoolerLoadBalancer`,
      message: 'there is no replica pooler to put behind it: set enableReplicaConnectionPooler: true or drop it',
    });
  }
  return issues;
}

/**
 * The pool: in the nodes' network, clear of node and API addresses, large enough for every Service that asks for one.
 */
export function validateLoadBalancers(site: Site): SiteIssue[] {
  const lb = site.loadBalancers;
  if (!lb) return [];
  const issues: SiteIssue[] = cidrListIssues(
    site,
    'loadBalancers.allowedSourceRanges',
    'loadBalancers',
    lb.allowedSourceRanges,
  );
  const net = parseCidr(lb.network);
  if (!net) {
    issues.push({
      path: 'loadBalancers.network',
      message: `'${lb.network}' is not an IPv4 CIDR with zero host bits, e.g. '10.20.0.0/24'`,
    });
    return issues;
  }
  const outside = site.nodes.filter((n) => isIPv4(n.address) && !cidrContains(net, ipToNumber(n.address)));
  if (outside.length > 0) {
    issues.push({
      path: 'loadBalancers.network',
      message: `nodes ${outside.map((n) => `${n.name} (${n.address})`).join(', ')} are outside ${lb.network}: L2 mode answers ARP on the nodes' own network; give the network the nodes are on`,
    });
  }
  const endpoint = parseEndpoint(site.kubernetes.controlPlaneEndpoint)?.host;
  const taken = [
    ...site.nodes
      .filter((n) => isIPv4(n.address))
      .map((n) => ({ ip: ipToNumber(n.address), what: `the address of node ${n.name}` })),
    ...(endpoint && isIPv4(endpoint) ? [{ ip: ipToNumber(endpoint), what: 'kubernetes.controlPlaneEndpoint' }] : []),
  ];
  let size = 0;
  let malformed = false;
  if (lb.addresses.length === 0)
    issues.push({
      path: 'loadBalancers.addresses',
      message: "the pool is empty: list at least one range, e.g. '10.20.0.200-10.20.0.220'",
    });
  lb.addresses.forEach((entry, i) => {
    const p = `loadBalancers.addresses[${i}]`;
    const range = parsePoolEntry(entry);
    if (!range) {
      malformed = true;
      issues.push({
        path: p,
        message: `'${entry}' is neither a CIDR ('10.20.0.240/28') nor a range ('10.20.0.200-10.20.0.220') of IPv4 addresses, first <= last`,
      });
      return;
    }
    if (!inside(net, range)) {
      issues.push({
        path: p,
        message: `${entry} is not inside loadBalancers.network ${lb.network}: L2 mode can only announce addresses of the nodes' network`,
      });
      return;
    }
    const broadcast = net.base + 2 ** (32 - net.prefix) - 1;
    if (net.prefix < 31 && (range.first === net.base || range.last === broadcast)) {
      issues.push({
        path: p,
        message: `${entry} includes the network or broadcast address of ${lb.network} (${numberToIp(net.base)}, ${numberToIp(broadcast)}): leave them out`,
      });
    }
    for (const t of taken) {
      if (t.ip >= range.first && t.ip <= range.last)
        issues.push({
          path: p,
          message: `${entry} contains ${numberToIp(t.ip)}, ${t.what}: MetalLB would hand it to a Service; keep the pool clear of it`,
        });
    }
    size += range.last - range.first + 1;
  });
  const wanted = exposedOf(lb).length + site.postgres.clusters.reduce((n, pg) => n + clusterLoadBalancers(pg), 0);
  if (lb.addresses.length > 0 && !malformed && wanted > size) {
    issues.push({
      path: 'loadBalancers.addresses',
      message: `the pool has ${size} address(es), and ${wanted} LoadBalancer Services ask for one (clusters' enable*LoadBalancer flags and loadBalancers.expose): widen the pool`,
    });
  }
  return issues;
}
