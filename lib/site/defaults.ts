import type { PostgresClusterSpec, ResourceAmounts, Site } from './model';
import { byText } from '../order';

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

/** The operator's credentials Secret of a role: `<user>.<cluster>.credentials.postgresql.acid.zalan.do` (`_` becomes `-`). */
export const credentialsSecret = (cluster: string, user: string) => `${user.replace(/_/g, '-')}.${cluster}.credentials.postgresql.acid.zalan.do`;
