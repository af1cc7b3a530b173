import { LoadBalancersChart, MetallbChart } from './metallb';
import { POOL_IMPACTS } from './impacts';
import { WAVES } from '../../constructs/argocd-sync';
import { exposedOf, validateClusterLoadBalancers, validateLoadBalancers } from '../../site/load-balancers';
import { resolveSite } from '../../site/resolve';
import type { Component } from '../component';

/** MetalLB (L2), then the site's address pool and the LoadBalancer Services it exposes. */
export const metallb: Component = {
  name: 'metallb',
  summary: "MetalLB (L2), the site's address pool and the LoadBalancer Services it exposes",
  enabledWhen: '`loadBalancers`',
  waves: { metallb: WAVES.operators, 'load-balancers': WAVES.storage },
  impacts: POOL_IMPACTS,
  enabled: (site) => site.loadBalancers !== undefined,
  charts: (app, site, { exposures }) => {
    if (!site.loadBalancers) return [];
    const { catalog, upstream } = resolveSite(site);
    // each exposed UI's Service as its component declares it (a UI the site does not run is refused by validation)
    const exposed = exposedOf(site.loadBalancers).flatMap((key) => {
      const service = exposures.find((e) => e.key === key)?.service(site);
      return service && !('missing' in service) ? [{ key, service }] : [];
    });
    return [
      new MetallbChart(app, 'metallb', { version: catalog.versions.metallb, manifest: upstream.metallb }),
      new LoadBalancersChart(app, 'load-balancers', { spec: site.loadBalancers, exposed }),
    ];
  },
  validate: (site) => [
    ...site.postgres.clusters.flatMap((pg, i) => validateClusterLoadBalancers(site, pg, `postgres.clusters[${i}]`)),
    ...validateLoadBalancers(site),
  ],
};
