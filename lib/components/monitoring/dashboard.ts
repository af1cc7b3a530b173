/**
 * The Postgres dashboard provisioned into kube-prometheus' Grafana (folder Default): one
 * cluster at a time, picked by namespace and cluster_name; every query uses metrics the sidecar
 * or the kubelet emits (checked in tests).
 */
export const DASHBOARD = {
  uid: 'postgres-clusters',
  title: 'Postgres clusters',
  file: 'postgres-clusters.json',
} as const;

const SEL = 'namespace="$namespace", cluster_name="$cluster"';
const PVC = 'namespace="$namespace", persistentvolumeclaim=~"pgdata-$cluster-[0-9]+"';
const SPILO = 'namespace="$namespace", pod=~"$cluster-[0-9]+", container="postgres"';

interface Panel {
  readonly title: string;
  readonly unit: string;
  readonly targets: readonly { readonly expr: string; readonly legend: string }[];
  readonly type?: 'timeseries' | 'stat';
}

const PANELS: readonly Panel[] = [
  { title: 'Instances up', unit: 'none', type: 'stat', targets: [{ expr: `sum(pg_up{${SEL}})`, legend: 'up' }] },
  {
    title: 'Role (1 = replica)',
    unit: 'none',
    targets: [{ expr: `pgplatform_replication_is_replica{${SEL}}`, legend: '{{pod}}' }],
  },
  {
    title: 'Connections',
    unit: 'none',
    targets: [
      { expr: `sum by (pod) (pg_stat_activity_count{${SEL}})`, legend: '{{pod}}' },
      { expr: `max by (pod) (pg_settings_max_connections{${SEL}})`, legend: 'max {{pod}}' },
    ],
  },
  {
    title: 'Replication lag',
    unit: 's',
    targets: [{ expr: `pgplatform_replication_lag_seconds{${SEL}}`, legend: '{{pod}}' }],
  },
  {
    title: 'Longest transaction',
    unit: 's',
    targets: [{ expr: `max by (pod) (pg_stat_activity_max_tx_duration{${SEL}})`, legend: '{{pod}}' }],
  },
  {
    title: 'Data volume free',
    unit: 'percentunit',
    targets: [
      {
        expr: `kubelet_volume_stats_available_bytes{${PVC}} / kubelet_volume_stats_capacity_bytes{${PVC}}`,
        legend: '{{persistentvolumeclaim}}',
      },
    ],
  },
  {
    title: 'WAL archiving (files/s)',
    unit: 'none',
    targets: [
      { expr: `rate(pgplatform_archiver_archived_count{${SEL}}[5m])`, legend: 'archived {{pod}}' },
      { expr: `rate(pgplatform_archiver_failed_count{${SEL}}[5m])`, legend: 'failed {{pod}}' },
    ],
  },
  {
    title: 'CPU',
    unit: 'none',
    targets: [{ expr: `sum by (pod) (rate(container_cpu_usage_seconds_total{${SPILO}}[5m]))`, legend: '{{pod}}' }],
  },
  {
    title: 'Memory',
    unit: 'bytes',
    targets: [{ expr: `sum by (pod) (container_memory_working_set_bytes{${SPILO}})`, legend: '{{pod}}' }],
  },
];

/** Every PromQL expression of the dashboard (tests parse them). */
export function dashboardExpressions(): string[] {
  return PANELS.flatMap((p) => p.targets.map((t) => t.expr));
}

// kube-prometheus provisions its datasource without a uid: pick it by type, as the mixins do
const datasource = { type: 'prometheus', uid: '${datasource}' };

function variable(name: string, label: string, query: string) {
  return {
    name,
    label,
    type: 'query',
    datasource,
    query: { query, refId: name },
    definition: query,
    refresh: 2,
    sort: 1,
    includeAll: false,
    multi: false,
  };
}

/** The dashboard JSON (Grafana 9.5 schema). */
export function postgresDashboard(): Record<string, unknown> {
  return {
    uid: DASHBOARD.uid,
    title: DASHBOARD.title,
    tags: ['postgres', 'spilo'],
    timezone: 'utc',
    schemaVersion: 38,
    editable: false,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          refresh: 1,
          includeAll: false,
          multi: false,
        },
        variable('namespace', 'Namespace', 'label_values(pg_up, namespace)'),
        variable('cluster', 'Cluster', 'label_values(pg_up{namespace="$namespace"}, cluster_name)'),
      ],
    },
    panels: PANELS.map((p, i) => ({
      id: i + 1,
      type: p.type ?? 'timeseries',
      title: p.title,
      datasource,
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      targets: p.targets.map((t, j) => ({
        refId: String.fromCharCode(65 + j),
        datasource,
        expr: t.expr,
        legendFormat: t.legend,
      })),
    })),
  };
}
