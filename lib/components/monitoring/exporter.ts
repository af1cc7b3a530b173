import { dump } from 'js-yaml';
import type { EnvVar } from '../../../imports/k8s';
import { clusterNamespace } from '../../site/resolve';
import { credentialsSecret } from '../../site/postgres-names';
import type { PostgresClusterSpec } from '../../site/model';

/**
 * postgres_exporter as a sidecar of every Spilo pod (the runbook ran it by hand in docker,
 * outside the cluster, with the superuser password on the command line, and noted a sidecar
 * would be better). It reaches Postgres on the pod's loopback, which Spilo's pg_hba allows
 * without TLS, as the superuser whose password the operator generated.
 */
export const EXPORTER = {
  container: 'exporter',
  /** Port name the PodMonitor scrapes, and the exporter's default listen port (cmd/postgres_exporter/main.go). */
  port: { name: 'exporter', number: 9187 },
  /** Where the custom queries ConfigMap is mounted in the sidecar. */
  queriesDir: '/etc/postgres-exporter',
  queriesFile: 'queries.yaml',
} as const;

/**
 * ConfigMap with the custom queries, one per Postgres namespace (postgres-clusters app; named apart for dist/'s one
 * file per object).
 */
export const queriesConfigMap = (namespace: string) => `postgres-exporter-queries-${namespace}`;

/** The role the exporter logs in as: a member of pg_monitor, not a superuser. */
export const EXPORTER_ROLE = 'postgres_exporter';

/** The Secret of the exporter role's password, in the operator's namespace, created at deploy time. */
const EXPORTER_ROLE_SECRET = 'postgres-exporter';

/**
 * The operator's `infrastructure_roles_secrets`: it creates the exporter role in every cluster, a member of
 * pg_monitor, with the password of the Secret (defaultuservalue and defaultrolevalue name the role and its group;
 * pkg/controller/util.go getInfrastructureRoleDefinitions, the same at v1.9.0 and v2.0.1), and writes each cluster a
 * credentials Secret for it (`<role>.<cluster>.credentials...`, k8sres.go generateUserSecrets), which the sidecar reads.
 */
export const exporterInfrastructureRole = (operatorNamespace: string): string =>
  `secretname:${operatorNamespace}/${EXPORTER_ROLE_SECRET},defaultuservalue:${EXPORTER_ROLE},passwordkey:password,defaultrolevalue:pg_monitor`;

/** The operator-generated Secret of a cluster's exporter role. */
export const exporterSecret = (pg: PostgresClusterSpec) => credentialsSecret(pg.name, EXPORTER_ROLE);

/**
 * A sidecar as the operator reads it from the postgresql CR: only name, image, resources,
 * ports and env (postgresql_type.go); a securityContext or volumeMounts would be dropped
 * silently, so the type does not offer them. The pod's securityContext (Spilo's non-root uid)
 * applies; volumes come through the CR's additionalVolumes.
 */
export interface CrSidecar {
  readonly name: string;
  readonly image: string;
  readonly resources: {
    readonly requests: { cpu: string; memory: string };
    readonly limits: { cpu: string; memory: string };
  };
  readonly ports: readonly { name: string; containerPort: number; protocol: 'TCP' }[];
  readonly env: readonly EnvVar[];
}

/** @param image postgres_exporter's, from the site's catalog */
export function exporterSidecar(pg: PostgresClusterSpec, image: string): CrSidecar {
  const secret = exporterSecret(pg);
  return {
    name: EXPORTER.container,
    image,
    resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
    ports: [{ name: EXPORTER.port.name, containerPort: EXPORTER.port.number, protocol: 'TCP' }],
    env: [
      { name: 'DATA_SOURCE_URI', value: 'localhost:5432/postgres?sslmode=disable' },
      // by reference to the Secret the operator generates: no password in git or in the CR. Optional: without the
      // deploy-time role Secret the exporter cannot log in (its alert fires), but the Spilo pod still starts
      { name: 'DATA_SOURCE_USER', valueFrom: { secretKeyRef: { name: secret, key: 'username', optional: true } } },
      { name: 'DATA_SOURCE_PASS', valueFrom: { secretKeyRef: { name: secret, key: 'password', optional: true } } },
      { name: 'PG_EXPORTER_EXTEND_QUERY_PATH', value: `${EXPORTER.queriesDir}/${EXPORTER.queriesFile}` },
    ],
  };
}

/** The CR's additionalVolumes entry that mounts the custom queries into the sidecar only. */
export function queriesVolume(pg: PostgresClusterSpec) {
  return {
    name: 'exporter-queries',
    mountPath: EXPORTER.queriesDir,
    targetContainers: [EXPORTER.container],
    volumeSource: { configMap: { name: queriesConfigMap(clusterNamespace(pg)) } },
  };
}

/** One column of a custom query: a metric (`<query>_<column>`) or a label of the query's metrics. */
interface QueryColumn {
  readonly usage: 'GAUGE' | 'COUNTER' | 'LABEL';
  readonly description: string;
}

/** A custom query in postgres_exporter's extend-query format (PG_EXPORTER_EXTEND_QUERY_PATH). */
export interface CustomQuery {
  readonly query: string;
  readonly columns: Readonly<Record<string, QueryColumn>>;
}

/**
 * What the exporter's built-in collectors lack and the rules need. Prefixed `pgplatform_` so
 * they can never collide with a built-in metric name (the exporter rejects duplicates).
 */
export const CUSTOM_QUERIES: Readonly<Record<string, CustomQuery>> = {
  // Replication, as the exporter's replication collector computes it (collector/pg_replication.go), but per scrape:
  // postgres_exporter v0.13.2 creates its collectors once, at start, and only if PostgreSQL answers then
  // (cmd/postgres_exporter/main.go: "Failed to create PostgresCollector", never retried). A sidecar starts beside
  // Spilo, seconds before PostgreSQL listens, so pg_replication_* never appeared: npm run verify's live data plane
  // found the replication alerts blind. The extend-query metrics are queried at every scrape.
  pgplatform_replication: {
    query:
      'SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0' +
      ' ELSE GREATEST(0, EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))) END AS lag_seconds,' +
      ' CASE WHEN pg_is_in_recovery() THEN 1 ELSE 0 END AS is_replica',
    columns: {
      lag_seconds: { usage: 'GAUGE', description: 'Replication lag behind the primary in seconds (0 on the primary)' },
      is_replica: { usage: 'GAUGE', description: '1 on a replica (in recovery), 0 on the primary' },
    },
  },
  // WAL archiving (WAL-G's archive_command): the backups-failing alert; NULL times are NaN
  pgplatform_archiver: {
    query:
      'SELECT archived_count, failed_count,' +
      ' EXTRACT(EPOCH FROM last_archived_time) AS last_archived_time,' +
      ' EXTRACT(EPOCH FROM last_failed_time) AS last_failed_time' +
      ' FROM pg_stat_archiver',
    columns: {
      archived_count: { usage: 'COUNTER', description: 'WAL files archived successfully' },
      failed_count: { usage: 'COUNTER', description: 'Failed attempts to archive a WAL file' },
      last_archived_time: { usage: 'GAUGE', description: 'Unix time of the last successful archive (NaN if none)' },
      last_failed_time: { usage: 'GAUGE', description: 'Unix time of the last failed archive (NaN if none)' },
    },
  },
};

/** The extend-query file the sidecar reads. */
export function queriesYaml(): string {
  const file = Object.fromEntries(
    Object.entries(CUSTOM_QUERIES).map(([name, q]) => [
      name,
      {
        query: q.query,
        metrics: Object.entries(q.columns).map(([column, c]) => ({
          [column]: { usage: c.usage, description: c.description },
        })),
      },
    ]),
  );
  return dump(file, { lineWidth: -1, sortKeys: false });
}

/** Metric names the custom queries produce (`<query>_<column>` for each non-label column). */
export function customMetricNames(): string[] {
  return Object.entries(CUSTOM_QUERIES).flatMap(([name, q]) =>
    Object.entries(q.columns)
      .filter(([, c]) => c.usage !== 'LABEL')
      .map(([column]) => `${name}_${column}`),
  );
}

/**
 * Built-in metrics of postgres_exporter v0.13.2 the rules and dashboard use, with where the
 * exporter defines them (../shared/FACTS.md section D).
 */
export const EXPORTER_BUILTIN_METRICS: Readonly<Record<string, string>> = {
  pg_up: 'cmd/postgres_exporter/postgres_exporter.go',
  pg_stat_activity_count: 'cmd/postgres_exporter/postgres_exporter.go (pg_stat_activity)',
  pg_stat_activity_max_tx_duration: 'cmd/postgres_exporter/postgres_exporter.go (pg_stat_activity)',
  pg_settings_max_connections: 'cmd/postgres_exporter/pg_setting.go (pg_settings_<name>)',
};

/** Metrics of the scrape itself and of the kubelet/cAdvisor, which kube-prometheus scrapes. */
export const KUBERNETES_METRICS: readonly string[] = [
  'up',
  'kubelet_volume_stats_available_bytes',
  'kubelet_volume_stats_capacity_bytes',
  'container_cpu_usage_seconds_total',
  'container_memory_working_set_bytes',
];
