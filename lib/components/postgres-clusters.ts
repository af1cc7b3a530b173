import { PostgresClustersChart } from '../charts/postgres-clusters';
import type { Component } from './component';

/** The site's `postgresql` clusters (postgres.clusters), their namespaces and poolers. */
export const postgresClusters: Component = {
  name: 'postgres-clusters',
  enabled: () => true,
  charts: (app, site) => [new PostgresClustersChart(app, site)],
};
