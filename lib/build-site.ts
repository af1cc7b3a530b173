import { App } from 'cdk8s';
import { ArgoCdChart } from './charts/argocd';
import { PostgresClustersChart } from './charts/postgres-clusters';
import { PostgresOperatorChart } from './charts/postgres-operator';
import type { AppChart } from './constructs/app-chart';
import type { Site } from './site/model';

/** Every chart (= ArgoCD Application = dist folder) of a site, ArgoCD's last since it lists the others. */
export function buildSite(site: Site): App {
  const app = new App({ recordConstructMetadata: false });
  const apps: AppChart[] = [
    new PostgresOperatorChart(app, site),
    new PostgresClustersChart(app, site),
  ];
  new ArgoCdChart(app, site, apps);
  return app;
}
