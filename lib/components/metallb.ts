import { LoadBalancersChart, MetallbChart } from '../charts/metallb';
import { validateClusterLoadBalancers, validateLoadBalancers } from '../site/load-balancers';
import type { Component } from './component';

/** MetalLB (L2), then the site's address pool and the LoadBalancer Services it exposes. */
export const metallb: Component = {
  name: 'metallb',
  enabled: (site) => site.loadBalancers !== undefined,
  charts: (app, site) => (site.loadBalancers ? [new MetallbChart(app, site), new LoadBalancersChart(app, site, site.loadBalancers)] : []),
  validate: (site) => [
    ...site.postgres.clusters.flatMap((pg, i) => validateClusterLoadBalancers(site, pg, `postgres.clusters[${i}]`)),
    ...validateLoadBalancers(site),
  ],
};
