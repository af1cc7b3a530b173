import { z } from 'zod';
import { DEFAULTS } from '../defaults';
import { QuantitySchema, quoted, ResourceAmountsSchema } from '../schema-kit';

/** What a DBA is paged for, per Postgres cluster (lib/components/monitoring/rules.ts turns them into PrometheusRules). */
export const ThresholdsSchema = z.strictObject({
  replicationLagSeconds: z
    .number()
    .describe(`Seconds a replica may replay behind its primary. Default: ${DEFAULTS.thresholds.replicationLagSeconds}`),
  connectionsRatio: z
    .number()
    .describe(
      `Share of max_connections in use (0-1, exclusive) that raises an alert. Default: ${DEFAULTS.thresholds.connectionsRatio}`,
    ),
  volumeFreeRatio: z
    .number()
    .describe(
      `Share of the data volume still free (0-1, exclusive) below which an alert fires. Default: ${DEFAULTS.thresholds.volumeFreeRatio}`,
    ),
  instanceDownFor: z
    .string()
    .describe(
      `How long an instance may be down (or its exporter unreachable) before the alert fires. Default: ${quoted(DEFAULTS.thresholds.instanceDownFor)}`,
    ),
  archiveFailingFor: z
    .string()
    .describe(
      `How long WAL archiving may keep failing before the alert fires (sites with backups). Default: ${quoted(DEFAULTS.thresholds.archiveFailingFor)}`,
    ),
});
export type PostgresAlertThresholds = z.infer<typeof ThresholdsSchema>;

/** kube-prometheus' Prometheus `k8s`, sized for the site (the monitoring app renders it in place of upstream's). */
const PrometheusSchema = z.strictObject({
  replicas: z
    .number()
    .optional()
    .describe(
      `Servers, each scraping every target (HA by duplication). Default: ${DEFAULTS.prometheusReplicas} (kube-prometheus')`,
    ),
  retention: z
    .string()
    .optional()
    .describe(
      "How long samples are kept: a number and one unit of ms, s, m, h, d, w, y. Default: '24h' (the operator's)",
    ),
  storage: z
    .strictObject({ size: QuantitySchema, storageClass: z.string() })
    .optional()
    .describe(
      'A volume per server; without one, samples live in an emptyDir and a restart loses them. Default: emptyDir',
    ),
  resources: z
    .strictObject({ requests: ResourceAmountsSchema, limits: ResourceAmountsSchema.optional() })
    .optional()
    .describe("Default: requests 400Mi of memory (kube-prometheus'), no limits"),
});
export type PrometheusSpec = z.infer<typeof PrometheusSchema>;

/** kube-prometheus' Grafana, hardened (lib/components/monitoring/grafana-settings.ts). */
const GrafanaSchema = z.strictObject({
  adminSecret: z
    .string()
    .optional()
    .describe(
      "Secret in namespace monitoring with keys admin-user and admin-password, created at deploy time (never in git): Grafana's admin account, read at every start; Grafana does not start without it. Default: 'grafana-admin'",
    ),
});

/** Monitoring of a site: kube-prometheus, a postgres_exporter on every Spilo pod, rules, a dashboard. */
export const MonitoringSchema = z
  .strictObject({
    thresholds: ThresholdsSchema.partial()
      .optional()
      .describe("Thresholds of every cluster's alerts; a cluster's alerts overrides them field by field"),
    prometheus: PrometheusSchema.optional().describe(
      "Prometheus' replicas, retention, storage and resources. Default: kube-prometheus' own",
    ),
    grafana: GrafanaSchema.optional().describe(
      "Grafana's admin account by reference (docs/security.md#grafana). Default: the Secret 'grafana-admin'",
    ),
  })
  .describe(
    'kube-prometheus, a postgres_exporter sidecar on every Spilo pod, alerts and a Grafana dashboard; Ceph and MinIO scraped when present. Default: no monitoring',
  );
export type MonitoringSpec = z.infer<typeof MonitoringSchema>;
