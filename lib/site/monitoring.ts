import { z } from 'zod';
import type { Site } from './model';
import { providedClassIssues } from './names';
import { QuantitySchema, ResourceAmountsSchema } from './schema-kit';
import { quantityIssues, resourcesIssues } from './quantity-issues';
import type { SiteIssue } from './issues';

/** What a DBA is paged for, per Postgres cluster (lib/components/monitoring/rules.ts turns them into PrometheusRules). */
export const ThresholdsSchema = z.strictObject({
  replicationLagSeconds: z.number().describe('Seconds a replica may replay behind its primary. Default: 60'),
  connectionsRatio: z
    .number()
    .describe('Share of max_connections in use (0-1, exclusive) that raises an alert. Default: 0.8'),
  volumeFreeRatio: z
    .number()
    .describe('Share of the data volume still free (0-1, exclusive) below which an alert fires. Default: 0.15'),
  instanceDownFor: z
    .string()
    .describe("How long an instance may be down (or its exporter unreachable) before the alert fires. Default: '2m'"),
  archiveFailingFor: z
    .string()
    .describe("How long WAL archiving may keep failing before the alert fires (sites with backups). Default: '15m'"),
});
export type PostgresAlertThresholds = z.infer<typeof ThresholdsSchema>;

/** kube-prometheus' Prometheus `k8s`, sized for the site (the monitoring app renders it in place of upstream's). */
const PrometheusSchema = z.strictObject({
  replicas: z
    .number()
    .optional()
    .describe("Servers, each scraping every target (HA by duplication). Default: 2 (kube-prometheus')"),
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

/** Monitoring of a site: kube-prometheus, a postgres_exporter on every Spilo pod, rules, a dashboard. */
export const MonitoringSchema = z
  .strictObject({
    thresholds: ThresholdsSchema.partial()
      .optional()
      .describe("Thresholds of every cluster's alerts; a cluster's alerts overrides them field by field"),
    prometheus: PrometheusSchema.optional().describe(
      "Prometheus' replicas, retention, storage and resources. Default: kube-prometheus' own",
    ),
  })
  .describe(
    'kube-prometheus, a postgres_exporter sidecar on every Spilo pod, alerts and a Grafana dashboard; Ceph and MinIO scraped when present. Default: no monitoring',
  );
export type MonitoringSpec = z.infer<typeof MonitoringSchema>;

/** kube-prometheus' namespace (manifests/setup/namespace.yaml): Prometheus, Alertmanager, Grafana. */
export const MONITORING_NAMESPACE = 'monitoring';

const DURATION = /^\d+[smhd]$/;

function validateThresholds(t: Partial<PostgresAlertThresholds> | undefined, path: string): SiteIssue[] {
  if (!t) return [];
  const issues: SiteIssue[] = [];
  if (
    t.replicationLagSeconds !== undefined &&
    !(Number.isFinite(t.replicationLagSeconds) && t.replicationLagSeconds > 0)
  ) {
    issues.push({
      path: `${path}.replicationLagSeconds`,
      message: `${t.replicationLagSeconds} is not a number of seconds above zero, e.g. 60`,
    });
  }
  for (const key of ['connectionsRatio', 'volumeFreeRatio'] as const) {
    const v = t[key];
    if (v !== undefined && !(v > 0 && v < 1))
      issues.push({
        path: `${path}.${key}`,
        message: `${v} is not a share between 0 and 1 (exclusive): write 0.8 for 80%`,
      });
  }
  for (const key of ['instanceDownFor', 'archiveFailingFor'] as const) {
    const v = t[key];
    if (v !== undefined && !DURATION.test(v))
      issues.push({
        path: `${path}.${key}`,
        message: `'${v}' is not a Prometheus duration: write a whole number and one unit, e.g. '5m', '1h'`,
      });
  }
  return issues;
}

const RETENTION = /^\d+(ms|s|m|h|d|w|y)$/;

function validatePrometheus(p: PrometheusSpec | undefined, storageClasses: readonly string[]): SiteIssue[] {
  if (!p) return [];
  const issues: SiteIssue[] = [];
  const at = 'monitoring.prometheus';
  if (p.replicas !== undefined && !(Number.isInteger(p.replicas) && p.replicas >= 1)) {
    issues.push({ path: `${at}.replicas`, message: `${p.replicas} is not a whole number >= 1` });
  }
  if (p.retention !== undefined && !RETENTION.test(p.retention)) {
    issues.push({
      path: `${at}.retention`,
      message: `'${p.retention}' is not a retention Prometheus reads: a whole number and one unit of ms, s, m, h, d, w, y, e.g. '15d'`,
    });
  }
  if (p.storage) {
    issues.push(...quantityIssues(`${at}.storage.size`, p.storage.size));
    issues.push(
      ...providedClassIssues(
        `${at}.storage.storageClass`,
        p.storage.storageClass,
        storageClasses,
        'use one it provides or list it in externalStorageClasses',
      ),
    );
  }
  if (p.resources) issues.push(...resourcesIssues(`${at}.resources`, p.resources));
  return issues;
}

/** @param storageClasses the StorageClasses the site provides (for Prometheus' volumes) */
export function validateMonitoring(site: Site, storageClasses: readonly string[]): SiteIssue[] {
  const issues = [
    ...validateThresholds(site.monitoring?.thresholds, 'monitoring.thresholds'),
    ...validatePrometheus(site.monitoring?.prometheus, storageClasses),
  ];
  site.postgres.clusters.forEach((pg, i) => {
    const path = `postgres.clusters[${i}].alerts`;
    if (pg.alerts && !site.monitoring)
      issues.push({
        path,
        message: 'alert thresholds need monitoring: add `monitoring: {}` to the site or remove alerts',
      });
    issues.push(...validateThresholds(pg.alerts, path));
  });
  return issues;
}
