import { ofKind } from './support/kinds';
import { describe, expect, test } from 'vitest';
import { validateSite } from '../lib/components/validate';
import { lab } from '../sites/lab';
import { poc } from '../sites/poc';
import { labOnFlannel, objectOf, renderedApps, withSite, type K8sObject } from './support/render';

/**
 * The NetworkPolicies of the Postgres and operator namespaces (lib/components/postgres-clusters/network-policies.ts),
 * read by a small evaluator of the NetworkPolicy API's rules (a pod is isolated in a direction once a policy selects
 * it for that direction; a flow is allowed when some selecting policy has a rule whose peer and port match). A
 * stand-in for the CNI: it proves what the rendered rules say, not that Canal enforces them.
 */
interface Pod {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ip?: string;
}

const apps = renderedApps(lab);
const policies = ofKind([...apps.values()].flat(), 'NetworkPolicy');

const matches = (selector: any, labels: Readonly<Record<string, string>>) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
const ipIn = (ip: string | undefined, cidr: string) => {
  if (!ip) return false;
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base) / size);
};
/** Does `peer` (a rule's from/to entry), seen from a policy in `namespace`, match `pod`? */
const peerMatches = (peer: any, namespace: string, pod: Pod) => {
  if (peer.ipBlock) return ipIn(pod.ip, peer.ipBlock.cidr);
  const nsOk = peer.namespaceSelector
    ? matches(peer.namespaceSelector, { 'kubernetes.io/metadata.name': pod.namespace })
    : pod.namespace === namespace;
  return nsOk && (!peer.podSelector || matches(peer.podSelector, pod.labels));
};
const portMatches = (rule: any, port: number) =>
  !rule.ports || rule.ports.some((p: any) => p.port === port && (p.protocol ?? 'TCP') === 'TCP');

/** Whether `from` may open a TCP connection to `to` on `port`, both directions considered. */
function allowed(from: Pod, to: Pod, port: number): boolean {
  const side = (pod: Pod, type: 'Ingress' | 'Egress', other: Pod) => {
    const selecting = policies.filter(
      (p) =>
        p.metadata.namespace === pod.namespace &&
        p.spec.policyTypes.includes(type) &&
        matches(p.spec.podSelector, pod.labels),
    );
    if (selecting.length === 0) return true;
    const key = type === 'Ingress' ? 'ingress' : 'egress';
    const peers = type === 'Ingress' ? 'from' : 'to';
    return selecting.some((p) =>
      (p.spec[key] ?? []).some(
        (rule: any) =>
          portMatches(rule, port) &&
          (!rule[peers] || rule[peers].some((peer: any) => peerMatches(peer, pod.namespace, other))),
      ),
    );
  };
  return side(from, 'Egress', to) && side(to, 'Ingress', from);
}

const spilo = (cluster: string, namespace = 'postgres'): Pod => ({
  namespace,
  labels: { application: 'spilo', 'cluster-name': cluster, 'spilo-role': 'master' },
});
const pooler = (cluster: string): Pod => ({
  namespace: 'postgres',
  labels: { application: 'db-connection-pooler', 'cluster-name': cluster, 'connection-pooler': `${cluster}-pooler` },
});
const operator: Pod = { namespace: 'postgres-operator', labels: { name: 'postgres-operator' } };
const prometheus: Pod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
const stranger: Pod = { namespace: 'default', labels: { app: 'anything' } };
const apiServer: Pod = { namespace: '', labels: {}, ip: '10.20.0.10' };
const client = (ip: string): Pod => ({ namespace: '', labels: {}, ip });

describe('lab: every pod of the Postgres and operator namespaces is denied by default, both ways', () => {
  test.each(['postgres', 'analytics', 'postgres-operator'])('%s has a default-deny policy', (ns) => {
    const deny = objectOf(
      apps,
      ns === 'postgres-operator' ? 'postgres-operator' : 'postgres-clusters',
      'NetworkPolicy',
      `default-deny-${ns}`,
    );
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });
  test('a pod of another namespace reaches no Postgres, no Patroni, no exporter, no operator', () => {
    for (const [target, port] of [
      [spilo('acid-orders'), 5432],
      [spilo('acid-orders'), 8008],
      [spilo('acid-orders'), 9187],
      [spilo('acid-analytics', 'analytics'), 5432],
      [pooler('acid-orders'), 5432],
      [operator, 8080],
    ] as const)
      expect(allowed(stranger, target, port), `${target.labels.application ?? target.labels.name}:${port}`).toBe(false);
  });
});

describe('lab: the flows each component needs are allowed, and no more', () => {
  test('replication and Patroni between the pods of one cluster, not across clusters', () => {
    expect(allowed(spilo('acid-orders'), spilo('acid-orders'), 5432)).toBe(true);
    expect(allowed(spilo('acid-orders'), spilo('acid-orders'), 8008)).toBe(true);
    expect(allowed(spilo('acid-analytics', 'analytics'), spilo('acid-orders'), 5432)).toBe(false);
  });
  test('the pooler reaches its cluster on 5432; the operator reaches 5432 and Patroni; Prometheus the exporter only', () => {
    expect(allowed(pooler('acid-orders'), spilo('acid-orders'), 5432)).toBe(true);
    expect(allowed(operator, spilo('acid-orders'), 5432)).toBe(true);
    expect(allowed(operator, spilo('acid-analytics', 'analytics'), 8008)).toBe(true);
    expect(allowed(prometheus, spilo('acid-orders'), 9187)).toBe(true);
    expect(allowed(prometheus, spilo('acid-orders'), 5432)).toBe(false);
  });
  test("Spilo and the operator reach the API server on the control planes' addresses; the pooler does not", () => {
    expect(allowed(spilo('acid-orders'), apiServer, 6443)).toBe(true);
    expect(allowed(operator, apiServer, 6443)).toBe(true);
    expect(allowed(pooler('acid-orders'), apiServer, 6443)).toBe(false);
  });
  test("clients of the load-balanced pooler from its allowedSourceRanges only (the operator's load balancers keep their addresses)", () => {
    const [range] = lab.postgres.clusters.find((c) => c.name === 'acid-orders')!.allowedSourceRanges!;
    const inside = range.replace(/\.0\/\d+$/, '.7');
    expect(allowed(client(inside), pooler('acid-orders'), 5432)).toBe(true);
    expect(allowed(client('192.0.2.7'), pooler('acid-orders'), 5432)).toBe(false);
    const config = objectOf(apps, 'postgres-operator', 'ConfigMap', 'postgres-operator').data;
    expect(config.external_traffic_policy).toBe('Local');
    expect(
      objectOf(renderedApps(poc), 'postgres-operator', 'ConfigMap', 'postgres-operator').data.external_traffic_policy,
    ).toBe('Cluster');
  });
  test("WAL-G reaches the S3 store (Rook's namespace); client namespaces are opt-in (networkPolicies.clientNamespaces)", () => {
    expect(allowed(spilo('acid-orders'), { namespace: 'rook-ceph', labels: { app: 'rook-ceph-rgw' } }, 8080)).toBe(
      true,
    );
    const app: Pod = { namespace: 'orders-app', labels: { app: 'orders' } };
    expect(allowed(app, spilo('acid-orders'), 5432)).toBe(false);
    const opened = withSite(lab, (s) => (s.networkPolicies = { clientNamespaces: ['orders-app'] }));
    const spiloPolicy = objectOf(renderedApps(opened), 'postgres-clusters', 'NetworkPolicy', 'spilo-acid-orders');
    expect(JSON.stringify(spiloPolicy.spec.ingress[0].from)).toContain('"kubernetes.io/metadata.name":"orders-app"');
  });
});

describe('NetworkPolicies need a CNI that enforces them', () => {
  test('a site without networkPolicies renders none (poc, lab on Flannel)', () => {
    for (const site of [poc, labOnFlannel])
      expect(
        [...renderedApps(site).values()]
          .flat()
          .filter(
            (o: K8sObject) =>
              o.kind === 'NetworkPolicy' && o.metadata.namespace !== 'monitoring' && o.metadata.namespace !== 'argocd',
          ),
      ).toEqual([]);
  });
  test('fails on networkPolicies with Flannel, which does not enforce them', () => {
    expect(validateSite(withSite(labOnFlannel, (s) => (s.networkPolicies = {})))).toEqual([
      {
        path: 'networkPolicies',
        message:
          "Flannel does not enforce NetworkPolicy (every pod would still reach every Postgres): set kubernetes.cni: 'canal' (Calico's policy engine on Flannel's network) and install it, or drop networkPolicies",
      },
    ]);
    expect(validateSite(lab)).toEqual([]);
  });
});
