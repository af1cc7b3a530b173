import { parseQuantity } from '../../lib/core/quantity';
import type { Site, SiteNode } from '../../lib/site/model';

const Gi = 2 ** 30;

/**
 * The lab site (`lab`, sites/lab.ts) grown to `clusters` Postgres clusters (two instances each, default requests) on
 * 3 + clusters/10 Postgres nodes: a site with room to spare at every size, for `npm run bench`
 * and the scale tests. It is a valid site (test/bench-verdict.test.ts validates it): the Postgres nodes are on the
 * load balancers' network (widened to a /16 to hold them), and the storage nodes' disks grow with the volumes so that
 * Ceph's block pool stays under 80 % full.
 */
export function scaledSite(lab: Site, clusters: number): Site {
  const postgresNodes: SiteNode[] = Array.from({ length: 3 + Math.floor(clusters / 10) }, (_, i) => ({
    name: `bench-pg${i + 1}`,
    address: `10.20.${Math.floor(i / 250) + 1}.${(i % 250) + 1}`,
    roles: ['postgres'],
    cpu: 4,
    memory: '16Gi',
  }));
  const [, template] = lab.postgres.clusters;
  const instances = 2;
  const storage = lab.nodes.filter((n) => n.roles.includes('storage'));
  const disks = storage.reduce((n, s) => n + (s.disks?.length ?? 0), 0);
  const prometheus = lab.monitoring?.prometheus?.storage?.size ?? '0';
  const requested = clusters * instances * parseQuantity(template.volume.size) + parseQuantity(prometheus);
  // the pool's 3 copies at most 80 % of the raw disks, in whole GiB per disk
  const diskSize = `${Math.ceil((requested * 3) / 0.8 / disks / Gi)}Gi`;
  return {
    ...lab,
    name: 'bench',
    nodes: [
      ...lab.nodes
        .filter((n) => !n.roles.includes('postgres'))
        .map((n) =>
          n.roles.includes('storage') ? { ...n, disks: n.disks?.map((d) => ({ ...d, size: diskSize })) } : n,
        ),
      ...postgresNodes,
    ],
    ...(lab.loadBalancers && { loadBalancers: { ...lab.loadBalancers, network: '10.20.0.0/16' } }),
    postgres: {
      ...lab.postgres,
      clusters: Array.from({ length: clusters }, (_, i) => ({
        ...template,
        name: `acid-bench-${i}`,
        namespace: `team-${i % 10}`,
        numberOfInstances: instances,
      })),
    },
  };
}
