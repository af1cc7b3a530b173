import { PostgresAlertThresholds, PrometheusSpec } from './schema/monitoring';
import type { Site } from './model';
import { providedClassIssues, secretNameIssues } from './names';
import { quantityIssues, resourcesIssues } from './quantity-issues';
import type { SiteIssue } from './issues';

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
  issues.push(
    ...secretNameIssues('monitoring.grafana.adminSecret', site.monitoring?.grafana?.adminSecret, 'grafana-admin'),
  );
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
