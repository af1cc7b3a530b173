import { KubePrometheusChart, KubePrometheusSetupChart } from '../charts/kube-prometheus';
import { MonitoringChart } from '../charts/monitoring';
import type { Component } from './component';

/** kube-prometheus (its CRDs, then the stack) and the platform's own scraping, alerts and dashboard. */
export const monitoring: Component = {
  name: 'monitoring',
  enabled: (site) => site.monitoring !== undefined,
  charts: (app, site) => (site.monitoring
    ? [new KubePrometheusSetupChart(app, site), new KubePrometheusChart(app, site, site.monitoring), new MonitoringChart(app, site, site.monitoring)]
    : []),
};
