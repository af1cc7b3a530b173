import { KubePrometheusChart, KubePrometheusSetupChart } from '../charts/kube-prometheus';
import { MonitoringChart } from '../charts/monitoring';
import { validateMonitoring } from '../site/monitoring';
import { resolveSite } from '../site/resolve';
import { providedStorageClasses } from '../site/validate';
import type { Component } from './component';
import { asRecord } from '../core/records';
import type { RenderedObject } from '../core/objects';
import { addRequests, className, containerRequests, onePerHost, type Workload } from '../core/workloads';

/** prometheus-operator's Prometheus and Alertmanager: `replicas` servers, plus the operator's config-reloader sidecar (10m/50Mi by default). */
function fromPrometheus(from: RenderedObject): Workload[] {
  const spec = asRecord(from.obj.spec);
  const affinity = asRecord(spec.affinity);
  return [{
    from,
    label: `${from.obj.kind} servers of ${from.obj.metadata.name}`,
    replicas: typeof spec.replicas === 'number' ? spec.replicas : 1,
    onePerNode: onePerHost(affinity),
    placement: { nodeSelector: spec.nodeSelector, nodeAffinity: affinity.nodeAffinity, tolerations: spec.tolerations },
    requests: addRequests(containerRequests(spec.resources), containerRequests({ requests: { cpu: '10m', memory: '50Mi' } })),
    ...className(spec.priorityClassName),
  }];
}

/** kube-prometheus (its CRDs, then the stack) and the platform's own scraping, alerts and dashboard. */
export const monitoring: Component = {
  name: 'monitoring',
  enabled: (site) => site.monitoring !== undefined,
  charts: (app, site) => {
    const resolved = resolveSite(site).monitoring;
    return site.monitoring && resolved
      ? [new KubePrometheusSetupChart(app, site), new KubePrometheusChart(app, site, resolved), new MonitoringChart(app, site, site.monitoring)]
      : [];
  },
  workloads: { 'monitoring.coreos.com/Prometheus': fromPrometheus, 'monitoring.coreos.com/Alertmanager': fromPrometheus },
  validate: (site) => validateMonitoring(site, providedStorageClasses(site)),
};
