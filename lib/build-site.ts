import { App } from 'cdk8s';
import { ArgoCdChart } from './charts/argocd';
import { CertManagerChart } from './charts/cert-manager';
import { MinioChart } from './charts/minio';
import { MinioOperatorChart } from './charts/minio-operator';
import { KubePrometheusChart, KubePrometheusSetupChart } from './charts/kube-prometheus';
import { LoadBalancersChart, MetallbChart } from './charts/metallb';
import { MonitoringChart } from './charts/monitoring';
import { PostgresClustersChart } from './charts/postgres-clusters';
import { PostgresOperatorChart } from './charts/postgres-operator';
import { RookCephClusterChart } from './charts/rook-ceph-cluster';
import { RookCephOperatorChart } from './charts/rook-ceph-operator';
import type { AppChart } from './constructs/app-chart';
import { cephOf } from './site/ceph';
import type { Site } from './site/model';

/**
 * Every chart (= ArgoCD Application = dist folder) of a site, ArgoCD's last since it lists the
 * others. Upstream charts and manifests are rendered here too (from imports/), so dist/ holds
 * every object ArgoCD applies.
 */
export function buildSite(site: Site): App {
  const app = new App({ recordConstructMetadata: false });
  const { ceph, monitoring } = site;
  const apps: AppChart[] = [
    ...(ceph && cephOf(site, ceph).certManager ? [new CertManagerChart(app)] : []),
    ...(ceph ? [new RookCephOperatorChart(app, site, ceph), new RookCephClusterChart(app, site, ceph)] : []),
    ...(site.minio ? [new MinioOperatorChart(app), new MinioChart(app, site, site.minio)] : []),
    new PostgresOperatorChart(app, site),
    new PostgresClustersChart(app, site),
    ...(monitoring ? [new KubePrometheusSetupChart(app), new KubePrometheusChart(app, monitoring), new MonitoringChart(app, site, monitoring)] : []),
    ...(site.loadBalancers ? [new MetallbChart(app), new LoadBalancersChart(app, site, site.loadBalancers)] : []),
  ];
  new ArgoCdChart(app, site, apps);
  return app;
}
