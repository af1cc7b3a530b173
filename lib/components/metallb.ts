import { LoadBalancersChart, MetallbChart } from '../charts/metallb';
import type { Component } from './component';

/** MetalLB (L2), then the site's address pool and the LoadBalancer Services it exposes. */
export const metallb: Component = {
  name: 'metallb',
  enabled: (site) => site.loadBalancers !== undefined,
  charts: (app, site) => (site.loadBalancers ? [new MetallbChart(app, site), new LoadBalancersChart(app, site, site.loadBalancers)] : []),
};
