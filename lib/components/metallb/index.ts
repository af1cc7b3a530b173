import { LoadBalancersChart, MetallbChart } from './metallb';
import { WAVES } from '../../constructs/argocd-sync';
import { validateClusterLoadBalancers, validateLoadBalancers } from '../../site/load-balancers';
import { resolveSite } from '../../site/resolve';
import type { Component } from '../component';

/** MetalLB (L2), then the site's address pool and the LoadBalancer Services it exposes. */
export const metallb: Component = {
  name: 'metallb',
  summary: "MetalLB (L2), the site's address pool and the LoadBalancer Services it exposes",
  enabledWhen: '`loadBalancers`',
  waves: { metallb: WAVES.operators, 'load-balancers': WAVES.storage },
  enabled: (site) => site.loadBalancers !== undefined,
  charts: (app, site) => {
    if (!site.loadBalancers) return [];
    const { catalog, upstream, operatorNamespace, minio } = resolveSite(site);
    return [
      new MetallbChart(app, 'metallb', { version: catalog.versions.metallb, manifest: upstream.metallb }),
      new LoadBalancersChart(app, 'load-balancers', {
        spec: site.loadBalancers,
        uis: {
          ...(site.postgres.operator?.ui ? { operatorUi: operatorNamespace } : {}),
          grafana: site.monitoring !== undefined,
          ...(minio ? { minio: { tenant: minio.tenant, namespace: minio.namespace } } : {}),
        },
      }),
    ];
  },
  validate: (site) => [
    ...site.postgres.clusters.flatMap((pg, i) => validateClusterLoadBalancers(site, pg, `postgres.clusters[${i}]`)),
    ...validateLoadBalancers(site),
  ],
};
