import { KubePrometheusChart, KubePrometheusSetupChart } from './kube-prometheus';
import { DEFAULT_GRAFANA_ADMIN_SECRET } from './grafana-settings';
import { GRAFANA, MonitoringChart } from './monitoring';
import { MONITORING_NAMESPACE, validateMonitoring } from '../../site/monitoring';
import { resolveSite, thresholdsOf } from '../../site/resolve';
import { WAVES } from '../../constructs/argocd-sync';
import { providedStorageClasses } from '../../site/validate';
import type { Component } from '../component';
import { asRecord } from '../../core/records';
import type { RenderedObject } from '../../core/objects';
import { addRequests, className, containerRequests, onePerHost, type Workload } from '../../core/workloads';

/**
 * prometheus-operator's Prometheus and Alertmanager: `replicas` servers, plus the operator's config-reloader sidecar
 * (10m/50Mi by default).
 */
function fromPrometheus(from: RenderedObject): Workload[] {
  const spec = asRecord(from.obj.spec);
  const affinity = asRecord(spec.affinity);
  return [
    {
      from,
      label: `${from.obj.kind} servers of ${from.obj.metadata.name}`,
      replicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
      onePerNode: onePerHost(affinity),
      placement: {
        nodeSelector: spec.nodeSelector,
        nodeAffinity: affinity.nodeAffinity,
        tolerations: spec.tolerations,
      },
      requests: addRequests(
        containerRequests(spec.resources),
        containerRequests({ requests: { cpu: '10m', memory: '50Mi' } }),
      ),
      ...className(spec.priorityClassName),
    },
  ];
}

/** kube-prometheus (its CRDs, then the stack) and the platform's own scraping, alerts and dashboard. */
export const monitoring: Component = {
  name: 'monitoring',
  summary: "kube-prometheus (its CRDs, then the stack), the platform's scraping, alerts and dashboard",
  enabledWhen: '`monitoring`',
  waves: { 'kube-prometheus-setup': WAVES.crds, 'kube-prometheus': WAVES.operators, monitoring: WAVES.monitors },
  enabled: (site) => site.monitoring !== undefined,
  charts: (app, site) => {
    const {
      monitoring: resolved,
      catalog: { versions, images },
      upstream,
      postgresNamespaces,
      minio,
    } = resolveSite(site);
    const spec = site.monitoring;
    if (!spec || !resolved) return [];
    const stack = { version: versions.kubePrometheus, upstream: upstream.kubePrometheus };
    return [
      new KubePrometheusSetupChart(app, 'kube-prometheus-setup', stack),
      new KubePrometheusChart(app, 'kube-prometheus', { ...stack, prometheusReplicas: resolved.prometheusReplicas }),
      new MonitoringChart(app, 'monitoring', {
        prometheus: spec.prometheus ?? {},
        prometheusReplicas: resolved.prometheusReplicas,
        clusterNamespaces: postgresNamespaces,
        clusters: site.postgres.clusters.map((pg) => ({ spec: pg, thresholds: thresholdsOf(spec, pg) })),
        backups: site.postgres.backups !== undefined,
        ceph: site.ceph !== undefined,
        ...(minio ? { minio } : {}),
        images: { prometheus: images.prometheus, grafana: images.grafana },
        grafanaAdminSecret: spec.grafana?.adminSecret ?? DEFAULT_GRAFANA_ADMIN_SECRET,
        upstream: upstream.kubePrometheus,
      }),
    ];
  },
  workloads: {
    'monitoring.coreos.com/Prometheus': fromPrometheus,
    'monitoring.coreos.com/Alertmanager': fromPrometheus,
  },
  exposes: [
    {
      key: 'grafana',
      service: (site) =>
        site.monitoring
          ? {
              name: 'grafana-external',
              namespace: MONITORING_NAMESPACE,
              selector: GRAFANA.selector,
              port: GRAFANA.port,
              targetPort: GRAFANA.port,
            }
          : { missing: 'the site has no monitoring: add it or drop the option' },
    },
  ],
  validate: (site) => validateMonitoring(site, providedStorageClasses(site)),
};
