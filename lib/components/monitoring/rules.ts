import { clusterNamespace } from '../../site/resolve';
import type { PostgresClusterSpec } from '../../site/model';
import type { PostgresAlertThresholds } from '../../site/schema/monitoring';

/** An alerting rule as PrometheusRule's spec.groups[].rules[] takes it. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  /** Omitted: the alert fires on the first evaluation that matches. */
  readonly for?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: { readonly summary: string; readonly description: string };
}

type Severity = 'critical' | 'warning';

/** Label matchers of one cluster's series: the PodMonitor copies the pod label cluster-name to cluster_name. */
function clusterSelector(pg: PostgresClusterSpec): string {
  return `namespace="${clusterNamespace(pg)}", cluster_name="${pg.name}"`;
}

const percent = (ratio: number) => `${Math.round(ratio * 100)}%`;

/**
 * What a DBA is paged for on one cluster, thresholds from the site (typed, overridable per
 * cluster). Expressions use only metrics the sidecar or the kubelet emits (checked in tests).
 */
export function postgresAlertRules(pg: PostgresClusterSpec, t: PostgresAlertThresholds, backups: boolean): AlertRule[] {
  const sel = clusterSelector(pg);
  const name = `${clusterNamespace(pg)}/${pg.name}`;
  // rules built on count() have no labels of their own: name the cluster explicitly
  const labels = (severity: Severity) => ({ severity, namespace: clusterNamespace(pg), cluster_name: pg.name });
  const rules: AlertRule[] = [
    {
      alert: 'PostgresInstanceDown',
      expr: `up{${sel}} == 0 or pg_up{${sel}} == 0`,
      for: t.instanceDownFor,
      labels: labels('critical'),
      annotations: {
        summary: `Postgres instance {{ $labels.pod }} of ${name} is down`,
        description: `The exporter of {{ $labels.pod }} cannot be scraped or cannot reach Postgres for ${t.instanceDownFor}: check the pod (kubectl -n ${clusterNamespace(pg)} describe pod {{ $labels.pod }}) and Patroni (patronictl list).`,
      },
    },
    {
      alert: 'PostgresNoPrimary',
      expr: `(count(pgplatform_replication_is_replica{${sel}} == 0) or vector(0)) < 1`,
      for: t.instanceDownFor,
      labels: labels('critical'),
      annotations: {
        summary: `${name} has no primary`,
        description: `No instance of ${name} accepts writes: Patroni could not promote a replica. Check patronictl list and the operator log.`,
      },
    },
    ...(pg.numberOfInstances > 1
      ? [
          {
            alert: 'PostgresReplicasBelowSpec',
            expr: `(count(pgplatform_replication_is_replica{${sel}} == 1) or vector(0)) < ${pg.numberOfInstances - 1}`,
            for: '10m',
            labels: labels('warning'),
            annotations: {
              summary: `${name} runs fewer replicas than the ${pg.numberOfInstances - 1} its spec asks`,
              description: `numberOfInstances is ${pg.numberOfInstances}: a replica is missing or not streaming, so a failover may lose data or availability.`,
            },
          },
        ]
      : []),
    {
      alert: 'PostgresReplicationLag',
      expr: `pgplatform_replication_lag_seconds{${sel}} > ${t.replicationLagSeconds}`,
      for: '5m',
      labels: labels('warning'),
      annotations: {
        summary: `Replica {{ $labels.pod }} of ${name} lags {{ $value | humanizeDuration }} behind`,
        description: `Replay is more than ${t.replicationLagSeconds}s behind the primary (0 when it has replayed all it received): a failover now would lose recent transactions.`,
      },
    },
    {
      alert: 'PostgresConnectionsNearMax',
      expr:
        `sum by (namespace, cluster_name, pod) (pg_stat_activity_count{${sel}})` +
        ` / max by (namespace, cluster_name, pod) (pg_settings_max_connections{${sel}}) > ${t.connectionsRatio}`,
      for: '5m',
      labels: labels('warning'),
      annotations: {
        summary: `{{ $labels.pod }} of ${name} uses {{ $value | humanizePercentage }} of max_connections`,
        description: `More than ${percent(t.connectionsRatio)} of max_connections are in use: new clients will soon be refused. Raise max_connections or add a connection pooler.`,
      },
    },
    {
      alert: 'PostgresVolumeNearlyFull',
      expr:
        `kubelet_volume_stats_available_bytes{namespace="${clusterNamespace(pg)}", persistentvolumeclaim=~"pgdata-${pg.name}-[0-9]+"}` +
        ` / kubelet_volume_stats_capacity_bytes{namespace="${clusterNamespace(pg)}", persistentvolumeclaim=~"pgdata-${pg.name}-[0-9]+"} < ${t.volumeFreeRatio}`,
      for: '5m',
      labels: labels('critical'),
      annotations: {
        summary: `Volume {{ $labels.persistentvolumeclaim }} of ${name} is {{ $value | humanizePercentage }} free`,
        description: `Less than ${percent(t.volumeFreeRatio)} of the data volume is free: Postgres stops when it is full. Grow volume.size (docs/operations.md).`,
      },
    },
    {
      alert: 'PostgresFailover',
      expr: `changes(pgplatform_replication_is_replica{${sel}}[10m]) > 0`,
      labels: labels('warning'),
      annotations: {
        summary: `{{ $labels.pod }} of ${name} changed role`,
        description:
          'An instance was promoted or demoted in the last 10 minutes: check why the former primary failed (patronictl history).',
      },
    },
  ];
  if (backups) {
    rules.push({
      alert: 'PostgresBackupsFailing',
      // the newest archive attempt failed, or none ever succeeded
      expr:
        `pgplatform_archiver_last_failed_time{${sel}} > pgplatform_archiver_last_archived_time{${sel}}` +
        ` or (pgplatform_archiver_failed_count{${sel}} > 0 and pgplatform_archiver_archived_count{${sel}} == 0)`,
      for: t.archiveFailingFor,
      labels: labels('critical'),
      annotations: {
        summary: `WAL archiving of {{ $labels.pod }} (${name}) is failing`,
        description: `WAL-G has failed to archive WAL for ${t.archiveFailingFor}: point-in-time recovery stops at the last archived file, and pg_wal grows. Check the bucket, the S3 credentials Secret and the pod log.`,
      },
    });
  }
  return rules;
}
