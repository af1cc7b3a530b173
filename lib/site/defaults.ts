import type { PostgresClusterSpec, ResourceAmounts, Site } from './model';
import { byText } from '../core/order';

/** Site-wide defaults, resolved in one place so charts and validation agree. */
export const DEFAULTS = {
  serviceSubnet: '10.96.0.0/12',
  operatorNamespace: 'postgres-operator',
  postgresNamespace: 'postgres',
  /** The Spilo image's postgres user and group (runbook: spiloRunAsUser 101, spiloRunAsGroup/FSGroup 103). */
  spiloSecurityContext: { runAsUser: 101, runAsGroup: 103, fsGroup: 103 },
  /** The operator's own defaults (default_cpu_request … default_memory_limit). */
  spiloResources: {
    requests: { cpu: '100m', memory: '100Mi' } as ResourceAmounts,
    limits: { cpu: '500m', memory: '500Mi' } as ResourceAmounts,
  },
  /**
   * The operator's pooler defaults (docs/reference/operator_parameters.md, connection_pooler_*):
   * 2 instances (also its minimum), transaction mode, 60 server connections, requests 500m/100Mi, limits 1/100Mi.
   */
  pooler: {
    numberOfInstances: 2,
    maxDBConnections: 60,
    mode: 'transaction',
    resources: {
      requests: { cpu: '500m', memory: '100Mi' } as ResourceAmounts,
      limits: { cpu: '1', memory: '100Mi' } as ResourceAmounts,
    },
  },
} as const;

export function defaultsOf(site: Site) {
  return {
    serviceSubnet: site.kubernetes.serviceSubnet ?? DEFAULTS.serviceSubnet,
    operatorNamespace: site.postgres.operator?.namespace ?? DEFAULTS.operatorNamespace,
  };
}

export function clusterNamespace(pg: PostgresClusterSpec): string {
  return pg.namespace ?? DEFAULTS.postgresNamespace;
}

/** Namespaces holding Postgres clusters, sorted. */
export function postgresNamespaces(site: Site): string[] {
  return [...new Set(site.postgres.clusters.map(clusterNamespace))].sort(byText);
}

/** The cluster's poolers, as the operator enables them: the primary's with `enableConnectionPooler`, the replicas' with `enableReplicaConnectionPooler`. */
export function poolersOf(pg: Pick<PostgresClusterSpec, 'enableConnectionPooler' | 'enableReplicaConnectionPooler'>): ('master' | 'replica')[] {
  return [...(pg.enableConnectionPooler ? ['master' as const] : []), ...(pg.enableReplicaConnectionPooler ? ['replica' as const] : [])];
}

/** The Service (and Deployment) of a pooler: `<cluster>-pooler`, `<cluster>-pooler-repl` (connection_pooler.go). */
export const poolerName = (cluster: string, role: 'master' | 'replica') => `${cluster}-pooler${role === 'replica' ? '-repl' : ''}`;

/** The operator's credentials Secret of a role: `<user>.<cluster>.credentials.postgresql.acid.zalan.do` (`_` becomes `-`). */
export const credentialsSecret = (cluster: string, user: string) => `${user.replace(/_/g, '-')}.${cluster}.credentials.postgresql.acid.zalan.do`;
