import { Construct } from 'constructs';
import {
  IntOrString,
  KubeNetworkPolicy,
  type NetworkPolicyEgressRule,
  type NetworkPolicyIngressRule,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
} from '../../../imports/k8s';
import { EXPORTER } from '../monitoring/exporter';
import { OPERATOR_UI } from '../postgres-operator/postgres-operator';
import { MONITORING_NAMESPACE } from '../../site/monitoring';
import { ROOK_NAMESPACE } from '../../site/ceph';
import { clusterNamespace, resolveSite } from '../../site/resolve';
import { nodesWithRole } from '../../site/roles';
import { s3ProviderOf } from '../../site/object-store';
import { parseEndpoint } from '../../site/network';
import type { PostgresClusterSpec, Site } from '../../site/model';
import type { SiteIssue } from '../../site/issues';

/**
 * NetworkPolicies of the namespaces the platform owns where the data is: every Postgres namespace and the operator's.
 * Each namespace denies everything by default (ingress and egress), then each component gets the flows it needs:
 * - Spilo pods: PostgreSQL (5432) from their own cluster's pods (replication), its poolers, the operator (user and
 *   database sync), the client namespaces and the load balancers' source ranges; Patroni (8008) from their own
 *   cluster's pods and the operator; the exporter (9187) from Prometheus; out to their peers, the API server
 *   (Patroni's Kubernetes DCS), DNS, the backups' S3 store and a standby's primary store;
 * - pgbouncer pods: 5432 from the client namespaces and source ranges, out to their cluster's Spilo pods and DNS;
 * - the operator: out to the API server, DNS and the Spilo pods (5432, 8008); its API (8080) from its UI;
 * - the operator UI: its port from anywhere (its load balancer filters the sources), out to the API server, the
 *   operator and DNS.
 * Label keys and values are the operator's (`application`, `cluster-name`: the cluster_name_label rendered in its
 * configuration; the poolers' `db-connection-pooler`, pkg/cluster/connection_pooler.go poolerLabelsSet) and
 * kube-prometheus' (`app.kubernetes.io/name: prometheus`). Egress rules meet packets after the Service address is
 * translated, so the API server is reached at the control planes' own addresses on 6443.
 */

const POSTGRES_PORT = 5432;
const PATRONI_PORT = 8008;
const OPERATOR_API_PORT = 8080;
const API_SERVER_PORT = 6443;

const tcp = (port: number): NetworkPolicyPort => ({ protocol: 'TCP', port: IntOrString.fromNumber(port) });
const inNamespace = (namespace: string, labels?: Record<string, string>): NetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
  ...(labels ? { podSelector: { matchLabels: labels } } : {}),
});
const spiloLabels = (pg: PostgresClusterSpec) => ({ application: 'spilo', 'cluster-name': pg.name });
const poolerLabels = (pg: PostgresClusterSpec) => ({ application: 'db-connection-pooler', 'cluster-name': pg.name });
const OPERATOR_LABELS = { name: 'postgres-operator' };

/** DNS through kube-system's CoreDNS. */
const DNS: NetworkPolicyEgressRule = {
  to: [inNamespace('kube-system', { 'k8s-app': 'kube-dns' })],
  ports: [
    { protocol: 'UDP', port: IntOrString.fromNumber(53) },
    { protocol: 'TCP', port: IntOrString.fromNumber(53) },
  ],
};

/** The API server on each control plane's own address. */
function apiServer(site: Site): NetworkPolicyEgressRule {
  return {
    to: nodesWithRole(site, 'control-plane').map((n) => ({ ipBlock: { cidr: `${n.address}/32` } })),
    ports: [tcp(API_SERVER_PORT)],
  };
}

/** Where the backups go: the namespace of the site's S3 store (the MinIO tenant's, or Rook's RGW). */
function s3Store(site: Site): NetworkPolicyEgressRule[] {
  if (!site.postgres.backups) return [];
  const namespace = s3ProviderOf(site) === 'ceph-object-store' ? ROOK_NAMESPACE : resolveSite(site).minio?.namespace;
  return namespace ? [{ to: [inNamespace(namespace)] }] : [];
}

/** A standby's primary S3 store, in another site: its address and port. */
function standbyStore(pg: PostgresClusterSpec): NetworkPolicyEgressRule[] {
  const endpoint = pg.standby && /^(https?):\/\/([^/]+)/.exec(pg.standby.s3Endpoint);
  const parsed = endpoint && parseEndpoint(endpoint[2]);
  if (!endpoint || !parsed) return [];
  const port = endpoint[2].includes(':') ? parsed.port : endpoint[1] === 'https' ? 443 : 80;
  return [{ to: [{ ipBlock: { cidr: `${parsed.host}/32` } }], ports: [tcp(port)] }];
}

/** Who may open a client connection: the cluster's namespace, the client namespaces, the load balancers' sources. */
function clients(site: Site, pg: PostgresClusterSpec): NetworkPolicyPeer[] {
  const namespaces = [clusterNamespace(pg), ...(site.networkPolicies?.clientNamespaces ?? [])];
  return [
    ...[...new Set(namespaces)].map((ns) => inNamespace(ns)),
    ...(pg.allowedSourceRanges ?? []).map((cidr) => ({ ipBlock: { cidr } })),
  ];
}

function policy(
  scope: Construct,
  id: string,
  namespace: string,
  name: string,
  pods: Record<string, string>,
  rules: { readonly ingress: NetworkPolicyIngressRule[]; readonly egress: NetworkPolicyEgressRule[] },
): void {
  new KubeNetworkPolicy(scope, id, {
    metadata: { name, namespace },
    spec: { podSelector: { matchLabels: pods }, policyTypes: ['Ingress', 'Egress'], ...rules },
  });
}

/** Everything denied to every pod of the namespace, both ways, unless another policy allows it. */
function defaultDeny(scope: Construct, namespace: string): void {
  new KubeNetworkPolicy(scope, 'DefaultDeny', {
    // named apart per namespace: one file per object in the app's folder
    metadata: { name: `default-deny-${namespace}`, namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });
}

/** The policies of one Postgres namespace, for the clusters it holds. */
export function postgresNamespacePolicies(scope: Construct, site: Site, namespace: string): void {
  const at = new Construct(scope, `NetworkPolicies-${namespace}`);
  defaultDeny(at, namespace);
  const operator = inNamespace(resolveSite(site).operatorNamespace, OPERATOR_LABELS);
  for (const pg of site.postgres.clusters.filter((c) => clusterNamespace(c) === namespace)) {
    const peers = { podSelector: { matchLabels: spiloLabels(pg) } };
    const poolers = { podSelector: { matchLabels: poolerLabels(pg) } };
    policy(at, `Spilo-${pg.name}`, namespace, `spilo-${pg.name}`, spiloLabels(pg), {
      ingress: [
        { from: [peers, poolers, operator, ...clients(site, pg)], ports: [tcp(POSTGRES_PORT)] },
        { from: [peers, operator], ports: [tcp(PATRONI_PORT)] },
        ...(site.monitoring
          ? [
              {
                from: [inNamespace(MONITORING_NAMESPACE, { 'app.kubernetes.io/name': 'prometheus' })],
                ports: [tcp(EXPORTER.port.number)],
              },
            ]
          : []),
      ],
      egress: [
        { to: [peers], ports: [tcp(POSTGRES_PORT), tcp(PATRONI_PORT)] },
        apiServer(site),
        DNS,
        ...s3Store(site),
        ...standbyStore(pg),
      ],
    });
    if (pg.enableConnectionPooler || pg.enableReplicaConnectionPooler)
      policy(at, `Pooler-${pg.name}`, namespace, `pooler-${pg.name}`, poolerLabels(pg), {
        ingress: [{ from: clients(site, pg), ports: [tcp(POSTGRES_PORT)] }],
        egress: [{ to: [peers], ports: [tcp(POSTGRES_PORT)] }, DNS],
      });
  }
}

/** The policies of the operator's namespace: the operator and its UI. */
export function operatorNamespacePolicies(scope: Construct, site: Site, ui: boolean): void {
  const { operatorNamespace: namespace, postgresNamespaces } = resolveSite(site);
  const at = new Construct(scope, 'NetworkPolicies');
  defaultDeny(at, namespace);
  policy(at, 'Operator', namespace, 'postgres-operator', OPERATOR_LABELS, {
    ingress: ui
      ? [{ from: [{ podSelector: { matchLabels: OPERATOR_UI.selector } }], ports: [tcp(OPERATOR_API_PORT)] }]
      : [],
    egress: [
      apiServer(site),
      DNS,
      {
        to: postgresNamespaces.map((ns) => inNamespace(ns, { application: 'spilo' })),
        ports: [tcp(POSTGRES_PORT), tcp(PATRONI_PORT)],
      },
    ],
  });
  if (ui)
    policy(at, 'Ui', namespace, 'postgres-operator-ui', OPERATOR_UI.selector, {
      ingress: [{ ports: [tcp(OPERATOR_UI.port)] }],
      egress: [
        apiServer(site),
        DNS,
        { to: [{ podSelector: { matchLabels: OPERATOR_LABELS } }], ports: [tcp(OPERATOR_API_PORT)] },
      ],
    });
}

/** NetworkPolicies mean nothing on a CNI that does not enforce them: refuse the pair rather than pretend. */
export function networkPolicyIssues(site: Site): SiteIssue[] {
  if (!site.networkPolicies || (site.kubernetes.cni ?? 'flannel') !== 'flannel') return [];
  return [
    {
      path: 'networkPolicies',
      message:
        "Flannel does not enforce NetworkPolicy (every pod would still reach every Postgres): set kubernetes.cni: 'canal' (Calico's policy engine on Flannel's network) and install it, or drop networkPolicies",
    },
  ];
}
