import { App } from 'cdk8s';
import { ArgoCdChart, type ExternalApp } from './charts/argocd';
import { certManagerApp } from './charts/cert-manager';
import { MinioChart } from './charts/minio';
import { minioOperatorApp } from './charts/minio-operator';
import { KubePrometheusSetupChart, kubePrometheusApp } from './charts/kube-prometheus';
import { MonitoringChart } from './charts/monitoring';
import { PostgresClustersChart } from './charts/postgres-clusters';
import { PostgresOperatorChart } from './charts/postgres-operator';
import { RookCephClusterChart } from './charts/rook-ceph-cluster';
import { RookCephOperatorChart } from './charts/rook-ceph-operator';
import type { AppChart } from './constructs/app-chart';
import { cephOf } from './site/ceph';
import type { Site } from './site/model';

/** Applications whose manifests come from a pinned upstream source rather than dist/. */
export function externalApps(site: Site): ExternalApp[] {
  return [
    ...(site.ceph && cephOf(site, site.ceph).certManager ? [certManagerApp()] : []),
    ...(site.minio ? [minioOperatorApp()] : []),
    ...(site.monitoring ? [kubePrometheusApp(site.monitoring)] : []),
  ];
}

/** Every chart (= ArgoCD Application = dist folder) of a site, ArgoCD's last since it lists the others. */
export function buildSite(site: Site): App {
  const app = new App({ recordConstructMetadata: false });
  const { ceph } = site;
  const apps: AppChart[] = [
    ...(ceph ? [new RookCephOperatorChart(app, site, ceph), new RookCephClusterChart(app, site, ceph)] : []),
    ...(site.minio ? [new MinioChart(app, site, site.minio)] : []),
    new PostgresOperatorChart(app, site),
    new PostgresClustersChart(app, site),
    ...(site.monitoring ? [new KubePrometheusSetupChart(app), new MonitoringChart(app, site, site.monitoring)] : []),
  ];
  new ArgoCdChart(app, site, apps, externalApps(site));
  return app;
}
